/* takagi strain: evaluation of a defect superposition.
   Grid mode: the lab grid (z, y, x) is split in z-slabs with the plane counts of fftw_mpi_local_size_3d (the layout
   every distributed grid of the suite uses, design.md), each rank evaluates its planes and the fields are written
   collectively with parallel HDF5 (+ XDMF). Point mode: points from a CSV are dealt to the ranks round-robin and
   gathered on rank 0. Either way each value is computed by exactly one rank, so results do not depend on the rank
   count. */
#include "strain_field.h"
#include "grid_write_parallel.h"
#include "csv_table.h"
#include "atomic_file.h"
#include "options.h"
#include "plot.h"
#include <fftw3-mpi.h>
#include <stdio.h>

static PetscClassId  TK_STRAIN_CLASSID;
static PetscLogEvent TK_EVENT_STRAIN;

struct _p_TkStrainField {
  MPI_Comm     comm;
  TkReflection refl;
  TkBraggFrame frame;
  TkDefectSet  defects;
  TkShape      shape;
  PetscBool    use_shape, has_crystal_x, has_orientation, progress;
  PetscReal    crystal_x[3], orientation[9], energy_keV;
  TkGrid       grid;
  PetscInt     z0, nzl;
  char         output[PETSC_MAX_PATH_LEN], points[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  /* results */
  PetscReal     *u, *strain, *rotation, *F, *phase, *support; /* local planes */
  PetscInt       npts;
  PetscReal     *pts, *pout; /* points (m) and u, grad per point (12 values) on rank 0 */
  PetscLogDouble seconds;
  double         evaluations;
};

PetscErrorCode TkStrainFieldCreate(MPI_Comm comm, TkStrainField *sf)
{
  TkStrainField s;

  PetscFunctionBegin;
  if (!TK_STRAIN_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiStrain", &TK_STRAIN_CLASSID));
    PetscCall(PetscLogEventRegister("TkStrainEval", TK_STRAIN_CLASSID, &TK_EVENT_STRAIN));
  }
  PetscCall(PetscNew(&s));
  s->comm       = comm;
  s->energy_keV = 9;
  s->grid.nz = s->grid.ny = s->grid.nx = 64;
  for (int i = 0; i < 3; i++) s->grid.spacing[i] = 5e-9;
  PetscCall(TkReflectionCreate(comm, &s->refl));
  PetscCall(TkReflectionSetCrystal(s->refl, "Au"));
  PetscCall(TkDefectSetCreate(comm, &s->defects));
  PetscCall(TkShapeCreate(comm, &s->shape));
  *sf = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldSetFromOptions(TkStrainField s)
{
  PetscInt  n, dims[3] = {64, 64, 64};
  PetscReal h = 5, origin[3] = {0, 0, 0};
  PetscBool set, seto;

  PetscFunctionBegin;
  PetscCall(TkReflectionSetFromOptions(s->refl));
  PetscCall(TkDefectSetSetFromOptions(s->defects));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-shape", &s->use_shape));
  if (s->use_shape) PetscCall(TkShapeSetFromOptions(s->shape));
  PetscOptionsBegin(s->comm, NULL, "Strain field", "TkStrainField");
  PetscCall(PetscOptionsReal("-energy_keV", "Photon energy that sets the Bragg orientation shared with takagi bcdi (keV)", "TkStrainFieldSetFromOptions", s->energy_keV, &s->energy_keV, NULL));
  n = 3;
  PetscCall(PetscOptionsRealArray("-crystal_x", "Lattice direction put along lab x (as in takagi bcdi)", "TkBraggFrameSetUp", s->crystal_x, &n, &s->has_crystal_x));
  PetscCheck(!s->has_crystal_x || n == 3, s->comm, PETSC_ERR_USER_INPUT, "-crystal_x needs u,v,w");
  n = 9;
  PetscCall(PetscOptionsRealArray("-orientation", "Crystal -> lab rotation, 9 values row by row (as in takagi bcdi)", "TkBraggFrameSetUp", s->orientation, &n, &s->has_orientation));
  PetscCheck(!s->has_orientation || n == 9, s->comm, PETSC_ERR_USER_INPUT, "-orientation needs 9 values");
  n = 3;
  PetscCall(PetscOptionsIntArray("-grid", "Grid points nz,ny,nx (one value: a cube) [64]", "TkStrainFieldSetFromOptions", dims, &n, &set));
  if (set) {
    PetscCheck(n == 1 || n == 3, s->comm, PETSC_ERR_USER_INPUT, "-grid needs nz,ny,nx or one value");
    if (n == 1) dims[1] = dims[2] = dims[0];
    for (int i = 0; i < 3; i++) PetscCheck(dims[i] >= 1 && dims[i] <= 4096, s->comm, PETSC_ERR_USER_INPUT, "-grid: %" PetscInt_FMT " points must lie between 1 and 4096", dims[i]);
  }
  PetscCall(PetscOptionsReal("-spacing_nm", "Grid spacing (nm) [5]", "TkStrainFieldSetFromOptions", h, &h, NULL));
  PetscCheck(h > 0 && PetscIsNormalReal(h), s->comm, PETSC_ERR_USER_INPUT, "-spacing_nm must be positive");
  n = 3;
  PetscCall(PetscOptionsRealArray("-origin_nm", "Position of grid point (0,0,0) as lab x,y,z (nm) [centred on the origin]", "TkStrainFieldSetFromOptions", origin, &n, &seto));
  PetscCall(PetscOptionsString("-points", "CSV of points x_nm,y_nm,z_nm (lab): evaluate u and grad u there instead of on a grid", "TkStrainFieldSetFromOptions", s->points, s->points, sizeof(s->points), NULL));
  PetscCall(PetscOptionsString("-o", "Output: HDF5 grid file (+ .xdmf) or, with -points, a CSV", "TkStrainFieldWrite", s->output, s->output, sizeof(s->output), NULL));
  PetscCall(PetscOptionsString("-plot", "PNG of h.u and eps_zz slices through the grid centre", "TkStrainFieldWrite", s->plot, s->plot, sizeof(s->plot), NULL));
  PetscCall(PetscOptionsBool("-progress", "Print progress per plane [on after 2 s]", "TkStrainFieldCompute", s->progress, &s->progress, NULL));
  PetscOptionsEnd();
  s->grid.nz = dims[0], s->grid.ny = dims[1], s->grid.nx = dims[2];
  for (int i = 0; i < 3; i++) s->grid.spacing[i] = 1e-9 * h;
  /* (z, y, x) order in TkGrid */
  if (seto)
    s->grid.origin[0] = 1e-9 * origin[2], s->grid.origin[1] = 1e-9 * origin[1], s->grid.origin[2] = 1e-9 * origin[0];
  else
    s->grid.origin[0] = -0.5 * (dims[0] - 1) * 1e-9 * h, s->grid.origin[1] = -0.5 * (dims[1] - 1) * 1e-9 * h, s->grid.origin[2] = -0.5 * (dims[2] - 1) * 1e-9 * h;
  PetscCheck(!(s->points[0] && s->plot[0]), s->comm, PETSC_ERR_USER_INPUT, "-plot shows grid slices; it cannot be used with -points");
  PetscFunctionReturn(0);
}

/* points CSV read on rank 0 and broadcast */
static PetscErrorCode LoadPoints(TkStrainField s)
{
  static const char *const cols[] = {"x_nm", "y_nm", "z_nm"};
  TkCsvTable               t      = {0, 0, NULL};
  PetscErrorCode           ierr   = 0;
  PetscMPIInt              rank;
  PetscInt                 n = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (rank == 0) {
    ierr = TkCsvTableRead(PETSC_COMM_SELF, s->points, 3, cols, &t);
    n    = ierr ? -1 : t.nrows;
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, s->comm));
  if (n < 0) PetscFunctionReturn(ierr ? ierr : PETSC_ERR_FILE_UNEXPECTED);
  s->npts = n;
  PetscCall(PetscMalloc1(3 * n, &s->pts));
  if (rank == 0)
    for (PetscInt i = 0; i < 3 * n; i++) s->pts[i] = 1e-9 * t.values[i];
  PetscCallMPI(MPI_Bcast(s->pts, (PetscMPIInt)(3 * n), MPIU_REAL, 0, s->comm));
  PetscCall(TkCsvTableDestroy(&t));
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldSetUp(TkStrainField s)
{
  PetscFunctionBegin;
  PetscCall(TkBraggFrameSetUp(s->refl, s->energy_keV, s->has_crystal_x ? s->crystal_x : NULL, s->has_orientation ? s->orientation : NULL, &s->frame));
  /* the lab box the field is evaluated in (the grid, or the points' bounding box): walls cover it by default */
  if (s->points[0]) {
    PetscReal lo[3], hi[3];
    PetscCall(LoadPoints(s));
    for (int i = 0; i < 3; i++) lo[i] = PETSC_MAX_REAL, hi[i] = PETSC_MIN_REAL;
    for (PetscInt p = 0; p < s->npts; p++)
      for (int i = 0; i < 3; i++) lo[i] = PetscMin(lo[i], s->pts[3 * p + i]), hi[i] = PetscMax(hi[i], s->pts[3 * p + i]);
    if (s->npts) PetscCall(TkDefectSetSetExtent(s->defects, lo, hi));
    PetscCall(TkDefectSetSetUp(s->defects, s->refl, &s->frame));
  } else {
    ptrdiff_t       nl, z0;
    const PetscReal lo[3] = {s->grid.origin[2], s->grid.origin[1], s->grid.origin[0]};
    const PetscReal hi[3] = {lo[0] + (s->grid.nx - 1) * s->grid.spacing[2], lo[1] + (s->grid.ny - 1) * s->grid.spacing[1], lo[2] + (s->grid.nz - 1) * s->grid.spacing[0]};
    fftw_mpi_init();
    (void)fftw_mpi_local_size_3d(s->grid.nz, s->grid.ny, s->grid.nx, s->comm, &nl, &z0);
    s->z0  = (PetscInt)z0;
    s->nzl = (PetscInt)nl;
    PetscCall(TkDefectSetSetExtent(s->defects, lo, hi));
    PetscCall(TkDefectSetSetUp(s->defects, s->refl, &s->frame));
    PetscCall(TkDefectSetCheckInside(s->defects, lo, hi));
  }
  if (s->use_shape) PetscCall(TkShapeSetUp(s->shape, &s->frame));
  if (s->output[0]) PetscCall(TkCheckWritable(s->comm, s->output));
  if (s->plot[0]) {
    PetscCheck(s->output[0], s->comm, PETSC_ERR_USER_INPUT, "-plot reads the grid file: give -o FILE.h5 too");
    PetscCall(TkCheckWritable(s->comm, s->plot));
  }
  PetscFunctionReturn(0);
}

/* Derived fields from grad u: strain in XDMF's Tensor6 order (xx, xy, xz, yy, yz, zz: the upper triangle row by row,
   so ParaView labels the components right), rotation vector (curl u)/2, F = I + grad u (row major). */
static void Derived(const PetscReal g[3][3], PetscReal *e, PetscReal *w, PetscReal *F)
{
  e[0] = g[0][0], e[1] = 0.5 * (g[0][1] + g[1][0]), e[2] = 0.5 * (g[0][2] + g[2][0]);
  e[3] = g[1][1], e[4] = 0.5 * (g[1][2] + g[2][1]), e[5] = g[2][2];
  w[0] = 0.5 * (g[2][1] - g[1][2]), w[1] = 0.5 * (g[0][2] - g[2][0]), w[2] = 0.5 * (g[1][0] - g[0][1]);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) F[3 * i + j] = (i == j) + g[i][j];
}

PetscErrorCode TkStrainFieldCompute(TkStrainField s)
{
  PetscMPIInt    rank, size;
  PetscLogDouble t0, t1, last = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(TK_EVENT_STRAIN, 0, 0, 0, 0));
  if (s->points[0]) {
    PetscCall(PetscCalloc1(12 * s->npts, &s->pout));
    for (PetscInt p = rank; p < s->npts; p += size) {
      PetscReal u[3], g[3][3];
      TkDefectSetEvaluate(s->defects, &s->pts[3 * p], u, g);
      for (int i = 0; i < 3; i++) s->pout[12 * p + i] = u[i];
      for (int i = 0; i < 9; i++) s->pout[12 * p + 3 + i] = g[i / 3][i % 3];
    }
    PetscCallMPI(MPI_Reduce(rank == 0 ? MPI_IN_PLACE : s->pout, s->pout, (PetscMPIInt)(12 * s->npts), MPIU_REAL, MPI_SUM, 0, s->comm));
    s->evaluations = (double)s->npts;
  } else {
    const TkGrid *G = &s->grid;
    const size_t  n = (size_t)s->nzl * G->ny * G->nx;
    PetscCall(PetscMalloc6(3 * n, &s->u, 6 * n, &s->strain, 3 * n, &s->rotation, 9 * n, &s->F, n, &s->phase, n, &s->support));
    for (PetscInt kz = 0; kz < s->nzl; kz++) {
      for (PetscInt iy = 0; iy < G->ny; iy++)
        for (PetscInt ix = 0; ix < G->nx; ix++) {
          const size_t    q    = ((size_t)kz * G->ny + iy) * G->nx + ix;
          const PetscReal r[3] = {G->origin[2] + ix * G->spacing[2], G->origin[1] + iy * G->spacing[1], G->origin[0] + (s->z0 + kz) * G->spacing[0]};
          PetscReal       u[3] = {0, 0, 0}, g[3][3] = {{0}};
          const PetscBool in = s->use_shape ? TkShapeInside(s->shape, r) : PETSC_TRUE;
          if (in) TkDefectSetEvaluate(s->defects, r, u, g);
          for (int i = 0; i < 3; i++) s->u[3 * q + i] = u[i];
          Derived(g, &s->strain[6 * q], &s->rotation[3 * q], &s->F[9 * q]);
          s->phase[q]   = s->frame.hlab[0] * u[0] + s->frame.hlab[1] * u[1] + s->frame.hlab[2] * u[2];
          s->support[q] = in ? 1 : 0;
        }
      PetscCall(PetscTime(&t1));
      if (rank == 0 && (s->progress || t1 - t0 > 2) && (t1 - last > 1 || kz == s->nzl - 1)) {
        PetscCall(PetscFPrintf(PETSC_COMM_SELF, stdout, "strain: plane %" PetscInt_FMT "/%" PetscInt_FMT " on rank 0, %.1f s elapsed, ETA %.1f s\n", kz + 1, s->nzl, t1 - t0, (t1 - t0) / (kz + 1) * (s->nzl - kz - 1)));
        last = t1;
      }
    }
    s->evaluations = (double)G->nz * G->ny * G->nx;
  }
  PetscCall(PetscLogEventEnd(TK_EVENT_STRAIN, 0, 0, 0, 0));
  PetscCall(PetscTime(&t1));
  s->seconds = t1 - t0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s->seconds, 1, MPI_DOUBLE, MPI_MAX, s->comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePointsCSV(TkStrainField s)
{
  PetscMPIInt  rank;
  TkAtomicFile f;
  int          err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(TkAtomicFileBegin(s->comm, s->output, &f));
  if (rank == 0) {
    FILE *fp = fopen(f.tmp_path, "w");
    if (!fp)
      err = 1;
    else {
      fprintf(fp, "x_nm,y_nm,z_nm,ux_nm,uy_nm,uz_nm,dux_dx,dux_dy,dux_dz,duy_dx,duy_dy,duy_dz,duz_dx,duz_dy,duz_dz\n");
      for (PetscInt p = 0; p < s->npts; p++) {
        const PetscReal *o = &s->pout[12 * p];
        fprintf(fp, "%.10g,%.10g,%.10g,%.12e,%.12e,%.12e", 1e9 * s->pts[3 * p], 1e9 * s->pts[3 * p + 1], 1e9 * s->pts[3 * p + 2], 1e9 * o[0], 1e9 * o[1], 1e9 * o[2]);
        for (int i = 0; i < 9; i++) fprintf(fp, ",%.12e", o[3 + i]);
        fprintf(fp, "\n");
      }
      err = ferror(fp) | fclose(fp);
    }
    if (err) PetscCall(TkAtomicFileAbort(&f));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, s->comm));
  PetscCheck(!err, s->comm, PETSC_ERR_FILE_WRITE, "could not write '%s'", s->output);
  PetscCall(TkAtomicFileCommit(s->comm, &f));
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldWrite(TkStrainField s)
{
  PetscFunctionBegin;
  if (!s->output[0]) PetscFunctionReturn(0);
  if (s->points[0]) {
    PetscCall(WritePointsCSV(s));
    PetscFunctionReturn(0);
  }
  const TkGridField fields[] = {
      {"u", "m", 3, s->u},
      {"strain", "1 (xx, xy, xz, yy, yz, zz)", 6, s->strain},
      {"rotation", "rad (half curl of u)", 3, s->rotation},
      {"F", "1 (I + grad u, row major: F_ij = delta_ij + du_i/dx_j)", 9, s->F},
      {"phase_hu", "rad (h.u for the reflection)", 1, s->phase},
      {"support", "1", 1, s->support},
  };
  PetscCall(TkGridFieldsWriteParallel(s->comm, s->output, &s->grid, s->z0, s->nzl, 6, fields));
  if (s->plot[0]) {
    TkAtomicFile   png;
    PetscErrorCode ierr;
    PetscCall(TkAtomicFileBegin(s->comm, s->plot, &png));
    const char *const args[] = {s->output, png.tmp_path};
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkPlotRun(s->comm, "plot_strain.py", 2, args);
    PetscCall(PetscPopErrorHandler());
    if (ierr) PetscCall(TkAtomicFileAbort(&png));
    PetscCheck(!ierr, s->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see above); the field file was written", s->plot);
    PetscCall(TkAtomicFileCommit(s->comm, &png));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldView(TkStrainField s, PetscViewer v)
{
  PetscMPIInt size;
  PetscInt    nlines;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(TkReflectionView(s->refl, v));
  PetscCall(TkDefectSetView(s->defects, v));
  if (s->points[0])
    PetscCall(PetscViewerASCIIPrintf(v, "%" PetscInt_FMT " points from %s\n", s->npts, s->points));
  else {
    char h[32];
    snprintf(h, sizeof(h), "%g", (double)(1e9 * s->grid.spacing[0])); /* "5", not PETSc's "5." */
    PetscCall(PetscViewerASCIIPrintf(v, "Grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (z, y, x), spacing %s nm%s\n", s->grid.nz, s->grid.ny, s->grid.nx, h, s->use_shape ? ", inside the crystal shape" : ""));
  }
  const PetscInt nd = TkDefectSetGetCount(s->defects, &nlines);
  if (s->seconds > 0) PetscCall(PetscViewerASCIIPrintf(v, "Evaluated in %.3g s: %.3g voxel-defect evaluations per second per rank\n", s->seconds, s->evaluations * PetscMax(nd, 1) / s->seconds / size));
  (void)nlines;
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldGetDefects(TkStrainField s, TkDefectSet *d, const TkBraggFrame **f)
{
  PetscFunctionBegin;
  if (d) *d = s->defects;
  if (f) *f = &s->frame;
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrainFieldDestroy(TkStrainField *sf)
{
  PetscFunctionBegin;
  if (!*sf) PetscFunctionReturn(0);
  PetscCall(TkDefectSetDestroy(&(*sf)->defects));
  PetscCall(TkShapeDestroy(&(*sf)->shape));
  PetscCall(TkReflectionDestroy(&(*sf)->refl));
  PetscCall(PetscFree6((*sf)->u, (*sf)->strain, (*sf)->rotation, (*sf)->F, (*sf)->phase, (*sf)->support));
  PetscCall(PetscFree((*sf)->pts));
  PetscCall(PetscFree((*sf)->pout));
  PetscCall(PetscFree(*sf));
  PetscFunctionReturn(0);
}
