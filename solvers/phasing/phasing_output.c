/* The best object after phase retrieval: centring modulation taken off, global phase (and optionally the linear
   ramp) removed, h.u = -arg(psi) inside the support; written as CXI (PyNX's result layout: rank 0 writes the metadata,
   then every rank writes its planes collectively with MPI-IO) and as an HDF5 grid file with an XDMF sidecar (the
   collective writer of io/grid_write_parallel.c). docs/phase.md gives the layouts and the sign convention. */
#include "phasing_impl.h"
#include "atomic_file.h"
#include "grid_write_parallel.h"
#include "options.h"
#include "plot.h"
#include <hdf5.h>
#include <time.h>

#define TkH5Call(call) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: %s failed", #call)

/* Plane z0 + ln0 (the one after this rank's last) from its owner, into buf (N1*N2 complex); *have says whether
   there is one. Every rank with planes sends its first plane to the owner of the plane before it. */
static PetscErrorCode NextPlane(TkPhasing p, const double complex *psi, double complex *buf, PetscBool *have)
{
  MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  const int   n      = (int)(2 * p->plane);
  PetscMPIInt from = -1, to = -1;

  PetscFunctionBegin;
  *have = PETSC_FALSE;
  for (PetscMPIInt r = 0; r < p->size; r++) {
    if (!p->all_ln0[r]) continue;
    if (p->ln0 && p->z0 + p->ln0 < p->N[0] && p->all_z0[r] == p->z0 + p->ln0) from = r;
    if (p->ln0 && p->z0 > 0 && p->all_z0[r] + p->all_ln0[r] == p->z0) to = r;
  }
  if (from >= 0) PetscCallMPI(MPI_Irecv((double *)buf, n, MPI_DOUBLE, from, 77, p->comm, &req[0]));
  if (to >= 0) PetscCallMPI(MPI_Isend((const double *)psi, n, MPI_DOUBLE, to, 77, p->comm, &req[1]));
  PetscCallMPI(MPI_Waitall(2, req, MPI_STATUSES_IGNORE));
  *have = (PetscBool)(from >= 0);
  PetscFunctionReturn(0);
}

/* multiply psi by conj(m)/|m| where m = sum of psi over the support: the amplitude-weighted mean phase becomes 0 */
static PetscErrorCode RemoveOffset(TkPhasing p, double complex *psi)
{
  PetscReal     *part, tot[2];
  double complex rot;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(PetscMax(p->ln0, 1) * 2, &part));
  for (ptrdiff_t k = 0; k < p->ln0; k++)
    for (size_t q = k * p->plane; q < (k + 1) * p->plane; q++)
      if (p->supbest[q]) part[2 * k] += creal(psi[q]), part[2 * k + 1] += cimag(psi[q]);
  PetscCall(TkPhasePlaneReduce(p, part, 2, tot));
  PetscCall(PetscFree(part));
  rot = (tot[0] || tot[1]) ? (tot[0] - I * tot[1]) / hypot(tot[0], tot[1]) : 1;
  for (size_t q = 0; q < p->nloc; q++) psi[q] *= rot;
  PetscFunctionReturn(0);
}

/* Mean phase step per voxel along each axis, arg(sum psi(n + e_j) conj psi(n)) over neighbour pairs in the support
   (amplitude weighted; no unwrapping needed), and the number of pairs whose principal phases jump by more than pi. */
