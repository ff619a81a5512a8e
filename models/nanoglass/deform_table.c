/* Row tables for takagi deform. */
#include "deform_table.h"
#include "atomic_file.h"
#include <stdio.h>

PetscErrorCode TkTableInit(TkTable *t, const char name[], const char header[])
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  PetscCall(PetscStrncpy(t->name, name, sizeof(t->name)));
  PetscCall(PetscStrncpy(t->header, header, sizeof(t->header)));
  t->ncols = 1;
  for (const char *c = header; *c; c++) t->ncols += *c == ',';
  PetscFunctionReturn(0);
}

PetscErrorCode TkTableAppend(TkTable *t, const PetscReal row[])
{
  PetscFunctionBegin;
  if (t->nrows == t->cap) {
    PetscReal *more;
    t->cap = 2 * t->cap + 64;
    PetscCall(PetscMalloc1((size_t)t->cap * t->ncols, &more));
    if (t->nrows) PetscCall(PetscArraycpy(more, t->values, (size_t)t->nrows * t->ncols));
    PetscCall(PetscFree(t->values));
    t->values = more;
  }
  PetscCall(PetscArraycpy(&t->values[(size_t)t->nrows * t->ncols], row, t->ncols));
  t->nrows++;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTableSetRows(TkTable *t, PetscInt nrows, const PetscReal values[])
{
  PetscFunctionBegin;
  t->nrows = 0;
  for (PetscInt i = 0; i < nrows; i++) PetscCall(TkTableAppend(t, &values[(size_t)i * t->ncols]));
  PetscFunctionReturn(0);
}

PetscErrorCode TkTableWriteCSV(MPI_Comm comm, const TkTable *t, const char path[])
{
  PetscMPIInt  rank;
  TkAtomicFile f;
  int          err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TkAtomicFileBegin(comm, path, &f));
  if (rank == 0) {
    FILE *fp = fopen(f.tmp_path, "w");
    if (!fp)
      err = 1;
    else {
      fprintf(fp, "%s\n", t->header);
      for (PetscInt i = 0; i < t->nrows; i++)
        for (PetscInt j = 0; j < t->ncols; j++) fprintf(fp, "%.12g%s", (double)t->values[(size_t)i * t->ncols + j], j + 1 < t->ncols ? "," : "\n");
      err = ferror(fp) | fclose(fp);
    }
    if (err) PetscCall(TkAtomicFileAbort(&f));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &f));
  PetscFunctionReturn(0);
}

PetscErrorCode TkTableDestroy(TkTable *t)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(t->values));
  t->nrows = t->cap = 0;
  PetscFunctionReturn(0);
}
