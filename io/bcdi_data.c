/* BCDI intensities for phase retrieval (io/bcdi_data.h). Every rank opens the file read-only and reads whole raw
   frames one at a time: frames are the chunks of both takagi's CXI files and the 34-ID-C file, so no chunk is
   decompressed twice by one rank. Errors found by one rank are agreed on by all, and reported once, before any output
   exists. */
#include "bcdi_data.h"
#include <hdf5.h>
#include <math.h>
#include <string.h>

#define TK_CXI_DATA "/entry_1/instrument_1/detector_1/data"
#define TK_CXI_MASK "/entry_1/instrument_1/detector_1/mask"

struct _p_TkBCDIData {
  MPI_Comm       comm;
  char           path[PETSC_MAX_PATH_LEN];
  TkBCDIDataKind kind;
  hid_t          file, ds, mask_ds;
  PetscInt       raw[3];    /* shape in the file */
  int            mask_ndim; /* 0 none, 2 or 3 */
  /* preparation */
  PetscBool      flat_normalize;
  PetscReal      dark_max, flat_sigma, threshold;
  PetscReal     *flat; /* per raw pixel of a frame: divisor (34-ID-C with -flat_normalize), else NULL */
  unsigned char *bad;  /* per raw pixel of a frame: detector defects (34-ID-C) or a 2D mask (CXI), else NULL */
  PetscInt       nbad_detector;
  PetscReal      flat_mean, flat_std;
  /* crop and bin */
  PetscInt       crop[3], bin[3];
  PetscBool      has_crop;
  char           center_spec[64];
  PetscInt       N[3];
  TkBCDIDataInfo info;
  PetscBool      setup;
  /* one raw frame and its mask */
  PetscReal     *frame;
  unsigned char *fmask;
};

/* The lowest rank with a message tells it to every rank; then all fail together with that one line. */
static PetscErrorCode AgreeOnError(MPI_Comm comm, char *msg, size_t len, PetscErrorCode code)
{
  PetscMPIInt rank, who, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  who = msg[0] ? rank : size;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &who, 1, MPI_INT, MPI_MIN, comm));
  if (who == size) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(msg, (int)len, MPI_CHAR, who, comm));
  SETERRQ(comm, code, "%s", msg);
}

