/* Scan curves (x, reflectivity, transmission) to CSV or HDF5, with the run's parameters as attributes. */
#pragma once
#include <petscsys.h>

typedef struct {
  const char *name;
  const char *text;  /* string attribute when non-NULL */
  PetscReal   value; /* numeric attribute otherwise */
} TkAttribute;

typedef struct {
  const char        *xname; /* e.g. angle_urad */
  PetscInt           n;
  const PetscReal   *x, *reflectivity, *transmission;
  PetscInt           nattr;
  const TkAttribute *attr;
} TkCurve;

PETSC_EXTERN PetscErrorCode TkCurveWrite(MPI_Comm, const char path[], const TkCurve *);
PETSC_EXTERN PetscErrorCode TkCurveWriteCSV(const char path[], const TkCurve *);
PETSC_EXTERN PetscErrorCode TkCurveWriteHDF5(const char path[], const TkCurve *);
