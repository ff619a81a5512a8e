/* Curve files: CSV with one header line, or HDF5 (/rocking/<x>, reflectivity, transmission; attributes on /).
   Rank 0 writes to a temporary name that is renamed once complete. */
#include "curve_output.h"
#include "atomic_file.h"
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

PetscErrorCode TkCurveWriteCSV(const char path[], const TkCurve *c)
{
  FILE *fp;

  PetscFunctionBegin;
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", path);
  fprintf(fp, "%s,reflectivity,transmission\n", c->xname);
  for (PetscInt i = 0; i < c->n; i++) fprintf(fp, "%.10g,%.12e,%.12e\n", (double)c->x[i], (double)c->reflectivity[i], (double)c->transmission[i]);
  PetscCheck(fclose(fp) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", path);
  PetscFunctionReturn(0);
}

static herr_t Attribute(hid_t loc, const TkAttribute *a)
{
  hid_t  space = H5Screate(H5S_SCALAR), type, attr;
  herr_t st;
  if (a->text) {
    type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, strlen(a->text) + 1);
    H5Tset_cset(type, H5T_CSET_UTF8);
    attr = H5Acreate2(loc, a->name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    st   = H5Awrite(attr, type, a->text);
    H5Tclose(type);
  } else {
    double v = (double)a->value;
    attr     = H5Acreate2(loc, a->name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
    st       = H5Awrite(attr, H5T_NATIVE_DOUBLE, &v);
  }
  H5Aclose(attr);
  H5Sclose(space);
  return st;
}

static herr_t Dataset(hid_t loc, const char *name, hsize_t n, const PetscReal *v, const char *units)
{
  hid_t       space = H5Screate_simple(1, &n, NULL);
  hid_t       ds    = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t      st    = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  TkAttribute u     = {"units", units, 0};
  if (st >= 0) st = Attribute(ds, &u);
  H5Dclose(ds);
  H5Sclose(space);
  return st;
}

PetscErrorCode TkCurveWriteHDF5(const char path[], const TkCurve *c)
{
  hid_t  file, grp;
  herr_t st = 0;

  PetscFunctionBegin;
  file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create HDF5 file '%s'", path);
  for (PetscInt i = 0; i < c->nattr && st >= 0; i++) st = Attribute(file, &c->attr[i]);
  grp = H5Gcreate2(file, "rocking", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (st >= 0) st = Dataset(grp, c->xname, (hsize_t)c->n, c->x, c->xname[0] == 'a' ? "urad" : "meV");
  if (st >= 0) st = Dataset(grp, "reflectivity", (hsize_t)c->n, c->reflectivity, "diffracted/incident photon flux");
  if (st >= 0) st = Dataset(grp, "transmission", (hsize_t)c->n, c->transmission, "transmitted/incident photon flux");
  H5Gclose(grp);
  if (H5Fclose(file) < 0) st = -1;
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing HDF5 file '%s' failed", path);
  PetscFunctionReturn(0);
}

/* The format follows the extension: .h5/.hdf5 gives HDF5, anything else CSV. */
PetscErrorCode TkCurveWrite(MPI_Comm comm, const char path[], const TkCurve *c)
{
  PetscMPIInt    rank;
  TkAtomicFile   f;
  PetscErrorCode ierr = 0;
  PetscBool      h5 = PETSC_FALSE, hdf5 = PETSC_FALSE;
  size_t         len;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscStrlen(path, &len));
  if (len > 3) PetscCall(PetscStrcasecmp(path + len - 3, ".h5", &h5));
  if (len > 5) PetscCall(PetscStrcasecmp(path + len - 5, ".hdf5", &hdf5));
  PetscCall(TkAtomicFileBegin(comm, path, &f));
  if (rank == 0) {
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = (h5 || hdf5) ? TkCurveWriteHDF5(f.tmp_path, c) : TkCurveWriteCSV(f.tmp_path, c);
    PetscCall(PetscPopErrorHandler());
    if (ierr) PetscCall(TkAtomicFileAbort(&f));
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &f));
  PetscFunctionReturn(0);
}