static PetscErrorCode PhaseSteps(TkPhasing p, const double complex *psi, PetscReal g[3], PetscInt *nwraps)
{
  const PetscInt  N1 = p->N[1], N2 = p->N[2];
  double complex *next;
  PetscBool       have;
  PetscReal      *part, tot[TK_PHASE_NSUMS];

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(p->plane, &next));
  PetscCall(NextPlane(p, psi, next, &have));
  PetscCall(PetscCalloc1(PetscMax(p->ln0, 1) * TK_PHASE_NSUMS, &part));
  for (ptrdiff_t k = 0; k < p->ln0; k++) {
    double *s = part + k * TK_PHASE_NSUMS;
    for (PetscInt i = 0; i < N1; i++)
      for (PetscInt j = 0; j < N2; j++) {
        const size_t q = ((size_t)k * N1 + i) * N2 + j;
        if (!p->supbest[q]) continue;
        const double complex *nb[3] = {NULL, NULL, NULL};
        if (k + 1 < p->ln0)
          nb[0] = p->supbest[q + p->plane] ? &psi[q + p->plane] : NULL;
        else if (have)
          nb[0] = cabs(next[(size_t)i * N2 + j]) > 0 ? &next[(size_t)i * N2 + j] : NULL; /* the neighbour's support is not sent: its modulus stands in */
        if (i + 1 < N1 && p->supbest[q + N2]) nb[1] = &psi[q + N2];
        if (j + 1 < N2 && p->supbest[q + 1]) nb[2] = &psi[q + 1];
        for (int d = 0; d < 3; d++) {
          if (!nb[d]) continue;
          const double complex c = *nb[d] * conj(psi[q]);
          s[2 * d] += creal(c), s[2 * d + 1] += cimag(c);
        }
      }
  }
  PetscCall(TkPhasePlaneReduce(p, part, TK_PHASE_NSUMS, tot));
  for (int d = 0; d < 3; d++) g[d] = (tot[2 * d] || tot[2 * d + 1]) ? atan2(tot[2 * d + 1], tot[2 * d]) : 0;
  /* count the jumps of the principal phase between neighbours of the crystal (modulus above 0.3 of its maximum; the
     faint rim of the shrink-wrap support has random phases) in a second, integer pass */
  {
    long long w    = 0;
    double    amax = 0, t;
    for (size_t q = 0; q < p->nloc; q++)
      if (p->supbest[q]) amax = PetscMax(amax, cabs(psi[q]));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &amax, 1, MPI_DOUBLE, MPI_MAX, p->comm));
    t = 0.3 * amax;
#define TK_IN(v) (cabs(v) > t)
    for (ptrdiff_t k = 0; k < p->ln0; k++)
      for (PetscInt i = 0; i < N1; i++)
        for (PetscInt j = 0; j < N2; j++) {
          const size_t q = ((size_t)k * N1 + i) * N2 + j;
          if (!p->supbest[q] || !TK_IN(psi[q])) continue;
          const double a = carg(psi[q]);
          if (i + 1 < N1 && p->supbest[q + N2] && TK_IN(psi[q + N2]) && PetscAbsReal(carg(psi[q + N2]) - a) > PETSC_PI) w++;
          if (j + 1 < N2 && p->supbest[q + 1] && TK_IN(psi[q + 1]) && PetscAbsReal(carg(psi[q + 1]) - a) > PETSC_PI) w++;
          if (k + 1 < p->ln0) {
            if (p->supbest[q + p->plane] && TK_IN(psi[q + p->plane]) && PetscAbsReal(carg(psi[q + p->plane]) - a) > PETSC_PI) w++;
          } else if (have && TK_IN(next[(size_t)i * N2 + j]) && PetscAbsReal(carg(next[(size_t)i * N2 + j]) - a) > PETSC_PI)
            w++;
        }
