/* Checkpoint files of takagi deform (HDF5 through MPI-IO, collective). Layout:
     attributes on /: magic "takagi deform checkpoint", version 1, fingerprint (uint64), step, load, dims (nz, ny, nx)
     /<field>  (nz, ny, nx, ncomp) float64 for each state field
     /<table>  (nrows, ncols) float64 for each table (ncols checked against the expected header) */
#include "deform_checkpoint.h"
#include "atomic_file.h"
#include <hdf5.h>
#include <string.h>

#define TK_CKPT_MAGIC "takagi deform checkpoint"
#define TK_CKPT_VERSION 1

static herr_t WriteAttr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *v)
{
  hid_t  sp = H5Screate(H5S_SCALAR), at = H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = H5Awrite(at, mtype, v);
  H5Aclose(at), H5Sclose(sp);
  return st;
}

static PetscErrorCode WriteH5(MPI_Comm comm, const char *tmp, const PetscInt N[3], PetscInt z0, PetscInt nzl, const TkCheckpointHeader *hd, PetscInt nf, const TkCheckpointField fs[], PetscInt nt, TkTable *const ts[])
{
  PetscMPIInt rank;
  herr_t      st = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create '%s'", tmp);
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  {
    hid_t       t       = H5Tcopy(H5T_C_S1);
    const char *m       = TK_CKPT_MAGIC;
    int         version = TK_CKPT_VERSION;
    long long   step = hd->step, dims[3] = {N[0], N[1], N[2]};
    hsize_t     three = 3;
    H5Tset_size(t, strlen(m) + 1);
    if (st >= 0) st = WriteAttr(file, "magic", t, t, m);
    H5Tclose(t);
    if (st >= 0) st = WriteAttr(file, "version", H5T_STD_I32LE, H5T_NATIVE_INT, &version);
    if (st >= 0) st = WriteAttr(file, "fingerprint", H5T_STD_U64LE, H5T_NATIVE_ULLONG, &hd->fingerprint);
    if (st >= 0) st = WriteAttr(file, "step", H5T_STD_I64LE, H5T_NATIVE_LLONG, &step);
    if (st >= 0) st = WriteAttr(file, "load", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &hd->load);
    hid_t sp = H5Screate_simple(1, &three, NULL), at = H5Acreate2(file, "dims", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (st >= 0) st = H5Awrite(at, H5T_NATIVE_LLONG, dims);
    H5Aclose(at), H5Sclose(sp);
  }
  for (PetscInt i = 0; i < nf && st >= 0; i++) {
    hsize_t dims[4]  = {(hsize_t)N[0], (hsize_t)N[1], (hsize_t)N[2], (hsize_t)fs[i].ncomp};
    hsize_t start[4] = {(hsize_t)z0, 0, 0, 0}, count[4] = {(hsize_t)nzl, (hsize_t)N[1], (hsize_t)N[2], (hsize_t)fs[i].ncomp};
    hid_t   fsp = H5Screate_simple(4, dims, NULL), msp = H5Screate_simple(4, count, NULL);
    hid_t   ds = H5Dcreate2(file, fs[i].name, H5T_IEEE_F64LE, fsp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL);
    if (!nzl) H5Sselect_none(fsp), H5Sselect_none(msp);
    st = H5Dwrite(ds, H5T_NATIVE_DOUBLE, msp, fsp, dxpl, fs[i].values);
    H5Dclose(ds), H5Sclose(fsp), H5Sclose(msp);
  }
  for (PetscInt i = 0; i < nt && st >= 0; i++) {
    const TkTable *t       = ts[i];
    hsize_t        dims[2] = {(hsize_t)t->nrows, (hsize_t)t->ncols};
    hid_t          fsp = H5Screate_simple(2, dims, NULL), msp = H5Screate_simple(2, dims, NULL);
    hid_t          ds = H5Dcreate2(file, t->name, H5T_IEEE_F64LE, fsp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (rank) H5Sselect_none(fsp), H5Sselect_none(msp); /* every rank holds the table; rank 0 writes it */
    if (t->nrows) st = H5Dwrite(ds, H5T_NATIVE_DOUBLE, msp, fsp, dxpl, t->values);
    H5Dclose(ds), H5Sclose(fsp), H5Sclose(msp);
  }
  H5Pclose(dxpl);
  if (H5Fclose(file) < 0) st = -1;
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", tmp);
  PetscFunctionReturn(0);
}

PetscErrorCode TkDeformCheckpointWrite(MPI_Comm comm, const char path[], const PetscInt N[3], PetscInt z0, PetscInt nzl, const TkCheckpointHeader *hd, PetscInt nf, const TkCheckpointField fs[], PetscInt nt, TkTable *const ts[])
{
  TkAtomicFile   f;
  PetscErrorCode ierr;
  PetscMPIInt    rank;
  int            err;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TkAtomicFileBegin(comm, path, &f));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = WriteH5(comm, f.tmp_path, N, z0, nzl, hd, nf, fs, nt, ts);
  PetscCall(PetscPopErrorHandler());
  err = ierr ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, comm));
  if (err && rank == 0) PetscCall(TkAtomicFileAbort(&f));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "could not write the checkpoint '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &f));
  PetscFunctionReturn(0);
}

