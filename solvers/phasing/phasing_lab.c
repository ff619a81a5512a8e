/* The reconstructed object on an orthogonal lab grid (-object_lab; docs/phase.md, "Lab frame").

   psi lives on the detector-conjugate grid: voxel n sits at r(n) = sum_j (n_j - c_j) a_j with a_i.b_j = 2 pi delta_ij / N_j
   and b_j the step of q per data index. For takagi bcdi scans (docs/bcdi.md; models/geometry/bragg_frame.h): lab
   (x, y, z), k0 along z, scattering in the y-z plane, h = |h| n, n = (0, cos thetaB, -sin thetaB); the rocking step
   dw moves q by |h| dw m, m = (0, sin thetaB, cos thetaB); rows run against e1 = (0, cos 2thetaB, -sin 2thetaB) and
   columns towards -x:  b0 = |h| dw m,  b1 = -(k p_row / L) e1,  b2 = -(k p_col / L) x.
   So n_j - c_j = N_j b_j.r / (2 pi), and psi is sampled trilinearly (as a complex number, so that the phase needs no
   unwrapping) at the points of a cubic lab grid laid out as takagi bcdi's object file: (z, y, x), spacing d,
   2 ceil(R / d) + 3 points per axis, origin -(n - 1) d / 2, with the crystal's amplitude-weighted centre at the lab
   origin (the position of a reconstruction is arbitrary: a shift only changes a phase ramp of the data).

   Datasets: support (1 where |psi| > -lab_threshold max|psi|), phase_hu (h.u = -arg psi inside, 0 outside), u (the
   component along h, (h.u / |h|) n, m: one reflection measures no other), as takagi bcdi writes them, plus amplitude
   and strain_h = d(h.u)/dx_h / |h| (central differences of the phase inside the support, one-sided at its edge).

   The twin conj psi(-r) fits kinematic data exactly as well (docs/phase.md, "Sign convention"): nothing in the
   data tells them apart, so both are written, the twin to <base>_twin.h5; on this grid it is the point reflection
   r -> -r with h.u -> -h.u (and the same strain_h, reflected). */
#include "phasing_impl.h"
#include "cxi.h"

