/* Voronoi nanoglass generator.
   Grains: n = round(V / (pi d^3 / 6)) seeds uniform in the periodic box (d = equivalent-sphere diameter of the mean
   grain). A voxel (centre x) belongs to its nearest seed p1; its distance to the grain boundary is the distance to
   the nearest bisector plane, min_j (|x - pj|^2 - |x - p1|^2) / (2 |pj - p1|) over the other seeds (and periodic
   images) — exact for a convex Voronoi cell. Only seeds with |x - pj| < |x - p1| + 2 dmax can give a face closer
   than dmax, so the search over seed bins stops there. A voxel closer than w/2 to a face is interface (total width w).
   Crystals: spheres placed by random sequential addition with centres at least r + w/2 from every face (inside one
   grain's glassy core), one voxel apart from each other. Pillar: voxels farther than D/2 from the box axis along z
   are vacuum. Everything random is drawn on every rank from the same seeded PetscRandom, and each voxel is evaluated
   from its own position only: the map is independent of the rank layout. */
#include "microstructure.h"
#include "grid_write_parallel.h"
#include <petscviewer.h>
#include <math.h>
#include <string.h>

const char *const TkPhaseNames[] = {"glass", "interface", "crystal", "vacuum"};

static PetscClassId  TK_MICRO_CLASSID;
static PetscLogEvent TK_EVENT_MICRO;

struct _p_TkMicrostructure {
  MPI_Comm          comm;
  PetscInt          N[3]; /* nz, ny, nx */
  PetscReal         h, L[3];
  PetscReal         grain_size, interface_width, crystal_fraction, crystal_size, pillar_diameter;
  PetscInt          seed;
  TkPhaseProperties props[TK_NPHASES];
  /* seeds and their bins (x, y, z order for positions) */
  PetscInt   nseeds, nb[3], *bin_start, *bin_seed;
  PetscReal *seeds, bs[3];
  PetscInt   ncrystals;
  PetscReal *crystals; /* centres, x y z */
  PetscInt   ncand, maxcand;
  PetscReal *cand; /* scratch: candidate seed images (x, y, z, index) */
  /* result */
  PetscInt  z0, nzl, *phase, *grain;
  PetscReal fraction[TK_NPHASES];
};

PetscErrorCode TkMicrostructureCreate(MPI_Comm comm, TkMicrostructure *mm)
{
  TkMicrostructure m;

  PetscFunctionBegin;
  if (!TK_MICRO_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiNanoglass", &TK_MICRO_CLASSID));
    PetscCall(PetscLogEventRegister("TkNgVoronoi", TK_MICRO_CLASSID, &TK_EVENT_MICRO));
  }
  PetscCall(PetscNew(&m));
  m->comm = comm;
  m->N[0] = m->N[1] = m->N[2] = 32;
  m->h                        = 0.5e-9;
  m->grain_size               = 10e-9;
  m->interface_width          = 1e-9;
  m->crystal_size             = 3e-9;
  m->seed                     = 1;
  /* a Zr-based-like glass; interfaces softer and weaker (notes 2.4: mu_I/mu_G ~ 0.85, threshold ratio ~ 0.7); bcc Fe
     crystals that do not transform. All are defaults to calibrate, not measured values. */
  m->props[TK_PHASE_GLASS]     = (TkPhaseProperties){100e9, 0.35, {TK_THRESHOLD_WEIBULL, 2.0e9, 0.2, 0, 0}, 0.85, 0.85};
  m->props[TK_PHASE_INTERFACE] = (TkPhaseProperties){85e9, 0.36, {TK_THRESHOLD_WEIBULL, 1.4e9, 0.2, 0, 0}, 0.85, 0.85};
  m->props[TK_PHASE_CRYSTAL]   = (TkPhaseProperties){211e9, 0.29, {TK_THRESHOLD_WEIBULL, 0, 0.1, 0, 0}, 1, 1};
  m->props[TK_PHASE_VACUUM]    = (TkPhaseProperties){0, 0, {TK_THRESHOLD_WEIBULL, 0, 0, 0, 0}, 1, 1};
  *mm                          = m;
  PetscFunctionReturn(0);
}

