/* Initial object and results of a reconstruction (docs/reconstruct.md, "Files"): the object on the lab grid
   (HDF5 + XDMF: phase_hu, density, support, strain_h, the initial phase and density, and u for u unknowns), a CXI
   image, the phase (and displacement) error against a true object, and a PNG. With u unknowns the phase written is
   that of the first reflection. */
#include "reconstruct_impl.h"
#include "grid_read.h"
#include "atomic_file.h"
#include "options.h"
#include "plot.h"
#include "phase_error.h"
#include <hdf5.h>

static PetscBool SameGrid(const TkGrid *a, const TkGrid *b)
{
  if (a->nx != b->nx || a->ny != b->ny || a->nz != b->nz) return PETSC_FALSE;
  for (int i = 0; i < 3; i++)
    if (PetscAbsReal(a->spacing[i] - b->spacing[i]) > 1e-6 * b->spacing[i] || PetscAbsReal(a->origin[i] - b->origin[i]) > 1e-6 * b->spacing[i]) return PETSC_FALSE;
  return PETSC_TRUE;
}

static void Position(const TkGrid *g, PetscInt64 q, PetscReal r[3])
{
  const PetscInt64 ix = q % g->nx, iy = (q / g->nx) % g->ny, iz = q / ((PetscInt64)g->nx * g->ny);
  r[0] = g->origin[2] + ix * g->spacing[2];
  r[1] = g->origin[1] + iy * g->spacing[1];
  r[2] = g->origin[0] + iz * g->spacing[0];
}

