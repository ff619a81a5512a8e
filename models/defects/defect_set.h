/* A superposition of defects (straight dislocations, loops, boundaries, grains, inclusions, uniform strain), read
   from named option groups: -defects d1,d2 then -d1_type edge -d1_b 0.5,-0.5,0 ... (a YAML deck writes them as
   nested maps: d1: {type: edge, b: [0.5, -0.5, 0]}). Vectors given in lattice units are turned into the lab frame
   by the crystal orientation of the Bragg frame, so fields line up with takagi bcdi. */
#pragma once
#include "bragg_frame.h"

typedef struct _p_TkDefectSet *TkDefectSet;

PETSC_EXTERN PetscErrorCode TkDefectSetCreate(MPI_Comm, TkDefectSet *);
PETSC_EXTERN PetscErrorCode TkDefectSetSetFromOptions(TkDefectSet);
/* The lab box (x, y, z; m) where the field will be evaluated, before SetUp: tilt and twist walls without
   -NAME_half_length_nm are made long enough to look infinite inside it (defect_set.c, WallHalfLength). */
PETSC_EXTERN PetscErrorCode TkDefectSetSetExtent(TkDefectSet, const PetscReal lo[3], const PetscReal hi[3]);
PETSC_EXTERN PetscErrorCode TkDefectSetSetUp(TkDefectSet, TkReflection, const TkBraggFrame *);
PETSC_EXTERN PetscErrorCode TkDefectSetCheckInside(TkDefectSet, const PetscReal lo[3], const PetscReal hi[3]); /* lab box (x, y, z), m */
PETSC_EXTERN void           TkDefectSetEvaluate(TkDefectSet, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]);
PETSC_EXTERN PetscInt       TkDefectSetGetCount(TkDefectSet, PetscInt *ndislocation_lines);
PETSC_EXTERN PetscErrorCode TkDefectSetView(TkDefectSet, PetscViewer);
PETSC_EXTERN PetscErrorCode TkDefectSetDestroy(TkDefectSet *);
