/* Exit fields of the 3D TT march (Dh on the plane perpendicular to sh, per rocking angle) to HDF5. */
#pragma once
#include <petscsys.h>
#include <complex.h>

typedef struct {
  PetscInt              nangles, nt, np; /* samples: slices along lab x (t) and along e1 (rho) */
  PetscReal             dt, drho;        /* m */
  const PetscReal      *rocking_angle;   /* rad */
  const double complex *field[2];        /* dynamical, kinematic (NULL if not computed): nangles x nt x np */
} TkExitFields;

/* Rank 0 writes /exit_dynamical and /exit_kinematic as (nangles, nt, np, 2) float64 (re, im), with the sampling as
   attributes; temporary name, renamed when complete. */
PETSC_EXTERN PetscErrorCode TkExitFieldsWrite(MPI_Comm, const char path[], const TkExitFields *);
