/* Elasto-plastic shear-transformation model (EPM) on the spectral elasticity solver.
   Yield: sigma_vm = sqrt(3/2 s:s) >= threshold (s: deviatoric stress, tensor shears counted twice).
   Transformation: d eps_p = eps0 (3/2) s / sigma_vm, a traceless increment of von Mises equivalent strain
   sqrt(2/3 d:d) = eps0 (capped so that the zone does not reverse its own stress) along the local deviatoric stress (a shear transformation zone aligned with its driving
   stress, Argon/Homer-Schuh), after which the voxel draws threshold number n+1 of its phase (mean x max(floor, softening^n)).
   Because elasticity is linear, the stress at load strain g + D with frozen eigenstrain is sigma + D sigma_1, with
   sigma_1 the response to a unit load: the extremal step solves |s + D s_1|_vm = threshold per voxel in closed form
   (a quadratic in D) and takes the smallest root over all ranks (ties: lowest global voxel index). */
#include "plasticity.h"

const char *const TkLoadModes[] = {"compression", "shear", "TkLoadMode", "TK_LOAD_", NULL};

static PetscClassId  TK_PLAST_CLASSID;
static PetscLogEvent TK_EVENT_YIELD, TK_EVENT_SOLVE;

struct _p_TkPlasticity {
  MPI_Comm           comm;
  TkMicrostructure   micro;
  TkSpectral         solver;
  TkLoadMode         mode;
  PetscReal          eps0;
  PetscInt           max_rounds;
  unsigned long long seed;
  PetscInt           z0, nzl, N[3];
  size_t             n;
  const PetscInt    *phase;
  PetscReal          load;                      /* macroscopic load strain g */
  PetscReal         *eps_p, *eta, *thr, *draws; /* state */
  PetscReal         *sigma, *sigma1;            /* current stress and unit-load response, 6 per voxel */
  PetscReal          S1;                        /* mean conjugate stress of the unit load */
  PetscReal          stress;                    /* mean conjugate stress of the current state */
  PetscInt           solves;
};

