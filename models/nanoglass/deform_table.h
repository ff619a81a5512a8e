/* Numeric tables that grow row by row during a deformation run (stress-strain curve, band statistics, the
   intermediate scattering function); kept on every rank, written as CSV by rank 0 (write-then-rename) and saved
   in checkpoints. */
#pragma once
#include <petscsys.h>

typedef struct {
  char       name[32];    /* dataset name in checkpoints */
  char       header[512]; /* CSV header, comma separated */
  PetscInt   ncols, nrows, cap;
  PetscReal *values; /* nrows x ncols, row major */
} TkTable;

PETSC_EXTERN PetscErrorCode TkTableInit(TkTable *, const char name[], const char header[]);
PETSC_EXTERN PetscErrorCode TkTableAppend(TkTable *, const PetscReal row[]);
PETSC_EXTERN PetscErrorCode TkTableSetRows(TkTable *, PetscInt nrows, const PetscReal values[]);
PETSC_EXTERN PetscErrorCode TkTableWriteCSV(MPI_Comm, const TkTable *, const char path[]);
PETSC_EXTERN PetscErrorCode TkTableDestroy(TkTable *);
