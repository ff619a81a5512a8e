/* HDF5 writer for exit fields (rank 0; the fields are gathered there). */
#include "exit_fields.h"
#include "atomic_file.h"
#include <hdf5.h>

static herr_t AttrReal(hid_t loc, const char *name, hsize_t n, const PetscReal *v)
{
  hid_t  sp = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
  hid_t  at = H5Acreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = H5Awrite(at, H5T_NATIVE_DOUBLE, v);
  H5Aclose(at);
  H5Sclose(sp);
  return st;
}

static PetscErrorCode WriteFile(const char *tmp, const TkExitFields *e)
{
  const char *names[2] = {"exit_dynamical", "exit_kinematic"};
  hid_t       file;
  herr_t      st = 0;

  PetscFunctionBegin;
  file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create '%s'", tmp);
  for (int k = 0; k < 2 && st >= 0; k++) {
    if (!e->field[k]) continue;
    hsize_t dims[4] = {(hsize_t)e->nangles, (hsize_t)e->nt, (hsize_t)e->np, 2};
    hid_t   sp = H5Screate_simple(4, dims, NULL), ds = H5Dcreate2(file, names[k], H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    st = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, e->field[k]);
    H5Dclose(ds);
    H5Sclose(sp);
  }
  if (st >= 0) st = AttrReal(file, "dt_m", 1, &e->dt);
  if (st >= 0) st = AttrReal(file, "drho_m", 1, &e->drho);
  if (st >= 0) st = AttrReal(file, "rocking_angle_rad", (hsize_t)e->nangles, e->rocking_angle);
  if (H5Fclose(file) < 0) st = -1;
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed", tmp);
  PetscFunctionReturn(0);
}

PetscErrorCode TkExitFieldsWrite(MPI_Comm comm, const char path[], const TkExitFields *e)
{
  PetscMPIInt    rank;
  TkAtomicFile   f;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TkAtomicFileBegin(comm, path, &f));
  if (rank == 0) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = WriteFile(f.tmp_path, e);
    PetscCall(PetscPopErrorHandler());
    if (ierr) PetscCall(TkAtomicFileAbort(&f));
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &f));
  PetscFunctionReturn(0);
}
