/* Checkpoints of a reconstruction and the problem fingerprint that guards a restart (docs/reconstruct.md,
   "Checkpoints"). A checkpoint holds x = (psi, rho), the iteration count and the fingerprint: a text naming the
   geometry, data and objective options, with a hash of the data and the support. */
#include "reconstruct_impl.h"
#include "atomic_file.h"
#include <hdf5.h>

static unsigned long long Fnv(unsigned long long h, const void *p, size_t n)
{
  const unsigned char *c = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ULL;
  return h;
}

PetscErrorCode TkReconstructFingerprint(TkReconstruct r)
{
  char               part[512];
  unsigned long long h = 1469598103934665603ULL;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(r->fingerprint, sizeof(r->fingerprint), "takagi reconstruct 1; grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " step %.12g m", r->grid.nz, r->grid.ny, r->grid.nx, (double)r->grid.spacing[0]));
  for (PetscInt k = 0; k < r->nrefl; k++) {
    TkBCDI               b;
    TkTT3D               tt;
    const TkBraggFrame  *f;
    TkTT3DGrid           g;
    PetscInt             na, N1, N2;
    const PetscReal     *data;
    const unsigned char *mask;
    PetscReal            energy, dist, px;
    PetscCall(TkReflModelGetBCDI(r->refl[k], &b));
    PetscCall(TkBCDIGetSolver(b, &tt, &f));
    PetscCall(TkTT3DGetGrid(tt, &g));
    PetscCall(TkReflModelGetFrameShape(r->refl[k], &na, &N1, &N2));
    PetscCall(TkBCDIGetDetector(b, &energy, &dist, &px, NULL));
    PetscCall(TkReflModelGetFrames(r->refl[k], NULL, &data, &mask));
    if (r->rank == 0) h = Fnv(Fnv(h, data, sizeof(PetscReal) * na * N1 * N2), mask, (size_t)na * N1 * N2);
    PetscCall(PetscSNPrintf(part, sizeof(part),
                            "; reflection %" PetscInt_FMT ": h (%.9g %.9g %.9g)/m, %.9g keV, %" PetscInt_FMT " angles x %" PetscInt_FMT "x%" PetscInt_FMT " px of %.6g um at %.6g m, TT %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT, k,
                            (double)f->hlab[0], (double)f->hlab[1], (double)f->hlab[2], (double)energy, na, N1, N2, (double)(1e6 * px), (double)dist, g.Nm, g.Nn, g.Nt));
    PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
    {
      TkChi     chi;
      PetscInt  pol;
      PetscReal c0, rock[3];
      PetscCall(TkBCDIGetCoupling(b, &chi, &pol, &c0, rock));
      PetscCall(PetscSNPrintf(part, sizeof(part), ", chi0 %.9g%+.9gi chih %.9g%+.9gi, %s, chi0 x %.9g, rocking %.9g..%.9g mrad in %d", creal(chi.chi0), cimag(chi.chi0), creal(chi.chih), cimag(chi.chih), TkPolarizations[pol], (double)c0,
                              (double)rock[0], (double)rock[1], (int)rock[2]));
      PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
    }
  }
  h = Fnv(h, r->support, (size_t)r->nvox);
  PetscCallMPI(MPI_Bcast(&h, 1, MPI_UNSIGNED_LONG_LONG, 0, r->comm));
  PetscCall(PetscSNPrintf(part, sizeof(part), "; unknowns %s%s; tao %s in blocks of %" PetscInt_FMT, TkUnknownsTypes[r->unknowns], r->linear_phase ? " (linear phase map)" : "", r->tao_type, r->checkpoint_every));
  PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
  if (r->weighted_phase && !r->linear_phase) PetscCall(PetscStrlcat(r->fingerprint, "; density-weighted phase map", sizeof(r->fingerprint)));
  if (r->init_twin == TK_INIT_TWIN_AUTO) {
    PetscCall(PetscSNPrintf(part, sizeof(part), "; twin trial of %" PetscInt_FMT " iterations%s", r->twin_its, r->twinned ? ", the twin chosen" : ""));
    PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
  }
  if (r->edge_width > 0) {
    PetscCall(PetscSNPrintf(part, sizeof(part), "; density edge %.6g", (double)r->edge_width));
    PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
  }
  PetscCall(PetscSNPrintf(part, sizeof(part), "; misfit %s floor %.6g scale %.6g; tv %.6g %.6g eps %.6g; support %.6g dilate %" PetscInt_FMT "; data+support hash %016llx", TkMisfitTypes[r->misfit], (double)r->floor_rel, (double)r->fixed_scale,
                          (double)r->tv_phase, (double)r->tv_density, (double)r->tv_eps, (double)r->w_support, r->support_dilate, h));
  PetscCall(PetscStrlcat(r->fingerprint, part, sizeof(r->fingerprint)));
  PetscFunctionReturn(0);
}

/* The first clause ("; " or ", " separated) where two fingerprints differ, each cut to len - 1 characters */
static void FirstDifference(const char *a, const char *b, char *wa, char *wb, size_t len)
{
  size_t i = 0, start = 0;
  while (a[i] && a[i] == b[i]) {
    if (a[i] == ';' || a[i] == ',') start = i + 1;
    i++;
  }
  while (a[start] == ' ') start++;
  for (int k = 0; k < 2; k++) {
    const char *s = (k ? b : a) + start;
    char       *w = k ? wb : wa;
    size_t      n = strcspn(s, ";,");
    if (n > len - 1) n = len - 1;
    memcpy(w, s, n);
    w[n] = 0;
  }
}

static herr_t StrAttr(hid_t loc, const char *name, const char *s)
{
  hid_t  t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a;
  herr_t st;
  H5Tset_size(t, strlen(s) + 1);
  a  = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  st = a < 0 ? -1 : H5Awrite(a, t, s);
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
  return st;
}

PetscErrorCode TkReconstructCheckpointWrite(TkReconstruct r, PetscInt iteration)
{
  TkAtomicFile       af;
  const PetscScalar *xa;
  int                err = 0;

  PetscFunctionBegin;
  PetscCall(VecScatterBegin(r->toall, r->x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(r->toall, r->x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(TkAtomicFileBegin(r->comm, r->checkpoint, &af));
  if (r->rank == 0) {
    hsize_t   n  = (hsize_t)(r->nf * r->nvox);
    long long it = iteration;
    hid_t     file, sp, ds, a;
    PetscCall(VecGetArrayRead(r->xall, &xa));
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    file = H5Fcreate(af.tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
      err = 1;
    else {
      sp = H5Screate_simple(1, &n, NULL);
      ds = H5Dcreate2(file, "x", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, xa) < 0) err = 1;
      if (ds >= 0) H5Dclose(ds);
      H5Sclose(sp);
      sp = H5Screate(H5S_SCALAR);
      a  = H5Acreate2(file, "iteration", H5T_NATIVE_LLONG, sp, H5P_DEFAULT, H5P_DEFAULT);
      if (a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, &it) < 0) err = 1;
      if (a >= 0) H5Aclose(a);
      H5Sclose(sp);
      {
        const long long tw = r->twinned; /* the twin trial's choice, replayed by -restart */
        sp                 = H5Screate(H5S_SCALAR);
        a                  = H5Acreate2(file, "twin_start", H5T_NATIVE_LLONG, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, &tw) < 0) err = 1;
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
      }
      if (StrAttr(file, "fingerprint", r->fingerprint) < 0) err = 1;
      if (StrAttr(file, "layout",
                  r->unknowns == TK_UNKNOWNS_PHASE ? "x = (psi = h.u in rad, rho), each (nz, ny, nx) in C order, on the object grid of the fingerprint"
                                                   : "x = (u_x, u_y, u_z in nm, rho), each (nz, ny, nx) in C order, on the object grid of the fingerprint") < 0)
        err = 1;
      if (H5Fclose(file) < 0) err = 1;
    }
    PetscCall(VecRestoreArrayRead(r->xall, &xa));
    if (err) PetscCall(TkAtomicFileAbort(&af));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, r->comm));
  PetscCheck(!err, r->comm, PETSC_ERR_FILE_WRITE, "cannot write the checkpoint '%s'", r->checkpoint);
  PetscCall(TkAtomicFileCommit(r->comm, &af));
  PetscCall(PetscPrintf(r->comm, "reconstruct: checkpoint '%s' after %" PetscInt_FMT " iterations\n", r->checkpoint, iteration));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructCheckpointRead(TkReconstruct r, const char path[])
{
  char       msg[PETSC_MAX_PATH_LEN + 256] = "";
  PetscReal *buf;
  long long  it = 0;
  PetscInt   lo, hi;

  PetscFunctionBegin;
  {
    /* a checkpoint written after the twin trial chose the twin: the same start (x0, support, fingerprint) first */
    long long tw = 0;
    if (r->rank == 0) {
      hid_t file, a;
      H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
      file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
      if (file >= 0) {
        a = H5Aopen(file, "twin_start", H5P_DEFAULT);
        if (a >= 0) {
          if (H5Aread(a, H5T_NATIVE_LLONG, &tw) < 0) tw = 0;
          H5Aclose(a);
        }
        H5Fclose(file);
      }
    }
    PetscCallMPI(MPI_Bcast(&tw, 1, MPI_LONG_LONG, 0, r->comm));
    if (tw && r->init_twin == TK_INIT_TWIN_AUTO && !r->twinned) PetscCall(TkReconstructTwinStart(r));
  }
  PetscCall(PetscMalloc1(r->nf * r->nvox, &buf));
  if (r->rank == 0) {
    hid_t file, ds, a, t, sp;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
      PetscCall(PetscSNPrintf(msg, sizeof(msg), "-restart: cannot open '%s' as HDF5", path));
    else {
      char fp[sizeof(r->fingerprint)] = "";
      a                               = H5Aopen(file, "fingerprint", H5P_DEFAULT);
      if (a >= 0) {
        t = H5Aget_type(a);
        if (H5Tget_class(t) == H5T_STRING && H5Tget_size(t) <= sizeof(fp)) H5Aread(a, t, fp);
        H5Tclose(t);
        H5Aclose(a);
      }
      if (!fp[0])
        PetscCall(PetscSNPrintf(msg, sizeof(msg), "-restart: '%s' is not a takagi reconstruct checkpoint (no fingerprint)", path));
      else if (strcmp(fp, r->fingerprint)) {
        char was[160], now[160];
        FirstDifference(fp, r->fingerprint, was, now, sizeof(was));
        PetscCall(PetscSNPrintf(msg, sizeof(msg), "-restart: '%s' is a checkpoint of another problem (it has '%s', this run '%s'); restart with the options of the run that wrote it", path, was, now));
      } else {
        a = H5Aopen(file, "iteration", H5P_DEFAULT);
        if (a < 0 || H5Aread(a, H5T_NATIVE_LLONG, &it) < 0) PetscCall(PetscSNPrintf(msg, sizeof(msg), "-restart: '%s' has no iteration count", path));
        if (a >= 0) H5Aclose(a);
        ds = H5Dopen2(file, "x", H5P_DEFAULT);
        sp = ds >= 0 ? H5Dget_space(ds) : -1;
        if (!msg[0] && (ds < 0 || H5Sget_simple_extent_npoints(sp) != (hssize_t)(r->nf * r->nvox) || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
          PetscCall(PetscSNPrintf(msg, sizeof(msg), "-restart: cannot read x from '%s'", path));
        if (sp >= 0) H5Sclose(sp);
        if (ds >= 0) H5Dclose(ds);
      }
      H5Fclose(file);
    }
  }
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, r->comm));
  if (msg[0]) PetscCall(PetscFree(buf));
  PetscCheck(!msg[0], r->comm, PETSC_ERR_USER_INPUT, "%s", msg);
  PetscCallMPI(MPI_Bcast(&it, 1, MPI_LONG_LONG, 0, r->comm));
  PetscCallMPI(MPI_Bcast(buf, (PetscMPIInt)(r->nf * r->nvox), MPIU_REAL, 0, r->comm));
  PetscCall(VecGetOwnershipRange(r->x, &lo, &hi));
  {
    PetscScalar *xa;
    PetscCall(VecGetArray(r->x, &xa));
    for (PetscInt k = lo; k < hi; k++) xa[k - lo] = buf[k];
    PetscCall(VecRestoreArray(r->x, &xa));
  }
  PetscCall(PetscFree(buf));
  r->it_done = (PetscInt)it;
  PetscFunctionReturn(0);
}
