/* Grid-format reader: one clear line for a missing file, dataset or attribute, a wrong shape, or a NaN; and the
   interpolation of the fields it reads (values, and phases known modulo 2 pi). */
#include "grid_read.h"
#include <hdf5.h>
#include <math.h>

static PetscErrorCode ReadOnRoot(const char *path, const char *name, PetscInt ncomp, TkGrid *g, PetscReal **values, char *msg, size_t len)
{
  hid_t   file = -1, ds = -1, sp = -1, grp = -1, at = -1;
  hsize_t dims[4];
  int     nd;

  PetscFunctionBegin;
  msg[0] = 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    PetscCall(PetscSNPrintf(msg, len, "cannot open '%s' as HDF5", path));
    PetscFunctionReturn(0);
  }
  ds = H5Dopen2(file, name, H5P_DEFAULT);
  if (ds < 0) {
    PetscCall(PetscSNPrintf(msg, len, "'%s' has no dataset '/%s'; expected the grid format of takagi strain (%s as (nz, ny, nx%s) with /grid spacing and origin)", path, name, name, ncomp > 1 ? ", 3" : ""));
    H5Fclose(file);
    PetscFunctionReturn(0);
  }
  sp = H5Dget_space(ds);
  nd = H5Sget_simple_extent_ndims(sp);
  if (nd < 3 || nd > 4)
    nd = -1;
  else
    H5Sget_simple_extent_dims(sp, dims, NULL);
  if (nd < 0 || (ncomp == 1 && nd != 3) || (ncomp > 1 && (nd != 4 || (PetscInt)dims[3] != ncomp))) {
    PetscCall(PetscSNPrintf(msg, len, "'%s': dataset '/%s' must have shape (nz, ny, nx%s)", path, name, ncomp > 1 ? ", 3" : ""));
  } else {
    g->nz = (PetscInt)dims[0], g->ny = (PetscInt)dims[1], g->nx = (PetscInt)dims[2];
    grp = H5Gopen2(file, "grid", H5P_DEFAULT);
    if (grp < 0)
      PetscCall(PetscSNPrintf(msg, len, "'%s' has no /grid group with spacing and origin", path));
    else {
      herr_t st = -1;
      at        = H5Aopen(grp, "spacing", H5P_DEFAULT);
      if (at >= 0) st = H5Aread(at, H5T_NATIVE_DOUBLE, g->spacing), H5Aclose(at);
      at = st >= 0 ? H5Aopen(grp, "origin", H5P_DEFAULT) : -1;
      if (at >= 0)
        st = H5Aread(at, H5T_NATIVE_DOUBLE, g->origin), H5Aclose(at);
      else
        st = -1;
      if (st < 0)
        PetscCall(PetscSNPrintf(msg, len, "'%s': /grid needs attributes spacing (3) and origin (3), in m", path));
      else if (!(g->spacing[0] > 0 && g->spacing[1] > 0 && g->spacing[2] > 0))
        PetscCall(PetscSNPrintf(msg, len, "'%s': /grid spacing must be positive", path));
      H5Gclose(grp);
    }
    if (!msg[0]) {
      const size_t n = (size_t)g->nz * g->ny * g->nx * ncomp;
      PetscCall(PetscMalloc1(n, values));
      if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values) < 0) PetscCall(PetscSNPrintf(msg, len, "'%s': cannot read '/%s'", path, name));
      for (size_t q = 0; q < n && !msg[0]; q++)
        if (!isfinite((*values)[q])) PetscCall(PetscSNPrintf(msg, len, "'%s': '/%s' holds a non-finite value at element %zu; fix the field", path, name, q));
      if (msg[0]) PetscCall(PetscFree(*values));
    }
  }
  H5Sclose(sp);
  H5Dclose(ds);
  H5Fclose(file);
  PetscFunctionReturn(0);
}

PetscErrorCode TkGridFieldRead(MPI_Comm comm, const char path[], const char name[], PetscInt ncomp, TkGrid *g, PetscReal **values)
{
  PetscMPIInt rank;
  char        msg[512] = "";

  PetscFunctionBegin;
  *values = NULL;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) PetscCall(ReadOnRoot(path, name, ncomp, g, values, msg, sizeof(msg)));
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PETSC_ERR_FILE_UNEXPECTED, "%s", msg);
  PetscCallMPI(MPI_Bcast(g, sizeof(*g), MPI_BYTE, 0, comm));
  const size_t n = (size_t)g->nz * g->ny * g->nx * ncomp;
  if (rank) PetscCall(PetscMalloc1(n, values));
  PetscCallMPI(MPI_Bcast(*values, (PetscMPIInt)n, MPIU_REAL, 0, comm));
  PetscFunctionReturn(0);
}

/* The 8 nodes around lab point r (x, y, z order) and their trilinear weights; false outside the grid. An axis one
   node thick takes that node with weight 1 (the point must lie on its plane). */
static PetscBool GridCell(const TkGrid *g, const PetscReal r[3], size_t node[8], PetscReal w[8])
{
  const PetscInt  n[3] = {g->nz, g->ny, g->nx};
  const PetscReal f[3] = {(r[2] - g->origin[0]) / g->spacing[0], (r[1] - g->origin[1]) / g->spacing[1], (r[0] - g->origin[2]) / g->spacing[2]};
  PetscInt        i[3], step[3];
  PetscReal       t[3];

  for (int a = 0; a < 3; a++) {
    if (!(f[a] >= 0 && f[a] <= n[a] - 1)) return PETSC_FALSE;
    i[a]    = PetscMin((PetscInt)f[a], PetscMax(n[a] - 2, 0));
    t[a]    = f[a] - i[a];
    step[a] = n[a] > 1;
  }
  for (int c = 0; c < 8; c++) {
    const int a = c >> 2 & 1, b = c >> 1 & 1, d = c & 1;
    node[c] = ((size_t)(i[0] + a * step[0]) * g->ny + i[1] + b * step[1]) * g->nx + i[2] + d * step[2];
    w[c]    = (a ? t[0] : 1 - t[0]) * (b ? t[1] : 1 - t[1]) * (d ? t[2] : 1 - t[2]);
  }
  return PETSC_TRUE;
}

PetscReal TkGridInterpolate(const TkGrid *g, PetscInt ncomp, const PetscReal *v, PetscInt c, const PetscReal r[3])
{
  size_t    node[8];
  PetscReal w[8], s = 0;

  if (!GridCell(g, r, node, w)) return 0;
  for (int k = 0; k < 8; k++) s += w[k] * v[node[k] * ncomp + c];
  return s;
}

/* A phase is known modulo 2 pi: each node's value is taken within pi of the cell's first node before the trilinear
   weights apply. Across a dislocation's cut, where h.u jumps by 2 pi n between neighbouring nodes, this
   interpolates the smooth e^{i h.u} (second order in the spacing) instead of smearing the jump over a cell (first
   order); elsewhere it is plain trilinear interpolation. */
PetscReal TkGridInterpolatePhase(const TkGrid *g, const PetscReal *phase, const PetscReal r[3])
{
  size_t    node[8];
  PetscReal w[8], s = 0, ref;

  if (!GridCell(g, r, node, w)) return 0;
  ref = phase[node[0]];
  for (int k = 0; k < 8; k++) {
    const PetscReal d = phase[node[k]] - ref;
    s += w[k] * (d - 2 * PETSC_PI * round(d / (2 * PETSC_PI)));
  }
  return ref + s;
}
