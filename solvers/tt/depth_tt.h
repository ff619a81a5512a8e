/* Depth-profile (1D) Takagi-Taupin solver for laterally infinite plates, Bragg and Laue. */
#pragma once
#include "two_beam.h"
#include "plate_deformation.h"
#include "propagator2.h"

typedef struct _p_TkDepthTT *TkDepthTT;

typedef struct {
  PetscReal reflectivity; /* diffracted / incident photon flux */
  PetscReal transmission; /* forward beam through the plate / incident photon flux */
  PetscInt  steps;        /* depth steps taken */
} TkDepthTTResult;

PETSC_EXTERN PetscErrorCode TkDepthTTCreate(MPI_Comm, TkDepthTT *);
PETSC_EXTERN PetscErrorCode TkDepthTTSetReflection(TkDepthTT, TkReflection);
PETSC_EXTERN PetscErrorCode TkDepthTTSetDeformation(TkDepthTT, TkPlateDeformation);
PETSC_EXTERN PetscErrorCode TkDepthTTSetThickness(TkDepthTT, PetscReal);
PETSC_EXTERN PetscErrorCode TkDepthTTSetAsymmetry(TkDepthTT, PetscReal);
PETSC_EXTERN PetscErrorCode TkDepthTTSetPolarization(TkDepthTT, TkPolarization);
PETSC_EXTERN PetscErrorCode TkDepthTTSetStepFactor(TkDepthTT, PetscReal);
PETSC_EXTERN PetscErrorCode TkDepthTTSetMaxStep(TkDepthTT, PetscReal);
PETSC_EXTERN PetscErrorCode TkDepthTTSetFromOptions(TkDepthTT);
PETSC_EXTERN PetscErrorCode TkDepthTTSetUp(TkDepthTT);
PETSC_EXTERN PetscErrorCode TkDepthTTGetTwoBeam(TkDepthTT, PetscReal energy_keV, PetscReal theta, TkTwoBeam *);
PETSC_EXTERN PetscErrorCode TkDepthTTGetDeviationRange(TkDepthTT, const TkTwoBeam *, PetscReal *, PetscReal *);
PETSC_EXTERN PetscErrorCode TkDepthTTSolve(TkDepthTT, const TkTwoBeam *, TkDepthTTResult *);
PETSC_EXTERN PetscErrorCode TkDepthTTGetThickness(TkDepthTT, PetscReal *);
PETSC_EXTERN PetscErrorCode TkDepthTTGetAsymmetry(TkDepthTT, PetscReal *);
PETSC_EXTERN PetscErrorCode TkDepthTTGetPolarization(TkDepthTT, TkPolarization *);
PETSC_EXTERN PetscErrorCode TkDepthTTView(TkDepthTT, PetscViewer);
PETSC_EXTERN PetscErrorCode TkDepthTTDestroy(TkDepthTT *);
