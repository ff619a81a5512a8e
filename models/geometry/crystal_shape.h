/* Shapes of finite crystals, defined in the crystal frame and centred at the lab origin. */
#pragma once
#include "bragg_frame.h"

typedef enum { TK_SHAPE_BOX, TK_SHAPE_SPHERE, TK_SHAPE_CYLINDER, TK_SHAPE_POLYHEDRON, TK_SHAPE_SLAB, TK_SHAPE_MASK } TkShapeType;
PETSC_EXTERN const char *const TkShapeTypes[];

typedef struct _p_TkShape *TkShape;

PETSC_EXTERN PetscErrorCode TkShapeCreate(MPI_Comm, TkShape *);
PETSC_EXTERN PetscErrorCode TkShapeSetFromOptions(TkShape);
PETSC_EXTERN PetscErrorCode TkShapeSetUp(TkShape, const TkBraggFrame *);
PETSC_EXTERN PetscErrorCode TkShapeSetSlab(TkShape, PetscReal thickness, PetscReal length, PetscReal width, PetscBool laue); /* plate with its normal along n (Bragg) or m (Laue) */
PETSC_EXTERN PetscBool      TkShapeInside(TkShape, const PetscReal r_lab[3]);
PETSC_EXTERN PetscReal      TkShapeBoundingRadius(TkShape);
PETSC_EXTERN PetscErrorCode TkShapeView(TkShape, PetscViewer);
PETSC_EXTERN PetscErrorCode TkShapeDestroy(TkShape *);