PetscErrorCode TkBCDIDataCreate(MPI_Comm comm, TkBCDIData *d)
{
  TkBCDIData s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm       = comm;
  s->file       = -1;
  s->ds         = -1;
  s->mask_ds    = -1;
  s->dark_max   = 1;
  s->flat_sigma = 3;
  for (int j = 0; j < 3; j++) s->bin[j] = 1, s->info.center[j] = -1;
  PetscCall(PetscStrncpy(s->center_spec, "max", sizeof(s->center_spec)));
  *d = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataSetFile(TkBCDIData d, const char path[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(d->path, path, sizeof(d->path)));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataGetPath(TkBCDIData d, const char **path)
{
  PetscFunctionBegin;
  *path = d->path;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataSetFromOptions(TkBCDIData d)
{
  PetscInt  n, v[3] = {0, 0, 0};
  PetscBool set, cset;

  PetscFunctionBegin;
  PetscOptionsBegin(d->comm, NULL, "BCDI data (CXI from takagi bcdi or PyNX, or the raw APS 34-ID-C file) and its preparation", "TkBCDIData");
  PetscCall(PetscOptionsString("-data", "Input: CXI file (/entry_1/instrument_1/detector_1/data [+ mask]) or raw 34-ID-C file (/data, /darkfield_512x512, /whitefield_512x512)", "TkBCDIDataSetFromOptions", d->path, d->path, sizeof(d->path), NULL));
  PetscCall(PetscOptionsBool("-flat_normalize", "34-ID-C: divide the counts by the flat field normalised to its mean [off]", "TkBCDIDataSetFromOptions", d->flat_normalize, &d->flat_normalize, NULL));
  PetscCall(PetscOptionsReal("-dark_max", "34-ID-C: mask pixels whose dark field exceeds this (negative: keep all) [1]", "TkBCDIDataSetFromOptions", d->dark_max, &d->dark_max, NULL));
  PetscCall(PetscOptionsReal("-flat_sigma", "34-ID-C: mask pixels whose flat field is below mean - flat_sigma * std (0: keep all) [3]", "TkBCDIDataSetFromOptions", d->flat_sigma, &d->flat_sigma, NULL));
  PetscCall(PetscOptionsReal("-threshold", "Zero prepared counts below this [0: keep all]", "TkBCDIDataSetFromOptions", d->threshold, &d->threshold, NULL));
  n = 3;
  PetscCall(PetscOptionsIntArray("-crop", "Prepared array shape n0,n1,n2 (after binning; one value: a cube), centred on -crop_center [the whole file]", "TkBCDIDataSetFromOptions", v, &n, &set));
  if (set) {
    PetscCheck(n == 1 || n == 3, d->comm, PETSC_ERR_USER_INPUT, "-crop needs n0,n1,n2 (or one value for a cube)");
    for (int j = 0; j < 3; j++) d->crop[j] = v[n == 1 ? 0 : j];
    for (int j = 0; j < 3; j++) PetscCheck(d->crop[j] >= 4 && d->crop[j] <= 4096, d->comm, PETSC_ERR_USER_INPUT, "-crop sizes must lie between 4 and 4096, got %" PetscInt_FMT, d->crop[j]);
    d->has_crop = PETSC_TRUE;
  }
  PetscCall(PetscOptionsString("-crop_center", "Centre of the crop: max (largest prepared count), com (centre of mass) or i,j,k (raw indices) [max]", "TkBCDIDataSetFromOptions", d->center_spec, d->center_spec, sizeof(d->center_spec), &cset));
  n = 3;
  PetscCall(PetscOptionsIntArray("-bin", "Sum b0,b1,b2 raw voxels into one (one value: all axes) [1,1,1]", "TkBCDIDataSetFromOptions", v, &n, &set));
  if (set) {
    PetscCheck(n == 1 || n == 3, d->comm, PETSC_ERR_USER_INPUT, "-bin needs b0,b1,b2 (or one value for all axes)");
    for (int j = 0; j < 3; j++) d->bin[j] = v[n == 1 ? 0 : j];
    for (int j = 0; j < 3; j++) PetscCheck(d->bin[j] >= 1 && d->bin[j] <= 64, d->comm, PETSC_ERR_USER_INPUT, "-bin factors must lie between 1 and 64, got %" PetscInt_FMT, d->bin[j]);
  }
  PetscOptionsEnd();
  PetscCheck(!PetscIsInfOrNanReal(d->threshold) && d->threshold >= 0, d->comm, PETSC_ERR_USER_INPUT, "-threshold must be a number >= 0");
  PetscCheck(!PetscIsInfOrNanReal(d->dark_max), d->comm, PETSC_ERR_USER_INPUT, "-dark_max must be a number");
  PetscCheck(!PetscIsInfOrNanReal(d->flat_sigma) && d->flat_sigma >= 0, d->comm, PETSC_ERR_USER_INPUT, "-flat_sigma must be a number >= 0");
  if (cset) d->info.center[0] = -2; /* asked for a centre without -crop: a window of the whole size about it */
  PetscFunctionReturn(0);
}

/* Whether an absolute path names an existing object, checking each component (H5Lexists needs the parents). */
static PetscBool PathExists(hid_t file, const char *path)
{
  char buf[256];
  for (size_t i = 1; path[i - 1]; i++) {
    if (path[i] == '/' || path[i] == 0) {
      if (i >= sizeof(buf)) return PETSC_FALSE;
      memcpy(buf, path, i);
      buf[i] = 0;
      if (H5Lexists(file, buf, H5P_DEFAULT) <= 0) return PETSC_FALSE;
      if (path[i] == 0) break;
    }
  }
  return H5Oexists_by_name(file, path, H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
}

/* a scalar (or the first element of) a numeric dataset; PETSC_FALSE if absent or unreadable */
static PetscBool ReadScalar(hid_t file, const char *path, PetscReal *v)
{
  hid_t    ds, sp;
  double   buf[1];
  hssize_t n;
  if (!PathExists(file, path)) return PETSC_FALSE;
  ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (ds < 0) return PETSC_FALSE;
  sp = H5Dget_space(ds);
  n  = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  if (n != 1 || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
    H5Dclose(ds);
    return PETSC_FALSE;
  }
  H5Dclose(ds);
  *v = buf[0];
  return isfinite(buf[0]) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscBool ReadAttr(hid_t loc, const char *name, PetscReal *v)
{
  hid_t  at;
  double x;
  if (H5Aexists(loc, name) <= 0) return PETSC_FALSE;
  at = H5Aopen(loc, name, H5P_DEFAULT);
  if (at < 0) return PETSC_FALSE;
  if (H5Aread(at, H5T_NATIVE_DOUBLE, &x) < 0) {
    H5Aclose(at);
    return PETSC_FALSE;
  }
  H5Aclose(at);
  *v = x;
  return isfinite(x) ? PETSC_TRUE : PETSC_FALSE;
}

static int Dims(hid_t ds, hsize_t dims[4])
{
  hid_t sp = H5Dget_space(ds);
  int   nd = H5Sget_simple_extent_ndims(sp);
  if (nd >= 1 && nd <= 4) H5Sget_simple_extent_dims(sp, dims, NULL);
  H5Sclose(sp);
  return nd;
}

/* a 2D dataset of exactly r x c, read as doubles */
static PetscErrorCode Read2D(hid_t file, const char *name, PetscInt *r, PetscInt *c, PetscReal **v, char *msg, size_t len, const char *path)
{
  hid_t   ds;
  hsize_t dims[4];

  PetscFunctionBegin;
  ds = H5Dopen2(file, name, H5P_DEFAULT);
  if (ds < 0 || Dims(ds, dims) != 2) {
    PetscCall(PetscSNPrintf(msg, len, "'%s': %s must be a 2D dataset", path, name));
    if (ds >= 0) H5Dclose(ds);
    PetscFunctionReturn(0);
  }
  *r = (PetscInt)dims[0], *c = (PetscInt)dims[1];
  PetscCall(PetscMalloc1(dims[0] * dims[1], v));
  if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) < 0) PetscCall(PetscSNPrintf(msg, len, "'%s': cannot read %s", path, name));
  H5Dclose(ds);
  PetscFunctionReturn(0);
}

/* 34-ID-C detector maps: pixels of the data region [0:n1, 0:n2] of the 512 x 512 dark and flat fields */
static PetscErrorCode SetUpDetectorMaps(TkBCDIData d, char *msg, size_t len)
{
  PetscReal     *dark = NULL, *flat = NULL;
  PetscInt       dr = 0, dc = 0, fr = 0, fc = 0;
  const PetscInt n1 = d->raw[1], n2 = d->raw[2];

  PetscFunctionBegin;
  PetscCall(Read2D(d->file, "/darkfield_512x512", &dr, &dc, &dark, msg, len, d->path));
  if (!msg[0]) PetscCall(Read2D(d->file, "/whitefield_512x512", &fr, &fc, &flat, msg, len, d->path));
  if (!msg[0] && (dr != fr || dc != fc)) PetscCall(PetscSNPrintf(msg, len, "'%s': dark field (%" PetscInt_FMT " x %" PetscInt_FMT ") and flat field (%" PetscInt_FMT " x %" PetscInt_FMT ") differ in shape", d->path, dr, dc, fr, fc));
  if (!msg[0] && (n1 > dr || n2 > dc)) PetscCall(PetscSNPrintf(msg, len, "'%s': frames of %" PetscInt_FMT " x %" PetscInt_FMT " do not fit the %" PetscInt_FMT " x %" PetscInt_FMT " dark and flat fields", d->path, n1, n2, dr, dc));
  for (PetscInt q = 0; !msg[0] && q < dr * dc; q++)
    if (!isfinite(dark[q]) || !isfinite(flat[q])) PetscCall(PetscSNPrintf(msg, len, "'%s': the dark or flat field holds a non-finite value at pixel (%" PetscInt_FMT ", %" PetscInt_FMT ")", d->path, q / dc, q % dc));
  if (!msg[0]) {
    double s = 0, s2 = 0;
    for (PetscInt q = 0; q < dr * dc; q++) s += flat[q];
    d->flat_mean = s / (dr * dc);
    for (PetscInt q = 0; q < dr * dc; q++) s2 += (flat[q] - d->flat_mean) * (flat[q] - d->flat_mean);
    d->flat_std = PetscSqrtReal(s2 / (dr * dc));
    if (!(d->flat_mean > 0)) PetscCall(PetscSNPrintf(msg, len, "'%s': the flat field has no positive mean", d->path));
  }
  if (!msg[0]) {
    PetscCall(PetscCalloc1((size_t)n1 * n2, &d->bad));
    if (d->flat_normalize) PetscCall(PetscMalloc1((size_t)n1 * n2, &d->flat));
    d->nbad_detector = 0;
    for (PetscInt i = 0; i < n1; i++)
      for (PetscInt j = 0; j < n2; j++) {
        const PetscReal dk = dark[i * dc + j], fl = flat[i * dc + j];
        const PetscBool bad = (PetscBool)((d->dark_max >= 0 && dk > d->dark_max) || (d->flat_sigma > 0 && fl < d->flat_mean - d->flat_sigma * d->flat_std) || (d->flat_normalize && !(fl > 0)));
        d->bad[i * n2 + j]  = bad ? 1 : 0;
        d->nbad_detector += bad ? 1 : 0;
        if (d->flat) d->flat[i * n2 + j] = fl > 0 ? fl / d->flat_mean : 1;
      }
  }
  PetscCall(PetscFree(dark));
  PetscCall(PetscFree(flat));
  PetscFunctionReturn(0);
}

/* One raw frame f, prepared: counts and bad flags (1 = masked). An unmasked negative or NaN count is an error. */
static PetscErrorCode PrepareFrame(TkBCDIData d, PetscInt f, char *msg, size_t len)
{
  const PetscInt n1 = d->raw[1], n2 = d->raw[2];
  const size_t   n        = (size_t)n1 * n2;
  hsize_t        start[3] = {(hsize_t)f, 0, 0}, count[3] = {1, (hsize_t)n1, (hsize_t)n2};
  hid_t          fs, ms;
  herr_t         st;

  PetscFunctionBegin;
  fs = H5Dget_space(d->ds);
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  ms = H5Screate_simple(3, count, NULL);
  st = H5Dread(d->ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, d->frame);
  H5Sclose(fs);
  if (st < 0) {
    H5Sclose(ms);
    PetscCall(PetscSNPrintf(msg, len, "'%s': cannot read frame %" PetscInt_FMT " of the data (corrupt file?)", d->path, f));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMemzero(d->fmask, n));
  if (d->mask_ndim == 3) {
    hsize_t    s2[3] = {(hsize_t)f, 0, 0}, c2[3] = {1, (hsize_t)n1, (hsize_t)n2};
    hid_t      mfs = H5Dget_space(d->mask_ds), mms;
    PetscReal *mv;
    PetscCall(PetscMalloc1(n, &mv));
    H5Sselect_hyperslab(mfs, H5S_SELECT_SET, s2, NULL, c2, NULL);
    mms = H5Screate_simple(3, c2, NULL);
    st  = H5Dread(d->mask_ds, H5T_NATIVE_DOUBLE, mms, mfs, H5P_DEFAULT, mv);
    H5Sclose(mms);
    H5Sclose(mfs);
    if (st < 0) PetscCall(PetscSNPrintf(msg, len, "'%s': cannot read the mask", d->path));
    for (size_t q = 0; q < n; q++) d->fmask[q] = !(mv[q] <= 0) ? 1 : 0; /* > 0 (or NaN) is bad */
    PetscCall(PetscFree(mv));
  }
  H5Sclose(ms);
  if (d->bad)
    for (size_t q = 0; q < n; q++) d->fmask[q] |= d->bad[q];
  for (size_t q = 0; q < n && !msg[0]; q++) {
    PetscReal v = d->frame[q];
    if (d->fmask[q]) {
      d->frame[q] = 0;
      continue;
    }
    if (!(v >= 0) || !isfinite(v)) {
      PetscCall(PetscSNPrintf(msg, len, "'%s': the data hold a %s count (%g) at frame %" PetscInt_FMT ", row %" PetscInt_FMT ", column %" PetscInt_FMT "; mask it or fix the file", d->path,
                              isnan(v)   ? "NaN"
                              : isinf(v) ? "infinite"
                                         : "negative",
                              (double)v, f, (PetscInt)(q / n2), (PetscInt)(q % n2)));
      break;
    }
    if (d->flat) v /= d->flat[q];
    if (v < d->threshold) v = 0;
    d->frame[q] = v;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode OpenAndCheck(TkBCDIData d, char *msg, size_t len)
{
  hsize_t dims[4];
  int     nd;

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* one-line errors: no HDF5 error stack on stderr */
  if (H5Fis_hdf5(d->path) <= 0) {
    FILE *fp = fopen(d->path, "rb");
    if (fp) fclose(fp);
    PetscCall(PetscSNPrintf(msg, len, fp ? "'%s' is not an HDF5 file" : "cannot open '%s' (no such file?)", d->path));
    PetscFunctionReturn(0);
  }
  d->file = H5Fopen(d->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (d->file < 0) {
    PetscCall(PetscSNPrintf(msg, len, "cannot open '%s' as HDF5", d->path));
    PetscFunctionReturn(0);
  }
  if (PathExists(d->file, TK_CXI_DATA))
    d->kind = TK_BCDI_DATA_CXI;
  else if (PathExists(d->file, "/data") && PathExists(d->file, "/darkfield_512x512") && PathExists(d->file, "/whitefield_512x512"))
    d->kind = TK_BCDI_DATA_34IDC;
  else {
    PetscCall(PetscSNPrintf(msg, len, "'%s' has neither %s (CXI, as takagi bcdi and PyNX write) nor /data with /darkfield_512x512 and /whitefield_512x512 (raw 34-ID-C)", d->path, TK_CXI_DATA));
    PetscFunctionReturn(0);
  }
  d->info.kind = d->kind;
  d->ds        = H5Dopen2(d->file, d->kind == TK_BCDI_DATA_CXI ? TK_CXI_DATA : "/data", H5P_DEFAULT);
  nd           = d->ds >= 0 ? Dims(d->ds, dims) : -1;
  if (nd != 3) {
    PetscCall(PetscSNPrintf(msg, len, "'%s': %s must be a 3D dataset (rocking angle, row, column), it has %d dimension(s)", d->path, d->kind == TK_BCDI_DATA_CXI ? TK_CXI_DATA : "/data", nd));
    PetscFunctionReturn(0);
  }
  {
    hid_t       t  = H5Dget_type(d->ds);
    H5T_class_t tc = H5Tget_class(t);
    H5Tclose(t);
    if (tc != H5T_INTEGER && tc != H5T_FLOAT) {
      PetscCall(PetscSNPrintf(msg, len, "'%s': the data must be integer or real counts", d->path));
      PetscFunctionReturn(0);
    }
  }
  for (int j = 0; j < 3; j++) d->raw[j] = (PetscInt)dims[j], d->info.raw_shape[j] = d->raw[j];
  if (d->raw[0] < 2 || d->raw[1] < 2 || d->raw[2] < 2) {
    PetscCall(PetscSNPrintf(msg, len, "'%s': the data (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ") need at least 2 points along every axis", d->path, d->raw[0], d->raw[1], d->raw[2]));
    PetscFunctionReturn(0);
  }
  if (d->kind == TK_BCDI_DATA_CXI && PathExists(d->file, TK_CXI_MASK)) {
    d->mask_ds = H5Dopen2(d->file, TK_CXI_MASK, H5P_DEFAULT);
    nd         = d->mask_ds >= 0 ? Dims(d->mask_ds, dims) : -1;
    if (nd == 2 && (PetscInt)dims[0] == d->raw[1] && (PetscInt)dims[1] == d->raw[2])
      d->mask_ndim = 2;
    else if (nd == 3 && (PetscInt)dims[0] == d->raw[0] && (PetscInt)dims[1] == d->raw[1] && (PetscInt)dims[2] == d->raw[2])
      d->mask_ndim = 3;
    else {
      char shape[64] = "?";
      if (nd == 2) PetscCall(PetscSNPrintf(shape, sizeof(shape), "%d x %d", (int)dims[0], (int)dims[1]));
      if (nd == 3) PetscCall(PetscSNPrintf(shape, sizeof(shape), "%d x %d x %d", (int)dims[0], (int)dims[1], (int)dims[2]));
      PetscCall(PetscSNPrintf(msg, len, "'%s': the mask (%s) matches neither a frame (%" PetscInt_FMT " x %" PetscInt_FMT ") nor the data (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ")", d->path, shape, d->raw[1], d->raw[2], d->raw[0],
                              d->raw[1], d->raw[2]));
      PetscFunctionReturn(0);
    }
  }
  if (d->mask_ndim == 2) { /* one mask for every frame: read once */
    const size_t n = (size_t)d->raw[1] * d->raw[2];
    PetscReal   *mv;
    PetscCall(PetscMalloc1(n, &mv));
    if (H5Dread(d->mask_ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, mv) < 0) PetscCall(PetscSNPrintf(msg, len, "'%s': cannot read the mask", d->path));
    PetscCall(PetscMalloc1(n, &d->bad));
    for (size_t q = 0; q < n; q++) d->bad[q] = !(mv[q] <= 0) ? 1 : 0; /* > 0 (or NaN) is bad */
    PetscCall(PetscFree(mv));
  }
  if (d->kind == TK_BCDI_DATA_34IDC) PetscCall(SetUpDetectorMaps(d, msg, len));
  PetscFunctionReturn(0);
}

/* Geometry from the file; everything optional. */
static void ReadGeometry(TkBCDIData d)
{
  TkBCDIDataInfo *g = &d->info;
  PetscReal       v, px = 0, py = 0;
  const PetscReal hc = 1.98644586e-25; /* J m */

  if (d->kind == TK_BCDI_DATA_CXI) {
    if (ReadScalar(d->file, "/entry_1/instrument_1/beam_1/incident_wavelength", &v) && v > 0) g->wavelength_m = v;
    if (ReadScalar(d->file, "/entry_1/instrument_1/source_1/energy", &v) && v > 0)
      g->energy_J = v;
    else if (ReadScalar(d->file, "/entry_1/instrument_1/beam_1/incident_energy", &v) && v > 0)
      g->energy_J = v;
    if (ReadScalar(d->file, "/entry_1/instrument_1/detector_1/distance", &v) && v > 0) g->distance_m = v;
    if (ReadScalar(d->file, "/entry_1/instrument_1/detector_1/y_pixel_size", &v) && v > 0) py = v;
    if (ReadScalar(d->file, "/entry_1/instrument_1/detector_1/x_pixel_size", &v) && v > 0) px = v;
    if (ReadScalar(d->file, "/entry_1/process_1/bragg_angle", &v)) g->bragg_angle_rad = v;
    if (ReadScalar(d->file, "/entry_1/process_1/detector_2theta", &v)) g->two_theta_rad = v;
    if (PathExists(d->file, "/entry_1/process_1/rocking_angle")) {
      hid_t   ds = H5Dopen2(d->file, "/entry_1/process_1/rocking_angle", H5P_DEFAULT);
      hsize_t dims[4];
      if (ds >= 0 && Dims(ds, dims) == 1 && (PetscInt)dims[0] == d->raw[0] && dims[0] >= 2) {
        double *a;
        if (!PetscMalloc1(dims[0], &a)) {
          if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) >= 0 && isfinite(a[0]) && isfinite(a[dims[0] - 1])) g->rocking_step_rad = (a[dims[0] - 1] - a[0]) / (double)(dims[0] - 1);
          PetscFree(a);
        }
      }
      if (ds >= 0) H5Dclose(ds);
    }
    g->takagi = (PetscBool)(g->bragg_angle_rad > 0 && g->rocking_step_rad != 0);
  } else {
    hid_t     root = H5Gopen2(d->file, "/", H5P_DEFAULT);
    PetscReal delta, gamma;
    if (ReadAttr(root, "energy_keV", &v) && v > 0) g->energy_J = v * 1.602176634e-16;
    if (ReadAttr(root, "detector_distance_mm", &v) && v > 0) g->distance_m = 1e-3 * v;
    if (ReadAttr(root, "pixel_size_m", &v) && v > 0) px = py = v;
    if (ReadAttr(root, "theta_step_deg", &v)) g->rocking_step_rad = v * PETSC_PI / 180;
    if (ReadAttr(root, "delta_deg", &delta) && ReadAttr(root, "gamma_deg", &gamma)) g->two_theta_rad = PetscAcosReal(PetscCosReal(delta * PETSC_PI / 180) * PetscCosReal(gamma * PETSC_PI / 180));
    H5Gclose(root);
  }
  if (!g->wavelength_m && g->energy_J > 0) g->wavelength_m = hc / g->energy_J;
  if (!g->energy_J && g->wavelength_m > 0) g->energy_J = hc / g->wavelength_m;
  g->pixel_m[0] = py * d->bin[1];
  g->pixel_m[1] = px * d->bin[2];
  g->rocking_step_rad *= d->bin[0];
}

/* Centre of the crop: the largest prepared count (first in C order among equals) or the centre of mass, found by
   reading the frames once, spread over the ranks; sums are exact whatever the layout (one rank per frame). */
static PetscErrorCode FindCenter(TkBCDIData d, PetscBool com, PetscInt c[3], char *msg, size_t len)
{
  PetscMPIInt    rank, size;
  PetscInt       f0, f1;
  PetscReal     *sums, best = -1;
  long long      where = -1;
  const PetscInt n0 = d->raw[0], n1 = d->raw[1], n2 = d->raw[2];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(d->comm, &rank));
  PetscCallMPI(MPI_Comm_size(d->comm, &size));
  f0 = n0 * rank / size, f1 = n0 * (rank + 1) / size;
  PetscCall(PetscCalloc1(4 * n0, &sums));
  for (PetscInt f = f0; f < f1 && !msg[0]; f++) {
    PetscCall(PrepareFrame(d, f, msg, len));
    for (PetscInt i = 0; i < n1; i++)
      for (PetscInt j = 0; j < n2; j++) {
        const PetscReal v = d->frame[i * n2 + j];
        sums[4 * f + 0] += v, sums[4 * f + 1] += v * i, sums[4 * f + 2] += v * j;
        if (v > best) best = v, where = ((long long)f * n1 + i) * n2 + j;
      }
  }
  PetscCall(AgreeOnError(d->comm, msg, len, PETSC_ERR_FILE_UNEXPECTED));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, (int)(4 * n0), MPIU_REAL, MPI_SUM, d->comm)); /* one non-zero term per entry */
  if (com) {
    PetscReal s = 0, sz = 0, sy = 0, sx = 0;
    for (PetscInt f = 0; f < n0; f++) s += sums[4 * f], sz += sums[4 * f] * f, sy += sums[4 * f + 1], sx += sums[4 * f + 2];
    PetscCheck(s > 0, d->comm, PETSC_ERR_USER_INPUT, "'%s': the prepared data are all zero (check -threshold and the mask)", d->path);
    c[0] = (PetscInt)PetscFloorReal(sz / s + 0.5), c[1] = (PetscInt)PetscFloorReal(sy / s + 0.5), c[2] = (PetscInt)PetscFloorReal(sx / s + 0.5);
  } else {
    struct {
      double    v;
      long long at;
    } * all;
    PetscCall(PetscMalloc1(size, &all));
    all[rank].v = best, all[rank].at = where;
    PetscCallMPI(MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, (int)sizeof(*all), MPI_BYTE, d->comm));
    best = -1, where = -1;
    for (PetscMPIInt r = 0; r < size; r++)
      if (all[r].at >= 0 && (all[r].v > best || (all[r].v == best && all[r].at < where))) best = all[r].v, where = all[r].at;
    PetscCall(PetscFree(all));
    PetscCheck(best > 0, d->comm, PETSC_ERR_USER_INPUT, "'%s': the prepared data are all zero (check -threshold and the mask)", d->path);
    c[2] = (PetscInt)(where % n2), c[1] = (PetscInt)((where / n2) % n1), c[0] = (PetscInt)(where / ((long long)n1 * n2));
  }
  PetscCall(PetscFree(sums));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataSetUp(TkBCDIData d)
{
  char      msg[PETSC_MAX_PATH_LEN + 512] = "";
  PetscInt  c[3]                          = {-1, -1, -1};
  PetscBool center_asked                  = (PetscBool)(d->info.center[0] == -2);

  PetscFunctionBegin;
  if (d->setup) PetscFunctionReturn(0);
  PetscCheck(d->path[0], d->comm, PETSC_ERR_USER_INPUT, "no input: give -data FILE (a CXI file or the raw 34-ID-C file)");
  PetscCall(OpenAndCheck(d, msg, sizeof(msg)));
  PetscCall(AgreeOnError(d->comm, msg, sizeof(msg), PETSC_ERR_FILE_READ));
  PetscCall(PetscMalloc2((size_t)d->raw[1] * d->raw[2], &d->frame, (size_t)d->raw[1] * d->raw[2], &d->fmask));
  /* the shape of the prepared array and the window it takes from the file */
  for (int j = 0; j < 3; j++) {
    d->N[j] = d->has_crop ? d->crop[j] : d->raw[j] / d->bin[j];
    PetscCheck(d->N[j] >= 2, d->comm, PETSC_ERR_USER_INPUT, "-bin %" PetscInt_FMT " along axis %d leaves fewer than 2 points of %" PetscInt_FMT, d->bin[j], j, d->raw[j]);
    d->info.window[j] = 0;
  }
  if (d->has_crop || center_asked) {
    PetscBool max, com;
    PetscCall(PetscStrcmp(d->center_spec, "max", &max));
    PetscCall(PetscStrcmp(d->center_spec, "com", &com));
    if (max || com)
      PetscCall(FindCenter(d, com, c, msg, sizeof(msg)));
    else {
      PetscInt  n = 3;
      char      extra;
      long long v[3];
      n = sscanf(d->center_spec, "%lld,%lld,%lld%c", &v[0], &v[1], &v[2], &extra);
      PetscCheck(n == 3, d->comm, PETSC_ERR_USER_INPUT, "-crop_center '%s': give max, com or three raw indices i,j,k", d->center_spec);
      for (int j = 0; j < 3; j++) {
        PetscCheck(v[j] >= 0 && v[j] < d->raw[j], d->comm, PETSC_ERR_USER_INPUT, "-crop_center index %lld lies outside the data (0 to %" PetscInt_FMT ") along axis %d", v[j], d->raw[j] - 1, j);
        c[j] = (PetscInt)v[j];
      }
    }
    for (int j = 0; j < 3; j++) {
      d->info.window[j] = c[j] - (d->N[j] * d->bin[j]) / 2;
      d->info.center[j] = c[j];
    }
  } else
    for (int j = 0; j < 3; j++) d->info.center[j] = -1;
  for (int j = 0; j < 3; j++) {
    const PetscInt lo = d->info.window[j], hi = lo + d->N[j] * d->bin[j];
    PetscCheck(hi > 0 && lo < d->raw[j], d->comm, PETSC_ERR_USER_INPUT, "the crop window misses the data along axis %d", j);
    d->info.bin[j] = d->bin[j];
  }
  ReadGeometry(d);
  d->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataGetShape(TkBCDIData d, PetscInt N[3])
{
  PetscFunctionBegin;
  PetscCheck(d->setup, d->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkBCDIDataSetUp() first");
  for (int j = 0; j < 3; j++) N[j] = d->N[j];
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataRead(TkBCDIData d, PetscInt z0, PetscInt nz, PetscReal *counts, unsigned char *mask)
{
  char           msg[PETSC_MAX_PATH_LEN + 512] = "";
  const PetscInt N1 = d->N[1], N2 = d->N[2], b0 = d->bin[0], b1 = d->bin[1], b2 = d->bin[2];
  const PetscInt w0 = d->info.window[0], w1 = d->info.window[1], w2 = d->info.window[2];
  PetscReal     *plane_stats, total = 0, maximum = 0;
  PetscInt       nmasked = 0;

  PetscFunctionBegin;
  PetscCheck(d->setup, d->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkBCDIDataSetUp() first");
  PetscCall(PetscCalloc1(3 * d->N[0], &plane_stats));
  for (PetscInt k = 0; k < nz && !msg[0]; k++) {
    PetscReal     *out = counts + (size_t)k * N1 * N2;
    unsigned char *om  = mask + (size_t)k * N1 * N2;
    for (size_t q = 0; q < (size_t)N1 * N2; q++) out[q] = 0, om[q] = 0;
    for (PetscInt s = 0; s < b0 && !msg[0]; s++) {
      const PetscInt f = w0 + (z0 + k) * b0 + s;
      if (f < 0 || f >= d->raw[0]) { /* outside the scan: not measured */
        for (size_t q = 0; q < (size_t)N1 * N2; q++) om[q] = 1;
        continue;
      }
      PetscCall(PrepareFrame(d, f, msg, sizeof(msg)));
      for (PetscInt i = 0; i < N1; i++)
        for (PetscInt j = 0; j < N2; j++) {
          const size_t o = (size_t)i * N2 + j;
          for (PetscInt a = 0; a < b1; a++)
            for (PetscInt b = 0; b < b2; b++) {
              const PetscInt r = w1 + i * b1 + a, cc = w2 + j * b2 + b;
              if (r < 0 || r >= d->raw[1] || cc < 0 || cc >= d->raw[2])
                om[o] = 1;
              else if (d->fmask[r * d->raw[2] + cc])
                om[o] = 1;
              else
                out[o] += d->frame[r * d->raw[2] + cc];
            }
        }
    }
    for (size_t q = 0; q < (size_t)N1 * N2; q++) {
      if (om[q]) out[q] = 0, nmasked++;
      plane_stats[3 * (z0 + k) + 0] += out[q];
      plane_stats[3 * (z0 + k) + 1] = PetscMax(plane_stats[3 * (z0 + k) + 1], out[q]);
    }
  }
  PetscCall(AgreeOnError(d->comm, msg, sizeof(msg), PETSC_ERR_FILE_UNEXPECTED));
  /* exact whatever the layout: one rank holds each plane */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, plane_stats, (int)(3 * d->N[0]), MPIU_REAL, MPI_SUM, d->comm));
  for (PetscInt k = 0; k < d->N[0]; k++) total += plane_stats[3 * k], maximum = PetscMax(maximum, plane_stats[3 * k + 1]);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &nmasked, 1, MPIU_INT, MPI_SUM, d->comm));
  PetscCall(PetscFree(plane_stats));
  d->info.total   = total;
  d->info.maximum = maximum;
  d->info.nmasked = nmasked;
  PetscCheck(total > 0, d->comm, PETSC_ERR_USER_INPUT, "'%s': the prepared data are all zero or masked (check -crop, -threshold and the mask)", d->path);
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataGetInfo(TkBCDIData d, TkBCDIDataInfo *info)
{
  PetscFunctionBegin;
  *info = d->info;
  PetscFunctionReturn(0);
}

/* takagi bcdi's detector frame (docs/bcdi.md; models/geometry/bragg_frame.h): k0 along z, scattering in the y-z
   plane, n = (0, cos thetaB, -sin thetaB) along h; the rocking step dw moves q by |h| dw m, m = (0, sin thetaB,
   cos thetaB); rows run against e1 = (0, cos 2thetaB, -sin 2thetaB), columns towards -x */
PetscErrorCode TkBCDIDataConjugateBasis(const TkBCDIDataInfo *g, const PetscInt N[3], double A[3][3], double B[3][3])
{
  const double  k = 2 * PETSC_PI / g->wavelength_m, th = g->bragg_angle_rad, h = 2 * k * sin(th);
  const double  m[3] = {0, sin(th), cos(th)}, e1[3] = {0, cos(2 * th), -sin(2 * th)}, x[3] = {1, 0, 0};
  const double  s[3]   = {h * g->rocking_step_rad, -k * g->pixel_m[0] / g->distance_m, -k * g->pixel_m[1] / g->distance_m};
  const double *dir[3] = {m, e1, x};
  double        det;

  PetscFunctionBegin;
  PetscCheck(g->takagi && g->wavelength_m > 0 && g->distance_m > 0 && g->pixel_m[0] > 0 && g->pixel_m[1] > 0 && g->rocking_step_rad != 0 && th > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "the detector-conjugate basis needs the full geometry of a takagi bcdi CXI file (wavelength, distance, pixel sizes, rocking angles, Bragg angle)");
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 3; i++) B[i][j] = s[j] * dir[j][i];
  det = B[0][0] * (B[1][1] * B[2][2] - B[1][2] * B[2][1]) - B[0][1] * (B[1][0] * B[2][2] - B[1][2] * B[2][0]) + B[0][2] * (B[1][0] * B[2][1] - B[1][1] * B[2][0]);
  /* a_j = 2 pi / N_j (B^-T)_j, (B^-T)[i][j] the cofactor C[i][j] / det */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      const int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
      A[i][j] = 2 * PETSC_PI / N[j] * (B[i1][j1] * B[i2][j2] - B[i1][j2] * B[i2][j1]) / det;
    }
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataView(TkBCDIData d, PetscViewer v)
{
  const TkBCDIDataInfo *g = &d->info;

  PetscFunctionBegin;
  PetscCall(
      PetscViewerASCIIPrintf(v, "Data '%s': %s, %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT "\n", d->path, d->kind == TK_BCDI_DATA_CXI ? (g->takagi ? "CXI (takagi bcdi)" : "CXI") : "raw APS 34-ID-C", d->raw[0], d->raw[1], d->raw[2]));
  if (d->kind == TK_BCDI_DATA_34IDC)
    PetscCall(PetscViewerASCIIPrintf(v, "  flat field mean %.6g, std %.6g; %" PetscInt_FMT " bad detector pixels in the frames (dark > %g or flat < mean - %g std)%s\n", (double)d->flat_mean, (double)d->flat_std, d->nbad_detector, (double)d->dark_max,
                                     (double)d->flat_sigma, d->flat_normalize ? "; counts divided by flat/mean" : ""));
  if (d->threshold > 0) PetscCall(PetscViewerASCIIPrintf(v, "  counts below %g zeroed\n", (double)d->threshold));
  if (g->center[0] >= 0) PetscCall(PetscViewerASCIIPrintf(v, "  crop centred on raw voxel (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") [%s]\n", g->center[0], g->center[1], g->center[2], d->center_spec));
  PetscCall(PetscViewerASCIIPrintf(v, "  prepared array %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (bin %" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT "; window from raw (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT "))",
                                   d->N[0], d->N[1], d->N[2], d->bin[0], d->bin[1], d->bin[2], g->window[0], g->window[1], g->window[2]));
  if (g->total > 0) PetscCall(PetscViewerASCIIPrintf(v, ": total %.6g, maximum %.6g, %" PetscInt_FMT " masked", (double)g->total, (double)g->maximum, g->nmasked));
  PetscCall(PetscViewerASCIIPrintf(v, "\n"));
  if (g->wavelength_m > 0)
    PetscCall(PetscViewerASCIIPrintf(v, "  wavelength %.6g A, distance %.6g m, pixels %.3g x %.3g um, rocking step %.4g urad, 2theta %.4f deg\n", 1e10 * (double)g->wavelength_m, (double)g->distance_m, 1e6 * (double)g->pixel_m[0],
                                     1e6 * (double)g->pixel_m[1], 1e6 * (double)g->rocking_step_rad, (double)(g->two_theta_rad * 180 / PETSC_PI)));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDataDestroy(TkBCDIData *d)
{
  PetscFunctionBegin;
  if (!*d) PetscFunctionReturn(0);
  if ((*d)->mask_ds >= 0) H5Dclose((*d)->mask_ds);
  if ((*d)->ds >= 0) H5Dclose((*d)->ds);
  if ((*d)->file >= 0) H5Fclose((*d)->file);
  PetscCall(PetscFree((*d)->flat));
  PetscCall(PetscFree((*d)->bad));
  PetscCall(PetscFree2((*d)->frame, (*d)->fmask));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(0);
}
