/* The FFT elasticity object (spectral_elasticity.h): grid and slab layout, input checks, scheme choice, fields,
   averages. The schemes are in spectral_basic.c and spectral_krylov.c, the displacement in spectral_displacement.c. */
#include "spectral_impl.h"
#include <petscdmda.h>

static const char *const TkSpectralTypes[] = {"auto", "basic", "krylov", "TkSpectralType", "TK_SPECTRAL_", NULL};
static PetscClassId      TK_SPECTRAL_CLASSID;
static PetscLogEvent     ev_fft, ev_green, ev_local, ev_solve;

PetscErrorCode TkSpectralCreate(MPI_Comm comm, TkSpectral *out)
{
  TkSpectral s;

  PetscFunctionBegin;
  if (!TK_SPECTRAL_CLASSID) {
    PetscCall(PetscClassIdRegister("TkSpectral", &TK_SPECTRAL_CLASSID));
    PetscCall(PetscLogEventRegister("TkSpecFFT", TK_SPECTRAL_CLASSID, &ev_fft));
    PetscCall(PetscLogEventRegister("TkSpecGreen", TK_SPECTRAL_CLASSID, &ev_green));
    PetscCall(PetscLogEventRegister("TkSpecLocal", TK_SPECTRAL_CLASSID, &ev_local));
    PetscCall(PetscLogEventRegister("TkSpecSolve", TK_SPECTRAL_CLASSID, &ev_solve));
  }
  PetscCall(PetscNew(&s));
  s->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  PetscCallMPI(MPI_Comm_size(comm, &s->size));
  s->type     = TK_SPECTRAL_AUTO;
  s->rtol     = 1e-6;
  s->max_it   = 1000;
  s->ev_fft   = ev_fft;
  s->ev_green = ev_green;
  s->ev_local = ev_local;
  s->ev_solve = ev_solve;
  *out        = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSetGrid(TkSpectral s, const PetscInt N[3], const PetscReal h[3])
{
  PetscFunctionBegin;
  PetscCheck(!s->setup, s->comm, PETSC_ERR_ORDER, "TkSpectralSetGrid must come before TkSpectralSetUp");
  for (int d = 0; d < 3; d++) {
    PetscCheck(N[d] >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "spectral grid: %c has %d voxels; give at least 1", "xyz"[d], (int)N[d]);
    PetscCheck(h[d] > 0 && PetscIsNormalReal(h[d]), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "spectral grid: voxel size along %c is %g m; give a positive size", "xyz"[d], (double)h[d]);
    s->N[d] = N[d];
    s->h[d] = h[d];
  }
  s->grid_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSetFromOptions(TkSpectral s)
{
  PetscInt t = (PetscInt)s->type;

  PetscFunctionBegin;
  PetscOptionsBegin(s->comm, "spectral_", "FFT elasticity solver (docs/deform.md)", NULL);
  PetscCall(PetscOptionsEList("-type", "scheme: basic (Moulinec-Suquet), krylov (CG, Willot operator), auto", "TkSpectralSetFromOptions", TkSpectralTypes, 3, TkSpectralTypes[t], &t, NULL));
  PetscCall(PetscOptionsReal("-rtol", "relative equilibrium residual (basic) or projected-stress residual (krylov)", "TkSpectralSetFromOptions", s->rtol, &s->rtol, NULL));
  PetscCall(PetscOptionsInt("-max_it", "maximum iterations per solve", "TkSpectralSetFromOptions", s->max_it, &s->max_it, NULL));
  {
    static const char *const plans[] = {"estimate", "measure", "patient"};
    PetscCall(PetscOptionsEList("-fftw_plan", "FFTW planner effort (measure: faster transforms, timing-dependent plans)", "TkSpectralSetFromOptions", plans, 3, plans[s->plan], &s->plan, NULL));
  }
  PetscCall(PetscOptionsBool("-monitor", "print the residual at every iteration", "TkSpectralSetFromOptions", s->monitor, &s->monitor, NULL));
  PetscOptionsEnd();
  PetscCheck(s->rtol > 0 && s->rtol < 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-spectral_rtol %g must lie in (0, 1)", (double)s->rtol);
  PetscCheck(s->max_it >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-spectral_max_it %d must be at least 1", (int)s->max_it);
  s->type = (TkSpectralType)t;
  if (s->ksp) PetscCall(KSPSetFromOptions(s->ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSetUp(TkSpectral s)
{
  PetscFunctionBegin;
  if (s->setup) PetscFunctionReturn(0);
  PetscCheck(s->grid_set, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetGrid before TkSpectralSetUp");
  PetscCall(TkSpectralFFTSetUp(s));
  PetscCall(TkSpectralGreenSetUp(s));
  PetscCall(PetscCalloc4(s->nloc, &s->lambda, s->nloc, &s->mu, 6 * s->nloc, &s->eps, 6 * s->nloc, &s->sigma));
  s->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralGetLocalPlanes(TkSpectral s, PetscInt *z0, PetscInt *nz)
{
  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetUp before TkSpectralGetLocalPlanes");
  if (z0) *z0 = s->z0;
  if (nz) *nz = s->nz;
  PetscFunctionReturn(0);
}

/* stencil width 0: DMDA refuses a halo on ranks that own no plane, which FFTW's ceil(Nz/P) split can produce; and it
   refuses more ranks than planes */
PetscErrorCode TkSpectralGetDM(TkSpectral s, DM *dm)
{
  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetUp before TkSpectralGetDM");
  PetscCheck(s->size <= s->N[2], s->comm, PETSC_ERR_ARG_OUTOFRANGE, "a DMDA needs at most one rank per z plane: %d ranks for %d planes; run on at most %d ranks (the solver itself works)", (int)s->size, (int)s->N[2], (int)s->N[2]);
  if (!s->dm) {
    PetscInt    *lz;
    PetscMPIInt *cnt;
    PetscMPIInt  nz = (PetscMPIInt)s->nz;
    PetscCall(PetscMalloc2(s->size, &lz, s->size, &cnt));
    PetscCallMPI(MPI_Allgather(&nz, 1, MPI_INT, cnt, 1, MPI_INT, s->comm));
    for (PetscMPIInt r = 0; r < s->size; r++) lz[r] = cnt[r];
    PetscCall(DMDACreate3d(s->comm, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_PERIODIC, DMDA_STENCIL_STAR, s->N[0], s->N[1], s->N[2], 1, 1, s->size, 1, 0, NULL, NULL, lz, &s->dm));
    PetscCall(DMSetUp(s->dm));
    PetscCall(PetscFree2(lz, cnt));
  }
  *dm = s->dm;
  PetscFunctionReturn(0);
}

/* first offending voxel over all ranks (global index, x fastest) or -1; reason codes are set by the caller */
static PetscErrorCode FirstBad(TkSpectral s, PetscInt64 local_first, PetscInt64 *global_first)
{
  PetscInt64 v = local_first < 0 ? PETSC_MAX_INT : local_first, g;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&v, &g, 1, MPIU_INT64, MPI_MIN, s->comm));
  *global_first = g == PETSC_MAX_INT ? -1 : g;
  PetscFunctionReturn(0);
}

#define TK_VOXEL_FMT "voxel (x %d, y %d, z %d)"
#define TK_VOXEL_ARGS(s, g) (int)((g) % (s)->N[0]), (int)(((g) / (s)->N[0]) % (s)->N[1]), (int)((g) / ((PetscInt64)(s)->N[0] * (s)->N[1]))

PetscErrorCode TkSpectralSetMaterial(TkSpectral s, const PetscReal *lambda, const PetscReal *mu)
{
  const PetscInt64 off    = (PetscInt64)s->z0 * s->N[0] * s->N[1];
  PetscInt64       bad[2] = {-1, -1}, g;
  PetscReal        lo[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, hi[2] = {0, 0}, glo[2], ghi[2];
  PetscInt         nsolid = 0, nzero = 0, n[2], gn[2];

  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetUp before TkSpectralSetMaterial");
  for (PetscInt v = 0; v < s->nloc; v++) {
    const PetscReal l = lambda[v], m = mu[v], K = l + 2 * m / 3;
    if (PetscIsInfOrNanReal(l) || PetscIsInfOrNanReal(m)) {
      if (bad[0] < 0) bad[0] = off + v;
      continue;
    }
    if (m < 0 || K < 0) {
      if (bad[1] < 0) bad[1] = off + v;
      continue;
    }
    if (m == 0 || K == 0) nzero++;
    if (l == 0 && m == 0) continue;
    nsolid++;
    lo[0] = PetscMin(lo[0], m), hi[0] = PetscMax(hi[0], m);
    lo[1] = PetscMin(lo[1], K), hi[1] = PetscMax(hi[1], K);
  }
  PetscCall(FirstBad(s, bad[0], &g));
  PetscCheck(g < 0, s->comm, PETSC_ERR_USER_INPUT, "spectral material: lambda or mu is not a finite number at " TK_VOXEL_FMT "; check the microstructure", TK_VOXEL_ARGS(s, g));
  PetscCall(FirstBad(s, bad[1], &g));
  PetscCheck(g < 0, s->comm, PETSC_ERR_USER_INPUT, "spectral material: negative shear or bulk modulus at " TK_VOXEL_FMT " (mu >= 0 and lambda + 2 mu/3 >= 0 required; vacuum is lambda = mu = 0)", TK_VOXEL_ARGS(s, g));
  n[0] = nsolid, n[1] = nzero;
  PetscCall(MPIU_Allreduce(n, gn, 2, MPIU_INT, MPI_SUM, s->comm));
  PetscCheck(gn[0] > 0, s->comm, PETSC_ERR_USER_INPUT, "spectral material: every voxel is vacuum (lambda = mu = 0); put some material in the cell");
  PetscCall(MPIU_Allreduce(lo, glo, 2, MPIU_REAL, MPIU_MIN, s->comm));
  PetscCall(MPIU_Allreduce(hi, ghi, 2, MPIU_REAL, MPIU_MAX, s->comm));
  s->vacuum   = (PetscBool)(gn[1] > 0);
  s->contrast = (glo[0] > 0 && glo[1] > 0) ? PetscMax(ghi[0] / glo[0], ghi[1] / glo[1]) : PETSC_INFINITY;
  /* Moulinec-Suquet reference: the mean of the extreme moduli (the minimum is 0 with vacuum) */
  {
    const PetscReal mu_min = s->vacuum ? 0 : glo[0], K_min = s->vacuum ? 0 : glo[1];
    const PetscReal K0 = (K_min + ghi[1]) / 2;
    s->mu0             = (mu_min + ghi[0]) / 2;
    s->lam0            = K0 - 2 * s->mu0 / 3;
    if (s->mu0 == 0) s->mu0 = K0; /* a fluid-only cell: any positive shear modulus serves as reference */
  }
  PetscCall(PetscArraycpy(s->lambda, lambda, s->nloc));
  PetscCall(PetscArraycpy(s->mu, mu, s->nloc));
  s->material_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSetEigenstrain(TkSpectral s, const PetscReal *eps_star)
{
  const PetscInt64 off     = (PetscInt64)s->z0 * s->N[0] * s->N[1];
  PetscInt64       bad     = -1, g;
  PetscMPIInt      nonzero = 0;

  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetUp before TkSpectralSetEigenstrain");
  { /* NULL clears, when every rank says so: a rank without planes may pass NULL for its empty array */
    PetscMPIInt given = (eps_star != NULL && s->nloc > 0), any;
    PetscCallMPI(MPI_Allreduce(&given, &any, 1, MPI_INT, MPI_MAX, s->comm));
    if (!any) {
      s->has_eps_star = PETSC_FALSE;
      PetscFunctionReturn(0);
    }
  }
  for (PetscInt v = 0; v < s->nloc && bad < 0; v++)
    for (int c = 0; c < 6; c++) {
      if (PetscIsInfOrNanReal(eps_star[6 * v + c])) bad = off + v;
      if (eps_star[6 * v + c] != 0) nonzero = 1;
    }
  PetscCall(FirstBad(s, bad, &g));
  PetscCheck(g < 0, s->comm, PETSC_ERR_USER_INPUT, "spectral eigenstrain is not a finite number at " TK_VOXEL_FMT "; check the plastic strain field", TK_VOXEL_ARGS(s, g));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &nonzero, 1, MPI_INT, MPI_MAX, s->comm));
  if (!nonzero) { /* an all-zero eigenstrain is none (and lets an unloaded solve return at once) */
    s->has_eps_star = PETSC_FALSE;
    PetscFunctionReturn(0);
  }
  if (!s->eps_star) PetscCall(PetscMalloc1(6 * s->nloc + 6, &s->eps_star));
  if (s->nloc) PetscCall(PetscArraycpy(s->eps_star, eps_star, 6 * s->nloc));
  s->has_eps_star = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSetLoading(TkSpectral s, const PetscReal E[6], const PetscBool stress_controlled[6], const PetscReal S[6])
{
  PetscFunctionBegin;
  for (int c = 0; c < 6; c++) {
    s->stress[c] = stress_controlled ? stress_controlled[c] : PETSC_FALSE;
    s->E[c]      = E ? E[c] : 0;
    s->S[c]      = (S && s->stress[c]) ? S[c] : 0;
    PetscCheck(!PetscIsInfOrNanReal(s->E[c]) && !PetscIsInfOrNanReal(s->S[c]), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "spectral loading: component %d of the mean strain or stress is not a finite number", c);
    PetscCheck(!s->stress[c] || S, s->comm, PETSC_ERR_ARG_NULL, "spectral loading: component %d is stress-controlled but no stress S was given", c);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralImposeMeanStrain(TkSpectral s)
{
  PetscReal loc[6] = {0}, mean[6];
  PetscReal Ntot   = (PetscReal)s->N[0] * s->N[1] * s->N[2];

  PetscFunctionBegin;
  for (PetscInt v = 0; v < s->nloc; v++)
    for (int c = 0; c < 6; c++) loc[c] += s->eps[6 * v + c];
  PetscCall(MPIU_Allreduce(loc, mean, 6, MPIU_REAL, MPIU_SUM, s->comm));
  for (int c = 0; c < 6; c++) {
    const PetscReal d = s->stress[c] ? 0 : s->E[c] - mean[c] / Ntot;
    if (d != 0)
      for (PetscInt v = 0; v < s->nloc; v++) s->eps[6 * v + c] += d;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralComputeStress(TkSpectral s)
{
  PetscFunctionBegin;
  for (PetscInt v = 0; v < s->nloc; v++) {
    PetscReal d[6];
    for (int c = 0; c < 6; c++) d[c] = s->eps[6 * v + c] - (s->has_eps_star ? s->eps_star[6 * v + c] : 0);
    TkIsoStress(s->lambda[v], s->mu[v], d, s->sigma + 6 * v);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSolve(TkSpectral s)
{
  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetUp before TkSpectralSolve");
  PetscCheck(s->material_set, s->comm, PETSC_ERR_ORDER, "call TkSpectralSetMaterial before TkSpectralSolve");
  s->type_used = s->type;
  if (s->type == TK_SPECTRAL_AUTO) s->type_used = (s->vacuum || s->contrast > 100) ? TK_SPECTRAL_KRYLOV : TK_SPECTRAL_BASIC;
  PetscCall(PetscLogEventBegin(s->ev_solve, 0, 0, 0, 0));
  {
    PetscBool loaded = s->has_eps_star;
    for (int c = 0; c < 6; c++) loaded = (PetscBool)(loaded || (s->stress[c] ? s->S[c] : s->E[c]) != 0);
    if (!loaded) { /* no eigenstrain, no load: the solution is zero, which the relative criteria cannot reach */
      PetscCall(PetscArrayzero(s->eps, 6 * s->nloc));
      s->its      = 0;
      s->residual = 0;
    } else if (s->type_used == TK_SPECTRAL_BASIC)
      PetscCall(TkSpectralSolveBasic(s));
    else
      PetscCall(TkSpectralSolveKrylov(s));
  }
  PetscCall(TkSpectralComputeStress(s));
  PetscCall(PetscLogEventEnd(s->ev_solve, 0, 0, 0, 0));
  s->solved = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralGetFields(TkSpectral s, const PetscReal **eps, const PetscReal **sigma)
{
  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_ORDER, "call TkSpectralSolve before TkSpectralGetFields");
  if (eps) *eps = s->eps;
  if (sigma) *sigma = s->sigma;
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralGetAverages(TkSpectral s, PetscReal E[6], PetscReal S[6])
{
  PetscReal loc[12] = {0}, glob[12];
  PetscReal Ntot    = (PetscReal)s->N[0] * s->N[1] * s->N[2];

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_ORDER, "call TkSpectralSolve before TkSpectralGetAverages");
  for (PetscInt v = 0; v < s->nloc; v++)
    for (int c = 0; c < 6; c++) loc[c] += s->eps[6 * v + c], loc[6 + c] += s->sigma[6 * v + c];
  PetscCall(MPIU_Allreduce(loc, glob, 12, MPIU_REAL, MPIU_SUM, s->comm));
  for (int c = 0; c < 6; c++) {
    if (E) E[c] = glob[c] / Ntot;
    if (S) S[c] = glob[6 + c] / Ntot;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralGetIterationCount(TkSpectral s, PetscInt *its)
{
  PetscFunctionBegin;
  *its = s->its;
  PetscFunctionReturn(0);
}

/* one line to an ASCII or string viewer */
static PetscErrorCode ViewLine(PetscViewer viewer, PetscBool ascii, const char line[])
{
  PetscFunctionBegin;
  if (ascii)
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s", line));
  else
    PetscCall(PetscViewerStringSPrintf(viewer, "%s", line));
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralView(TkSpectral s, PetscViewer viewer)
{
  PetscBool ascii, string;
  char      line[512];

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(s->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERSTRING, &string));
  if (!ascii && !string) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(line, sizeof(line), "FFT elasticity: %d x %d x %d voxels of %g x %g x %g nm on %d ranks (z slabs), type %s (%s)\n", (int)s->N[0], (int)s->N[1], (int)s->N[2], (double)(s->h[0] * 1e9), (double)(s->h[1] * 1e9),
                          (double)(s->h[2] * 1e9), (int)s->size, TkSpectralTypes[s->type], s->solved ? TkSpectralTypes[s->type_used] : "not solved yet"));
  PetscCall(ViewLine(viewer, ascii, line));
  PetscCall(PetscSNPrintf(line, sizeof(line), "  rtol %g, max_it %d\n", (double)s->rtol, (int)s->max_it));
  PetscCall(ViewLine(viewer, ascii, line));
  if (s->material_set) {
    PetscCall(PetscSNPrintf(line, sizeof(line), "  contrast %g%s, reference lambda0 %g GPa, mu0 %g GPa\n", (double)s->contrast, s->vacuum ? " (zero moduli present)" : "", (double)(s->lam0 / 1e9), (double)(s->mu0 / 1e9)));
    PetscCall(ViewLine(viewer, ascii, line));
  }
  if (s->solved) {
    PetscCall(PetscSNPrintf(line, sizeof(line), "  last solve: %d iterations, equilibrium residual %.3e\n", (int)s->its, (double)s->residual));
    PetscCall(ViewLine(viewer, ascii, line));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralDestroy(TkSpectral *ps)
{
  TkSpectral s = *ps;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  PetscCall(TkSpectralKrylovDestroy(s));
  PetscCall(TkSpectralFFTDestroy(s));
  PetscCall(TkSpectralGreenDestroy(s));
  PetscCall(DMDestroy(&s->dm));
  PetscCall(PetscFree4(s->lambda, s->mu, s->eps, s->sigma));
  PetscCall(PetscFree(s->eps_star));
  PetscCall(PetscFree(s));
  *ps = NULL;
  PetscFunctionReturn(0);
}
