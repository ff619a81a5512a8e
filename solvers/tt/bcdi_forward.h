/* The BCDI forward model: a finite strained crystal rocked through its Bragg reflection, each angle solved by the
   3D TT march (or kinematically) and propagated to a pixel detector; the frames stack to the 3D intensity. */
#pragma once
#include "tt3d.h"
#include "farfield.h"

typedef enum {
  TK_BCDI_DYNAMICAL,
  TK_BCDI_KINEMATIC,
  TK_BCDI_BOTH
} TkBCDIMode;
PETSC_EXTERN const char *const TkBCDIModes[];

typedef struct _p_TkBCDI *TkBCDI;

PETSC_EXTERN PetscErrorCode TkBCDICreate(MPI_Comm, TkBCDI *);
PETSC_EXTERN PetscErrorCode TkBCDISetFromOptions(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDISetUp(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDISolve(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDIWrite(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDIView(TkBCDI, PetscViewer);
/* frames (nangles x N1 x N2) on rank 0 for the dynamical or kinematic model; NULL elsewhere or if not computed */
PETSC_EXTERN PetscErrorCode TkBCDIGetFrames(TkBCDI, PetscBool kinematic, PetscInt *nangles, PetscInt *N1, PetscInt *N2, const PetscReal **frames, const PetscReal **angles);
PETSC_EXTERN PetscErrorCode TkBCDIGetSolver(TkBCDI, TkTT3D *, const TkBraggFrame **);
PETSC_EXTERN PetscErrorCode TkBCDIDestroy(TkBCDI *);