static PetscErrorCode PhaseOptions(TkMicrostructure m, TkPhase p, PetscOptionItems *PetscOptionsObject)
{
  TkPhaseProperties *q = &m->props[p];
  const char        *n = TkPhaseNames[p];
  char               opt[64], help[160];
  PetscReal          E = q->E / 1e9, thr = q->threshold.mean / 1e9;
  PetscBool          set;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_E_GPa", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Young's modulus of the %s (GPa)", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", E, &E, NULL));
  PetscCheck(E > 0 && PetscIsNormalReal(E), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must be positive, got %g GPa", opt, (double)E);
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_poisson", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Poisson ratio of the %s", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", q->nu, &q->nu, NULL));
  PetscCheck(q->nu > -1 && q->nu < 0.5, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must lie in (-1, 0.5), got %g", opt, (double)q->nu);
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_threshold_GPa", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Mean local yield threshold (von Mises stress) of the %s, GPa; 0: never transforms", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", thr, &thr, &set));
  PetscCheck(thr >= 0 && PetscIsNormalReal(thr + 1), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must be >= 0 (0: the %s never transforms), got %g", opt, n, (double)thr);
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_threshold_cv", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Spread of the %s thresholds: standard deviation / mean", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", q->threshold.cv, &q->threshold.cv, NULL));
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_softening", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Mean of renewed %s thresholds / initial mean (structural softening; 1: none)", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", q->softening, &q->softening, NULL));
  PetscCheck(q->softening > 0 && q->softening <= 2, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must lie in (0, 2], got %g", opt, (double)q->softening);
  q->floor = q->softening;
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ng_%s_softening_floor", n));
  PetscCall(PetscSNPrintf(help, sizeof(help), "Lowest mean of renewed %s thresholds / initial mean: softening compounds per transformation down to it [softening: once]", n));
  PetscCall(PetscOptionsReal(opt, help, "TkMicrostructureSetFromOptions", q->floor, &q->floor, NULL));
  PetscCheck(q->floor > 0 && q->floor <= 2, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must lie in (0, 2], got %g", opt, (double)q->floor);
  q->E              = E * 1e9;
  q->threshold.mean = thr * 1e9;
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureSetFromOptions(TkMicrostructure m)
{
  PetscInt           n = 3, dims[3] = {m->N[0], m->N[1], m->N[2]};
  PetscReal          h = m->h * 1e9, d = m->grain_size * 1e9, w = m->interface_width * 1e9, fc = m->crystal_fraction, dc = m->crystal_size * 1e9, dp = 0;
  PetscBool          set;
  TkThresholdLawType law = m->props[TK_PHASE_GLASS].threshold.type;

  PetscFunctionBegin;
  PetscOptionsBegin(m->comm, NULL, "Nanoglass microstructure", "TkMicrostructure");
  PetscCall(PetscOptionsIntArray("-ng_grid", "Grid voxels nz,ny,nx (one value: a cube)", "TkMicrostructureSetFromOptions", dims, &n, &set));
  if (set) {
    PetscCheck(n == 1 || n == 3, m->comm, PETSC_ERR_USER_INPUT, "-ng_grid needs nz,ny,nx or one value");
    if (n == 1) dims[1] = dims[2] = dims[0];
  }
  for (int i = 0; i < 3; i++) PetscCheck(dims[i] >= 2 && dims[i] <= 2048, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_grid: %" PetscInt_FMT " voxels must lie between 2 and 2048", dims[i]);
  PetscCall(PetscOptionsReal("-ng_spacing_nm", "Voxel size (nm)", "TkMicrostructureSetFromOptions", h, &h, NULL));
  PetscCheck(h > 0 && PetscIsNormalReal(h), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_spacing_nm must be positive, got %g", (double)h);
  PetscCall(PetscOptionsReal("-ng_grain_nm", "Mean grain size: diameter of the sphere of the mean grain volume (nm); 0: a monolithic glass", "TkMicrostructureSetFromOptions", d, &d, NULL));
  PetscCall(PetscOptionsReal("-ng_interface_nm", "Interface width (nm)", "TkMicrostructureSetFromOptions", w, &w, NULL));
  PetscCall(PetscOptionsReal("-ng_crystal_fraction", "Volume fraction of crystalline inclusions", "TkMicrostructureSetFromOptions", fc, &fc, NULL));
  PetscCall(PetscOptionsReal("-ng_crystal_nm", "Diameter of the crystalline inclusions (nm)", "TkMicrostructureSetFromOptions", dc, &dc, NULL));
  PetscCall(PetscOptionsReal("-ng_pillar_nm", "Pillar diameter (nm): vacuum outside a cylinder along z; 0: periodic bulk", "TkMicrostructureSetFromOptions", dp, &dp, NULL));
  PetscCall(PetscOptionsInt("-ng_seed", "Seed of the grain and crystal positions and of the thresholds", "TkMicrostructureSetFromOptions", m->seed, &m->seed, NULL));
  PetscCall(PetscOptionsEnum("-ng_threshold_law", "Distribution of the local thresholds (all phases)", "TkThresholdLawSample", TkThresholdLawTypes, (PetscEnum)law, (PetscEnum *)&law, NULL));
  for (int p = 0; p < TK_PHASE_VACUUM; p++) PetscCall(PhaseOptions(m, (TkPhase)p, PetscOptionsObject));
  PetscOptionsEnd();
  for (int p = 0; p < TK_NPHASES; p++) m->props[p].threshold.type = law;
  const PetscReal Lmin = h * PetscMin(dims[0], PetscMin(dims[1], dims[2]));
  PetscCheck(d >= 0 && PetscIsNormalReal(d + 1), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_grain_nm must be >= 0 (0: monolithic glass), got %g", (double)d);
  PetscCheck(d == 0 || d >= 2 * h, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_grain_nm %g is below two voxels (%g nm); refine -ng_spacing_nm", (double)d, (double)(2 * h));
  PetscCheck(w >= 0 && PetscIsNormalReal(w + 1), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_interface_nm must be >= 0, got %g", (double)w);
  PetscCheck(d == 0 || w < 0.5 * d, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_interface_nm %g must be below half the grain size (%g nm): grains would be all interface", (double)w, (double)(0.5 * d));
  PetscCheck(fc >= 0 && fc < 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_crystal_fraction must lie in [0, 1), got %g", (double)fc);
  PetscCheck(fc <= 0.35, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_crystal_fraction %g cannot be reached by non-overlapping spheres placed at random (limit 0.35)", (double)fc);
  if (fc > 0) {
    PetscCheck(dc >= 2 * h && PetscIsNormalReal(dc), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_crystal_nm %g must be at least two voxels (%g nm)", (double)dc, (double)(2 * h));
    PetscCheck(d == 0 || dc + w < d, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "crystals of %g nm cannot fit inside %g nm grains with %g nm interfaces; lower -ng_crystal_nm", (double)dc, (double)d, (double)w);
    PetscCheck(dc < 0.5 * Lmin, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_crystal_nm %g must be below half the box (%g nm)", (double)dc, (double)(0.5 * Lmin));
  }
  PetscCheck(dp >= 0 && PetscIsNormalReal(dp + 1), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_pillar_nm must be >= 0, got %g", (double)dp);
  PetscCheck(dp == 0 || (dp >= 4 * h && dp <= h * PetscMin(dims[1], dims[2]) - 2 * h), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_pillar_nm %g must span 4 voxels and leave a voxel of vacuum on each side (%g-%g nm)", (double)dp, (double)(4 * h),
             (double)(h * PetscMin(dims[1], dims[2]) - 2 * h));
  for (int i = 0; i < 3; i++) m->N[i] = dims[i];
  m->h                = h * 1e-9;
  m->grain_size       = d * 1e-9;
  m->interface_width  = d > 0 ? w * 1e-9 : 0;
  m->crystal_fraction = fc;
  m->crystal_size     = dc * 1e-9;
  m->pillar_diameter  = dp * 1e-9;
  for (int p = 0; p < TK_NPHASES; p++) {
    char name[64];
    PetscCall(PetscSNPrintf(name, sizeof(name), "-ng_%s_threshold_cv", TkPhaseNames[p]));
    PetscCall(TkThresholdLawSetUp(m->comm, name, &m->props[p].threshold));
  }
  PetscFunctionReturn(0);
}

/* Lists every seed image (x, y, z, index) within the shells of bins that can matter for a point x: nearest seed and
   faces closer than dmax. */
static PetscErrorCode GatherCandidates(TkMicrostructure m, const PetscReal x[3], PetscReal dmax)
{
  PetscInt  c[3];
  PetscReal D1 = PETSC_INFINITY, bsmin = PetscMin(m->bs[0], PetscMin(m->bs[1], m->bs[2]));

  PetscFunctionBegin;
  m->ncand = 0;
  for (int a = 0; a < 3; a++) c[a] = PetscMin((PetscInt)(x[a] / m->bs[a]), m->nb[a] - 1);
  for (PetscInt s = 0;; s++) {
    if (m->ncand && (s - 1) * bsmin > D1 + 2 * dmax) break;
    for (PetscInt oz = -s; oz <= s; oz++)
      for (PetscInt oy = -s; oy <= s; oy++)
        for (PetscInt ox = -s; ox <= s; ox++) {
          if (PetscMax(PetscAbsInt(ox), PetscMax(PetscAbsInt(oy), PetscAbsInt(oz))) != s) continue;
          const PetscInt o[3] = {ox, oy, oz};
          PetscInt       b[3];
          PetscReal      shift[3];
          for (int a = 0; a < 3; a++) {
            const PetscInt raw = c[a] + o[a], k = (PetscInt)PetscFloorReal((PetscReal)raw / m->nb[a]);
            b[a]     = raw - k * m->nb[a];
            shift[a] = k * m->L[a];
          }
          const PetscInt bin = (b[2] * m->nb[1] + b[1]) * m->nb[0] + b[0];
          for (PetscInt i = m->bin_start[bin]; i < m->bin_start[bin + 1]; i++) {
            const PetscInt   j = m->bin_seed[i];
            const PetscReal *p = &m->seeds[3 * j];
            if (m->ncand == m->maxcand) {
              PetscReal *more;
              m->maxcand = 2 * m->maxcand + 64;
              PetscCall(PetscMalloc1(4 * m->maxcand, &more));
              PetscCall(PetscArraycpy(more, m->cand, 4 * m->ncand));
              PetscCall(PetscFree(m->cand));
              m->cand = more;
            }
            PetscReal *q = &m->cand[4 * m->ncand++], r2 = 0;
            for (int a = 0; a < 3; a++) q[a] = p[a] + shift[a], r2 += (x[a] - q[a]) * (x[a] - q[a]);
            q[3] = (PetscReal)j;
            D1   = PetscMin(D1, PetscSqrtReal(r2));
          }
        }
  }
  PetscFunctionReturn(0);
}

/* Nearest seed and the exact distance to the nearest face of its cell if below dmax (else a value >= dmax). */
static PetscErrorCode NearestFace(TkMicrostructure m, const PetscReal x[3], PetscReal dmax, PetscInt *grain, PetscReal *dface)
{
  PetscInt  best = -1;
  PetscReal d1 = PETSC_INFINITY, df = PETSC_INFINITY;

  PetscFunctionBegin;
  PetscCall(GatherCandidates(m, x, dmax));
  for (PetscInt i = 0; i < m->ncand; i++) {
    const PetscReal *q  = &m->cand[4 * i];
    const PetscReal  r2 = (x[0] - q[0]) * (x[0] - q[0]) + (x[1] - q[1]) * (x[1] - q[1]) + (x[2] - q[2]) * (x[2] - q[2]);
    if (r2 < d1 || (r2 == d1 && q[3] < m->cand[4 * best + 3])) d1 = r2, best = i; /* ties: lowest seed index */
  }
  const PetscReal *p1 = &m->cand[4 * best];
  for (PetscInt i = 0; i < m->ncand; i++) {
    if (i == best) continue;
    const PetscReal *q   = &m->cand[4 * i];
    const PetscReal  r2  = (x[0] - q[0]) * (x[0] - q[0]) + (x[1] - q[1]) * (x[1] - q[1]) + (x[2] - q[2]) * (x[2] - q[2]);
    const PetscReal  sep = PetscSqrtReal((q[0] - p1[0]) * (q[0] - p1[0]) + (q[1] - p1[1]) * (q[1] - p1[1]) + (q[2] - p1[2]) * (q[2] - p1[2]));
    if (sep > 0) df = PetscMin(df, (r2 - d1) / (2 * sep));
  }
  *grain = (PetscInt)p1[3];
  *dface = df;
  PetscFunctionReturn(0);
}

static PetscErrorCode PlaceSeeds(TkMicrostructure m, PetscRandom rnd)
{
  const PetscReal V = m->L[0] * m->L[1] * m->L[2];

  PetscFunctionBegin;
  m->nseeds = m->grain_size > 0 ? (PetscInt)round(V / (PETSC_PI / 6 * PetscPowReal(m->grain_size, 3))) : 1;
  /* fewer than one grain volume in the box: the only grain would be the box itself, bounded by its own images */
  PetscCheck(m->nseeds >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_grain_nm %g exceeds the box (%g x %g x %g nm, equivalent-sphere diameter %.3g nm); enlarge -ng_grid or use -ng_grain_nm 0 for a monolithic glass", (double)(1e9 * m->grain_size),
             (double)(1e9 * m->L[2]), (double)(1e9 * m->L[1]), (double)(1e9 * m->L[0]), (double)(1e9 * PetscCbrtReal(6 * V / PETSC_PI)));
  PetscCheck(m->nseeds <= 10000000, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " grains are too many; raise -ng_grain_nm", m->nseeds);
  PetscCall(PetscMalloc1(3 * m->nseeds, &m->seeds));
  for (PetscInt j = 0; j < m->nseeds; j++)
    for (int a = 0; a < 3; a++) {
      PetscReal u;
      PetscCall(PetscRandomGetValueReal(rnd, &u));
      m->seeds[3 * j + a] = u * m->L[a];
    }
  /* bins about one mean seed spacing wide */
  const PetscReal spacing = PetscCbrtReal(V / m->nseeds);
  PetscInt        nbins   = 1;
  for (int a = 0; a < 3; a++) {
    m->nb[a] = PetscMax(1, (PetscInt)(m->L[a] / spacing));
    m->bs[a] = m->L[a] / m->nb[a];
    nbins *= m->nb[a];
  }
  PetscCall(PetscCalloc1(nbins + 1, &m->bin_start));
  PetscCall(PetscMalloc1(m->nseeds, &m->bin_seed));
  PetscInt *bin_of;
  PetscCall(PetscMalloc1(m->nseeds, &bin_of));
  for (PetscInt j = 0; j < m->nseeds; j++) {
    PetscInt b[3];
    for (int a = 0; a < 3; a++) b[a] = PetscMin((PetscInt)(m->seeds[3 * j + a] / m->bs[a]), m->nb[a] - 1);
    bin_of[j] = (b[2] * m->nb[1] + b[1]) * m->nb[0] + b[0];
    m->bin_start[bin_of[j] + 1]++;
  }
  for (PetscInt b = 0; b < nbins; b++) m->bin_start[b + 1] += m->bin_start[b];
  PetscInt *fill;
  PetscCall(PetscCalloc1(nbins, &fill));
  for (PetscInt j = 0; j < m->nseeds; j++) m->bin_seed[m->bin_start[bin_of[j]] + fill[bin_of[j]]++] = j;
  PetscCall(PetscFree(fill));
  PetscCall(PetscFree(bin_of));
  PetscFunctionReturn(0);
}

static PetscBool InsidePillar(TkMicrostructure m, const PetscReal x[3], PetscReal margin)
{
  if (m->pillar_diameter <= 0) return PETSC_TRUE;
  const PetscReal dx = x[0] - 0.5 * m->L[0], dy = x[1] - 0.5 * m->L[1], R = 0.5 * m->pillar_diameter - margin;
  return (PetscBool)(dx * dx + dy * dy <= R * R);
}

/* Random sequential addition of crystal spheres inside the grains' glassy cores. */
static PetscErrorCode PlaceCrystals(TkMicrostructure m, PetscRandom rnd)
{
  const PetscReal V = m->L[0] * m->L[1] * m->L[2], r = 0.5 * m->crystal_size, gap = 2 * r + m->h;
  PetscInt        want;

  PetscFunctionBegin;
  if (m->crystal_fraction <= 0) PetscFunctionReturn(0);
  const PetscReal Vsolid = m->pillar_diameter > 0 ? PETSC_PI / 4 * m->pillar_diameter * m->pillar_diameter * m->L[2] : V;
  want                   = (PetscInt)round(m->crystal_fraction * Vsolid / (PETSC_PI / 6 * PetscPowReal(m->crystal_size, 3)));
  PetscCheck(want >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ng_crystal_fraction %g is less than one %g nm crystal in this box; raise it or enlarge -ng_grid", (double)m->crystal_fraction, (double)(1e9 * m->crystal_size));
  PetscCall(PetscMalloc1(3 * want, &m->crystals));
  for (PetscInt attempt = 0; attempt < 5000 * want && m->ncrystals < want; attempt++) {
    PetscReal x[3], df = PETSC_INFINITY;
    PetscInt  g;
    PetscBool ok = PETSC_TRUE;
    for (int a = 0; a < 3; a++) {
      PetscCall(PetscRandomGetValueReal(rnd, &x[a]));
      x[a] *= m->L[a];
    }
    if (!InsidePillar(m, x, r)) continue;
    for (PetscInt k = 0; k < m->ncrystals && ok; k++) {
      PetscReal d2 = 0;
      for (int a = 0; a < 3; a++) {
        PetscReal d = x[a] - m->crystals[3 * k + a];
        d -= m->L[a] * round(d / m->L[a]);
        d2 += d * d;
      }
      ok = (PetscBool)(d2 >= gap * gap);
    }
    if (!ok) continue;
    if (m->grain_size > 0) PetscCall(NearestFace(m, x, r + 0.5 * m->interface_width, &g, &df));
    if (df < r + 0.5 * m->interface_width) continue;
    for (int a = 0; a < 3; a++) m->crystals[3 * m->ncrystals + a] = x[a];
    m->ncrystals++;
  }
  PetscCheck(m->ncrystals == want, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "only %" PetscInt_FMT " of %" PetscInt_FMT " crystals fit inside the grains; lower -ng_crystal_fraction (%g) or -ng_crystal_nm (%g) or raise -ng_grain_nm", m->ncrystals, want,
             (double)m->crystal_fraction, (double)(1e9 * m->crystal_size));
  PetscFunctionReturn(0);
}

static PetscBool InsideCrystal(TkMicrostructure m, const PetscReal x[3])
{
  const PetscReal r2 = 0.25 * m->crystal_size * m->crystal_size;
  for (PetscInt k = 0; k < m->ncrystals; k++) {
    PetscReal d2 = 0;
    for (int a = 0; a < 3; a++) {
      PetscReal d = x[a] - m->crystals[3 * k + a];
      d -= m->L[a] * round(d / m->L[a]);
      d2 += d * d;
    }
    if (d2 <= r2) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

PetscErrorCode TkMicrostructureSetUp(TkMicrostructure m, PetscInt z0, PetscInt nzl)
{
  PetscRandom rnd;
  PetscInt    count[TK_NPHASES] = {0, 0, 0, 0};

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(TK_EVENT_MICRO, 0, 0, 0, 0));
  m->z0   = z0;
  m->nzl  = nzl;
  m->L[0] = m->N[2] * m->h, m->L[1] = m->N[1] * m->h, m->L[2] = m->N[0] * m->h; /* x, y, z */
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)m->seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(PlaceSeeds(m, rnd));
  PetscCall(PlaceCrystals(m, rnd));
  PetscCall(PetscRandomDestroy(&rnd));
  const size_t n = (size_t)nzl * m->N[1] * m->N[2];
  PetscCall(PetscMalloc2(n, &m->phase, n, &m->grain));
  for (PetscInt kz = 0; kz < nzl; kz++)
    for (PetscInt iy = 0; iy < m->N[1]; iy++)
      for (PetscInt ix = 0; ix < m->N[2]; ix++) {
        const size_t    q    = ((size_t)kz * m->N[1] + iy) * m->N[2] + ix;
        const PetscReal x[3] = {(ix + 0.5) * m->h, (iy + 0.5) * m->h, (z0 + kz + 0.5) * m->h};
        PetscInt        g    = 0;
        PetscReal       df   = PETSC_INFINITY;
        if (!InsidePillar(m, x, 0)) {
          m->phase[q] = TK_PHASE_VACUUM, m->grain[q] = -1;
        } else {
          if (m->grain_size > 0) PetscCall(NearestFace(m, x, 0.5 * m->interface_width, &g, &df));
          m->grain[q] = g;
          m->phase[q] = InsideCrystal(m, x) ? TK_PHASE_CRYSTAL : df < 0.5 * m->interface_width ? TK_PHASE_INTERFACE : TK_PHASE_GLASS;
        }
        count[m->phase[q]]++;
      }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, count, TK_NPHASES, MPIU_INT, MPI_SUM, m->comm));
  for (int p = 0; p < TK_NPHASES; p++) m->fraction[p] = (PetscReal)count[p] / ((PetscReal)m->N[0] * m->N[1] * m->N[2]);
  PetscCall(PetscLogEventEnd(TK_EVENT_MICRO, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureGetGridSize(TkMicrostructure m, PetscInt N[3], PetscReal *h)
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) N[i] = m->N[i];
  *h = m->h;
  PetscFunctionReturn(0);
}

/* centred on the lab origin, like the grids of takagi strain */
PetscErrorCode TkMicrostructureGetGrid(TkMicrostructure m, TkGrid *g)
{
  PetscFunctionBegin;
  g->nz = m->N[0], g->ny = m->N[1], g->nx = m->N[2];
  for (int i = 0; i < 3; i++) {
    g->spacing[i] = m->h;
    g->origin[i]  = -0.5 * (m->N[i] - 1) * m->h;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureGetLocal(TkMicrostructure m, PetscInt *z0, PetscInt *nzl, const PetscInt **phase, const PetscInt **grain)
{
  PetscFunctionBegin;
  if (z0) *z0 = m->z0;
  if (nzl) *nzl = m->nzl;
  if (phase) *phase = m->phase;
  if (grain) *grain = m->grain;
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureGetPhaseProperties(TkMicrostructure m, TkPhase p, const TkPhaseProperties **q)
{
  PetscFunctionBegin;
  *q = &m->props[p];
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureGetFractions(TkMicrostructure m, PetscReal f[TK_NPHASES], PetscInt *ngrains)
{
  PetscFunctionBegin;
  for (int p = 0; p < TK_NPHASES; p++) f[p] = m->fraction[p];
  if (ngrains) *ngrains = m->nseeds;
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureGetSeed(TkMicrostructure m, unsigned long long *seed)
{
  PetscFunctionBegin;
  *seed = (unsigned long long)m->seed;
  PetscFunctionReturn(0);
}

static unsigned long long HashReal(unsigned long long h, PetscReal v)
{
  unsigned long long b;
  memcpy(&b, &v, sizeof(b));
  h ^= b + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

PetscErrorCode TkMicrostructureGetFingerprint(TkMicrostructure m, unsigned long long *fp)
{
  unsigned long long h = 0x6e616e6f676c6173ULL;

  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) h = HashReal(h, (PetscReal)m->N[i]);
  h = HashReal(h, m->h), h = HashReal(h, m->grain_size), h = HashReal(h, m->interface_width);
  h = HashReal(h, m->crystal_fraction), h = HashReal(h, m->crystal_size), h = HashReal(h, m->pillar_diameter), h = HashReal(h, (PetscReal)m->seed);
  for (int p = 0; p < TK_NPHASES; p++) {
    const TkPhaseProperties *q = &m->props[p];
    h = HashReal(h, q->E), h = HashReal(h, q->nu), h = HashReal(h, q->threshold.mean), h = HashReal(h, q->threshold.cv), h = HashReal(h, (PetscReal)q->threshold.type), h = HashReal(h, q->softening), h = HashReal(h, q->floor);
  }
  *fp = h;
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureWrite(TkMicrostructure m, const char path[])
{
  TkGrid       g;
  const size_t n = (size_t)m->nzl * m->N[1] * m->N[2];
  PetscReal   *ph, *gr;

  PetscFunctionBegin;
  PetscCall(TkMicrostructureGetGrid(m, &g));
  PetscCall(PetscMalloc2(n, &ph, n, &gr));
  for (size_t q = 0; q < n; q++) ph[q] = (PetscReal)m->phase[q], gr[q] = (PetscReal)m->grain[q];
  const TkGridField fields[] = {
      {"phase", "1 (0 glass, 1 interface, 2 crystal, 3 vacuum)", 1, ph},
      {"grain", "1 (Voronoi grain id, -1 in vacuum)", 1, gr},
  };
  PetscCall(TkGridFieldsWriteParallel(m->comm, path, &g, m->z0, m->nzl, 2, fields));
  PetscCall(PetscFree2(ph, gr));
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureView(TkMicrostructure m, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Nanoglass: grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (z, y, x) of %g nm voxels, box %g x %g x %g nm\n", m->N[0], m->N[1], m->N[2], (double)(1e9 * m->h), (double)(1e9 * m->L[2]),
                                   (double)(1e9 * m->L[1]), (double)(1e9 * m->L[0])));
  if (m->grain_size > 0)
    PetscCall(PetscViewerASCIIPrintf(v, "  %" PetscInt_FMT " Voronoi grains of %g nm, interfaces %g nm wide\n", m->nseeds, (double)(1e9 * m->grain_size), (double)(1e9 * m->interface_width)));
  else
    PetscCall(PetscViewerASCIIPrintf(v, "  monolithic glass (no grains)\n"));
  if (m->ncrystals) PetscCall(PetscViewerASCIIPrintf(v, "  %" PetscInt_FMT " crystals of %g nm\n", m->ncrystals, (double)(1e9 * m->crystal_size)));
  if (m->pillar_diameter > 0) PetscCall(PetscViewerASCIIPrintf(v, "  pillar of diameter %g nm along z, vacuum around\n", (double)(1e9 * m->pillar_diameter)));
  PetscCall(PetscViewerASCIIPrintf(v, "  phase       fraction   E (GPa)  nu     threshold mean (GPa)  cv    softening  floor\n"));
  for (int p = 0; p < TK_NPHASES; p++) {
    const TkPhaseProperties *q = &m->props[p];
    if (p == TK_PHASE_VACUUM)
      PetscCall(PetscViewerASCIIPrintf(v, "  %-10s  %8.4f\n", TkPhaseNames[p], (double)m->fraction[p]));
    else if (q->threshold.mean > 0)
      PetscCall(PetscViewerASCIIPrintf(v, "  %-10s  %8.4f  %8.1f  %5.3f  %8.3f (%s)  %10.2f  %5.2f  %5.2f\n", TkPhaseNames[p], (double)m->fraction[p], (double)(q->E / 1e9), (double)q->nu, (double)(q->threshold.mean / 1e9),
                                       TkThresholdLawTypes[q->threshold.type], (double)q->threshold.cv, (double)q->softening, (double)q->floor));
    else
      PetscCall(PetscViewerASCIIPrintf(v, "  %-10s  %8.4f  %8.1f  %5.3f  never transforms\n", TkPhaseNames[p], (double)m->fraction[p], (double)(q->E / 1e9), (double)q->nu));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkMicrostructureDestroy(TkMicrostructure *mm)
{
  PetscFunctionBegin;
  if (!*mm) PetscFunctionReturn(0);
  TkMicrostructure m = *mm;
  PetscCall(PetscFree(m->seeds));
  PetscCall(PetscFree(m->bin_start));
  PetscCall(PetscFree(m->bin_seed));
  PetscCall(PetscFree(m->crystals));
  PetscCall(PetscFree(m->cand));
  PetscCall(PetscFree2(m->phase, m->grain));
  PetscCall(PetscFree(m));
  *mm = NULL;
  PetscFunctionReturn(0);
}
