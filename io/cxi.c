/* A rocking scan as a CXI file (cxidb CXI 1.6 rules, the groups and names PyNX uses for BCDI data), and fields on a
   regular grid as HDF5 with an XDMF 3 sidecar that ParaView opens. Rank 0 writes every file under a temporary name
   (io/atomic_file.h) and renames it once complete. The layouts are in docs/file-formats.md. */
#include "cxi.h"
#include "atomic_file.h"
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* memory type of PetscReal; files always hold float64 (the CXI frames optionally float32) */
#if defined(PETSC_USE_REAL_SINGLE)
#define TK_H5_REAL H5T_NATIVE_FLOAT
#else
#define TK_H5_REAL H5T_NATIVE_DOUBLE
#endif

/* An HDF5 call that must succeed. Objects left open by a failure are closed with the file (H5F_CLOSE_STRONG). */
#define TkH5Call(call) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: %s failed", #call)

/* ---------------------------------------------------------------------------------------------------------------
   small HDF5 helpers: strings are variable-length UTF-8 (what h5py writes), numbers native float64 / int */

static PetscErrorCode StringType(hid_t *type)
{
  PetscFunctionBegin;
  TkH5Call(*type = H5Tcopy(H5T_C_S1));
  TkH5Call(H5Tset_size(*type, H5T_VARIABLE));
  TkH5Call(H5Tset_cset(*type, H5T_CSET_UTF8));
  PetscFunctionReturn(0);
}

/* n strings as an attribute: a scalar when n == 0 (then s[0] is written), else a 1-D array of n */
static PetscErrorCode AttrStrings(hid_t loc, const char *name, hsize_t n, const char *const s[])
{
  hid_t type, space, attr;

  PetscFunctionBegin;
  PetscCall(StringType(&type));
  TkH5Call(space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR));
  TkH5Call(attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Awrite(attr, type, s));
  TkH5Call(H5Aclose(attr));
  TkH5Call(H5Sclose(space));
  TkH5Call(H5Tclose(type));
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrString(hid_t loc, const char *name, const char *s)
{
  PetscFunctionBegin;
  PetscCall(AttrStrings(loc, name, 0, &s));
  PetscFunctionReturn(0);
}

