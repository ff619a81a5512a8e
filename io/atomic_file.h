/* Write-then-rename: a killed or failed run never leaves a half-written result under the final name. */
#pragma once
#include <petscsys.h>

typedef struct {
  char final_path[PETSC_MAX_PATH_LEN];
  char tmp_path[PETSC_MAX_PATH_LEN];
} TkAtomicFile;

PETSC_EXTERN PetscErrorCode TkAtomicFileBegin(MPI_Comm, const char path[], TkAtomicFile *);
PETSC_EXTERN PetscErrorCode TkAtomicFileCommit(MPI_Comm, TkAtomicFile *);
PETSC_EXTERN PetscErrorCode TkAtomicFileAbort(TkAtomicFile *);
PETSC_EXTERN PetscErrorCode TkCheckWritable(MPI_Comm, const char path[]);
