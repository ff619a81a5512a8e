/* Plot helpers run as a child process on rank 0 (no shell, so no quoting problems). The helper directory
   is TAKAGI_PYTHON_DIR in the environment, else the source tree's scripts/python; the interpreter
   is TAKAGI_PYTHON, else python3. */
#include "plot.h"
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

PetscErrorCode TkPlotRun(MPI_Comm comm, const char script[], int argc, const char *const argv[])
{
  PetscMPIInt rank;
  int         status = 0, rc = 0;
  char        path[PETSC_MAX_PATH_LEN];
  const char *dir = getenv("TAKAGI_PYTHON_DIR");

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    const char *args[32];
    pid_t       pid;
    PetscCheck(argc < 28, PETSC_COMM_SELF, PETSC_ERR_SUP, "too many plot arguments");
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir ? dir : TAKAGI_PYTHON_DIR, script));
    const char *py = getenv("TAKAGI_PYTHON"); /* an interpreter with matplotlib, if python3 on PATH lacks it */
    args[0]        = py ? py : "python3";
    args[1]        = path;
    for (int i = 0; i < argc; i++) args[2 + i] = argv[i];
    args[2 + argc] = NULL;
    rc             = posix_spawnp(&pid, args[0], NULL, NULL, (char *const *)args, environ);
    if (!rc && waitpid(pid, &status, 0) < 0) rc = -1;
    if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) rc = -2;
  }
  PetscCallMPI(MPI_Bcast(&rc, 1, MPI_INT, 0, comm));
  PetscCheck(rc != -2, comm, PETSC_ERR_FILE_WRITE, "plotting with %s failed (see the message above); the data file was written. Plots need python3-matplotlib", script);
  PetscCheck(!rc, comm, PETSC_ERR_FILE_OPEN, "cannot run python3 for plotting; install python3-matplotlib (the data file was written)");
  PetscFunctionReturn(0);
}
