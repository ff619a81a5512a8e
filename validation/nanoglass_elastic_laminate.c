/* FFT elasticity solver (solvers/spectral) against the exact laminate solution.
   Source: two isotropic layers normal to axis a carry uniform fields; the in-plane strains equal the mean, the
   normal stress and the normal shears are continuous, and the volume averages give the loading (Backus-type
   averaging; notes/nanoglass_models.md §5.3). With a uniform eigenstrain per layer the per-layer strains follow from
   a 6 x 6 linear system, solved here directly; under mixed control the mean response is affine in E, so the free
   mean strains follow from the effective stiffness (six exact solves).
   Checked: strain and stress in every voxel of each layer, relative to the largest value, tolerance 1e-12, for
   layers normal to x and to z (the slab direction), 5 of 16 voxels thick (so the Nyquist frequency carries part of
   the field), contrast 10 in Young's modulus and Poisson's ratios 0.2 / 0.4, under strain control and under mixed
   stress control, with the basic scheme (continuous Green operator: exact in one update) and the krylov scheme
   (Willot's operator, also exact for a laminate: only k along the normal appears), solved to rtol 1e-14. Also
   the warm start (the second load starts from the first solution) and the mean stress in the stress-controlled
   components, 1e-12 relative. */
#include "nanoglass_elastic_common.h"

typedef struct {
  PetscReal C[2][6][6], estar[2][6], f[2];
  int       a, n[3]; /* normal axis and the Voigt components that involve it */
} Laminate;

static void IsoMatrix(PetscReal lam, PetscReal mu, PetscReal C[6][6])
{
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) C[i][j] = (i < 3 && j < 3) ? lam + (i == j ? 2 * mu : 0) : (i == j ? 2 * mu : 0);
}

/* solves A x = b (n <= 12) by Gaussian elimination with partial pivoting; A, b overwritten */
static void Solve(int n, PetscReal A[12][12], PetscReal b[12], PetscReal x[12])
{
  for (int p = 0; p < n; p++) {
    int q = p;
    for (int r = p + 1; r < n; r++)
      if (PetscAbsReal(A[r][p]) > PetscAbsReal(A[q][p])) q = r;
    for (int c = 0; c < n; c++) {
      PetscReal t = A[p][c];
      A[p][c]     = A[q][c];
      A[q][c]     = t;
    }
    PetscReal t = b[p];
    b[p]        = b[q];
    b[q]        = t;
    for (int r = p + 1; r < n; r++) {
      const PetscReal f = A[r][p] / A[p][p];
      for (int c = p; c < n; c++) A[r][c] -= f * A[p][c];
      b[r] -= f * b[p];
    }
  }
  for (int p = n - 1; p >= 0; p--) {
    PetscReal v = b[p];
    for (int c = p + 1; c < n; c++) v -= A[p][c] * x[c];
    x[p] = v / A[p][p];
  }
}

/* exact layer strains and stresses for the mean strain E */
static void Exact(const Laminate *L, const PetscReal E[6], PetscReal eps[2][6], PetscReal sig[2][6])
{
  PetscReal A[12][12] = {{0}}, b[12] = {0}, x[12];

  for (int p = 0; p < 2; p++)
    for (int k = 0; k < 6; k++) eps[p][k] = E[k];
  /* unknowns x[3p + i] = eps^p_{n_i}; rows 0-2: sigma^0_n = sigma^1_n; rows 3-5: f0 eps^0_n + f1 eps^1_n = E_n */
  for (int i = 0; i < 3; i++) {
    const int r = L->n[i];
    for (int p = 0; p < 2; p++) {
      const PetscReal sgn = p ? -1 : 1;
      for (int j = 0; j < 3; j++) A[i][3 * p + j] = sgn * L->C[p][r][L->n[j]];
      for (int k = 0; k < 6; k++) {
        PetscBool normal = (PetscBool)(k == L->n[0] || k == L->n[1] || k == L->n[2]);
        b[i] -= sgn * L->C[p][r][k] * ((normal ? 0 : E[k]) - L->estar[p][k]);
      }
      A[3 + i][3 * p + i] = L->f[p];
    }
    b[3 + i] = E[r];
  }
  Solve(6, A, b, x);
  for (int p = 0; p < 2; p++) {
    for (int i = 0; i < 3; i++) eps[p][L->n[i]] = x[3 * p + i];
    for (int k = 0; k < 6; k++) {
      sig[p][k] = 0;
      for (int j = 0; j < 6; j++) sig[p][k] += L->C[p][k][j] * (eps[p][j] - L->estar[p][j]);
    }
  }
}

static void MeanStress(const Laminate *L, const PetscReal E[6], PetscReal S[6])
{
  PetscReal eps[2][6], sig[2][6];
  Exact(L, E, eps, sig);
  for (int k = 0; k < 6; k++) S[k] = L->f[0] * sig[0][k] + L->f[1] * sig[1][k];
}

/* the full mean strain that meets the mixed loading (E on strain-controlled components, S on the others) */
static void MixedMean(const Laminate *L, const PetscReal E[6], const PetscBool stress[6], const PetscReal S[6], PetscReal Efull[6])
{
  PetscReal S0[6], Ce[6][6], A[12][12] = {{0}}, b[12] = {0}, x[12], zero[6] = {0};
  int       idx[6], m = 0;

  MeanStress(L, zero, S0);
  for (int j = 0; j < 6; j++) {
    PetscReal e[6] = {0}, Sj[6];
    e[j]           = 1;
    MeanStress(L, e, Sj);
    for (int i = 0; i < 6; i++) Ce[i][j] = Sj[i] - S0[i];
  }
  for (int k = 0; k < 6; k++)
    if (stress[k]) idx[m++] = k;
  for (int r = 0; r < m; r++) {
    b[r] = S[idx[r]] - S0[idx[r]];
    for (int k = 0; k < 6; k++)
      if (!stress[k]) b[r] -= Ce[idx[r]][k] * E[k];
    for (int c = 0; c < m; c++) A[r][c] = Ce[idx[r]][idx[c]];
  }
  Solve(m, A, b, x);
  for (int k = 0; k < 6; k++) Efull[k] = stress[k] ? 0 : E[k];
  for (int r = 0; r < m; r++) Efull[idx[r]] = x[r];
}

