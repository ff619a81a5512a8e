/* Rocking curves of plates: angle or energy scans of the depth-profile TT solver, points spread over ranks. */
#pragma once
#include "depth_tt.h"

typedef enum { TK_SCAN_ANGLE, TK_SCAN_ENERGY } TkScanType;

typedef struct _p_TkRocking *TkRocking;

PETSC_EXTERN PetscErrorCode TkRockingCreate(MPI_Comm, TkRocking *);
PETSC_EXTERN PetscErrorCode TkRockingSetFromOptions(TkRocking);
PETSC_EXTERN PetscErrorCode TkRockingSetUp(TkRocking);
PETSC_EXTERN PetscErrorCode TkRockingSolve(TkRocking);
PETSC_EXTERN PetscErrorCode TkRockingWrite(TkRocking);
PETSC_EXTERN PetscErrorCode TkRockingView(TkRocking, PetscViewer);
PETSC_EXTERN PetscErrorCode TkRockingGetCurve(TkRocking, TkScanType *, PetscInt *, const PetscReal **x, const PetscReal **R, const PetscReal **T);
PETSC_EXTERN PetscErrorCode TkRockingGetSolver(TkRocking, TkDepthTT *, TkReflection *, TkPlateDeformation *);
PETSC_EXTERN PetscErrorCode TkRockingDestroy(TkRocking *);
