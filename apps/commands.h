/* Subcommands of the takagi driver. Each runs between PetscInitialize and PetscFinalize. */
#pragma once
#include <petscsys.h>

typedef struct {
  const char *name;
  const char *summary;
  PetscErrorCode (*run)(MPI_Comm);
} TkCommand;

PETSC_EXTERN PetscErrorCode TkCommandRocking(MPI_Comm);
PETSC_EXTERN PetscErrorCode TkCommandBCDI(MPI_Comm);
PETSC_EXTERN PetscErrorCode TkCommandStrain(MPI_Comm);
PETSC_EXTERN PetscErrorCode TkCommandPhase(MPI_Comm);
PETSC_EXTERN PetscErrorCode TkCommandDeform(MPI_Comm);
PETSC_EXTERN PetscErrorCode TkCommandReconstruct(MPI_Comm);