#undef TK_IN
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &w, 1, MPI_LONG_LONG, MPI_SUM, p->comm));
    *nwraps = (PetscInt)w;
  }
  PetscCall(PetscFree(part));
  PetscCall(PetscFree(next));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasePostProcess(TkPhasing p)
{
  const PetscInt  N1 = p->N[1], N2 = p->N[2];
  double complex *psi;
  PetscReal       g[3];

  PetscFunctionBegin;
  PetscCall(PetscFree(p->psi));
  PetscCall(PetscMalloc1(2 * PetscMax(p->nloc, 1), &p->psi));
  psi = (double complex *)p->psi;
  for (ptrdiff_t k = 0; k < p->ln0; k++)
    for (PetscInt i = 0; i < N1; i++)
      for (PetscInt j = 0; j < N2; j++) {
        const size_t q = ((size_t)k * N1 + i) * N2 + j;
        psi[q]         = p->best[q] * conj(p->w0[k] * p->w1[i] * p->w2[j]);
      }
  PetscCall(RemoveOffset(p, psi));
  p->ramp[0] = p->ramp[1] = p->ramp[2] = 0;
  if (p->remove_ramp) {
    PetscCall(PhaseSteps(p, psi, g, &p->nwraps));
    for (int d = 0; d < 3; d++) p->ramp[d] = g[d];
    for (ptrdiff_t k = 0; k < p->ln0; k++)
      for (PetscInt i = 0; i < N1; i++)
        for (PetscInt j = 0; j < N2; j++) {
          const size_t q = ((size_t)k * N1 + i) * N2 + j;
          psi[q] *= cexp(-I * (g[0] * (double)(p->z0 + k - p->N[0] / 2) + g[1] * (double)(i - N1 / 2) + g[2] * (double)(j - N2 / 2)));
        }
    PetscCall(RemoveOffset(p, psi));
  }
  PetscCall(PhaseSteps(p, psi, g, &p->nwraps));
  if (!p->remove_ramp)
    for (int d = 0; d < 3; d++) p->ramp[d] = g[d]; /* reported, not removed */
  PetscFunctionReturn(0);
}

/* voxel sizes (m) of the detector-frame object from the data's geometry; 0 when unknown */
static void VoxelSizes(TkPhasing p, PetscReal d[3])
{
  TkBCDIDataInfo g;
  d[0] = d[1] = d[2] = 0;
  if (!p->data || TkBCDIDataGetInfo(p->data, &g)) return;
  if (g.wavelength_m > 0 && g.distance_m > 0) {
    if (g.pixel_m[0] > 0) d[1] = g.wavelength_m * g.distance_m / (p->N[1] * g.pixel_m[0]);
    if (g.pixel_m[1] > 0) d[2] = g.wavelength_m * g.distance_m / (p->N[2] * g.pixel_m[1]);
  }
  if (g.wavelength_m > 0 && g.two_theta_rad > 0 && g.rocking_step_rad != 0) {
    const PetscReal Q = 4 * PETSC_PI * PetscSinReal(g.two_theta_rad / 2) / g.wavelength_m;
    d[0]              = 2 * PETSC_PI / (p->N[0] * Q * PetscAbsReal(g.rocking_step_rad));
  }
}

/* ---------------------------------------------------------------------------------------------------------------
   serial HDF5 helpers (rank 0, metadata): variable-length UTF-8 strings, as h5py writes them */