/* a field of another file on our grid: copied on the same grid, trilinearly interpolated otherwise */
static PetscErrorCode ReadOnGrid(TkReconstruct r, const char path[], const char name[], PetscReal *out)
{
  TkGrid     g;
  PetscReal *v;

  PetscFunctionBegin;
  PetscCall(TkGridFieldRead(r->comm, path, name, 1, &g, &v));
  if (SameGrid(&g, &r->grid))
    for (PetscInt64 q = 0; q < r->nvox; q++) out[q] = v[q];
  else
    for (PetscInt64 q = 0; q < r->nvox; q++) {
      PetscReal x[3];
      Position(&r->grid, q, x);
      out[q] = TkGridInterpolate(&g, 1, v, 0, x);
    }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* a phase of another file on our grid: copied on the same grid, else the phase of the trilinearly interpolated
   e^{i psi} (a 2 pi jump between the file's points, the cut of a dislocation, does not smear) */
static PetscErrorCode ReadPhaseOnGrid(TkReconstruct r, const char path[], const char name[], PetscReal *out)
{
  TkGrid     g;
  PetscReal *v, *cs;

  PetscFunctionBegin;
  PetscCall(TkGridFieldRead(r->comm, path, name, 1, &g, &v));
  if (SameGrid(&g, &r->grid))
    for (PetscInt64 q = 0; q < r->nvox; q++) out[q] = v[q];
  else {
    const PetscInt64 n = (PetscInt64)g.nx * g.ny * g.nz;
    PetscCall(PetscMalloc1(2 * n, &cs));
    for (PetscInt64 q = 0; q < n; q++) cs[2 * q] = PetscCosReal(v[q]), cs[2 * q + 1] = PetscSinReal(v[q]);
    for (PetscInt64 q = 0; q < r->nvox; q++) {
      PetscReal x[3];
      Position(&r->grid, q, x);
      out[q] = PetscAtan2Real(TkGridInterpolate(&g, 2, cs, 1, x), TkGridInterpolate(&g, 2, cs, 0, x));
    }
    PetscCall(PetscFree(cs));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

static PetscErrorCode HasDataset(MPI_Comm comm, const char path[], const char name[], PetscBool *has)
{
  PetscMPIInt rank;
  int         h = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    hid_t f;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f >= 0) {
      h = H5Lexists(f, name, H5P_DEFAULT) > 0;
      H5Fclose(f);
    }
  }
  PetscCallMPI(MPI_Bcast(&h, 1, MPI_INT, 0, comm));
  *has = (PetscBool)h;
  PetscFunctionReturn(0);
}

/* -init: phase_hu and density (takagi reconstruct -o) or support (takagi bcdi -object); for u unknowns the vector u
   (m) when the file has it (takagi bcdi -object of the first reflection, takagi reconstruct -o with u), else u = 0 */
PetscErrorCode TkReconstructReadInit(TkReconstruct r, const char path[], PetscReal *fields)
{
  PetscBool  has;
  PetscReal *rho = fields + (r->nf - 1) * r->nvox;

  PetscFunctionBegin;
  if (r->unknowns == TK_UNKNOWNS_PHASE)
    PetscCall(ReadPhaseOnGrid(r, path, "phase_hu", fields));
  else {
    PetscCall(HasDataset(r->comm, path, "u", &has));
    if (has) {
      TkGrid     g;
      PetscReal *v;
      PetscCall(TkGridFieldRead(r->comm, path, "u", 3, &g, &v));
      for (PetscInt64 q = 0; q < r->nvox; q++) {
        PetscReal x[3];
        Position(&r->grid, q, x);
        for (int c = 0; c < 3; c++) fields[c * r->nvox + q] = 1e9 * (SameGrid(&g, &r->grid) ? v[3 * q + c] : TkGridInterpolate(&g, 3, v, c, x));
      }
      PetscCall(PetscFree(v));
    }
  }
  PetscCall(HasDataset(r->comm, path, "density", &has));
  PetscCall(ReadOnGrid(r, path, has ? "density" : "support", rho));
  for (PetscInt64 q = 0; q < r->nvox; q++) rho[q] = PetscMin(PetscMax(rho[q], 0), 1);
  PetscFunctionReturn(0);
}

static PetscReal Wrap(PetscReal a) { return PetscAtan2Real(PetscSinReal(a), PetscCosReal(a)); }

/* M = (G^T G)^{-1} G^T (3 x K, row-major): the least-squares u of G u = psi, G's rows the g_k (1/nm) */
static PetscErrorCode PseudoInverse(TkReconstruct r, PetscReal M[][TK_REC_MAX_REFLECTIONS])
{
  PetscReal A[3][3] = {{0}}, B[3][3], det;

  PetscFunctionBegin;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (PetscInt k = 0; k < r->nrefl; k++) A[i][j] += r->gvec[k][i] * r->gvec[k][j];
  B[0][0] = A[1][1] * A[2][2] - A[1][2] * A[2][1], B[0][1] = A[0][2] * A[2][1] - A[0][1] * A[2][2], B[0][2] = A[0][1] * A[1][2] - A[0][2] * A[1][1];
  B[1][0] = A[1][2] * A[2][0] - A[1][0] * A[2][2], B[1][1] = A[0][0] * A[2][2] - A[0][2] * A[2][0], B[1][2] = A[0][2] * A[1][0] - A[0][0] * A[1][2];
  B[2][0] = A[1][0] * A[2][1] - A[1][1] * A[2][0], B[2][1] = A[0][1] * A[2][0] - A[0][0] * A[2][1], B[2][2] = A[0][0] * A[1][1] - A[0][1] * A[1][0];
  det = A[0][0] * B[0][0] + A[0][1] * B[1][0] + A[0][2] * B[2][0];
  PetscCheck(det > 1e-8 * PetscPowReal(A[0][0] + A[1][1] + A[2][2], 3), r->comm, PETSC_ERR_USER_INPUT, "the reflections' h vectors are coplanar: u is not determined (give 3 non-coplanar reflections)");
  for (int i = 0; i < 3; i++)
    for (PetscInt k = 0; k < r->nrefl; k++) M[i][k] = (B[i][0] * r->gvec[k][0] + B[i][1] * r->gvec[k][1] + B[i][2] * r->gvec[k][2]) / det;
  PetscFunctionReturn(0);
}

/* reflection k's density (clipped to [0, 1]) at grid voxel q moved by t (the grid's frame, m): read at R_k^T (r + t) */
static PetscReal ReflectionDensity(TkReconstruct r, const TkGrid *g, const PetscReal *cs, PetscInt k, const PetscReal t[3], PetscInt64 q)
{
  PetscReal x[3], xk[3];
  Position(&r->grid, q, x);
  for (int j = 0; j < 3; j++) x[j] += t[j];
  for (int j = 0; j < 3; j++) xk[j] = r->rot[k][j] * x[0] + r->rot[k][3 + j] * x[1] + r->rot[k][6 + j] * x[2];
  return PetscMin(PetscMax(TkGridInterpolate(g, 3, cs, 2, xk), 0), 1);
}

static PetscReal DensityMismatch(TkReconstruct r, const TkGrid *g, const PetscReal *cs, PetscInt k, const PetscReal *rho0, const PetscReal t[3])
{
  PetscReal s = 0;
  for (PetscInt64 q = 0; q < r->nvox; q++) s += PetscSqr(ReflectionDensity(r, g, cs, k, t, q) - rho0[q]);
  return s;
}

/* Each single-reflection result sits where its start put it (a translation changes no intensity), so the files of
   stage (a) may be offset, by a fraction of a voxel or by several (takagi phase -object_lab centres what it
   retrieved, not the crystal); the phases are combined where the crystal is the same. t (m, the grid's frame): the
   translation of file k that best matches its density to file 0's in least squares. It starts from the difference
   of the two densities' centroids rounded to whole voxels (any offset), then integer steps within +-2 voxels of that
   and a pattern search down to 1/32 voxel, kept within +-2.5 voxels of it. */
static PetscErrorCode AlignDensity(TkReconstruct r, const TkGrid *g, const PetscReal *cs, PetscInt k, const PetscReal *rho0, PetscReal t[3], PetscInt *nevals)
{
  const PetscReal h[3] = {r->grid.spacing[2], r->grid.spacing[1], r->grid.spacing[0]}, zero[3] = {0, 0, 0};
  PetscReal       best = PETSC_MAX_REAL, c0[3] = {0, 0, 0}, ck[3] = {0, 0, 0}, w0 = 0, wk = 0, s[3];

  PetscFunctionBegin;
  /* the moved density rho_k(x + t) has its centroid at c_k - t: t = c_k - c_0 puts it on file 0's */
  for (PetscInt64 q = 0; q < r->nvox; q++) {
    PetscReal       x[3];
    const PetscReal dk = ReflectionDensity(r, g, cs, k, zero, q);
    Position(&r->grid, q, x);
    for (int j = 0; j < 3; j++) c0[j] += rho0[q] * x[j], ck[j] += dk * x[j];
    w0 += rho0[q], wk += dk;
  }
  for (int j = 0; j < 3; j++) s[j] = (w0 > 0 && wk > 0) ? h[j] * PetscFloorReal(0.5 + (ck[j] / wk - c0[j] / w0) / h[j]) : 0;
  for (int iz = -2; iz <= 2; iz++)
    for (int iy = -2; iy <= 2; iy++)
      for (int ix = -2; ix <= 2; ix++) {
        const PetscReal tt[3] = {s[0] + ix * h[0], s[1] + iy * h[1], s[2] + iz * h[2]}, e = DensityMismatch(r, g, cs, k, rho0, tt);
        (*nevals)++;
        if (e < best) best = e, t[0] = tt[0], t[1] = tt[1], t[2] = tt[2];
      }
  for (PetscReal step = 0.5; step >= 1.0 / 32; step /= 2) {
    PetscBool moved = PETSC_TRUE;
    while (moved) {
      moved = PETSC_FALSE;
      for (int a = 0; a < 3; a++)
        for (int sgn = 1; sgn >= -1; sgn -= 2) {
          PetscReal tt[3] = {t[0], t[1], t[2]}, e;
          tt[a] += sgn * step * h[a];
          if (PetscAbsReal(tt[a] - s[a]) > 2.5 * h[a] * (1 + 1e-12)) continue;
          e = DensityMismatch(r, g, cs, k, rho0, tt);
          (*nevals)++;
          if (e < best) best = e, t[0] = tt[0], t[1] = tt[1], t[2] = tt[2], moved = PETSC_TRUE;
        }
    }
  }
  PetscFunctionReturn(0);
}

/* Stage (b) of the several-reflection recipe. Each file holds psi_k = h_k.u and rho on reflection k's own lab grid;
   at a grid point r (the grid's frame) reflection k's frame sees R_k^T r, where rho e^{i psi_k} is interpolated (so
   the phase is interpolated modulo 2 pi). The phases are made 0 at a reference voxel (the support voxel nearest the
   grid centre): with 3 reflections any constant offsets are a translation of u. A breadth-first sweep from there
   gives each voxel the u that minimises sum_k wrap(g_k.u - psi_k)^2 by Gauss-Newton from its parent's u: the 2 pi
   branch of every phase is the one nearest the parent's, so u is continuous where the phases are and jumps by a
   lattice vector only where the sweep fronts meet across a dislocation's cut. Voxels outside the support take their
   parent's u (no jump at the surface for the interpolation to the TT nodes). rho is the mean of the densities. With
   -rec_init_phases_align (default), files 1.. are first moved onto file 0's density (AlignDensity). */
PetscErrorCode TkReconstructCombinePhases(TkReconstruct r, PetscReal *fields)
{
  const PetscInt64 nv = r->nvox, nx = r->grid.nx, ny = r->grid.ny, nz = r->grid.nz;
  const PetscInt   K = r->nrefl;
  PetscReal        M[3][TK_REC_MAX_REFLECTIONS], *psi, *rho = fields + 3 * nv, *u = fields, **fcs;
  PetscInt64      *queue, head = 0, tail = 0, ref = -1;
  unsigned char   *seen;
  TkGrid          *fg;

  PetscFunctionBegin;
  PetscCall(PseudoInverse(r, M));
  PetscCall(PetscMalloc3(K * nv, &psi, nv, &queue, nv, &seen));
  PetscCall(PetscMalloc2(K, &fg, K, &fcs));
  for (PetscInt k = 0; k < K; k++) { /* rho e^{i psi_k} and rho of every file, on its own grid */
    PetscReal *ph, *de;
    TkGrid     g2;
    PetscBool  has;
    PetscCall(TkGridFieldRead(r->comm, r->init_phases[k], "phase_hu", 1, &fg[k], &ph));
    PetscCall(HasDataset(r->comm, r->init_phases[k], "density", &has));
    PetscCall(TkGridFieldRead(r->comm, r->init_phases[k], has ? "density" : "support", 1, &g2, &de));
    PetscCheck(g2.nx == fg[k].nx && g2.ny == fg[k].ny && g2.nz == fg[k].nz, r->comm, PETSC_ERR_FILE_UNEXPECTED, "-rec_init_phases: '%s' has phase_hu and the density on different grids", r->init_phases[k]);
    PetscCall(PetscMalloc1(3 * (PetscInt64)fg[k].nx * fg[k].ny * fg[k].nz, &fcs[k]));
    for (PetscInt64 q = 0; q < (PetscInt64)fg[k].nx * fg[k].ny * fg[k].nz; q++) fcs[k][3 * q] = de[q] * PetscCosReal(ph[q]), fcs[k][3 * q + 1] = de[q] * PetscSinReal(ph[q]), fcs[k][3 * q + 2] = de[q];
    PetscCall(PetscFree(ph));
    PetscCall(PetscFree(de));
  }
  {
    PetscReal *rho0;
    PetscCall(PetscMalloc1(nv, &rho0));
    for (PetscInt64 q = 0; q < nv; q++) rho[q] = 0;
    for (PetscInt k = 0; k < K; k++) {
      PetscReal t[3] = {0, 0, 0};
      if (k == 0) {
        for (PetscInt64 q = 0; q < nv; q++) rho0[q] = ReflectionDensity(r, &fg[0], fcs[0], 0, t, q);
      } else if (r->init_phases_align) {
        PetscInt             nevals = 0;
        const PetscLogDouble t0     = MPI_Wtime();
        PetscCall(AlignDensity(r, &fg[k], fcs[k], k, rho0, t, &nevals));
        PetscCall(PetscPrintf(r->comm, "-rec_init_phases: %s moved by (%.3f, %.3f, %.3f) voxels (x, y, z) onto the density of %s (%" PetscInt_FMT " evaluations, %.2f s)\n", r->init_phases[k], (double)(t[0] / r->grid.spacing[2]),
                              (double)(t[1] / r->grid.spacing[1]), (double)(t[2] / r->grid.spacing[0]), r->init_phases[0], nevals, (double)(MPI_Wtime() - t0)));
      }
      for (PetscInt64 q = 0; q < nv; q++) {
        PetscReal x[3], xk[3];
        Position(&r->grid, q, x);
        for (int j = 0; j < 3; j++) x[j] += t[j];
        for (int j = 0; j < 3; j++) xk[j] = r->rot[k][j] * x[0] + r->rot[k][3 + j] * x[1] + r->rot[k][6 + j] * x[2];
        psi[k * nv + q] = PetscAtan2Real(TkGridInterpolate(&fg[k], 3, fcs[k], 1, xk), TkGridInterpolate(&fg[k], 3, fcs[k], 0, xk));
        rho[q] += PetscMin(PetscMax(TkGridInterpolate(&fg[k], 3, fcs[k], 2, xk), 0), 1) / K;
      }
      PetscCall(PetscFree(fcs[k]));
    }
    PetscCall(PetscFree(rho0));
    PetscCall(PetscFree2(fg, fcs));
  }
  {
    PetscReal best = PETSC_MAX_REAL;
    for (PetscInt64 q = 0; q < nv; q++) {
      const PetscInt64 ix = q % nx, iy = (q / nx) % ny, iz = q / (nx * ny);
      const PetscReal  d = PetscSqr(ix - 0.5 * (nx - 1)) + PetscSqr(iy - 0.5 * (ny - 1)) + PetscSqr(iz - 0.5 * (nz - 1));
      if (rho[q] > 0.5 && d < best) best = d, ref = q;
    }
    PetscCheck(ref >= 0, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_phases: the mean density of the files is nowhere above 0.5");
  }
  for (PetscInt k = 0; k < K; k++) {
    const PetscReal p0 = psi[k * nv + ref];
    for (PetscInt64 q = 0; q < nv; q++) psi[k * nv + q] = Wrap(psi[k * nv + q] - p0);
  }
  for (PetscInt64 q = 0; q < nv; q++) seen[q] = 0;
  for (int c = 0; c < 3; c++) u[c * nv + ref] = 0;
  seen[ref] = 1, queue[tail++] = ref;
  while (head < tail) {
    const PetscInt64 p = queue[head++], ix = p % nx, iy = (p / nx) % ny, iz = p / (nx * ny);
    const PetscInt64 nb[6] = {ix > 0 ? p - 1 : -1, ix + 1 < nx ? p + 1 : -1, iy > 0 ? p - nx : -1, iy + 1 < ny ? p + nx : -1, iz > 0 ? p - nx * ny : -1, iz + 1 < nz ? p + nx * ny : -1};
    for (int a = 0; a < 6; a++) {
      const PetscInt64 q = nb[a];
      PetscReal        v[3];
      if (q < 0 || seen[q]) continue;
      for (int c = 0; c < 3; c++) v[c] = u[c * nv + p];
      if (rho[q] > 0.5)
        for (int it = 0; it < 4; it++) {
          PetscReal res[TK_REC_MAX_REFLECTIONS];
          for (PetscInt k = 0; k < K; k++) res[k] = Wrap(r->gvec[k][0] * v[0] + r->gvec[k][1] * v[1] + r->gvec[k][2] * v[2] - psi[k * nv + q]);
          for (int c = 0; c < 3; c++)
            for (PetscInt k = 0; k < K; k++) v[c] -= M[c][k] * res[k];
        }
      for (int c = 0; c < 3; c++) u[c * nv + q] = v[c];
      seen[q] = 1, queue[tail++] = q;
    }
  }
  PetscCall(PetscFree3(psi, queue, seen));
  PetscFunctionReturn(0);
}

/* The displacement gradient du_i/dx_j (nm/nm) at the voxels of `region`, from the phases ph_k = g_k.u (K x nv): per
   axis j the wrapped central differences of every phase, d_kj = g_k . du/dx_j, solved by least squares (robust to 2 pi
   jumps of the phases and lattice-vector jumps of u). Gradient of u, so independent of a uniform translation. */
static void DisplacementGradient(TkReconstruct r, PetscReal M[][TK_REC_MAX_REFLECTIONS], const PetscReal *ph, const unsigned char *region, PetscReal *grad)
{
  const PetscInt64 nv = r->nvox, nx = r->grid.nx, st[3] = {1, nx, nx * r->grid.ny};
  for (PetscInt64 q = 0; q < nv; q++) {
    if (!region[q]) continue;
    for (int j = 0; j < 3; j++) {
      PetscReal d[TK_REC_MAX_REFLECTIONS];
      for (PetscInt k = 0; k < r->nrefl; k++) d[k] = Wrap(ph[k * nv + q + st[j]] - ph[k * nv + q - st[j]]) / (2e9 * r->grid.spacing[2 - j]);
      for (int i = 0; i < 3; i++) {
        grad[9 * q + 3 * i + j] = 0;
        for (PetscInt k = 0; k < r->nrefl; k++) grad[9 * q + 3 * i + j] += M[i][k] * d[k];
      }
    }
  }
}

/* the phases g_k.u of every reflection, K x nv */
static void AllPhases(TkReconstruct r, const PetscReal *u, PetscReal *ph)
{
  for (PetscInt k = 0; k < r->nrefl; k++) TkReconstructPhase(r, k, u, ph + k * r->nvox);
}

/* Voxels within `radius` voxels of a phase vortex of the truth: a plaquette of four support voxels around which some
   g_k.u winds by 2 pi (a dislocation line threads it). The core, where a grid of this step cannot resolve u. */
static PetscInt64 VortexCore(TkReconstruct r, const PetscReal *tph, const PetscReal *tsup, PetscReal radius, unsigned char *core)
{
  const PetscInt64 nv = r->nvox, n[3] = {r->grid.nx, r->grid.ny, r->grid.nz}, st[3] = {1, n[0], n[0] * n[1]};
  const int        R   = (int)PetscCeilReal(radius);
  PetscInt64       cnt = 0;
  for (PetscInt64 q = 0; q < nv; q++) core[q] = 0;
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscInt64 i[3]   = {q % n[0], (q / n[0]) % n[1], q / (n[0] * n[1])};
    PetscBool        vortex = PETSC_FALSE;
    for (int a = 0; a < 3 && !vortex; a++)
      for (int b = a + 1; b < 3 && !vortex; b++) {
        if (i[a] + 1 >= n[a] || i[b] + 1 >= n[b]) continue;
        const PetscInt64 p[4] = {q, q + st[a], q + st[a] + st[b], q + st[b]};
        if (tsup[p[0]] <= 0.5 || tsup[p[1]] <= 0.5 || tsup[p[2]] <= 0.5 || tsup[p[3]] <= 0.5) continue;
        for (PetscInt k = 0; k < r->nrefl && !vortex; k++) {
          const PetscReal *f = tph + k * nv, w = Wrap(f[p[1]] - f[p[0]]) + Wrap(f[p[2]] - f[p[1]]) + Wrap(f[p[3]] - f[p[2]]) + Wrap(f[p[0]] - f[p[3]]);
          vortex = (PetscBool)(PetscAbsReal(w) > PETSC_PI);
        }
      }
    if (!vortex) continue;
    for (int dz = -R; dz <= R; dz++)
      for (int dy = -R; dy <= R; dy++)
        for (int dx = -R; dx <= R; dx++) {
          const PetscInt64 j[3] = {i[0] + dx, i[1] + dy, i[2] + dz};
          /* within radius of the plaquette's first voxel */
          if (j[0] < 0 || j[1] < 0 || j[2] < 0 || j[0] >= n[0] || j[1] >= n[1] || j[2] >= n[2] || dx * dx + dy * dy + dz * dz > radius * radius) continue;
          core[j[0] + n[0] * (j[1] + n[1] * j[2])] = 1;
        }
  }
  for (PetscInt64 q = 0; q < nv; q++) cnt += core[q];
  return cnt;
}

/* RMS Frobenius norms over the voxels of region (and not core, when given): of the truth's strain and of the
   differences of each of the ng <= 4 other gradients' strain from it; per component of the last in comp */
static void StrainRMS(PetscInt64 nv, const unsigned char *region, const unsigned char *core, const PetscReal *gt, PetscInt ng, const PetscReal *const g[], PetscReal *et, PetscReal e[], PetscReal comp[6], PetscInt64 *cnt)
{
  const int ci[6] = {0, 1, 2, 0, 0, 1}, cj[6] = {0, 1, 2, 1, 2, 2};
  PetscReal st = 0, se[4] = {0, 0, 0, 0}, sc[6] = {0, 0, 0, 0, 0, 0};
  *cnt = 0;
  for (PetscInt64 q = 0; q < nv; q++) {
    if (!region[q] || (core && core[q])) continue;
    (*cnt)++;
    for (int c = 0; c < 6; c++) {
      const PetscInt  a = 3 * ci[c] + cj[c], b = 3 * cj[c] + ci[c];
      const PetscReal t = 0.5 * (gt[9 * q + a] + gt[9 * q + b]), w = c < 3 ? 1 : 2; /* Frobenius: off-diagonals twice */
      st += w * t * t;
      for (PetscInt m = 0; m < ng; m++) {
        const PetscReal d = 0.5 * (g[m][9 * q + a] + g[m][9 * q + b]) - t;
        se[m] += w * d * d;
        if (m == ng - 1) sc[c] += d * d;
      }
    }
  }
  const PetscReal nrm = *cnt ? 1.0 / *cnt : 0;
  *et                 = PetscSqrtReal(st * nrm);
  for (PetscInt m = 0; m < ng; m++) e[m] = PetscSqrtReal(se[m] * nrm);
  for (int c = 0; c < 6; c++) comp[c] = PetscSqrtReal(sc[c] * nrm);
}

/* out = the mean of grad over the voxels of region and not core within the 3^3 box around each such voxel */
static void BoxMean(TkReconstruct r, const unsigned char *region, const unsigned char *core, const PetscReal *grad, PetscReal *out)
{
  const PetscInt64 nv = r->nvox, n[3] = {r->grid.nx, r->grid.ny, r->grid.nz};
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscInt64 i[3]   = {q % n[0], (q / n[0]) % n[1], q / (n[0] * n[1])};
    PetscReal        sum[9] = {0};
    PetscInt64       cnt    = 0;
    if (!region[q] || core[q]) continue;
    for (int dz = -1; dz <= 1; dz++)
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          const PetscInt64 j[3] = {i[0] + dx, i[1] + dy, i[2] + dz}, p = j[0] + n[0] * (j[1] + n[1] * j[2]);
          if (j[0] < 0 || j[1] < 0 || j[2] < 0 || j[0] >= n[0] || j[1] >= n[1] || j[2] >= n[2] || !region[p] || core[p]) continue;
          for (int c = 0; c < 9; c++) sum[c] += grad[9 * p + c];
          cnt++;
        }
    for (int c = 0; c < 9; c++) out[9 * q + c] = sum[c] / cnt;
  }
}