static PetscErrorCode Run(int a, const char *type)
{
  const PetscInt  N[3] = {a == 0 ? 16 : 4, 4, a == 2 ? 16 : 4}, thick = 5;
  const PetscReal E[6]     = {1e-3, -2e-4, 3e-4, 4e-4, -5e-4, 6e-4};
  const PetscBool mixed[6] = {PETSC_TRUE, PETSC_TRUE, PETSC_FALSE, PETSC_TRUE, PETSC_FALSE, PETSC_FALSE};
  const PetscReal S[6]     = {-1e8, 5e7, 0, 2e7, 0, 0};
  Laminate        L;
  TkElasticCase   c;
  PetscReal       lam[2], mu[2];
  const int       pairs[3][2] = {{1, 2}, {0, 2}, {0, 1}};

  PetscFunctionBegin;
  TkLame(100e9, 0.2, &lam[0], &mu[0]);
  TkLame(1000e9, 0.4, &lam[1], &mu[1]);
  L.a    = a;
  L.n[0] = a;
  for (int k = 0, m = 1; k < 3; k++)
    if (pairs[k][0] == a || pairs[k][1] == a) L.n[m++] = 3 + k;
  for (int p = 0; p < 2; p++) IsoMatrix(lam[p], mu[p], L.C[p]);
  L.f[1] = (PetscReal)thick / N[a];
  L.f[0] = 1 - L.f[1];
  for (int k = 0; k < 6; k++) {
    L.estar[0][k] = 1e-4 * (k + 1);
    L.estar[1][k] = -2e-4 * (k % 3) + 1e-4;
  }
  PetscCall(TkElasticCaseCreate(PETSC_COMM_WORLD, N, 1e-9, type, 1e-14, &c));
  for (PetscInt v = 0; v < c.nloc; v++) {
    PetscInt  ix[3];
    const int p = (TkElasticCaseVoxel(&c, v, &ix[0], &ix[1], &ix[2]), ix[a] < thick) ? 1 : 0;
    c.phase[v]  = p;
    c.lambda[v] = lam[p];
    c.mu[v]     = mu[p];
    for (int k = 0; k < 6; k++) c.eps_star[6 * v + k] = L.estar[p][k];
  }
  PetscCall(TkSpectralSetMaterial(c.s, c.lambda, c.mu));
  PetscCall(TkSpectralSetEigenstrain(c.s, c.eps_star));
  for (int load = 0; load < 2; load++) {
    PetscReal        Efull[6], ex[2][6], sx[2][6], emax = 0, smax = 0, de = 0, ds = 0, Eavg[6], Savg[6], dbc = 0;
    const PetscReal *eps, *sig;
    PetscInt         its;
    char             what[128];

    if (load == 0) {
      PetscCall(TkSpectralSetLoading(c.s, E, NULL, NULL));
      PetscCall(PetscArraycpy(Efull, E, 6));
    } else {
      PetscCall(TkSpectralSetLoading(c.s, E, mixed, S));
      MixedMean(&L, E, mixed, S, Efull);
    }
    Exact(&L, Efull, ex, sx);
    PetscCall(TkSpectralSolve(c.s));
    PetscCall(TkSpectralGetFields(c.s, &eps, &sig));
    PetscCall(TkSpectralGetIterationCount(c.s, &its));
    PetscCall(TkSpectralGetAverages(c.s, Eavg, Savg));
    for (int p = 0; p < 2; p++)
      for (int k = 0; k < 6; k++) emax = PetscMax(emax, PetscAbsReal(ex[p][k])), smax = PetscMax(smax, PetscAbsReal(sx[p][k]));
    for (PetscInt v = 0; v < c.nloc; v++)
      for (int k = 0; k < 6; k++) {
        de = PetscMax(de, PetscAbsReal(eps[6 * v + k] - ex[c.phase[v]][k]));
        ds = PetscMax(ds, PetscAbsReal(sig[6 * v + k] - sx[c.phase[v]][k]));
      }
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &de, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &ds, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    for (int k = 0; k < 6; k++)
      if (load == 1 && mixed[k]) dbc = PetscMax(dbc, PetscAbsReal(Savg[k] - S[k]) / smax);
    PetscCall(PetscSNPrintf(what, sizeof(what), "laminate normal %c, %s, %s control (%d its): strain", "xyz"[a], type, load ? "mixed" : "strain", (int)its));
    TkCheckAbs(what, de / emax, 0, 1e-12, "exact layer solution");
    PetscCall(PetscSNPrintf(what, sizeof(what), "laminate normal %c, %s, %s control: stress", "xyz"[a], type, load ? "mixed" : "strain"));
    TkCheckAbs(what, ds / smax, 0, 1e-12, "exact layer solution");
    if (load == 1) {
      PetscCall(PetscSNPrintf(what, sizeof(what), "laminate normal %c, %s: mean stress on stress-controlled comps", "xyz"[a], type));
      TkCheckAbs(what, dbc, 0, 1e-12, "the imposed S");
    }
  }
  PetscCall(TkElasticCaseDestroy(&c));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int a = 0; a < 3; a += 2) {
    PetscCall(Run(a, "basic"));
    PetscCall(Run(a, "krylov"));
  }
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
