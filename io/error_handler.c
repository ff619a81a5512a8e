/* Error handler: input errors print "takagi <cmd>: error: <message>" once (rank 0); internal errors keep
   PETSc's traceback so they can be reported. */
#include "error_handler.h"

static char command_name[64] = "takagi";

PetscBool TkErrorIsUserError(PetscErrorCode n)
{
  return (PetscBool)(n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED ||
                     n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_BADPTR || n == PETSC_ERR_ARG_INCOMP || n == PETSC_ERR_ARG_SIZ ||
                     n == PETSC_ERR_ARG_UNKNOWN_TYPE || n == PETSC_ERR_ARG_WRONGSTATE);
}

static PetscErrorCode Handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscMPIInt rank = 0, flag = 0;

  if (!TkErrorIsUserError(n)) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Initialized(&flag);
  if (flag) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  /* collective input checks fail on every rank alike; say it once */
  if (rank == 0 || comm == PETSC_COMM_SELF) {
    fprintf(stderr, "%s: error: %s\n", command_name, mess ? mess : "(no message)");
    fflush(stderr);
  }
  return n;
}

PetscErrorCode TkPushErrorHandler(const char command[])
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(command_name, sizeof(command_name), "takagi %s", command));
  PetscCall(PetscPushErrorHandler(Handler, NULL));
  PetscFunctionReturn(0);
}