/* The strain tensor e = (grad u + grad u^T)/2 of the start, of the result and of the truth inside the true support
   eroded by 2 voxels: as they stand, and registered (each object moved by the translation that best matches all its
   phases g_k.u to the truth's at once: the data cannot fix where the crystal is, and strain near a defect changes
   over a voxel); with phase vortices in the truth, also away from them (the core); and the registered tensors
   averaged over 3^3 voxels (the voxel noise of differentiated phases averages out, a smooth error does not).
   Memory: about 60 doubles per voxel, on every rank. */
static PetscErrorCode StrainTensorError(TkReconstruct r, const PetscReal *u0, const PetscReal *u, const PetscReal *ut, const PetscReal *tsup)
{
  const PetscInt64 nv = r->nvox, nx = r->grid.nx, ny = r->grid.ny, nz = r->grid.nz, n[3] = {nx, ny, nz};
  const PetscInt   K           = r->nrefl;
  const PetscReal  core_radius = 3;
  PetscReal        M[3][TK_REC_MAX_REFLECTIONS], *gt, *g0, *g1, *g0r, *g1r, *tph, *ph0, *ph1, *mv0, *mv1, comp[6], et, e[4], t0[3], t1[3], rms[TK_REC_MAX_REFLECTIONS];
  unsigned char   *region, *core;
  PetscInt64       cnt      = 0, ncore;
  const char      *names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};

  PetscFunctionBegin;
  PetscCall(PseudoInverse(r, M));
  PetscCall(PetscMalloc5(9 * nv, &gt, 9 * nv, &g0, 9 * nv, &g1, 9 * nv, &g0r, 9 * nv, &g1r));
  PetscCall(PetscMalloc5(K * nv, &tph, K * nv, &ph0, K * nv, &ph1, K * nv, &mv0, K * nv, &mv1));
  PetscCall(PetscMalloc2(nv, &region, nv, &core));
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscInt64 k[3] = {q % nx, (q / nx) % ny, q / (nx * ny)}, st[3] = {1, nx, nx * ny};
    region[q] = tsup[q] > 0.5;
    for (int a = 0; a < 3 && region[q]; a++)
      for (int s = 1; s <= 2 && region[q]; s++)
        if (k[a] < s || k[a] + s >= n[a] || tsup[q - s * st[a]] <= 0.5 || tsup[q + s * st[a]] <= 0.5) region[q] = 0;
    cnt += region[q];
  }
  if (!cnt) {
    PetscCall(PetscPrintf(r->comm, "Strain tensor error: the true support has no voxel 2 voxels from its surface\n"));
  } else {
    const PetscReal *tp[TK_REC_MAX_REFLECTIONS], *p0[TK_REC_MAX_REFLECTIONS], *p1[TK_REC_MAX_REFLECTIONS];
    PetscReal       *m0[TK_REC_MAX_REFLECTIONS], *m1[TK_REC_MAX_REFLECTIONS];
    PetscInt64       c;
    AllPhases(r, ut, tph);
    AllPhases(r, u0, ph0);
    AllPhases(r, u, ph1);
    for (PetscInt k = 0; k < K; k++) tp[k] = tph + k * nv, p0[k] = ph0 + k * nv, p1[k] = ph1 + k * nv, m0[k] = mv0 + k * nv, m1[k] = mv1 + k * nv;
    /* moved over the true support, so the central differences at the eroded region's voxels read moved values */
    PetscCall(TkPhaseRegisterJoint(n, K, p0, tp, tsup, t0, rms, m0));
    PetscCall(TkPhaseRegisterJoint(n, K, p1, tp, tsup, t1, rms, m1));
    DisplacementGradient(r, M, tph, region, gt);
    DisplacementGradient(r, M, ph0, region, g0);
    DisplacementGradient(r, M, ph1, region, g1);
    DisplacementGradient(r, M, mv0, region, g0r);
    DisplacementGradient(r, M, mv1, region, g1r);
    {
      const PetscReal *const all[4] = {g0r, g1r, g0, g1};
      StrainRMS(nv, region, NULL, gt, 4, all, &et, e, comp, &c);
    }
    PetscCall(PetscPrintf(r->comm, "Strain tensor error (RMS Frobenius norm over %lld voxels of the true support eroded by 2; true strain RMS %.4e): initial %.4e, result %.4e\n", (long long)cnt, (double)et, (double)e[2], (double)e[3]));
    PetscCall(PetscPrintf(r->comm, "  result, RMS error per component:"));
    for (int q = 0; q < 6; q++) PetscCall(PetscPrintf(r->comm, " %s %.3e", names[q], (double)comp[q]));
    PetscCall(PetscPrintf(r->comm, "\n"));
    {
      const PetscReal *const reg[2] = {g0r, g1r};
      StrainRMS(nv, region, NULL, gt, 2, reg, &et, e, comp, &c);
    }
    PetscCall(PetscPrintf(r->comm, "  registered (moved by the joint translation of the phases g_k.u, z, y, x in voxels): initial %.4e (%+.3f, %+.3f, %+.3f), result %.4e (%+.3f, %+.3f, %+.3f)\n", (double)e[0], (double)t0[2], (double)t0[1],
                          (double)t0[0], (double)e[1], (double)t1[2], (double)t1[1], (double)t1[0]));
    PetscCall(PetscPrintf(r->comm, "  registered result, RMS error per component:"));
    for (int q = 0; q < 6; q++) PetscCall(PetscPrintf(r->comm, " %s %.3e", names[q], (double)comp[q]));
    PetscCall(PetscPrintf(r->comm, "\n"));
    ncore = VortexCore(r, tph, tsup, core_radius, core);
    if (ncore) {
      const PetscReal *const reg[2] = {g0r, g1r};
      PetscReal              etc, ec[2], cc[6];
      PetscInt64             nc;
      StrainRMS(nv, region, core, gt, 2, reg, &etc, ec, cc, &nc);
      PetscCall(PetscPrintf(r->comm, "  registered, away from the truth's phase vortices (%lld voxels within %g of them left out, %lld kept; true strain RMS %.4e): initial %.4e, result %.4e\n", (long long)ncore, (double)core_radius, (long long)nc,
                            (double)etc, (double)ec[0], (double)ec[1]));
    }
    {
      /* the resolution a scan of this extent gives: the registered tensors and the truth's averaged over 3^3 boxes of
         the kept voxels (the gradients are linear, so averaging them averages the strain); g0, g1, gt reused */
      const PetscReal *const sm[2] = {g0, g1};
      PetscReal              ets, es[2], cs[6];
      PetscInt64             ns;
      BoxMean(r, region, core, g0r, g0);
      BoxMean(r, region, core, g1r, g1);
      BoxMean(r, region, core, gt, g0r);
      StrainRMS(nv, region, core, g0r, 2, sm, &ets, es, cs, &ns);
      PetscCall(PetscPrintf(r->comm, "  registered, averaged over 3^3 voxels%s (%lld voxels; true strain RMS %.4e): initial %.4e, result %.4e\n", ncore ? " away from the vortices" : "", (long long)ns, (double)ets, (double)es[0], (double)es[1]));
    }
  }
  PetscCall(PetscFree5(gt, g0, g1, g0r, g1r));
  PetscCall(PetscFree5(tph, ph0, ph1, mv0, mv1));
  PetscCall(PetscFree2(region, core));
  PetscFunctionReturn(0);
}