PetscErrorCode TkPlasticityCreate(MPI_Comm comm, TkMicrostructure micro, TkSpectral solver, TkPlasticity *pp)
{
  TkPlasticity p;

  PetscFunctionBegin;
  if (!TK_PLAST_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiEPM", &TK_PLAST_CLASSID));
    PetscCall(PetscLogEventRegister("TkEpmYield", TK_PLAST_CLASSID, &TK_EVENT_YIELD));
    PetscCall(PetscLogEventRegister("TkEpmSolve", TK_PLAST_CLASSID, &TK_EVENT_SOLVE));
  }
  PetscCall(PetscNew(&p));
  p->comm       = comm;
  p->micro      = micro;
  p->solver     = solver;
  p->eps0       = 0.02;
  p->max_rounds = 2000;
  p->mode       = TK_LOAD_COMPRESSION;
  *pp           = p;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticitySetFromOptions(TkPlasticity p)
{
  PetscFunctionBegin;
  PetscOptionsBegin(p->comm, NULL, "Elasto-plastic model", "TkPlasticity");
  PetscCall(PetscOptionsReal("-plast_eps0", "Equivalent (von Mises) strain of one local shear transformation", "TkPlasticityStepQuasiStatic", p->eps0, &p->eps0, NULL));
  PetscCall(PetscOptionsInt("-plast_max_rounds", "Most elasticity solves in one avalanche", "TkPlasticityStepQuasiStatic", p->max_rounds, &p->max_rounds, NULL));
  PetscOptionsEnd();
  PetscCheck(p->eps0 > 0 && p->eps0 < 1, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "-plast_eps0 must lie in (0, 1), got %g", (double)p->eps0);
  PetscCheck(p->max_rounds >= 1, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "-plast_max_rounds must be >= 1");
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticitySetLoadMode(TkPlasticity p, TkLoadMode mode)
{
  PetscFunctionBegin;
  p->mode = mode;
  PetscFunctionReturn(0);
}

/* load strain g -> macroscopic control; compression: E_zz = -g, other stresses free; shear: 2 E_xz = g, others 0 */
static PetscErrorCode ApplyLoad(TkPlasticity p, PetscReal g)
{
  PetscReal E[6] = {0, 0, 0, 0, 0, 0}, S[6] = {0, 0, 0, 0, 0, 0};
  PetscBool free[6] = {PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE};

  PetscFunctionBegin;
  if (p->mode == TK_LOAD_COMPRESSION) {
    E[2] = -g;
    for (int k = 0; k < 6; k++) free[k] = (PetscBool)(k != 2);
  } else
    E[4] = 0.5 * g;
  PetscCall(TkSpectralSetLoading(p->solver, E, free, S));
  PetscFunctionReturn(0);
}

static PetscReal Conjugate(TkLoadMode mode, const PetscReal S[6]) { return mode == TK_LOAD_COMPRESSION ? -S[2] : S[4]; }

static PetscErrorCode Solve(TkPlasticity p, PetscInt *its)
{
  const PetscReal *eps, *sig;
  PetscReal        E[6], S[6];
  PetscInt         it;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(TK_EVENT_SOLVE, 0, 0, 0, 0));
  PetscCall(TkSpectralSetEigenstrain(p->solver, p->eps_p));
  PetscCall(ApplyLoad(p, p->load));
  PetscCall(TkSpectralSolve(p->solver));
  PetscCall(TkSpectralGetFields(p->solver, &eps, &sig));
  PetscCall(PetscArraycpy(p->sigma, sig, 6 * p->n));
  PetscCall(TkSpectralGetAverages(p->solver, E, S));
  PetscCall(TkSpectralGetIterationCount(p->solver, &it));
  p->stress = Conjugate(p->mode, S);
  p->solves++;
  if (its) *its += it;
  PetscCall(PetscLogEventEnd(TK_EVENT_SOLVE, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static inline void Deviator(const PetscReal *s, PetscReal d[6])
{
  const PetscReal m = (s[0] + s[1] + s[2]) / 3;
  d[0] = s[0] - m, d[1] = s[1] - m, d[2] = s[2] - m, d[3] = s[3], d[4] = s[4], d[5] = s[5];
}

static inline PetscReal Contract(const PetscReal a[6], const PetscReal b[6]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + 2 * (a[3] * b[3] + a[4] * b[4] + a[5] * b[5]); }

static inline PetscReal VonMises(const PetscReal *s)
{
  PetscReal d[6];
  Deviator(s, d);
  return PetscSqrtReal(1.5 * Contract(d, d));
}

PetscErrorCode TkPlasticitySetUp(TkPlasticity p)
{
  PetscReal *lambda, *mu, E[6], S[6];
  PetscInt   nzl2, z02;

  PetscFunctionBegin;
  PetscCall(TkMicrostructureGetLocal(p->micro, &p->z0, &p->nzl, &p->phase, NULL));
  PetscCall(TkSpectralGetLocalPlanes(p->solver, &z02, &nzl2));
  PetscCheck(z02 == p->z0 && nzl2 == p->nzl, PETSC_COMM_SELF, PETSC_ERR_PLIB, "microstructure planes [%" PetscInt_FMT ", +%" PetscInt_FMT ") differ from the solver's [%" PetscInt_FMT ", +%" PetscInt_FMT ")", p->z0, p->nzl, z02, nzl2);
  PetscReal h;
  PetscCall(TkMicrostructureGetGridSize(p->micro, p->N, &h));
  PetscCall(TkMicrostructureGetSeed(p->micro, &p->seed));
  p->n = (size_t)p->nzl * p->N[1] * p->N[2];
  PetscCall(PetscCalloc6(6 * p->n, &p->eps_p, p->n, &p->eta, p->n, &p->thr, p->n, &p->draws, 6 * p->n, &p->sigma, 6 * p->n, &p->sigma1));
  PetscCall(PetscMalloc2(p->n, &lambda, p->n, &mu));
  for (size_t q = 0; q < p->n; q++) {
    const TkPhaseProperties *pr;
    const unsigned long long gid = (unsigned long long)p->z0 * p->N[1] * p->N[2] + q;
    PetscCall(TkMicrostructureGetPhaseProperties(p->micro, (TkPhase)p->phase[q], &pr));
    lambda[q]   = pr->E > 0 ? pr->E * pr->nu / ((1 + pr->nu) * (1 - 2 * pr->nu)) : 0;
    mu[q]       = pr->E > 0 ? pr->E / (2 * (1 + pr->nu)) : 0;
    p->thr[q]   = TkThresholdLawSample(&pr->threshold, 1, p->seed, gid, 0);
    p->draws[q] = 1;
  }
  PetscCall(TkSpectralSetMaterial(p->solver, lambda, mu));
  PetscCall(PetscFree2(lambda, mu));
  /* the unit-load response, then the unloaded state (warm start from zero) */
  p->load = 1;
  PetscCall(Solve(p, NULL));
  PetscCall(PetscArraycpy(p->sigma1, p->sigma, 6 * p->n));
  PetscCall(TkSpectralGetAverages(p->solver, E, S));
  p->S1   = Conjugate(p->mode, S);
  p->load = 0;
  PetscCall(Solve(p, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityResolve(TkPlasticity p)
{
  PetscFunctionBegin;
  PetscCall(Solve(p, NULL));
  PetscFunctionReturn(0);
}

/* Transform voxel q: eigenstrain increment along its deviatoric stress, new threshold. */
static PetscErrorCode Transform(TkPlasticity p, size_t q)
{
  const TkPhaseProperties *pr;
  PetscReal                d[6];
  const unsigned long long gid = (unsigned long long)p->z0 * p->N[1] * p->N[2] + q;

  PetscFunctionBegin;
  PetscCall(TkMicrostructureGetPhaseProperties(p->micro, (TkPhase)p->phase[q], &pr));
  Deviator(&p->sigma[6 * q], d);
  const PetscReal vm = PetscSqrtReal(1.5 * Contract(d, d));
  /* a zone never reverses its own stress: the Eshelby self-stress of a spherical zone lowers sigma_vm by
     3 mu (1 - beta) eps, beta = 2 (4 - 5 nu) / (15 (1 - nu)), so the amplitude is capped where that reaches sigma_vm
     (without the cap a large eps0 makes two voxels flip back and forth forever) */
  const PetscReal mu = pr->E / (2 * (1 + pr->nu)), beta = 2 * (4 - 5 * pr->nu) / (15 * (1 - pr->nu));
  const PetscReal amp = PetscMin(p->eps0, vm / (3 * mu * (1 - beta)));
  if (vm > 0)
    for (int k = 0; k < 6; k++) p->eps_p[6 * q + k] += amp * 1.5 * d[k] / vm;
  p->eta[q] += amp;
  /* structural softening with memory: the n-th renewal has mean softening^n x the initial mean, bounded by floor
     (floor = softening: a single step, the same for every transformed voxel however often it flowed) */
  const PetscReal pw = PetscPowReal(pr->softening, p->draws[q]), soft = pr->softening < 1 ? PetscMax(pr->floor, pw) : PetscMin(pr->floor, pw);
  p->thr[q] = TkThresholdLawSample(&pr->threshold, soft, p->seed, gid, (unsigned long long)p->draws[q]);
  p->draws[q] += 1;
  PetscFunctionReturn(0);
}

/* One round: every voxel at or above its threshold transforms (force_gid too, if it is ours). */
static PetscErrorCode Round(TkPlasticity p, long long force_gid, PetscInt *events)
{
  PetscInt  local = 0;
  long long gid0  = (long long)p->z0 * p->N[1] * p->N[2];

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(TK_EVENT_YIELD, 0, 0, 0, 0));
  for (size_t q = 0; q < p->n; q++) {
    if (!(p->thr[q] < PETSC_INFINITY)) continue;
    if (VonMises(&p->sigma[6 * q]) >= p->thr[q] || gid0 + (long long)q == force_gid) {
      PetscCall(Transform(p, q));
      local++;
    }
  }
  PetscCallMPI(MPI_Allreduce(&local, events, 1, MPIU_INT, MPI_SUM, p->comm));
  PetscCall(PetscLogEventEnd(TK_EVENT_YIELD, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode MeanPlastic(TkPlasticity p, PetscReal *mean)
{
  PetscReal s = 0;

  PetscFunctionBegin;
  for (size_t q = 0; q < p->n; q++) s += p->eta[q];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPIU_REAL, MPI_SUM, p->comm));
  *mean = s / ((PetscReal)p->N[0] * p->N[1] * p->N[2]);
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityStepQuasiStatic(TkPlasticity p, TkPlasticityStep *st)
{
  struct {
    double v;
    int    r;
  } loc           = {PETSC_INFINITY, 0}, glob;
  long long lbest = -1, gbest;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(st, sizeof(*st)));
  /* smallest load increment D >= 0 with |s + D s1|_vm = threshold: a D^2 + 2 b D + c = 0 */
  PetscCall(PetscLogEventBegin(TK_EVENT_YIELD, 0, 0, 0, 0));
  for (size_t q = 0; q < p->n; q++) {
    if (!(p->thr[q] < PETSC_INFINITY)) continue;
    PetscReal d0[6], d1[6], D;
    Deviator(&p->sigma[6 * q], d0);
    Deviator(&p->sigma1[6 * q], d1);
    const PetscReal a = 1.5 * Contract(d1, d1), b = 1.5 * Contract(d0, d1), c = 1.5 * Contract(d0, d0) - p->thr[q] * p->thr[q];
    if (c >= 0)
      D = 0;
    else if (a > 0)
      D = (-b + PetscSqrtReal(b * b - a * c)) / a;
    else
      continue;
    if (D < loc.v) loc.v = D, lbest = (long long)p->z0 * p->N[1] * p->N[2] + (long long)q;
  }
  PetscCall(PetscLogEventEnd(TK_EVENT_YIELD, 0, 0, 0, 0));
  /* MINLOC on (D, rank) then the owner's voxel; equal D on two ranks: the lower rank, i.e. the lower global index */
  PetscCallMPI(MPI_Comm_rank(p->comm, &loc.r));
  PetscCallMPI(MPI_Allreduce(&loc, &glob, 1, MPI_DOUBLE_INT, MPI_MINLOC, p->comm));
  PetscCheck(glob.v < PETSC_INFINITY, p->comm, PETSC_ERR_USER_INPUT, "no voxel can transform under this load (all phases have threshold 0 or vacuum); give a phase a threshold");
  gbest = lbest;
  PetscCallMPI(MPI_Bcast(&gbest, 1, MPI_LONG_LONG, glob.r, p->comm));
  const PetscReal D = glob.v;
  p->load += D;
  for (size_t k = 0; k < 6 * p->n; k++) p->sigma[k] += D * p->sigma1[k];
  p->stress += D * p->S1;
  st->stress_peak = p->stress;
  /* avalanche: transform, re-solve, until stable */
  for (PetscInt r = 0; r < p->max_rounds; r++) {
    PetscInt ev;
    PetscCall(Round(p, r == 0 ? gbest : -1, &ev));
    if (!ev) break;
    st->events += ev;
    PetscCall(Solve(p, &st->iterations));
    st->rounds++;
  }
  st->strain = p->load;
  st->stress = p->stress;
  PetscCall(MeanPlastic(p, &st->plastic));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityStepRate(TkPlasticity p, PetscReal dstrain, TkPlasticityStep *st)
{
  PetscInt ev;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(st, sizeof(*st)));
  p->load += dstrain;
  PetscCall(Solve(p, &st->iterations));
  st->rounds      = 1;
  st->stress      = p->stress;
  st->stress_peak = p->stress;
  PetscCall(Round(p, -1, &ev));
  st->events = ev;
  st->strain = p->load;
  PetscCall(MeanPlastic(p, &st->plastic));
  PetscFunctionReturn(0);
}

/* Stress hold (creep): the load moves to bring the mean conjugate stress back to target (by at most dmax while it
   is still below: the ramp), then one round of transformations; their relaxation is recovered at the next step.
   sigma(g + D) = sigma(g) + D sigma_1 with frozen eigenstrain, so the stress after the move is target exactly. */
PetscErrorCode TkPlasticityStepHold(TkPlasticity p, PetscReal target, PetscReal dmax, TkPlasticityStep *st, PetscBool *holding)
{
  PetscInt ev;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(st, sizeof(*st)));
  PetscCheck(p->S1 > 0, p->comm, PETSC_ERR_USER_INPUT, "a stress hold needs a load the solid resists (unit-load stress %g)", (double)p->S1);
  PetscCall(Solve(p, &st->iterations));
  PetscReal D = (target - p->stress) / p->S1;
  *holding    = (PetscBool)(D <= dmax);
  D           = PetscMin(D, dmax);
  p->load += D;
  for (size_t k = 0; k < 6 * p->n; k++) p->sigma[k] += D * p->sigma1[k];
  p->stress       = *holding ? target : p->stress + D * p->S1;
  st->rounds      = 1;
  st->stress      = p->stress;
  st->stress_peak = p->stress;
  PetscCall(Round(p, -1, &ev));
  st->events = ev;
  st->strain = p->load;
  PetscCall(MeanPlastic(p, &st->plastic));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityGetEps0(TkPlasticity p, PetscReal *eps0)
{
  PetscFunctionBegin;
  *eps0 = p->eps0;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityGetLoad(TkPlasticity p, PetscReal *g)
{
  PetscFunctionBegin;
  *g = p->load;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticitySetLoad(TkPlasticity p, PetscReal g)
{
  PetscFunctionBegin;
  p->load = g;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityGetState(TkPlasticity p, PetscReal **eps_p, PetscReal **eta, PetscReal **thr, PetscReal **draws)
{
  PetscFunctionBegin;
  if (eps_p) *eps_p = p->eps_p;
  if (eta) *eta = p->eta;
  if (thr) *thr = p->thr;
  if (draws) *draws = p->draws;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityGetMeanStress(TkPlasticity p, PetscReal *s)
{
  PetscFunctionBegin;
  *s = p->stress;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityGetEquivalentStrain(TkPlasticity p, PetscReal *vm)
{
  const PetscReal *eps, *sig;

  PetscFunctionBegin;
  PetscCall(TkSpectralGetFields(p->solver, &eps, &sig));
  for (size_t q = 0; q < p->n; q++) {
    PetscReal d[6];
    Deviator(&eps[6 * q], d);
    vm[q] = p->phase[q] == TK_PHASE_VACUUM ? 0 : PetscSqrtReal(2.0 / 3.0 * Contract(d, d));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityView(TkPlasticity p, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Shear transformations: eps0 %g (von Mises), yield on the von Mises stress, %s loading, %" PetscInt_FMT " elasticity solves\n", (double)p->eps0, TkLoadModes[p->mode], p->solves));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlasticityDestroy(TkPlasticity *pp)
{
  PetscFunctionBegin;
  if (!*pp) PetscFunctionReturn(0);
  PetscCall(PetscFree6((*pp)->eps_p, (*pp)->eta, (*pp)->thr, (*pp)->draws, (*pp)->sigma, (*pp)->sigma1));
  PetscCall(PetscFree(*pp));
  PetscFunctionReturn(0);
}
