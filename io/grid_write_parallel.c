/* Parallel HDF5 (MPI-IO, collective) writer for slab-distributed grid fields. */
#include "grid_write_parallel.h"
#include "atomic_file.h"
#include <hdf5.h>

/* a variable-length UTF-8 string attribute, as the serial writer (io/cxi.c) writes them */
static herr_t AttrString(hid_t obj, const char *name, const char *value)
{
  hid_t  t = H5Tcopy(H5T_C_S1), s1 = H5Screate(H5S_SCALAR), at;
  herr_t st;

  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  at = H5Acreate2(obj, name, t, s1, H5P_DEFAULT, H5P_DEFAULT);
  st = at < 0 ? -1 : H5Awrite(at, t, &value);
  if (at >= 0) H5Aclose(at);
  H5Sclose(s1), H5Tclose(t);
  return st;
}

/* The component order of tensor fields, the order XDMF's Tensor6 and Tensor declare (io/cxi.c, TkGridXdmfWrite) */
static const char *Components(PetscInt ncomp) { return ncomp == 6 ? "xx,xy,xz,yy,yz,zz" : ncomp == 9 ? "xx,xy,xz,yx,yy,yz,zx,zy,zz" : NULL; }

static PetscErrorCode WriteH5(MPI_Comm comm, const char *tmp, const TkGrid *g, PetscInt z0, PetscInt nzl, PetscInt nf, const TkGridField fs[])
{
  hid_t     fapl, file, dxpl, grp, sp, at;
  herr_t    st       = 0;
  long long dims3[3] = {(long long)g->nz, (long long)g->ny, (long long)g->nx};

  PetscFunctionBegin;
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create '%s'", tmp);
  dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  for (PetscInt i = 0; i < nf && st >= 0; i++) {
    const int rank     = fs[i].ncomp == 1 ? 3 : 4;
    hsize_t   dims[4]  = {(hsize_t)g->nz, (hsize_t)g->ny, (hsize_t)g->nx, (hsize_t)fs[i].ncomp};
    hsize_t   start[4] = {(hsize_t)z0, 0, 0, 0}, count[4] = {(hsize_t)nzl, (hsize_t)g->ny, (hsize_t)g->nx, (hsize_t)fs[i].ncomp};
    hid_t     fsp = H5Screate_simple(rank, dims, NULL), msp = H5Screate_simple(rank, count, NULL);
    hid_t     ds = H5Dcreate2(file, fs[i].name, H5T_IEEE_F64LE, fsp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL);
    if (!nzl) H5Sselect_none(fsp), H5Sselect_none(msp);
    st = H5Dwrite(ds, H5T_NATIVE_DOUBLE, msp, fsp, dxpl, fs[i].values);
    if (st >= 0 && fs[i].units) st = AttrString(ds, "units", fs[i].units);
    if (st >= 0 && Components(fs[i].ncomp)) st = AttrString(ds, "components", Components(fs[i].ncomp));
    H5Dclose(ds), H5Sclose(fsp), H5Sclose(msp);
  }
  H5Pclose(dxpl);
  grp = H5Gcreate2(file, "grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  {
    hsize_t three = 3;
    sp            = H5Screate_simple(1, &three, NULL);
    at            = H5Acreate2(grp, "spacing", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (st >= 0) st = H5Awrite(at, H5T_NATIVE_DOUBLE, g->spacing);
    H5Aclose(at);
    at = H5Acreate2(grp, "origin", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (st >= 0) st = H5Awrite(at, H5T_NATIVE_DOUBLE, g->origin);
    H5Aclose(at);
    at = H5Acreate2(grp, "dims", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (st >= 0) st = H5Awrite(at, H5T_NATIVE_LLONG, dims3);
    H5Aclose(at);
    H5Sclose(sp);
    /* the same /grid attributes as the serial writer (io/cxi.c, GridWriteH5) */
    if (st >= 0) st = AttrString(grp, "units", "m");
    if (st >= 0) st = AttrString(grp, "axes", "z:y:x");
  }
  H5Gclose(grp);
  if (H5Fclose(file) < 0) st = -1;
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", tmp);
  PetscFunctionReturn(0);
}

PetscErrorCode TkGridFieldsWriteParallel(MPI_Comm comm, const char path[], const TkGrid *g, PetscInt z0, PetscInt nzl, PetscInt nf, const TkGridField fs[])
{
  PetscMPIInt    rank;
  TkAtomicFile   fh5, fx;
  char           xdmf[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr;
  int            err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt i = 0; i < nf; i++) PetscCheck(fs[i].ncomp == 1 || fs[i].ncomp == 3 || fs[i].ncomp == 6 || fs[i].ncomp == 9, comm, PETSC_ERR_ARG_OUTOFRANGE, "field '%s': %" PetscInt_FMT " components", fs[i].name, fs[i].ncomp);
  PetscCall(TkGridFieldsXdmfPath(path, xdmf, sizeof(xdmf)));
  PetscCall(TkAtomicFileBegin(comm, path, &fh5));
  PetscCall(TkAtomicFileBegin(comm, xdmf, &fx));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = WriteH5(comm, fh5.tmp_path, g, z0, nzl, nf, fs);
  if (!ierr && rank == 0) ierr = TkGridXdmfWrite(fx.tmp_path, path, g, nf, fs);
  PetscCall(PetscPopErrorHandler());
  err = ierr ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, comm));
  if (err) {
    if (rank == 0) {
      PetscCall(TkAtomicFileAbort(&fh5));
      PetscCall(TkAtomicFileAbort(&fx));
    }
  }
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &fh5));
  PetscCall(TkAtomicFileCommit(comm, &fx));
  PetscFunctionReturn(0);
}