/* The strain tensor of the result, e = (grad u + grad u^T)/2, in the grid format's Tensor6 order (xx, xy, xz, yy, yz,
   zz), from central differences of the wrapped phases h_k.u; 0 where a neighbour along x, y or z is outside the support. */
static PetscErrorCode ResultStrain(TkReconstruct r, const PetscReal *u, const PetscReal *sup, PetscReal *e6)
{
  const PetscInt64 nv = r->nvox, n[3] = {r->grid.nx, r->grid.ny, r->grid.nz}, st[3] = {1, n[0], n[0] * n[1]};
  const int        ci[6] = {0, 0, 0, 1, 1, 2}, cj[6] = {0, 1, 2, 1, 2, 2};
  PetscReal        M[3][TK_REC_MAX_REFLECTIONS], *grad, *ph;
  unsigned char   *region;

  PetscFunctionBegin;
  PetscCall(PseudoInverse(r, M));
  PetscCall(PetscMalloc3(9 * nv, &grad, nv, &region, r->nrefl * nv, &ph));
  AllPhases(r, u, ph);
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscInt64 k[3] = {q % n[0], (q / n[0]) % n[1], q / (n[0] * n[1])};
    region[q]             = sup[q] > 0.5;
    for (int a = 0; a < 3 && region[q]; a++)
      if (k[a] < 1 || k[a] + 1 >= n[a] || sup[q - st[a]] <= 0.5 || sup[q + st[a]] <= 0.5) region[q] = 0;
  }
  DisplacementGradient(r, M, ph, region, grad);
  for (PetscInt64 q = 0; q < nv; q++)
    for (int c = 0; c < 6; c++) e6[6 * q + c] = region[q] ? 0.5 * (grad[9 * q + 3 * ci[c] + cj[c]] + grad[9 * q + 3 * cj[c] + ci[c]]) : 0;
  PetscCall(PetscFree3(grad, region, ph));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructTruthError(TkReconstruct r, const PetscReal *xa, PetscReal *support_rms, PetscReal *interior_rms)
{
  const PetscInt64 nv = r->nvox, nx = r->grid.nx, ny = r->grid.ny, nz = r->grid.nz;
  PetscReal       *psi, *in;

  PetscFunctionBegin;
  if (!r->truth_psi) {
    PetscCall(PetscMalloc2(nv, &r->truth_psi, nv, &r->truth_sup));
    PetscCall(ReadPhaseOnGrid(r, r->truth, "phase_hu", r->truth_psi));
    PetscCall(ReadOnGrid(r, r->truth, "support", r->truth_sup));
  }
  PetscCall(PetscMalloc2(nv, &psi, nv, &in));
  TkReconstructPhase(r, 0, xa, psi);
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscInt64 ix = q % nx, iy = (q / nx) % ny, iz = q / (nx * ny);
    PetscBool        inner = (PetscBool)(r->truth_sup[q] > 0.5 && ix > 0 && iy > 0 && iz > 0 && ix < nx - 1 && iy < ny - 1 && iz < nz - 1);
    if (inner) inner = (PetscBool)(r->truth_sup[q - 1] > 0.5 && r->truth_sup[q + 1] > 0.5 && r->truth_sup[q - nx] > 0.5 && r->truth_sup[q + nx] > 0.5 && r->truth_sup[q - nx * ny] > 0.5 && r->truth_sup[q + nx * ny] > 0.5);
    in[q] = inner ? 1 : 0;
  }
  *support_rms  = TkPhaseErrorRMS(nv, psi, r->truth_psi, r->truth_sup);
  *interior_rms = TkPhaseErrorRMS(nv, psi, r->truth_psi, in);
  PetscCall(PetscFree2(psi, in));
  PetscFunctionReturn(0);
}