/* Returns a message in msg (empty: success). Collective: every rank opens the file and reads its planes. */
static void ReadH5(MPI_Comm comm, const char *path, const PetscInt N[3], PetscInt z0, PetscInt nzl, unsigned long long fp, TkCheckpointHeader *hd, PetscInt nf, const TkCheckpointField fs[], PetscInt nt, TkTable *const ts[], char *msg, size_t len)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file, at, dxpl;
  msg[0]     = 0;
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (file < 0) {
    snprintf(msg, len, "cannot open the checkpoint '%s' as HDF5 (missing or damaged)", path);
    return;
  }
  char magic[64] = "";
  at             = H5Aexists(file, "magic") > 0 ? H5Aopen(file, "magic", H5P_DEFAULT) : -1;
  if (at >= 0) {
    hid_t t = H5Aget_type(at);
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0 || H5Tget_size(t) >= sizeof(magic) || H5Aread(at, t, magic) < 0) magic[0] = 0;
    H5Tclose(t), H5Aclose(at);
  }
  int                version = -1;
  unsigned long long ffp     = 0;
  long long          step = -1, dims[3] = {0, 0, 0};
  double             load = 0;
  if (strcmp(magic, TK_CKPT_MAGIC))
    snprintf(msg, len, "'%s' is not a takagi deform checkpoint", path);
  else {
    int ok = 1;
    if (ok && (at = H5Aopen(file, "version", H5P_DEFAULT)) >= 0) ok = H5Aread(at, H5T_NATIVE_INT, &version) >= 0, H5Aclose(at);
    if (ok && (at = H5Aopen(file, "fingerprint", H5P_DEFAULT)) >= 0)
      ok = H5Aread(at, H5T_NATIVE_ULLONG, &ffp) >= 0, H5Aclose(at);
    else
      ok = 0;
    if (ok && (at = H5Aopen(file, "step", H5P_DEFAULT)) >= 0)
      ok = H5Aread(at, H5T_NATIVE_LLONG, &step) >= 0, H5Aclose(at);
    else
      ok = 0;
    if (ok && (at = H5Aopen(file, "load", H5P_DEFAULT)) >= 0)
      ok = H5Aread(at, H5T_NATIVE_DOUBLE, &load) >= 0, H5Aclose(at);
    else
      ok = 0;
    if (ok && (at = H5Aopen(file, "dims", H5P_DEFAULT)) >= 0)
      ok = H5Aread(at, H5T_NATIVE_LLONG, dims) >= 0, H5Aclose(at);
    else
      ok = 0;
    if (!ok || version != TK_CKPT_VERSION)
      snprintf(msg, len, "the checkpoint '%s' is damaged or from another version of takagi", path);
    else if (dims[0] != N[0] || dims[1] != N[1] || dims[2] != N[2])
      snprintf(msg, len, "the checkpoint '%s' holds a %lld x %lld x %lld grid, this run %lld x %lld x %lld; restart with the options of the original run", path, dims[0], dims[1], dims[2], (long long)N[0], (long long)N[1], (long long)N[2]);
    else if (ffp != fp)
      snprintf(msg, len, "the checkpoint '%s' was written by a run with other microstructure, model or loading options; restart with the options of the original run", path);
    else if (step < 0 || !(load == load))
      snprintf(msg, len, "the checkpoint '%s' is damaged (step %lld, load %g)", path, step, load);
  }
  dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  for (PetscInt i = 0; i < nf && !msg[0]; i++) {
    hid_t   ds   = H5Lexists(file, fs[i].name, H5P_DEFAULT) > 0 ? H5Dopen2(file, fs[i].name, H5P_DEFAULT) : -1;
    hsize_t d[4] = {0, 0, 0, 0};
    if (ds < 0) {
      snprintf(msg, len, "the checkpoint '%s' is damaged: no dataset '/%s'", path, fs[i].name);
      break;
    }
    hid_t fsp = H5Dget_space(ds);
    if (H5Sget_simple_extent_ndims(fsp) != 4 || H5Sget_simple_extent_dims(fsp, d, NULL) < 0 || d[0] != (hsize_t)N[0] || d[1] != (hsize_t)N[1] || d[2] != (hsize_t)N[2] || d[3] != (hsize_t)fs[i].ncomp) {
      snprintf(msg, len, "the checkpoint '%s' is damaged: '/%s' has the wrong shape", path, fs[i].name);
    } else {
      hsize_t start[4] = {(hsize_t)z0, 0, 0, 0}, count[4] = {(hsize_t)nzl, (hsize_t)N[1], (hsize_t)N[2], (hsize_t)fs[i].ncomp};
      hid_t   msp = H5Screate_simple(4, count, NULL);
      H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL);
      if (!nzl) H5Sselect_none(fsp), H5Sselect_none(msp);
      if (H5Dread(ds, H5T_NATIVE_DOUBLE, msp, fsp, dxpl, fs[i].values) < 0) snprintf(msg, len, "the checkpoint '%s' is damaged: cannot read '/%s'", path, fs[i].name);
      H5Sclose(msp);
    }
    H5Sclose(fsp), H5Dclose(ds);
  }
  for (PetscInt i = 0; i < nt && !msg[0]; i++) {
    TkTable *t  = ts[i];
    hid_t    ds = H5Lexists(file, t->name, H5P_DEFAULT) > 0 ? H5Dopen2(file, t->name, H5P_DEFAULT) : -1;
    hsize_t  d[2];
    if (ds < 0) {
      snprintf(msg, len, "the checkpoint '%s' is damaged: no table '/%s'", path, t->name);
      break;
    }
    hid_t fsp = H5Dget_space(ds);
    if (H5Sget_simple_extent_ndims(fsp) != 2 || H5Sget_simple_extent_dims(fsp, d, NULL) < 0 || d[1] != (hsize_t)t->ncols)
      snprintf(msg, len, "the checkpoint '%s' is damaged: table '/%s' has the wrong shape", path, t->name);
    else {
      PetscReal *v = (PetscReal *)malloc(sizeof(PetscReal) * (d[0] * d[1] + 1));
      if (d[0] && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        snprintf(msg, len, "the checkpoint '%s' is damaged: cannot read '/%s'", path, t->name);
      else if (TkTableSetRows(t, (PetscInt)d[0], v))
        snprintf(msg, len, "out of memory reading '%s'", path);
      free(v);
    }
    H5Sclose(fsp), H5Dclose(ds);
  }
  H5Pclose(dxpl);
  H5Fclose(file);
  hd->fingerprint = ffp, hd->step = (PetscInt)step, hd->load = load;
}

PetscErrorCode TkDeformCheckpointRead(MPI_Comm comm, const char path[], const PetscInt N[3], PetscInt z0, PetscInt nzl, unsigned long long fp, TkCheckpointHeader *hd, PetscInt nf, const TkCheckpointField fs[], PetscInt nt, TkTable *const ts[])
{
  char        msg[600];
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ReadH5(comm, path, N, z0, nzl, fp, hd, nf, fs, nt, ts, msg, sizeof(msg));
  /* the first rank with a complaint speaks for all */
  struct {
    int has, rank;
  } mine    = {msg[0] != 0, rank}, first;
  mine.rank = msg[0] ? rank : size;
  PetscCallMPI(MPI_Allreduce(&mine.rank, &first.rank, 1, MPI_INT, MPI_MIN, comm));
  if (first.rank < size) {
    PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, first.rank, comm));
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "%s", msg);
  }
  PetscFunctionReturn(0);
}
