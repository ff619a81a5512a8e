/* Temporary sibling names for outputs; rank 0 owns the file system side. */
#include "atomic_file.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

PetscErrorCode TkAtomicFileBegin(MPI_Comm comm, const char path[], TkAtomicFile *f)
{
  int pid = (int)getpid();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Bcast(&pid, 1, MPI_INT, 0, comm)); /* one temporary name on every rank */
  PetscCall(PetscStrncpy(f->final_path, path, sizeof(f->final_path)));
  PetscCall(PetscSNPrintf(f->tmp_path, sizeof(f->tmp_path), "%s.part-%d", path, pid));
  PetscFunctionReturn(0);
}

/* Fails early, before any computing, if the output cannot be created where the user asked. */
PetscErrorCode TkCheckWritable(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank;
  int         err = 0;
  char        probe[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    PetscCall(PetscSNPrintf(probe, sizeof(probe), "%s.part-%d", path, (int)getpid()));
    FILE *fp = fopen(probe, "w");
    if (!fp)
      err = errno;
    else {
      fclose(fp);
      unlink(probe);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "cannot write output '%s': %s; choose a writable path", path, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode TkAtomicFileCommit(MPI_Comm comm, TkAtomicFile *f)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && rename(f->tmp_path, f->final_path)) {
    err = errno;
    unlink(f->tmp_path);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "cannot move '%s' to '%s': %s", f->tmp_path, f->final_path, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode TkAtomicFileAbort(TkAtomicFile *f)
{
  PetscFunctionBegin;
  if (f->tmp_path[0]) unlink(f->tmp_path);
  PetscFunctionReturn(0);
}