/* strain along h: (1/|h|) h_hat . grad psi, wrapped central differences, inside the support only */
static void StrainH(TkReconstruct r, const PetscReal *psi, const PetscReal *sup, PetscReal *eps)
{
  TkBCDI              b;
  TkTT3D              tt;
  const TkBraggFrame *f;
  const TkGrid       *g  = &r->grid;
  const PetscInt64    nx = g->nx, ny = g->ny, nz = g->nz, st[3] = {1, nx, nx * ny};

  TkReflModelGetBCDI(r->refl[0], &b);
  TkBCDIGetSolver(b, &tt, &f);
  for (PetscInt64 q = 0; q < r->nvox; q++) {
    const PetscInt64 k[3] = {q % nx, (q / nx) % ny, q / (nx * ny)}, n[3] = {nx, ny, nz};
    PetscReal        e  = 0;
    PetscBool        ok = (PetscBool)(sup[q] > 0.5);
    for (int a = 0; a < 3 && ok; a++) {
      if (k[a] == 0 || k[a] == n[a] - 1 || sup[q - st[a]] <= 0.5 || sup[q + st[a]] <= 0.5) {
        ok = PETSC_FALSE;
        break;
      }
      const PetscReal d = psi[q + st[a]] - psi[q - st[a]];
      e += f->hlab[a] / f->h * PetscAtan2Real(PetscSinReal(d), PetscCosReal(d)) / (2 * g->spacing[2 - a]);
    }
    eps[q] = ok ? e / f->h : 0;
  }
}