/* n numbers as an attribute (scalar when n == 0); ints as int64 */
static PetscErrorCode AttrNumbers(hid_t loc, const char *name, hsize_t n, hid_t ftype, hid_t mtype, const void *v)
{
  hid_t space, attr;

  PetscFunctionBegin;
  TkH5Call(space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR));
  TkH5Call(attr = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Awrite(attr, mtype, v));
  TkH5Call(H5Aclose(attr));
  TkH5Call(H5Sclose(space));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataString(hid_t loc, const char *name, const char *s)
{
  hid_t type, space, ds;

  PetscFunctionBegin;
  PetscCall(StringType(&type));
  TkH5Call(space = H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(space));
  TkH5Call(H5Tclose(type));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataInt(hid_t loc, const char *name, int v)
{
  hid_t space, ds;

  PetscFunctionBegin;
  TkH5Call(space = H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(space));
  PetscFunctionReturn(0);
}

/* A float64 dataset of ndim dimensions (a scalar when ndim == 0) with a units attribute when units is not NULL. */
static PetscErrorCode DataReals(hid_t loc, const char *name, int ndim, const hsize_t dims[], const PetscReal *v, const char *units)
{
  hid_t space, ds;

  PetscFunctionBegin;
  TkH5Call(space = ndim ? H5Screate_simple(ndim, dims, NULL) : H5Screate(H5S_SCALAR));
  TkH5Call(ds = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, TK_H5_REAL, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
  if (units) PetscCall(AttrString(ds, "units", units));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Sclose(space));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataReal(hid_t loc, const char *name, PetscReal v, const char *units)
{
  PetscFunctionBegin;
  PetscCall(DataReals(loc, name, 0, NULL, &v, units));
  PetscFunctionReturn(0);
}

/* A NeXus-classed group (CXI names it <class without NX>_N; the NX_class attribute makes it NeXus too). */
static PetscErrorCode Group(hid_t loc, const char *name, const char *nxclass, hid_t *g)
{
  PetscFunctionBegin;
  TkH5Call(*g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (nxclass) PetscCall(AttrString(*g, "NX_class", nxclass));
  PetscFunctionReturn(0);
}

static PetscBool FilterCanEncode(H5Z_filter_t id)
{
  unsigned int cfg = 0;
  if (H5Zfilter_avail(id) <= 0 || H5Zget_filter_info(id, &cfg) < 0) return PETSC_FALSE;
  return (cfg & H5Z_FILTER_CONFIG_ENCODE_ENABLED) ? PETSC_TRUE : PETSC_FALSE;
}

/* Chunked dataset creation: given chunk shape, shuffle + gzip 4 when this HDF5 can encode them. */
static PetscErrorCode ChunkedCreate(int ndim, const hsize_t chunk[], hid_t *dcpl)
{
  PetscFunctionBegin;
  TkH5Call(*dcpl = H5Pcreate(H5P_DATASET_CREATE));
  TkH5Call(H5Pset_chunk(*dcpl, ndim, chunk));
  if (FilterCanEncode(H5Z_FILTER_DEFLATE)) {
    if (FilterCanEncode(H5Z_FILTER_SHUFFLE)) TkH5Call(H5Pset_shuffle(*dcpl));
    TkH5Call(H5Pset_deflate(*dcpl, 4));
  }
  PetscFunctionReturn(0);
}

/* Creates path for writing; closing the file closes whatever a failed write left open. */
static PetscErrorCode CreateFile(const char path[], hid_t *file)
{
  hid_t fapl;

  PetscFunctionBegin;
  TkH5Call(fapl = H5Pcreate(H5P_FILE_ACCESS));
  TkH5Call(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG));
  *file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  TkH5Call(H5Pclose(fapl));
  PetscCheck(*file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create HDF5 file '%s'", path);
  PetscFunctionReturn(0);
}

static const char *BaseName(const char path[])
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* ---------------------------------------------------------------------------------------------------------------
   CXI */

static PetscErrorCode CXIWriteRoot(hid_t file, const char final_path[], const char *program, const char *now)
{
  char     version[32];
  unsigned maj, min, rel;

  PetscFunctionBegin;
  TkH5Call(H5get_libversion(&maj, &min, &rel));
  PetscCall(PetscSNPrintf(version, sizeof(version), "%u.%u.%u", maj, min, rel));
  PetscCall(AttrString(file, "NX_class", "NXroot"));
  PetscCall(AttrString(file, "default", "entry_1"));
  PetscCall(AttrString(file, "creator", program));
  PetscCall(AttrString(file, "file_name", BaseName(final_path)));
  PetscCall(AttrString(file, "file_time", now));
  PetscCall(AttrString(file, "HDF5_Version", version));
  PetscCall(DataInt(file, "cxi_version", 150));
  PetscCall(DataInt(file, "number_of_entries", 1));
  PetscFunctionReturn(0);
}

/* Detector on the kinematic kh = (0, sin 2theta, cos 2theta), its plane normal to kh: the CXI default basis
   [[0,-py,0],[-px,0,0]] turned about x by 2theta (exactly the default when 2theta = 0); the centre of pixel
   (ny/2, nx/2) (integer division: the zero frequency of an fftshifted frame) lies on kh at the distance. */
static PetscErrorCode CXIWriteDetector(hid_t inst, const TkCXIData *d)
{
  const PetscReal c = PetscCosReal(d->detector_2theta), s = PetscSinReal(d->detector_2theta);
  const PetscReal px = d->x_pixel_size_m, py = d->y_pixel_size_m, D = d->distance_m;
  const PetscReal i0 = (PetscReal)(d->ny / 2) + 0.5, j0 = (PetscReal)(d->nx / 2) + 0.5;
  PetscReal       basis[6] = {0, -py * c, py * s, -px, 0, 0}, corner[3];
  hsize_t         dims[3] = {(hsize_t)d->nangles, (hsize_t)d->ny, (hsize_t)d->nx}, chunk[3] = {1, dims[1], dims[2]};
  hsize_t         bdims[2] = {2, 3}, three = 3;
  hid_t           det, space, dcpl, ds;
  uint32_t       *mask;
  char            desc[256];

  PetscFunctionBegin;
  for (int k = 0; k < 3; k++) corner[k] = D * (k == 1 ? s : k == 2 ? c : 0) - i0 * basis[k] - j0 * basis[3 + k];
  PetscCall(Group(inst, "detector_1", "NXdetector", &det));
  PetscCall(PetscSNPrintf(desc, sizeof(desc), "simulated detector normal to the kinematic kh at 2theta = %.10g rad in the vertical (y-z) plane", (double)d->detector_2theta));
  PetscCall(DataString(det, "description", desc));

  /* the frames: one frame per chunk, so a reader can take one rocking angle at a time */
  TkH5Call(space = H5Screate_simple(3, dims, NULL));
  PetscCall(ChunkedCreate(3, chunk, &dcpl));
  TkH5Call(ds = H5Dcreate2(det, "data", d->float32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, TK_H5_REAL, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->data));
  PetscCall(AttrString(ds, "units", d->data_units ? d->data_units : "counts"));
  PetscCall(AttrString(ds, "axes", "rocking_angle:y:x")); /* CXI dimension scales; y, x are implicit */
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Pclose(dcpl));
  TkH5Call(H5Sclose(space));

  /* mask: 0 = good pixel (CXI bits, PyNX: > 0 is bad) */
  PetscCall(PetscCalloc1((size_t)d->ny * (size_t)d->nx, &mask));
  TkH5Call(space = H5Screate_simple(2, &dims[1], NULL));
  PetscCall(ChunkedCreate(2, &dims[1], &dcpl));
  TkH5Call(ds = H5Dcreate2(det, "mask", H5T_STD_U32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  TkH5Call(H5Dwrite(ds, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, mask));
  TkH5Call(H5Dclose(ds));
  TkH5Call(H5Pclose(dcpl));
  TkH5Call(H5Sclose(space));
  PetscCall(PetscFree(mask));

  PetscCall(DataReal(det, "distance", D, "m"));
  PetscCall(DataReal(det, "x_pixel_size", px, "m"));
  PetscCall(DataReal(det, "y_pixel_size", py, "m"));
  PetscCall(DataReals(det, "basis_vectors", 2, bdims, basis, "m"));
  PetscCall(DataReals(det, "corner_position", 1, &three, corner, "m"));
  TkH5Call(H5Lcreate_soft("/entry_1/process_1/rocking_angle", det, "rocking_angle", H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Gclose(det));
  PetscFunctionReturn(0);
}

static PetscErrorCode CXIWriteProcess(hid_t entry, const TkCXIData *d, const char *program, const char *now)
{
  const double deg = 180.0 / PETSC_PI;
  hsize_t      n   = (hsize_t)d->nangles;
  hid_t        proc, note, ds;
  char         text[1024];

  PetscFunctionBegin;
  PetscCall(Group(entry, "process_1", "NXprocess", &proc));
  PetscCall(DataString(proc, "program", program));
  PetscCall(DataString(proc, "command", d->command ? d->command : ""));
  PetscCall(DataString(proc, "date", now));
  if (d->model) PetscCall(DataString(proc, "model", d->model));
  PetscCall(DataReals(proc, "rocking_angle", 1, &n, d->rocking_angle, "rad"));
  TkH5Call(ds = H5Dopen2(proc, "rocking_angle", H5P_DEFAULT));
  PetscCall(AttrString(ds, "long_name", "rocking angle theta - thetaB (rad)"));
  TkH5Call(H5Dclose(ds));
  PetscCall(DataReal(proc, "bragg_angle", d->bragg_angle, "rad"));
  PetscCall(DataReal(proc, "detector_2theta", d->detector_2theta, "rad"));

  PetscCall(Group(proc, "note_1", "NXnote", &note));
  PetscCall(DataString(note, "description", "rocking scan"));
  PetscCall(DataString(note, "type", "text/plain"));
  PetscCall(PetscSNPrintf(text, sizeof(text),
                          "Rocking scan: frame i of /entry_1/instrument_1/detector_1/data is the intensity at the glancing angle "
                          "theta = thetaB + rocking_angle[i] (rad, /entry_1/process_1/rocking_angle), %" PetscInt_FMT " angles from %.10g to %.10g rad, "
                          "about the kinematic Bragg angle thetaB = %.10g rad (%.6f deg). The detector stays on the kinematic kh at "
                          "2theta = %.10g rad (%.6f deg) in the vertical (y-z) plane, %.10g m from the sample, its plane normal to kh. "
                          "Lab frame as CXI: z downstream, y up, x completing a right-handed frame. Model: %s.",
                          d->nangles, (double)d->rocking_angle[0], (double)d->rocking_angle[d->nangles - 1], (double)d->bragg_angle, (double)d->bragg_angle * deg, (double)d->detector_2theta, (double)d->detector_2theta * deg, (double)d->distance_m,
                          d->model ? d->model : "unspecified"));
  PetscCall(DataString(note, "data", text));
  TkH5Call(H5Gclose(note));
  TkH5Call(H5Gclose(proc));
  PetscFunctionReturn(0);
}

static PetscErrorCode CXIWriteContents(hid_t file, const char final_path[], const TkCXIData *d)
{
  const PetscReal *R = d->orientation;
  /* CXI geometry orientation: [x'.x, x'.y, x'.z, y'.x, y'.y, y'.z] for the crystal axes x', y' = columns of R */
  const PetscReal o6[6]  = {R[0], R[3], R[6], R[1], R[4], R[7]};
  const char     *axes[] = {"rocking_angle", ".", "."};
  const long long zero   = 0;
  hsize_t         six = 6, m33[2] = {3, 3};
  hid_t           entry, inst, src, beam, sample, geom, data1;
  char            program[256], title[512], now[64];
  time_t          t = time(NULL);
  struct tm       tm;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(program, d->program ? d->program : "takagi " TAKAGI_VERSION, sizeof(program)));
  PetscCheck(localtime_r(&t, &tm) && strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S%z", &tm), PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot read the clock");
  PetscCall(CXIWriteRoot(file, final_path, program, now));

  PetscCall(Group(file, "entry_1", "NXentry", &entry));
  PetscCall(AttrString(entry, "default", "data_1"));
  PetscCall(DataString(entry, "program_name", program));
  PetscCall(DataString(entry, "start_time", now));
  PetscCall(PetscSNPrintf(title, sizeof(title), "simulated BCDI rocking scan%s%s%s%s", d->sample_name ? " of " : "", d->sample_name ? d->sample_name : "", d->model ? ", " : "", d->model ? d->model : ""));
  PetscCall(DataString(entry, "title", title));

  PetscCall(Group(entry, "instrument_1", "NXinstrument", &inst));
  PetscCall(Group(inst, "source_1", "NXsource", &src));
  PetscCall(DataReal(src, "energy", d->energy_J, "J"));
  TkH5Call(H5Gclose(src));
  PetscCall(Group(inst, "beam_1", "NXbeam", &beam));
  PetscCall(DataReal(beam, "incident_energy", d->energy_J, "J"));
  PetscCall(DataReal(beam, "incident_wavelength", d->wavelength_m, "m"));
  TkH5Call(H5Gclose(beam));
  PetscCall(CXIWriteDetector(inst, d));
  TkH5Call(H5Gclose(inst));

  PetscCall(Group(entry, "sample_1", "NXsample", &sample));
  if (d->sample_name) PetscCall(DataString(sample, "name", d->sample_name));
  PetscCall(Group(sample, "geometry_1", "NXgeometry", &geom));
  PetscCall(DataReals(geom, "orientation", 1, &six, o6, NULL));
  PetscCall(DataReals(geom, "orientation_matrix", 2, m33, R, NULL));
  TkH5Call(H5Gclose(geom));
  TkH5Call(H5Gclose(sample));

  PetscCall(CXIWriteProcess(entry, d, program, now));

  /* the default plot (silx, NeXus): the frames against the rocking angle */
  PetscCall(Group(entry, "data_1", "NXdata", &data1));
  PetscCall(AttrString(data1, "signal", "data"));
  PetscCall(AttrStrings(data1, "axes", 3, axes));
  PetscCall(AttrNumbers(data1, "rocking_angle_indices", 0, H5T_STD_I64LE, H5T_NATIVE_LLONG, &zero));
  TkH5Call(H5Lcreate_soft("/entry_1/instrument_1/detector_1/data", data1, "data", H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Lcreate_soft("/entry_1/process_1/rocking_angle", data1, "rocking_angle", H5P_DEFAULT, H5P_DEFAULT));
  TkH5Call(H5Gclose(data1));
  TkH5Call(H5Gclose(entry));
  PetscFunctionReturn(0);
}

static PetscErrorCode CXIWriteFile(const char tmp_path[], const char final_path[], const TkCXIData *d)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(CreateFile(tmp_path, &file));
  ierr = CXIWriteContents(file, final_path, d);
  if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE; /* the data reach the disk here */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Every rank passes the same sizes; the frames and rocking angles are needed on rank 0 only. */
PetscErrorCode TkCXIWrite(MPI_Comm comm, const char path[], const TkCXIData *d)
{
  PetscMPIInt    rank;
  TkAtomicFile   f;
  PetscErrorCode ierr    = 0;
  int            missing = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(d->nangles > 0 && d->ny > 0 && d->nx > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "CXI frames must be at least 1 x 1 x 1, got %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT, d->nangles, d->ny, d->nx);
  PetscCheck((double)d->ny * (double)d->nx * 8 < 4294967295.0, comm, PETSC_ERR_ARG_OUTOFRANGE, "a %" PetscInt_FMT " x %" PetscInt_FMT " frame exceeds the 4 GiB HDF5 chunk limit", d->ny, d->nx);
  if (rank == 0) missing = !d->data || !d->rocking_angle;
  PetscCallMPI(MPI_Bcast(&missing, 1, MPI_INT, 0, comm));
  PetscCheck(!missing, comm, PETSC_ERR_ARG_NULL, "TkCXIWrite needs the frames and the rocking angles on rank 0");
  PetscCall(TkAtomicFileBegin(comm, path, &f));
  if (rank == 0) {
    H5E_auto2_t efunc;
    void       *edata;
    H5Eget_auto2(H5E_DEFAULT, &efunc, &edata); /* one-line errors: no HDF5 error stack on stderr */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = CXIWriteFile(f.tmp_path, path, d);
    PetscCall(PetscPopErrorHandler());
    H5Eset_auto2(H5E_DEFAULT, efunc, edata);
    if (ierr) PetscCall(TkAtomicFileAbort(&f));
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' (disk full or permission denied?)", path);
  PetscCall(TkAtomicFileCommit(comm, &f));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------------------------------------------------------
   grid fields + XDMF */

PetscErrorCode TkGridFieldsXdmfPath(const char path[], char xdmf[], size_t len)
{
  size_t    n;
  PetscBool h5 = PETSC_FALSE, hdf5 = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscStrlen(path, &n));
  if (n > 3) PetscCall(PetscStrcasecmp(path + n - 3, ".h5", &h5));
  if (n > 5) PetscCall(PetscStrcasecmp(path + n - 5, ".hdf5", &hdf5));
  if (h5)
    n -= 3;
  else if (hdf5)
    n -= 5;
  PetscCheck(n + 6 < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "output path '%s' is too long", path);
  PetscCall(PetscSNPrintf(xdmf, len, "%.*s.xdmf", (int)n, path));
  PetscFunctionReturn(0);
}

/* Field names become HDF5 dataset names and XDMF attribute names: letters, digits, '_', '-', '.', not starting with '.' */
static PetscBool GoodFieldName(const char *s)
{
  if (!s || !s[0] || s[0] == '.' || !strcmp(s, "grid")) return PETSC_FALSE;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.')) return PETSC_FALSE;
  return PETSC_TRUE;
}

static PetscErrorCode GridWriteH5(const char tmp_path[], const TkGrid *g, PetscInt nf, const TkGridField fs[])
{
  const long long dims[3] = {(long long)g->nz, (long long)g->ny, (long long)g->nx};
  hid_t           file, grp;
  PetscErrorCode  ierr = 0;

  PetscFunctionBegin;
  PetscCall(CreateFile(tmp_path, &file));
  for (PetscInt i = 0; i < nf && !ierr; i++) {
    hsize_t shape[4] = {(hsize_t)g->nz, (hsize_t)g->ny, (hsize_t)g->nx, (hsize_t)fs[i].ncomp};
    ierr             = DataReals(file, fs[i].name, fs[i].ncomp == 1 ? 3 : 4, shape, fs[i].values, fs[i].units ? fs[i].units : "");
    if (!ierr && (fs[i].ncomp == 6 || fs[i].ncomp == 9)) { /* the order XDMF's Tensor6 / Tensor declare (TkGridXdmfWrite) */
      hid_t ds = H5Dopen2(file, fs[i].name, H5P_DEFAULT);
      ierr     = ds < 0 ? PETSC_ERR_LIB : AttrString(ds, "components", fs[i].ncomp == 6 ? "xx,xy,xz,yy,yz,zz" : "xx,xy,xz,yx,yy,yz,zx,zy,zz");
      if (ds >= 0 && H5Dclose(ds) < 0 && !ierr) ierr = PETSC_ERR_LIB;
    }
  }
  if (!ierr) ierr = Group(file, "grid", NULL, &grp);
  if (!ierr) ierr = AttrNumbers(grp, "spacing", 3, H5T_NATIVE_DOUBLE, TK_H5_REAL, g->spacing);
  if (!ierr) ierr = AttrNumbers(grp, "origin", 3, H5T_NATIVE_DOUBLE, TK_H5_REAL, g->origin);
  if (!ierr) ierr = AttrNumbers(grp, "dims", 3, H5T_STD_I64LE, H5T_NATIVE_LLONG, dims);
  if (!ierr) ierr = AttrString(grp, "units", "m");
  if (!ierr) ierr = AttrString(grp, "axes", "z:y:x");
  if (!ierr && H5Gclose(grp) < 0) ierr = PETSC_ERR_LIB;
  if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE;
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static void PutEscaped(FILE *fp, const char *s)
{
  for (; *s; s++) switch (*s) {
    case '&':
      fputs("&amp;", fp);
      break;
    case '<':
      fputs("&lt;", fp);
      break;
    case '>':
      fputs("&gt;", fp);
      break;
    case '"':
      fputs("&quot;", fp);
      break;
    case '\'':
      fputs("&apos;", fp);
      break;
    default:
      fputc(*s, fp);
    }
}

/* XDMF 3, 3DCoRectMesh: Dimensions, Origin and Spacing slowest first (z, y, x); VTK's reader reverses them to x, y, z */
/* Also used by the parallel grid writer; ncomp 1, 3, 6 or 9 map to Scalar, Vector (x, y, z), Tensor6 and Tensor, whose
   component orders XDMF fixes: Tensor6 is the upper triangle row by row (xx, xy, xz, yy, yz, zz), Tensor all nine row
   by row (xx, xy, xz, yx, ...). The values must be stored in that order, or ParaView mislabels the components. */
/* One <Grid> of the datasets of h5 (a file name beside the sidecar), with a <Time> if time is not NULL; a view with
   fields[] given is the TkGridFieldsWrite dataset /<name>, double */
static void XdmfGrid(FILE *fp, const char *indent, const char *h5, const PetscReal *time, const TkGrid *g, PetscInt nf, const TkGridField fs[], const TkXdmfView vs[])
{
  fprintf(fp, "%s<Grid Name=\"", indent);
  PutEscaped(fp, h5);
  fprintf(fp, "\" GridType=\"Uniform\">\n");
  if (time) fprintf(fp, "%s  <Time Value=\"%.17g\"/>\n", indent, (double)*time);
  fprintf(fp, "%s  <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\"/>\n", indent, g->nz, g->ny, g->nx);
  fprintf(fp, "%s  <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n", indent);
  fprintf(fp, "%s    <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">%.17g %.17g %.17g</DataItem>\n", indent, (double)g->origin[0], (double)g->origin[1], (double)g->origin[2]);
  fprintf(fp, "%s    <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">%.17g %.17g %.17g</DataItem>\n", indent, (double)g->spacing[0], (double)g->spacing[1], (double)g->spacing[2]);
  fprintf(fp, "%s  </Geometry>\n", indent);
  for (PetscInt i = 0; i < nf; i++) {
    const TkXdmfView v  = fs ? (TkXdmfView){fs[i].name, fs[i].name, fs[i].ncomp, 8} : vs[i];
    const char      *ds = v.dataset[0] == '/' ? v.dataset + 1 : v.dataset;
    fprintf(fp, "%s  <Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"Node\">\n", indent, v.name, v.ncomp == 1 ? "Scalar" : v.ncomp == 3 ? "Vector" : v.ncomp == 6 ? "Tensor6" : "Tensor");
    fprintf(fp, "%s    <DataItem Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT, indent, g->nz, g->ny, g->nx);
    if (v.ncomp != 1) fprintf(fp, " %" PetscInt_FMT, v.ncomp);
    fprintf(fp, "\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", v.bytes == 1 ? "Char" : "Float", (int)v.bytes);
    PutEscaped(fp, h5);
    fprintf(fp, ":/%s</DataItem>\n%s  </Attribute>\n", ds, indent);
  }
  fprintf(fp, "%s</Grid>\n", indent);
}

static PetscErrorCode XdmfWrite(const char tmp_path[], const char h5_path[], const TkGrid *g, PetscInt nf, const TkGridField fs[], const TkXdmfView vs[])
{
  FILE *fp;
  int   bad;

  PetscFunctionBegin;
  fp = fopen(tmp_path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", tmp_path);
  fprintf(fp, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Xdmf xmlns:xi=\"http://www.w3.org/2001/XInclude\" Version=\"3.0\">\n  <Domain>\n");
  XdmfGrid(fp, "    ", BaseName(h5_path), NULL, g, nf, fs, vs);
  fprintf(fp, "  </Domain>\n</Xdmf>\n");
  bad = ferror(fp);
  bad |= fclose(fp);
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed (disk full?)", tmp_path);
  PetscFunctionReturn(0);
}

PetscErrorCode TkGridXdmfWrite(const char tmp_path[], const char h5_path[], const TkGrid *g, PetscInt nf, const TkGridField fs[])
{
  PetscFunctionBegin;
  PetscCall(XdmfWrite(tmp_path, h5_path, g, nf, fs, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode TkXdmfViewsWrite(const char tmp_path[], const char h5_path[], const TkGrid *g, PetscInt nv, const TkXdmfView vs[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < nv; i++)
    PetscCheck(vs[i].bytes == 1 || vs[i].bytes == 4 || vs[i].bytes == 8, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "XDMF view '%s': %" PetscInt_FMT " bytes per value; 1 (int8), 4 or 8 (float) are described", vs[i].name, vs[i].bytes);
  PetscCall(XdmfWrite(tmp_path, h5_path, g, nv, NULL, vs));
  PetscFunctionReturn(0);
}

PetscErrorCode TkXdmfViewsCommit(MPI_Comm comm, TkAtomicFile *h5, const char h5_path[], const TkGrid *g, PetscInt nv, const TkXdmfView vs[])
{
  char           xdmf[PETSC_MAX_PATH_LEN];
  TkAtomicFile   fx;
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;
  int            err;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TkGridFieldsXdmfPath(h5_path, xdmf, sizeof(xdmf)));
  PetscCall(TkAtomicFileBegin(comm, xdmf, &fx));
  if (rank == 0) {
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkXdmfViewsWrite(fx.tmp_path, h5_path, g, nv, vs);
    PetscCall(PetscPopErrorHandler());
  }
  err = ierr ? 1 : 0;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err && rank == 0) {
    PetscCall(TkAtomicFileAbort(&fx));
    PetscCall(TkAtomicFileAbort(h5));
  }
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "could not write the sidecar '%s' of '%s' (disk full or permission denied?)", xdmf, h5_path);
  PetscCall(TkAtomicFileCommit(comm, h5));
  PetscCall(TkAtomicFileCommit(comm, &fx));
  PetscFunctionReturn(0);
}

PetscErrorCode TkGridXdmfSeriesWrite(MPI_Comm comm, const char path[], const TkGrid *g, PetscInt nt, const char *const h5[], const PetscReal times[], PetscInt nf, const TkGridField fs[])
{
  PetscMPIInt    rank;
  TkAtomicFile   fx;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TkAtomicFileBegin(comm, path, &fx));
  if (rank == 0) {
    FILE *fp = fopen(fx.tmp_path, "w");
    if (!fp)
      ierr = PETSC_ERR_FILE_OPEN;
    else {
      fprintf(fp, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Xdmf xmlns:xi=\"http://www.w3.org/2001/XInclude\" Version=\"3.0\">\n  <Domain>\n");
      fprintf(fp, "    <Grid Name=\"series\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
      for (PetscInt k = 0; k < nt; k++) XdmfGrid(fp, "      ", BaseName(h5[k]), &times[k], g, nf, fs, NULL);
      fprintf(fp, "    </Grid>\n  </Domain>\n</Xdmf>\n");
      if (ferror(fp)) ierr = PETSC_ERR_FILE_WRITE;
      if (fclose(fp)) ierr = PETSC_ERR_FILE_WRITE;
    }
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  if (ierr && rank == 0) PetscCall(TkAtomicFileAbort(&fx));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "could not write the XDMF series '%s'", path);
  PetscCall(TkAtomicFileCommit(comm, &fx));
  PetscFunctionReturn(0);
}

/* Rank 0 writes path (/<name> per field, /grid) and its XDMF sidecar, each under a temporary name; if either fails,
   neither is left behind. The HDF5 file is renamed first, so a sidecar never points at a missing file. */
PetscErrorCode TkGridFieldsWrite(MPI_Comm comm, const char path[], const TkGrid *g, PetscInt nfields, const TkGridField fields[])
{
  PetscMPIInt    rank;
  TkAtomicFile   fh5, fx;
  char           xdmf[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr    = 0;
  int            missing = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(g->nz > 0 && g->ny > 0 && g->nx > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "grid must be at least 1 x 1 x 1, got %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT, g->nz, g->ny, g->nx);
  for (int k = 0; k < 3; k++) {
    PetscCheck(g->spacing[k] > 0 && PetscIsNormalReal(g->spacing[k]), comm, PETSC_ERR_ARG_OUTOFRANGE, "grid spacing (dz, dy, dx) must be positive, got %g", (double)g->spacing[k]);
    PetscCheck(!PetscIsInfOrNanReal(g->origin[k]), comm, PETSC_ERR_ARG_OUTOFRANGE, "grid origin (z0, y0, x0) must be finite, got %g", (double)g->origin[k]);
  }
  PetscCheck(nfields >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "number of fields must be >= 0, got %" PetscInt_FMT, nfields);
  for (PetscInt i = 0; i < nfields; i++) {
    PetscCheck(GoodFieldName(fields[i].name), comm, PETSC_ERR_ARG_WRONG, "field name '%s' is not allowed: use letters, digits, '_', '-', '.' (not 'grid')", fields[i].name ? fields[i].name : "(null)");
    PetscCheck(fields[i].ncomp == 1 || fields[i].ncomp == 3 || fields[i].ncomp == 6 || fields[i].ncomp == 9, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "field '%s' has %" PetscInt_FMT " components; 1 (scalar), 3 (vector), 6 (symmetric tensor) or 9 (tensor) are written", fields[i].name, fields[i].ncomp);
    for (PetscInt j = 0; j < i; j++) PetscCheck(strcmp(fields[i].name, fields[j].name), comm, PETSC_ERR_ARG_WRONG, "field name '%s' is given twice", fields[i].name);
    if (rank == 0 && !fields[i].values) missing = 1;
  }
  PetscCallMPI(MPI_Bcast(&missing, 1, MPI_INT, 0, comm));
  PetscCheck(!missing, comm, PETSC_ERR_ARG_NULL, "TkGridFieldsWrite needs the values of every field on rank 0");
  PetscCall(TkGridFieldsXdmfPath(path, xdmf, sizeof(xdmf)));
  PetscCheck(strcmp(xdmf, path), comm, PETSC_ERR_ARG_WRONG, "grid file '%s' would be its own XDMF sidecar; name it .h5", path);

  PetscCall(TkAtomicFileBegin(comm, path, &fh5));
  PetscCall(TkAtomicFileBegin(comm, xdmf, &fx));
  if (rank == 0) {
    H5E_auto2_t efunc;
    void       *edata;
    H5Eget_auto2(H5E_DEFAULT, &efunc, &edata);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = GridWriteH5(fh5.tmp_path, g, nfields, fields);
    if (!ierr) ierr = TkGridXdmfWrite(fx.tmp_path, path, g, nfields, fields);
    PetscCall(PetscPopErrorHandler());
    H5Eset_auto2(H5E_DEFAULT, efunc, edata);
    if (ierr) {
      PetscCall(TkAtomicFileAbort(&fh5));
      PetscCall(TkAtomicFileAbort(&fx));
    }
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "could not write '%s' and its sidecar '%s' (disk full or permission denied?)", path, xdmf);
  PetscCall(TkAtomicFileCommit(comm, &fh5));
  PetscCall(TkAtomicFileCommit(comm, &fx));
  PetscFunctionReturn(0);
}