static PetscErrorCode StrType(hid_t *t)
{
  PetscFunctionBegin;
  TkH5Call(*t = H5Tcopy(H5T_C_S1));
  TkH5Call(H5Tset_size(*t, H5T_VARIABLE));
  TkH5Call(H5Tset_cset(*t, H5T_CSET_UTF8));
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrStr(hid_t loc, const char *name, const char *s)
{
  hid_t t, sp, a;

  PetscFunctionBegin;
  PetscCall(StrType(&t));
  TkH5Call(sp = H5Screate(H5S_SCALAR));
  TkH5Call(a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Awrite(a, t, &s));
  TkH5Call(H5Aclose(a));
  TkH5Call(H5Sclose(sp));
  TkH5Call(H5Tclose(t));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataStr(hid_t loc, const char *name, const char *s)
{
  hid_t t, sp, ds;

  PetscFunctionBegin;
  PetscCall(StrType(&t));
  TkH5Call(sp = H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(sp));
  TkH5Call(H5Tclose(t));
  PetscFunctionReturn(0);
}

/* n doubles (a scalar when n == 0), optional units */
static PetscErrorCode DataReals(hid_t loc, const char *name, hsize_t n, const double *v, const char *units)
{
  hid_t sp, ds;

  PetscFunctionBegin;
  TkH5Call(sp = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
  if (units) PetscCall(AttrStr(ds, "units", units));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(sp));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataInts(hid_t loc, const char *name, hsize_t n, const long long *v)
{
  hid_t sp, ds;

  PetscFunctionBegin;
  TkH5Call(sp = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(sp));
  PetscFunctionReturn(0);
}

static PetscErrorCode Grp(hid_t loc, const char *name, const char *nxclass, hid_t *g)
{
  PetscFunctionBegin;
  TkH5Call(*g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (nxclass) PetscCall(AttrStr(*g, "NX_class", nxclass));
  PetscFunctionReturn(0);
}

/* complex64 as PyNX/h5py store it: a compound of two float32 named r and i */
static hid_t ComplexType(void)
{
  hid_t t = H5Tcreate(H5T_COMPOUND, 2 * sizeof(float));
  H5Tinsert(t, "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(t, "i", sizeof(float), H5T_NATIVE_FLOAT);
  return t;
}

static const char *SignNote = "Object psi in the detector frame of the data (axis 0: rocking angle, 1: detector rows, 2: detector columns), "
                              "centred: its origin is voxel (N0/2, N1/2, N2/2). Model: I(a) = |sum_n psi(n) exp(-2 pi i (a - N/2).(n - N/2)/N)|^2 / (N0 N1 N2), "
                              "FFTW_FORWARD sign, the data's zero frequency at (N0/2, N1/2, N2/2), as in PyNX. For a crystal rho exp(i h.u) "
                              "the scattered amplitude is sum rho exp(-i h.u) exp(-i q.r) (takagi bcdi, docs/bcdi.md), hence arg(psi) = -h.u + constant "
                              "(for the twin solution psi*(-r): arg = +h.u(-r)). The global phase is set so that the amplitude-weighted mean phase in the support is 0.";

static PetscErrorCode WriteCXIMetadata(TkPhasing p, const char *tmp, const char *final)
{
  hid_t       file, fapl, entry, image, proc, conf, res, note, data1, dcpl, sp, ds, ct;
  hsize_t     dims[3] = {(hsize_t)p->N[0], (hsize_t)p->N[1], (hsize_t)p->N[2]};
  char        now[64], program[128], *options = NULL, text[256];
  time_t      t = time(NULL);
  struct tm   tm;
  PetscReal   vox[3];
  const char *datapath = "";

  PetscFunctionBegin;
  PetscCheck(localtime_r(&t, &tm) && strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S%z", &tm), PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot read the clock");
  PetscCall(PetscSNPrintf(program, sizeof(program), "takagi phase %s", TAKAGI_VERSION));
  PetscCall(TkOptionsGetAll(&options));
  if (p->data) PetscCall(TkBCDIDataGetPath(p->data, &datapath));
  VoxelSizes(p, vox);
  TkH5Call(fapl = H5Pcreate(H5P_FILE_ACCESS));
  TkH5Call(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG));
  file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  TkH5Call(H5Pclose(fapl));
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create '%s'", tmp);
  PetscCall(AttrStr(file, "NX_class", "NXroot"));
  PetscCall(AttrStr(file, "default", "entry_1"));
  PetscCall(AttrStr(file, "creator", program));
  PetscCall(AttrStr(file, "file_name", strrchr(final, '/') ? strrchr(final, '/') + 1 : final));
  PetscCall(AttrStr(file, "file_time", now));
  {
    long long v = 150, one = 1;
    PetscCall(DataInts(file, "cxi_version", 0, &v));
    PetscCall(DataInts(file, "number_of_entries", 0, &one));
  }
  PetscCall(Grp(file, "entry_1", "NXentry", &entry));
  PetscCall(AttrStr(entry, "default", "data_1"));
  PetscCall(DataStr(entry, "program_name", program));
  PetscCall(DataStr(entry, "start_time", now));
  PetscCall(DataStr(entry, "title", "takagi phase: kinematic phase retrieval of a BCDI scan"));
  PetscCall(Grp(entry, "image_1", "NXdata", &image));
  PetscCall(AttrStr(image, "signal", "data"));
  /* the object and its support, written by every rank afterwards */
  TkH5Call(dcpl = H5Pcreate(H5P_DATASET_CREATE));
  TkH5Call(H5Pset_layout(dcpl, H5D_CONTIGUOUS));
  TkH5Call(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
  TkH5Call(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
  TkH5Call(sp = H5Screate_simple(3, dims, NULL));
  TkH5Call(ct = ComplexType());
  TkH5Call(ds = H5Dcreate2(image, "data", ct, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  PetscCall(AttrStr(ds, "interpretation", "image"));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Tclose(ct));
  TkH5Call(ds = H5Dcreate2(image, "mask", H5T_STD_I8LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  PetscCall(AttrStr(ds, "note", "support: 1 inside"));
  TkH5Call(H5Dclose(ds));
  /* real views of the object for ParaView (XDMF cannot read the complex type): the F.cxi.xdmf sidecar names them */
  TkH5Call(ds = H5Dcreate2(image, "amplitude", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  PetscCall(AttrStr(ds, "note", "|data|"));
  TkH5Call(H5Dclose(ds));
  TkH5Call(ds = H5Dcreate2(image, "phase_hu", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  PetscCall(AttrStr(ds, "note", "h.u = -arg(data) inside the support, 0 outside (rad)"));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(sp));
  TkH5Call(H5Pclose(dcpl));
  TkH5Call(H5Lcreate_soft("/entry_1/image_1/mask", image, "support", H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(DataStr(image, "data_type", "electron density"));
  PetscCall(DataStr(image, "data_space", "real"));
  if (vox[0] > 0 && vox[1] > 0 && vox[2] > 0) {
    double size[3] = {vox[0] * p->N[0], vox[1] * p->N[1], vox[2] * p->N[2]};
    PetscCall(DataReals(image, "image_size", 3, size, "m"));
    PetscCall(DataReals(image, "voxel_size", 3, vox, "m"));
  }
  PetscCall(Grp(image, "process_1", "NXprocess", &proc));
  PetscCall(DataStr(proc, "program", "takagi phase"));
  PetscCall(DataStr(proc, "version", TAKAGI_VERSION));
  PetscCall(DataStr(proc, "command", options ? options : ""));
  PetscCall(Grp(proc, "note_1", "NXnote", &note));
  PetscCall(DataStr(note, "description", "sign convention"));
  PetscCall(DataStr(note, "type", "text/plain"));
  PetscCall(DataStr(note, "data", SignNote));
  TkH5Call(H5Gclose(note));
  PetscCall(Grp(proc, "configuration", "NXcollection", &conf));
  {
    long long shape[3] = {p->N[0], p->N[1], p->N[2]}, v;
    double    r;
    PetscCall(DataStr(conf, "data_file", datapath));
    PetscCall(DataInts(conf, "iobs_shape", 3, shape));
    PetscCall(DataStr(conf, "algorithm", p->algorithm));
    v = p->niter;
    PetscCall(DataInts(conf, "nb_cycle", 0, &v));
    r = p->beta_hio;
    PetscCall(DataReals(conf, "hio_beta", 0, &r, NULL));
    r = p->beta_raar;
    PetscCall(DataReals(conf, "raar_beta", 0, &r, NULL));
    v = p->sw_period;
    PetscCall(DataInts(conf, "support_update_period", 0, &v));
    r = p->sw_sigma;
    PetscCall(DataReals(conf, "support_smooth_width", 0, &r, NULL));
    r = p->sw_threshold;
    PetscCall(DataReals(conf, "support_threshold", 0, &r, NULL));
    r = p->support_threshold;
    PetscCall(DataReals(conf, "support_autocorrelation_threshold", 0, &r, NULL));
    v = p->nruns;
    PetscCall(DataInts(conf, "nb_run", 0, &v));
    v = p->seed;
    PetscCall(DataInts(conf, "seed", 0, &v));
    r = p->free_fraction;
    PetscCall(DataReals(conf, "free_pixel_fraction", 0, &r, NULL));
    v = p->free_block;
    PetscCall(DataInts(conf, "free_pixel_block", 0, &v));
    PetscCall(DataStr(conf, "llk", TkPhaseLLKTypes[p->llk_type]));
    v = p->remove_ramp;
    PetscCall(DataInts(conf, "remove_ramp", 0, &v));
    if (p->data) {
      TkBCDIDataInfo g;
      long long      w[3], b[3];
      PetscCall(TkBCDIDataGetInfo(p->data, &g));
      for (int j = 0; j < 3; j++) w[j] = g.window[j], b[j] = g.bin[j];
      PetscCall(DataInts(conf, "crop_window_start", 3, w));
      PetscCall(DataInts(conf, "bin_f", 3, b));
    }
  }
  TkH5Call(H5Gclose(conf));
  PetscCall(Grp(proc, "results", "NXcollection", &res));
  {
    const PetscReal *s = p->run_sums + p->best_run * TK_PHASE_NSUMS;
    double           v;
    long long        n;
    double          *runs;
    v = 2 * s[0] / PetscMax(p->nprojected, 1);
    PetscCall(DataReals(res, "llk_poisson", 0, &v, NULL));
    v = p->nfree ? 2 * s[1] / p->nfree : 0;
    PetscCall(DataReals(res, "free_llk_poisson", 0, &v, NULL));
    v = s[2] / PetscMax(p->nprojected, 1);
    PetscCall(DataReals(res, "llk_gaussian", 0, &v, NULL));
    v = p->nfree ? s[3] / p->nfree : 0;
    PetscCall(DataReals(res, "free_llk_gaussian", 0, &v, NULL));
    v = PetscSqrtReal(s[4] / s[5]);
    PetscCall(DataReals(res, "chi", 0, &v, NULL));
    n = p->run_support[p->best_run];
    PetscCall(DataInts(res, "nb_point_support", 0, &n));
    n = p->best_run;
    PetscCall(DataInts(res, "best_run", 0, &n));
    PetscCall(DataReals(res, "phase_ramp", 3, p->ramp, "rad/voxel"));
    n = p->nwraps;
    PetscCall(DataInts(res, "phase_wraps", 0, &n));
    PetscCall(PetscMalloc1(p->nruns, &runs));
    for (PetscInt r = 0; r < p->nruns; r++) {
      PetscReal        l, f;
      const PetscReal *sr = p->run_sums + r * TK_PHASE_NSUMS;
      f                   = p->nfree ? (p->llk_type == TK_PHASE_LLK_POISSON ? 2 * sr[1] : sr[3]) / p->nfree : 0;
      l                   = (p->llk_type == TK_PHASE_LLK_POISSON ? 2 * sr[0] : sr[2]) / PetscMax(p->nprojected, 1);
      runs[r]             = p->nfree ? f : l;
    }
    PetscCall(PetscSNPrintf(text, sizeof(text), "run_free_llk_%s", TkPhaseLLKTypes[p->llk_type]));
    PetscCall(DataReals(res, text, (hsize_t)p->nruns, runs, NULL));
    PetscCall(PetscFree(runs));
  }
  TkH5Call(H5Gclose(res));
  TkH5Call(H5Gclose(proc));
  TkH5Call(H5Gclose(image));
  PetscCall(Grp(entry, "data_1", "NXdata", &data1));
  PetscCall(AttrStr(data1, "signal", "data"));
  TkH5Call(H5Lcreate_soft("/entry_1/image_1/data", data1, "data", H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Gclose(data1));
  TkH5Call(H5Gclose(entry));
  TkH5Call(H5Lcreate_soft("/entry_1", file, "entry_last", H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(PetscFree(options));
  PetscCheck(H5Fclose(file) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", tmp);
  PetscFunctionReturn(0);
}

/* every rank writes its planes of /entry_1/image_1/data and mask, collectively */
static PetscErrorCode WriteCXIPlanes(TkPhasing p, const char *tmp)
{
  hid_t   fapl, file, dxpl, ds, fs, ms, ct;
  hsize_t start[3] = {(hsize_t)p->z0, 0, 0}, count[3] = {(hsize_t)p->ln0, (hsize_t)p->N[1], (hsize_t)p->N[2]};
  herr_t  st = 0;
  float  *buf, *amp, *ph;
  char   *sup;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(2 * PetscMax(p->nloc, 1), &buf, PetscMax(p->nloc, 1), &sup, PetscMax(p->nloc, 1), &amp, PetscMax(p->nloc, 1), &ph));
  for (size_t q = 0; q < 2 * p->nloc; q++) buf[q] = (float)p->psi[q];
  for (size_t q = 0; q < p->nloc; q++) {
    const double complex z = ((const double complex *)p->psi)[q];
    sup[q]                 = (char)p->supbest[q];
    amp[q]                 = (float)cabs(z);
    ph[q]                  = p->supbest[q] ? (float)-carg(z) : 0; /* as TkPhaseWriteFields */
  }
  TkH5Call(fapl = H5Pcreate(H5P_FILE_ACCESS));
  TkH5Call(H5Pset_fapl_mpio(fapl, p->comm, MPI_INFO_NULL));
  file = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
  TkH5Call(H5Pclose(fapl));
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot reopen '%s' for the parallel write", tmp);
  TkH5Call(dxpl = H5Pcreate(H5P_DATASET_XFER));
  TkH5Call(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
  for (int k = 0; k < 4 && st >= 0; k++) {
    const char *const names[] = {"/entry_1/image_1/data", "/entry_1/image_1/mask", "/entry_1/image_1/amplitude", "/entry_1/image_1/phase_hu"};
    const void *const bufs[]  = {buf, sup, amp, ph};
    ds                        = H5Dopen2(file, names[k], H5P_DEFAULT);
    fs                        = H5Dget_space(ds);
    ms                        = H5Screate_simple(3, count, NULL);
    if (p->ln0)
      H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    else
      H5Sselect_none(fs), H5Sselect_none(ms);
    ct = ComplexType();
    st = H5Dwrite(ds, k == 0 ? ct : k == 1 ? H5T_NATIVE_CHAR : H5T_NATIVE_FLOAT, ms, fs, dxpl, bufs[k]);
    H5Tclose(ct), H5Sclose(ms), H5Sclose(fs), H5Dclose(ds);
  }
  H5Pclose(dxpl);
  if (H5Fclose(file) < 0) st = -1;
  PetscCall(PetscFree4(buf, sup, amp, ph));
  PetscCheck(st >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", tmp);
  PetscFunctionReturn(0);
}

/* the object's grid as TkPhaseWriteFields and the XDMF sidecar of the CXI file describe it */
static void ObjectGrid(TkPhasing p, TkGrid *grid)
{
  PetscReal vox[3];

  VoxelSizes(p, vox);
  grid->nz = p->N[0], grid->ny = p->N[1], grid->nx = p->N[2];
  for (int j = 0; j < 3; j++) {
    grid->spacing[j] = vox[j] > 0 ? vox[j] : 1; /* voxel units when the file gives no geometry */
    grid->origin[j]  = -(PetscReal)(p->N[j] / 2) * grid->spacing[j];
  }
}

PetscErrorCode TkPhaseWriteCXI(TkPhasing p, const char path[])
{
  TkAtomicFile     f;
  PetscErrorCode   ierr = 0;
  int              err;
  TkGrid           grid;
  const TkXdmfView views[] = {
      {"amplitude", "/entry_1/image_1/amplitude", 1, 4},
      {"phase_hu", "/entry_1/image_1/phase_hu", 1, 4},
      {"support", "/entry_1/image_1/mask", 1, 1},
  };

  PetscFunctionBegin;
  PetscCall(TkAtomicFileBegin(p->comm, path, &f));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  if (p->rank == 0) ierr = WriteCXIMetadata(p, f.tmp_path, path);
  PetscCall(PetscPopErrorHandler());
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, p->comm));
  if (ierr && p->rank == 0) PetscCall(TkAtomicFileAbort(&f));
  PetscCheck(!ierr, p->comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = WriteCXIPlanes(p, f.tmp_path);
  PetscCall(PetscPopErrorHandler());
  err = ierr ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, p->comm));
  if (err && p->rank == 0) PetscCall(TkAtomicFileAbort(&f));
  PetscCheck(!err, p->comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  /* the XDMF sidecar F.cxi.xdmf (ParaView) over the real views; the CXI file is renamed first */
  ObjectGrid(p, &grid);
  PetscCall(TkXdmfViewsCommit(p->comm, &f, path, &grid, 3, views));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseWriteFields(TkPhasing p, const char path[])
{
  PetscReal            *amp, *phase, *sup;
  const double complex *psi = (const double complex *)p->psi;
  TkGrid                grid;

  PetscFunctionBegin;
  ObjectGrid(p, &grid);
  PetscCall(PetscMalloc3(PetscMax(p->nloc, 1), &amp, PetscMax(p->nloc, 1), &phase, PetscMax(p->nloc, 1), &sup));
  for (size_t q = 0; q < p->nloc; q++) {
    amp[q]   = cabs(psi[q]);
    sup[q]   = p->supbest[q];
    phase[q] = p->supbest[q] ? -carg(psi[q]) : 0; /* h.u = -arg(psi) */
  }
  const TkGridField fields[] = {
      {"amplitude", "1", 1, amp},
      {"phase_hu", "rad", 1, phase},
      {"support", "1", 1, sup},
  };
  PetscCall(TkGridFieldsWriteParallel(p->comm, path, &grid, (PetscInt)p->z0, (PetscInt)p->ln0, 3, fields));
  PetscCall(PetscFree3(amp, phase, sup));
  if (p->plot[0]) {
    TkAtomicFile   png;
    PetscErrorCode ierr;
    char           title[PETSC_MAX_PATH_LEN + 128];
    const char    *datapath = "";
    PetscReal      llk, fllk;
    if (p->data) PetscCall(TkBCDIDataGetPath(p->data, &datapath));
    PetscCall(TkPhasingGetResult(p, &llk, &fllk, NULL, NULL));
    PetscCall(PetscSNPrintf(title, sizeof(title), "%s: %s, %" PetscInt_FMT " run(s), free LLK %.4g", datapath[0] ? (strrchr(datapath, '/') ? strrchr(datapath, '/') + 1 : datapath) : "data", p->algorithm, p->nruns, (double)fllk));
    PetscCall(TkAtomicFileBegin(p->comm, p->plot, &png));
    const char *const args[] = {path, png.tmp_path, title};
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkPlotRun(p->comm, "plot_phase.py", 3, args);
    PetscCall(PetscPopErrorHandler());
    if (ierr && p->rank == 0) PetscCall(TkAtomicFileAbort(&png));
    PetscCheck(!ierr, p->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see above); the object files were written", p->plot);
    PetscCall(TkAtomicFileCommit(p->comm, &png));
  }
  PetscFunctionReturn(0);
}
