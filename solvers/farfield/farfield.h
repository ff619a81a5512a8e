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
PETSC_EXTERN PetscErrorCode TkFarFieldDestroy(TkFarField *);
