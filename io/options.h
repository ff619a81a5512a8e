/* Helpers on PETSc's options database shared by all subcommands. */
#pragma once
#include <petscsys.h>

PETSC_EXTERN PetscErrorCode TkOptionsCheckUnused(MPI_Comm, const char command[]);
PETSC_EXTERN PetscErrorCode TkOptionsHelpRequested(PetscBool *);
PETSC_EXTERN PetscErrorCode TkOptionsGetAll(char **);