/* /entry_1/image_1/data = rho e^{i psi} as (re, im) pairs, with the support as mask (PyNX-style CXI image) */
static PetscErrorCode WriteCXIImage(TkReconstruct r, const PetscReal *psi, const PetscReal *rho, const PetscReal *sup)
{
  TkAtomicFile af;
  int          err = 0;

  PetscFunctionBegin;
  PetscCall(TkAtomicFileBegin(r->comm, r->cxi, &af));
  if (r->rank == 0) {
    const hsize_t dims[3] = {(hsize_t)r->grid.nz, (hsize_t)r->grid.ny, (hsize_t)r->grid.nx};
    double       *c;
    char         *options = NULL;
    hid_t         file, entry, image, ct, sp, ds;
    PetscCall(PetscMalloc1(2 * r->nvox, &c));
    for (PetscInt64 q = 0; q < r->nvox; q++) c[2 * q] = rho[q] * PetscCosReal(psi[q]), c[2 * q + 1] = rho[q] * PetscSinReal(psi[q]);
    PetscCall(TkOptionsGetAll(&options));
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    file = H5Fcreate(af.tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
      err = 1;
    else {
      hid_t s1 = H5Screate(H5S_SCALAR), t = H5Tcopy(H5T_C_S1), a;
      H5Tset_size(t, 6);
      entry = H5Gcreate2(file, "entry_1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      a     = H5Acreate2(entry, "NX_class", t, s1, H5P_DEFAULT, H5P_DEFAULT), H5Awrite(a, t, "NXentry"), H5Aclose(a);
      image = H5Gcreate2(entry, "image_1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Tset_size(t, 7);
      a  = H5Acreate2(image, "NX_class", t, s1, H5P_DEFAULT, H5P_DEFAULT), H5Awrite(a, t, "NXdata"), H5Aclose(a);
      ct = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
      H5Tinsert(ct, "r", 0, H5T_NATIVE_DOUBLE);
      H5Tinsert(ct, "i", sizeof(double), H5T_NATIVE_DOUBLE);
      sp = H5Screate_simple(3, dims, NULL);
      ds = H5Dcreate2(image, "data", ct, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (ds < 0 || H5Dwrite(ds, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) < 0) err = 1;
      if (ds >= 0) H5Dclose(ds);
      /* the support, and real views of the object for ParaView (XDMF cannot read the complex type; F.cxi.xdmf) */
      {
        const char *const      names[] = {"mask", "amplitude", "phase_hu"};
        const PetscReal *const vals[]  = {sup, rho, psi};
        for (int k = 0; k < 3; k++) {
          ds = H5Dcreate2(image, names[k], H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
          if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, vals[k]) < 0) err = 1;
          if (ds >= 0) H5Dclose(ds);
        }
      }
      H5Sclose(sp);
      {
        const hsize_t three = 3;
        sp                  = H5Screate_simple(1, &three, NULL);
        ds                  = H5Dcreate2(image, "voxel_size_m", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->grid.spacing) < 0) err = 1;
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(sp);
      }
      {
        const char *note = "rho exp(i h.u) on the lab grid (z downstream, y up, x), C order (z, y, x); reconstructed by takagi reconstruct (dynamical 3D Takagi-Taupin model)";
        H5Tset_size(t, strlen(note) + 1);
        ds = H5Dcreate2(image, "data_type", t, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0) H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, note), H5Dclose(ds);
        H5Tset_size(t, strlen(options ? options : "") + 1);
        ds = H5Dcreate2(image, "command", t, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0) H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, options ? options : ""), H5Dclose(ds);
      }
      H5Tclose(ct);
      H5Gclose(image);
      H5Gclose(entry);
      H5Tclose(t);
      H5Sclose(s1);
      if (H5Fclose(file) < 0) err = 1;
    }
    PetscCall(PetscFree(options));
    PetscCall(PetscFree(c));
    if (err) PetscCall(TkAtomicFileAbort(&af));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, r->comm));
  PetscCheck(!err, r->comm, PETSC_ERR_FILE_WRITE, "cannot write the CXI image '%s'", r->cxi);
  {
    const TkXdmfView views[] = {
        {"density", "/entry_1/image_1/amplitude", 1, 8},
        {"phase_hu", "/entry_1/image_1/phase_hu", 1, 8},
        {"support", "/entry_1/image_1/mask", 1, 8},
    };
    PetscCall(TkXdmfViewsCommit(r->comm, &af, r->cxi, &r->grid, 3, views));
  }
  PetscFunctionReturn(0);
}

