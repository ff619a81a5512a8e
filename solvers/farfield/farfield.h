/* Far-field propagation of exit fields to a pixel detector (Fraunhofer), by FFTs whose zero-padded lengths make
   the reciprocal sampling equal to the detector's pixels: drho = lambda L / (px N1pad), dt = lambda L / (px N2pad). */
#pragma once
#include <petscsys.h>
#include <complex.h>

typedef struct _p_TkFarField *TkFarField;

PETSC_EXTERN PetscErrorCode TkFarFieldCreate(MPI_Comm, PetscInt N1, PetscInt N2, PetscInt N1pad, PetscInt N2pad, TkFarField *);
/* Rows run against the in-plane axis e1 (down on the detector), columns against lab x (CXI default frame).
   Each rank passes its nlt slices of Np exit samples; the frame (N1 x N2, |A|^2 times scale) lands on rank 0. */
PETSC_EXTERN PetscErrorCode TkFarFieldFrame(TkFarField, PetscInt Np, PetscInt nlt, const double complex *exit, PetscReal drho, PetscReal dt, PetscReal scale, PetscReal *frame);
/* The complex amplitude A (N1 x N2, frame = scale |A|^2) on rank 0, and the adjoint map: from g_A = dJ/dRe A + i dJ/dIm A
   on rank 0 to g_exit on every rank's slices (the inverse layer, docs/reconstruct.md). */
PETSC_EXTERN PetscErrorCode TkFarFieldAmplitude(TkFarField, PetscInt Np, PetscInt nlt, const double complex *exit, PetscReal drho, PetscReal dt, double complex *amp);
PETSC_EXTERN PetscErrorCode TkFarFieldAmplitudeAdjoint(TkFarField, PetscInt Np, PetscInt nlt, const double complex *g_amp, PetscReal drho, PetscReal dt, double complex *g_exit);
PETSC_EXTERN PetscErrorCode TkFarFieldDestroy(TkFarField *);