/* lab grid file name of the twin: a.h5 -> a_twin.h5 */
PetscErrorCode TkPhaseLabTwinPath(const char path[], char twin[], size_t len)
{
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  size_t      n = strlen(path);

  PetscFunctionBegin;
  if (dot && (!slash || dot > slash)) n = (size_t)(dot - path);
  PetscCheck(n + 12 < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "path too long");
  PetscCall(PetscStrncpy(twin, path, n + 1));
  PetscCall(PetscStrlcat(twin, "_twin", len));
  PetscCall(PetscStrlcat(twin, dot && (!slash || dot > slash) ? dot : ".h5", len));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseLabCheckGeometry(TkPhasing p)
{
  TkBCDIDataInfo g;
  const char    *path = "";

  PetscFunctionBegin;
  PetscCheck(p->data, p->comm, PETSC_ERR_USER_INPUT, "-object_lab needs the scan geometry of a -data file");
  PetscCall(TkBCDIDataGetInfo(p->data, &g));
  PetscCall(TkBCDIDataGetPath(p->data, &path));
  PetscCheck(g.takagi && g.wavelength_m > 0 && g.distance_m > 0 && g.pixel_m[0] > 0 && g.pixel_m[1] > 0 && g.rocking_step_rad != 0 && g.bragg_angle_rad > 0, p->comm, PETSC_ERR_USER_INPUT,
             "-object_lab needs the full geometry of a takagi bcdi CXI file (wavelength, distance, pixel sizes, rocking angles, Bragg angle); '%s' does not give it", path);
  PetscFunctionReturn(0);
}

/* the whole object (interleaved re, im) on rank 0 */
static PetscErrorCode GatherObject(TkPhasing p, PetscReal **all)
{
  PetscMPIInt *counts = NULL, *displs = NULL;

  PetscFunctionBegin;
  *all = NULL;
  if (!p->rank) {
    PetscCall(PetscMalloc1(2 * (size_t)p->N[0] * p->plane, all));
    PetscCall(PetscMalloc2(p->size, &counts, p->size, &displs));
    for (PetscMPIInt r = 0; r < p->size; r++) {
      PetscCall(PetscMPIIntCast(2 * p->all_ln0[r] * (PetscInt)p->plane, &counts[r]));
      PetscCall(PetscMPIIntCast(2 * p->all_z0[r] * (PetscInt)p->plane, &displs[r]));
    }
  }
  PetscCallMPI(MPI_Gatherv(p->psi, (PetscMPIInt)(2 * p->nloc), MPIU_REAL, *all, counts, displs, MPIU_REAL, 0, p->comm));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

static double complex Sample(const double complex *psi, const PetscInt N[3], const double f[3])
{
  PetscInt       i0[3];
  double         t[3];
  double complex v = 0;

  for (int j = 0; j < 3; j++) {
    const double fl = floor(f[j]);
    if (fl < -1 || fl > N[j]) return 0;
    i0[j] = (PetscInt)fl, t[j] = f[j] - fl;
  }
  for (int c = 0; c < 8; c++) {
    PetscInt ii[3];
    double   w = 1;
    for (int j = 0; j < 3; j++) {
      const int d = (c >> (2 - j)) & 1;
      ii[j]       = i0[j] + d;
      w *= d ? t[j] : 1 - t[j];
    }
    if (ii[0] < 0 || ii[1] < 0 || ii[2] < 0 || ii[0] >= N[0] || ii[1] >= N[1] || ii[2] >= N[2]) continue; /* 0 outside */
    v += w * psi[((size_t)ii[0] * N[1] + ii[1]) * N[2] + ii[2]];
  }
  return v;
}

PetscErrorCode TkPhaseWriteLab(TkPhasing p, const char path[])
{
  TkBCDIDataInfo g;
  PetscReal     *all;
  TkGrid         grid;
  double         A[3][3], B[3][3], hn[3], habs = 0, d = 0, rc[3] = {0, 0, 0}, R = 0;
  PetscInt       n           = 0;
  PetscInt64     ncrystal    = 0;
  double         mean_strain = 0;

  PetscFunctionBegin;
  PetscCall(TkPhaseLabCheckGeometry(p));
  PetscCall(TkBCDIDataGetInfo(p->data, &g));
  PetscCall(TkBCDIDataConjugateBasis(&g, p->N, A, B));
  habs  = 4 * PETSC_PI / g.wavelength_m * sin(g.bragg_angle_rad);
  hn[0] = 0, hn[1] = cos(g.bragg_angle_rad), hn[2] = -sin(g.bragg_angle_rad);
  PetscCall(GatherObject(p, &all));
  PetscCall(PetscMemzero(&grid, sizeof(grid)));
  if (!p->rank) {
    const double complex *psi  = (const double complex *)all;
    const size_t          ntot = (size_t)p->N[0] * p->plane;
    const PetscInt        c[3] = {p->N[0] / 2, p->N[1] / 2, p->N[2] / 2};
    double                amax = 0, wsum = 0, ext = 0, dmin = PETSC_MAX_REAL;
    for (size_t q = 0; q < ntot; q++) amax = PetscMax(amax, cabs(psi[q]));
    /* the crystal (|psi| > threshold max): its amplitude-weighted centre, then its radius about it */
    for (int pass = 0; pass < 2; pass++) {
      for (PetscInt i0 = 0; i0 < p->N[0]; i0++)
        for (PetscInt i1 = 0; i1 < p->N[1]; i1++)
          for (PetscInt i2 = 0; i2 < p->N[2]; i2++) {
            const double a = cabs(psi[((size_t)i0 * p->N[1] + i1) * p->N[2] + i2]);
            double       r[3];
            if (a <= p->lab_threshold * amax) continue;
            for (int i = 0; i < 3; i++) r[i] = A[i][0] * (i0 - c[0]) + A[i][1] * (i1 - c[1]) + A[i][2] * (i2 - c[2]);
            if (!pass) {
              for (int i = 0; i < 3; i++) rc[i] += a * r[i];
              wsum += a;
            } else
              R = PetscMax(R, PetscSqrtReal(PetscSqr(r[0] - rc[0]) + PetscSqr(r[1] - rc[1]) + PetscSqr(r[2] - rc[2])));
          }
      if (!pass)
        for (int i = 0; i < 3; i++) rc[i] /= wsum;
    }
    for (int j = 0; j < 3; j++) {
      const double aj = PetscSqrtReal(PetscSqr(A[0][j]) + PetscSqr(A[1][j]) + PetscSqr(A[2][j]));
      ext += 0.5 * aj, dmin = PetscMin(dmin, aj);
    }
    d = p->lab_spacing > 0 ? p->lab_spacing : dmin;
    R += ext; /* voxels have a size */
    n = 2 * (PetscInt)PetscCeilReal(R / d) + 3;
    PetscCheck(n <= 1024, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "the lab grid would need %" PetscInt_FMT "^3 points at %g nm: raise -lab_spacing_nm", n, d * 1e9);
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, p->comm));
  PetscCallMPI(MPI_Bcast(&d, 1, MPI_DOUBLE, 0, p->comm));
  grid.nz = grid.ny = grid.nx = n;
  for (int i = 0; i < 3; i++) grid.spacing[i] = d, grid.origin[i] = -0.5 * (n - 1) * d;
  for (int twin = 0; twin < 2; twin++) {
    PetscReal *support = NULL, *phase = NULL, *u = NULL, *amp = NULL, *strain = NULL;
    char       name[PETSC_MAX_PATH_LEN];
    if (!p->rank) {
      const double complex *psi  = (const double complex *)all;
      const size_t          nl   = (size_t)n * n * n;
      const PetscInt        c[3] = {p->N[0] / 2, p->N[1] / 2, p->N[2] / 2};
      double complex       *lab;
      double                amax = 0;
      PetscCall(PetscMalloc5(nl, &support, nl, &phase, 3 * nl, &u, nl, &amp, nl, &strain));
      PetscCall(PetscMalloc1(nl, &lab));
      for (size_t q = 0; q < (size_t)p->N[0] * p->plane; q++) amax = PetscMax(amax, cabs(psi[q]));
      for (PetscInt iz = 0; iz < n; iz++)
        for (PetscInt iy = 0; iy < n; iy++)
          for (PetscInt ix = 0; ix < n; ix++) {
            /* the twin conj psi(-r) about the crystal's centre: the direct object at the reflected point */
            const double sg = twin ? -1 : 1, r[3] = {rc[0] + sg * (grid.origin[2] + ix * d), rc[1] + sg * (grid.origin[1] + iy * d), rc[2] + sg * (grid.origin[0] + iz * d)};
            double       f[3];
            for (int j = 0; j < 3; j++) f[j] = c[j] + p->N[j] * (B[0][j] * r[0] + B[1][j] * r[1] + B[2][j] * r[2]) / (2 * PETSC_PI);
            const double complex v              = Sample(psi, p->N, f);
            lab[((size_t)iz * n + iy) * n + ix] = twin ? conj(v) : v;
          }
      for (size_t q = 0; q < nl; q++) {
        amp[q]     = cabs(lab[q]);
        support[q] = amp[q] > p->lab_threshold * amax ? 1 : 0;
        phase[q]   = support[q] > 0 ? -carg(lab[q]) : 0; /* h.u = -arg(psi) */
        for (int i = 0; i < 3; i++) u[3 * q + i] = phase[q] / habs * hn[i];
      }
      /* strain along h: n.grad(h.u) / |h|, phase differences taken on the complex values (no unwrapping) */
      ncrystal = 0, mean_strain = 0;
      for (PetscInt iz = 0; iz < n; iz++)
        for (PetscInt iy = 0; iy < n; iy++)
          for (PetscInt ix = 0; ix < n; ix++) {
            const PetscInt idx[3] = {ix, iy, iz};
            const size_t   q = ((size_t)iz * n + iy) * n + ix, stride[3] = {1, (size_t)n, (size_t)n * n};
            double         e = 0;
            strain[q]        = 0;
            if (support[q] == 0) continue;
            for (int a = 0; a < 3; a++) { /* a: x, y, z */
              const PetscBool lo = (PetscBool)(idx[a] > 0 && support[q - stride[a]] > 0), hi = (PetscBool)(idx[a] < n - 1 && support[q + stride[a]] > 0);
              double          grad = 0;
              if (lo && hi)
                grad = -carg(lab[q + stride[a]] * conj(lab[q - stride[a]])) / (2 * d);
              else if (hi)
                grad = -carg(lab[q + stride[a]] * conj(lab[q])) / d;
              else if (lo)
                grad = -carg(lab[q] * conj(lab[q - stride[a]])) / d;
              e += hn[a] * grad;
            }
            strain[q] = e / habs;
            mean_strain += strain[q];
            ncrystal++;
          }
      if (ncrystal) mean_strain /= ncrystal;
      PetscCall(PetscFree(lab));
    }
    const TkGridField fields[] = {
        {"support", "1", 1, support}, {"phase_hu", "rad", 1, phase}, {"u", "m", 3, u}, {"amplitude", "1", 1, amp}, {"strain_h", "1", 1, strain},
    };
    if (twin)
      PetscCall(TkPhaseLabTwinPath(path, name, sizeof(name)));
    else
      PetscCall(PetscStrncpy(name, path, sizeof(name)));
    PetscCall(TkGridFieldsWrite(p->comm, name, &grid, 5, fields));
    if (!p->rank) PetscCall(PetscFree5(support, phase, u, amp, strain));
    PetscCallMPI(MPI_Bcast(&ncrystal, 1, MPIU_INT64, 0, p->comm));
    PetscCallMPI(MPI_Bcast(&mean_strain, 1, MPI_DOUBLE, 0, p->comm));
    if (!p->quiet)
      PetscCall(PetscPrintf(p->comm, "Lab frame%s: %s, %" PetscInt_FMT "^3 grid of %.4g nm (crystal centred at the origin), %" PetscInt64_FMT " crystal voxels (|psi| > %g max), mean strain along h %.3e\n", twin ? " (twin)" : "", name, n, d * 1e9,
                            ncrystal, (double)p->lab_threshold, mean_strain));
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}
