/* Small numeric CSV tables with one header line (strain profiles, point lists). */
#pragma once
#include <petscsys.h>

typedef struct {
  PetscInt   ncols, nrows;
  PetscReal *values; /* nrows x ncols, row major */
} TkCsvTable;

PETSC_EXTERN PetscErrorCode TkCsvTableRead(MPI_Comm, const char path[], PetscInt ncols, const char *const names[], TkCsvTable *);
PETSC_EXTERN PetscErrorCode TkCsvTableDestroy(TkCsvTable *);