/* the registered errors of the initial and final objects (each moved by its own best translation): the number a
   comparison with a truth should quote, since the data cannot fix where the crystal is */
static PetscErrorCode PrintRegistered(TkReconstruct r, const PetscReal *psi0, const PetscReal *psi, const PetscReal *tpsi, const PetscReal *tsup)
{
  const PetscInt64 n[3] = {r->grid.nx, r->grid.ny, r->grid.nz};
  PetscReal        t0[3], t1[3], e0, e1, *moved;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(r->nvox, &moved));
  PetscCall(TkPhaseRegister(n, psi0, tpsi, tsup, t0, &e0, moved));
  PetscCall(TkPhaseRegister(n, psi, tpsi, tsup, t1, &e1, moved));
  PetscCall(PetscPrintf(r->comm, "Registered (each object moved by its best translation, z, y, x in voxels): initial %.4f rad (%+.3f, %+.3f, %+.3f), result %.4f rad (%+.3f, %+.3f, %+.3f)\n", (double)e0, (double)t0[2], (double)t0[1], (double)t0[0],
                        (double)e1, (double)t1[2], (double)t1[1], (double)t1[0]));
  PetscCall(PetscFree(moved));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructWriteOutputs(TkReconstruct r)
{
  PetscReal         *psi, *psi0, *rho0, *sup, *eps, *uvec = NULL, *e6 = NULL, *e6t = NULL, *tpsi = NULL, *tsup = NULL;
  const PetscScalar *xa, *x0a;
  Vec                x0all;
  const PetscInt64   nv = r->nvox;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(r->xall, &x0all));
  PetscCall(VecScatterBegin(r->toall, r->x0, x0all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(r->toall, r->x0, x0all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterBegin(r->toall, r->x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(r->toall, r->x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(r->xall, &xa));
  PetscCall(VecGetArrayRead(x0all, &x0a));
  PetscCall(PetscMalloc5(nv, &psi, nv, &psi0, nv, &rho0, nv, &sup, nv, &eps));
  /* the phase of the first reflection (psi itself, or h.u) */
  TkReconstructPhase(r, 0, xa, psi);
  TkReconstructPhase(r, 0, x0a, psi0);
  for (PetscInt64 q = 0; q < nv; q++) rho0[q] = x0a[(r->nf - 1) * nv + q];
  const PetscReal *rho = xa + (r->nf - 1) * nv;
  for (PetscInt64 q = 0; q < nv; q++) sup[q] = rho[q] > 0.5 ? 1 : 0;
  StrainH(r, psi, sup, eps);
  if (r->unknowns == TK_UNKNOWNS_U) {
    /* u in m, components (x, y, z) per voxel, as the grid format stores vectors */
    PetscCall(PetscMalloc1(3 * nv, &uvec));
    for (PetscInt64 q = 0; q < nv; q++)
      for (int c = 0; c < 3; c++) uvec[3 * q + c] = 1e-9 * xa[c * nv + q];
    PetscCall(PetscMalloc1(6 * nv, &e6));
    PetscCall(ResultStrain(r, xa, sup, e6));
  }
  if (r->truth[0]) {
    const PetscLogDouble t0 = MPI_Wtime();
    PetscCall(PetscMalloc2(nv, &tpsi, nv, &tsup));
    PetscCall(ReadPhaseOnGrid(r, r->truth, "phase_hu", tpsi));
    PetscCall(ReadOnGrid(r, r->truth, "support", tsup));
    PetscCall(PetscPrintf(r->comm, "Phase error inside the true support (RMS, wrapped, constant removed): initial %.4f rad, result %.4f rad\n", (double)TkPhaseErrorRMS(nv, psi0, tpsi, tsup), (double)TkPhaseErrorRMS(nv, psi, tpsi, tsup)));
    PetscCall(PrintRegistered(r, psi0, psi, tpsi, tsup));
    if (r->unknowns == TK_UNKNOWNS_U) {
      /* u is known modulo lattice translations (they leave every e^{i h.u} unchanged): compare h_k.u per reflection */
      TkGrid     g;
      PetscReal *ut, *utg, *pk, *pk0, *tk;
      PetscCall(TkGridFieldRead(r->comm, r->truth, "u", 3, &g, &ut));
      PetscCall(PetscMalloc4(3 * nv, &utg, nv, &pk, nv, &pk0, nv, &tk));
      for (PetscInt64 q = 0; q < nv; q++) {
        PetscReal x[3];
        Position(&r->grid, q, x);
        for (int c = 0; c < 3; c++) utg[c * nv + q] = 1e9 * (SameGrid(&g, &r->grid) ? ut[3 * q + c] : TkGridInterpolate(&g, 3, ut, c, x));
      }
      for (PetscInt k = 0; k < r->nrefl; k++) {
        const PetscInt *hkl;
        const char     *cname;
        TkBCDI          b;
        TkReflection    refl;
        PetscCall(TkReflModelGetBCDI(r->refl[k], &b));
        PetscCall(TkBCDIGetReflection(b, &refl));
        PetscCall(TkReflectionGetName(refl, &cname, &hkl));
        TkReconstructPhase(r, k, xa, pk);
        TkReconstructPhase(r, k, x0a, pk0);
        TkReconstructPhase(r, k, utg, tk);
        PetscCall(PetscPrintf(r->comm, "  reflection (%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "): phase h.u error (RMS in the true support): initial %.4f rad, result %.4f rad\n", hkl[0], hkl[1], hkl[2],
                              (double)TkPhaseErrorRMS(nv, pk0, tk, tsup), (double)TkPhaseErrorRMS(nv, pk, tk, tsup)));
      }
      PetscCall(StrainTensorError(r, x0a, xa, utg, tsup));
      /* the truth's tensor by the same measure, written beside the result's for the plot and for comparisons */
      PetscCall(PetscMalloc1(6 * nv, &e6t));
      PetscCall(ResultStrain(r, utg, tsup, e6t));
      PetscCall(PetscFree(ut));
      PetscCall(PetscFree4(utg, pk, pk0, tk));
    }
    PetscCall(PetscPrintf(r->comm, "Truth comparison: %.2f s (%lld voxels, replicated on every rank)\n", (double)(MPI_Wtime() - t0), (long long)nv));
  }
  if (r->output[0]) {
    TkGridField fields[] = {
        {"phase_hu", "rad", 1, psi},
        {"density", "1", 1, rho},
        {"support", "1", 1, sup},
        {"strain_h", "1", 1, eps},
        {"phase_hu_initial", "rad", 1, psi0},
        {"density_initial", "1", 1, rho0},
        {"u", "m", 3, uvec},
        {"strain", "1 (e = (grad u + grad u^T)/2; 0 where a neighbour along x, y or z is outside the support)", 6, e6},
        {"strain_truth", "1 (the -truth file's tensor, by the same measure inside its support)", 6, e6t},
    };
    PetscCall(TkGridFieldsWrite(r->comm, r->output, &r->grid, e6t ? 9 : uvec ? 8 : 6, fields));
  }
  if (r->cxi[0]) PetscCall(WriteCXIImage(r, psi, rho, sup));
  if (r->plot[0]) {
    TkAtomicFile   png;
    PetscErrorCode ierr;
    PetscCheck(r->output[0], r->comm, PETSC_ERR_USER_INPUT, "-plot needs -o (the plot reads the object file)");
    PetscCall(TkAtomicFileBegin(r->comm, r->plot, &png));
    const char *const args[] = {r->output, r->truth[0] ? r->truth : "", png.tmp_path};
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkPlotRun(r->comm, "plot_reconstruct.py", 3, args);
    PetscCall(PetscPopErrorHandler());
    if (ierr && r->rank == 0) PetscCall(TkAtomicFileAbort(&png));
    PetscCheck(!ierr, r->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see above); the object file was written", r->plot);
    PetscCall(TkAtomicFileCommit(r->comm, &png));
  }
  PetscCall(VecRestoreArrayRead(r->xall, &xa));
  PetscCall(VecRestoreArrayRead(x0all, &x0a));
  PetscCall(PetscFree5(psi, psi0, rho0, sup, eps));
  PetscCall(PetscFree(uvec));
  PetscCall(PetscFree(e6));
  PetscCall(PetscFree(e6t));
  PetscCall(PetscFree2(tpsi, tsup));
  PetscCall(VecDestroy(&x0all));
  PetscFunctionReturn(0);
}
