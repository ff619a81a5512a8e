/* The user-error handler (io/error_handler.c) prints each error once per job, whichever ranks raise it. Without
   options this checks which codes count as user errors; with one of the options below it raises an error the way
   takagi's code does, and tests/CMakeLists.txt runs it under mpiexec through expect_error.sh, which counts the
   lines "takagi selftest: error: ..." on stderr (must be exactly one).
   usage: test_error_handler [-raise_on_rank r | -raise_collective | -kind <bogus enum value>] */
#include "error_handler.h"
#include "tk_test.h"

typedef enum { KIND_EDGE, KIND_SCREW } Kind;
static const char *const kind_names[] = {"edge", "screw", "Kind", "KIND_", NULL};

/* One rank finds a fault in its own data (PETSC_COMM_SELF); the ranks then agree on the error code and all return
   it, the others without a message of their own (as models/plate/plate_deformation.c does). */
static PetscErrorCode RaiseOnOneRank(PetscMPIInt who)
{
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;
  int            code;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == who) ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_USER_INPUT, PETSC_ERROR_INITIAL, "bad value in the data of rank %d only", who);
  code = (int)ierr;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn((PetscErrorCode)code);
}

static PetscErrorCode Run(void)
{
  PetscInt  who        = -1;
  PetscBool collective = PETSC_FALSE, set;
  Kind      kind       = KIND_EDGE;

  PetscFunctionBegin;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "error handler test", NULL);
  PetscCall(PetscOptionsInt("-raise_on_rank", "Rank that raises an error on its own data", NULL, who, &who, NULL));
  PetscCall(PetscOptionsBool("-raise_collective", "Raise a collective error on PETSC_COMM_WORLD", NULL, collective, &collective, NULL));
  PetscCall(PetscOptionsEnum("-kind", "A choice checked by PETSc's options parser on every rank", NULL, kind_names, (PetscEnum)kind, (PetscEnum *)&kind, &set));
  PetscOptionsEnd();
  if (who >= 0) PetscCall(RaiseOnOneRank((PetscMPIInt)who));
  PetscCheck(!collective, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "a collective check failed on every rank");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of the user-error handler"));
  TK_TEST_TRUE("input and file errors are user errors", TkErrorIsUserError(PETSC_ERR_USER_INPUT) && TkErrorIsUserError(PETSC_ERR_FILE_OPEN) && TkErrorIsUserError(PETSC_ERR_ARG_OUTOFRANGE), "io/error_handler.c");
  TK_TEST_TRUE("memory and library errors are internal (traceback kept)", !TkErrorIsUserError(PETSC_ERR_MEM) && !TkErrorIsUserError(PETSC_ERR_LIB) && !TkErrorIsUserError(PETSC_ERR_PLIB), "io/error_handler.c");
  PetscCall(TkPushErrorHandler("selftest"));
  ierr = Run();
  PetscCall(PetscFinalize());
  return ierr || tk_test_failed ? 1 : 0;
}
