/* Runs the Python/matplotlib plotting helpers that ship with takagi (scripts/python). */
#pragma once
#include <petscsys.h>

PETSC_EXTERN PetscErrorCode TkPlotRun(MPI_Comm, const char script[], int argc, const char *const argv[]);
