/* One-line error messages for users; full tracebacks only for internal errors. */
#pragma once
#include <petscsys.h>

PETSC_EXTERN PetscErrorCode TkPushErrorHandler(const char command[]);
PETSC_EXTERN PetscBool      TkErrorIsUserError(PetscErrorCode);
