/* Error handler: input errors print "takagi <cmd>: error: <message>" exactly once per job; internal errors keep
   PETSc's traceback so they can be reported.

   Who prints a user error (decided on the raising rank alone, with no messages and no waiting):
   - rank 0 of MPI_COMM_WORLD prints every user error it raises;
   - an error raised on a communicator of several ranks is collective (PetscCheck(cond, comm, ...) fails on
     every member), so rank 0 raises it too and the other ranks stay silent;
   - an error raised on a one-rank communicator (PETSC_COMM_SELF) is printed by the non-zero rank that raised it:
     it may hold local data (a file only that rank read, its own slab of a grid), so only it knows. The exception
     is PETSc's options parser (PetscOptions*: an unknown -d1_type, "abc" for a number), which raises on
     PETSC_COMM_SELF but reads an options database that is identical on every rank: rank 0 raises the same
     error and speaks for all.
   Waiting for rank 0 instead would hang exactly when it matters: after an error on rank 1 only, rank 0 is
   blocked in its next collective and never answers. The message is written and flushed when the error is
   raised, before the ranks return to PetscFinalize (or an internal error reaches MPI_Abort and kills the job).
   So a check on replicated data must use the collective communicator, not PETSC_COMM_SELF, or it is printed
   once per rank; a check on one rank's data must be agreed on (broadcast the message and raise it on the
   collective communicator, as io/bcdi_data.c does) so that every rank returns and the job ends cleanly. */
#include "error_handler.h"
#include <string.h>

static char command_name[64] = "takagi";

PetscBool TkErrorIsUserError(PetscErrorCode n)
{
  return (PetscBool)(n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_ARG_WRONG ||
                     n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_BADPTR || n == PETSC_ERR_ARG_INCOMP || n == PETSC_ERR_ARG_SIZ || n == PETSC_ERR_ARG_UNKNOWN_TYPE || n == PETSC_ERR_ARG_WRONGSTATE);
}

/* PETSc's options parser: the same options on every rank, so the same failure on every rank */
static PetscBool RaisedByOptionsParser(const char *fun) { return (PetscBool)(fun && !strncmp(fun, "PetscOptions", 12)); }

static PetscBool ShouldPrint(MPI_Comm comm, const char *fun)
{
  PetscMPIInt initialized = 0, finalized = 0, world_rank = 0, comm_size = 1;

  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return PETSC_TRUE;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  if (world_rank == 0) return PETSC_TRUE;
  if (comm != MPI_COMM_NULL) MPI_Comm_size(comm, &comm_size);
  if (comm_size > 1) return PETSC_FALSE;
  return (PetscBool)!RaisedByOptionsParser(fun);
}

static PetscErrorCode Handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (!TkErrorIsUserError(n)) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p != PETSC_ERROR_INITIAL) return n;
  if (ShouldPrint(comm, fun)) {
    const char *m   = mess && mess[0] ? mess : "(no message)";
    int         len = (int)strlen(m);
    while (len > 0 && (m[len - 1] == ' ' || m[len - 1] == '\n')) len--; /* PETSc's lists end in a space */
    fprintf(stderr, "%s: error: %.*s\n", command_name, len, m);
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
