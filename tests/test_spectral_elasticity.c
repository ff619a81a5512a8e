/* FFT elasticity solver (solvers/spectral): the same problem solved on 1, 2, ... P ranks (sub-communicators of
   the run) agrees within round-off (1e-12 relative, max norm over every voxel), for the basic scheme with mixed
   control and eigenstrain, for the krylov scheme with vacuum, and for a grid with fewer planes than ranks
   (Nz = 4 on 3 ranks: FFTW gives 2, 2, 0 planes) and odd sizes with a single plane (krylov, 9 x 7 x 1); the DMDA matches FFTW's planes; the warm start reproduces a cold
   solve; the displacement of a sinusoidal eigenstrain matches its closed form (1e-12); a homogeneous cell with a uniform eigenstrain has sigma = C:(E - eps*) exactly (1e-12); and bad input gives
   one-line errors that name the problem. Run with mpiexec -n 1, 2 and 3. */
#include "spectral_elasticity.h"
#include "tk_test.h"
#include <petscdmda.h>

static char last_error[1024];

static PetscErrorCode KeepMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (mess && p == PETSC_ERROR_INITIAL) PetscStrncpy(last_error, mess, sizeof(last_error));
  return n;
}

/* the call must fail with a message containing `want` on one line */
#define EXPECT_ERROR(what, call, want)                                                                                                                                                                                                                   \
  do {                                                                                                                                                                                                                                                   \
    PetscErrorCode ierr_;                                                                                                                                                                                                                                \
    char          *hit_ = NULL, *nl_ = NULL;                                                                                                                                                                                                             \
    last_error[0] = 0;                                                                                                                                                                                                                                   \
    PetscCall(PetscPushErrorHandler(KeepMessage, NULL));                                                                                                                                                                                                 \
    ierr_ = (call);                                                                                                                                                                                                                                      \
    PetscCall(PetscPopErrorHandler());                                                                                                                                                                                                                   \
    PetscCall(PetscStrstr(last_error, want, &hit_));                                                                                                                                                                                                     \
    PetscCall(PetscStrchr(last_error, '\n', &nl_));                                                                                                                                                                                                      \
    tk_test_run++;                                                                                                                                                                                                                                       \
    if (!ierr_ || !hit_ || nl_) tk_test_failed++;                                                                                                                                                                                                        \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s: \"%s\" [one-line error naming '%s']\n", (ierr_ && hit_ && !nl_) ? "PASS" : "FAIL", what, last_error, want));                                                                                         \
  } while (0)

typedef enum { CASE_BASIC, CASE_KRYLOV_VACUUM, CASE_FEW_PLANES, CASE_ODD_THIN } Case;

/* deterministic two-phase material: spheres of a stiffer phase, vacuum columns for the krylov case */
static void Material(Case k, PetscInt x, PetscInt y, PetscInt z, const PetscInt N[3], PetscReal *lam, PetscReal *mu, PetscReal es[6])
{
  const PetscReal dx = x - 0.3 * N[0], dy = y - 0.6 * N[1], dz = z - 0.5 * N[2], r2 = dx * dx + dy * dy + dz * dz;
  const PetscBool in = (PetscBool)(r2 < 0.09 * N[0] * N[0] || (x + 2 * y + 3 * z) % 7 == 0);
  *lam               = in ? 120e9 : 60e9;
  *mu                = in ? 80e9 : 30e9;
  if (k == CASE_KRYLOV_VACUUM && x < 2 && y < 3) *lam = *mu = 0; /* a column along z */
  for (int c = 0; c < 6; c++) es[c] = in ? 1e-3 * (c + 1) * (c % 2 ? -1 : 1) : 0;
}

/* solves case k on the first q ranks of the world; rank 0 of the world receives the global strain, stress and
   displacement (Nz Ny Nx voxels, x fastest) */
static PetscErrorCode SolveOn(Case k, PetscMPIInt q, PetscReal *eps_g, PetscReal *sig_g, PetscReal *u_g, PetscInt *its)
{
  const PetscInt   N[3] = {k == CASE_ODD_THIN ? 9 : 10, k == CASE_ODD_THIN ? 7 : 8, k == CASE_FEW_PLANES ? 4 : k == CASE_ODD_THIN ? 1 : 12};
  const PetscReal  h[3] = {2e-9, 2e-9, 2e-9};
  const PetscReal  E[6] = {-1e-3, 0, 0, 0, 0, 2e-4}, S[6] = {0, -1e8, 0, 0, 3e7, 0};
  const PetscBool  sc[6] = {PETSC_FALSE, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE, PETSC_FALSE};
  PetscMPIInt      rank, size;
  MPI_Comm         comm;
  PetscInt         z0 = 0, nz = 0, nloc = 0;
  const PetscReal *eps = NULL, *sig = NULL;
  PetscReal       *lam = NULL, *mu = NULL, *es = NULL, *u = NULL;
  TkSpectral       s = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_split(PETSC_COMM_WORLD, rank < q ? 0 : MPI_UNDEFINED, rank, &comm));
  if (comm != MPI_COMM_NULL) {
    DM       dm;
    PetscInt zs, zm;
    PetscCall(TkSpectralCreate(comm, &s));
    PetscCall(TkSpectralSetGrid(s, N, h));
    PetscCall(TkSpectralSetFromOptions(s));
    if (k == CASE_BASIC || k == CASE_FEW_PLANES) {
      PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", "basic"));
      PetscCall(PetscOptionsSetValue(NULL, "-spectral_rtol", "1e-13"));
    } else {
      PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", "krylov"));
      PetscCall(PetscOptionsSetValue(NULL, "-spectral_rtol", "1e-13"));
    }
    PetscCall(TkSpectralSetFromOptions(s));
    PetscCall(PetscOptionsClearValue(NULL, "-spectral_type"));
    PetscCall(PetscOptionsClearValue(NULL, "-spectral_rtol"));
    PetscCall(TkSpectralSetUp(s));
    PetscCall(TkSpectralGetLocalPlanes(s, &z0, &nz));
    if (q <= N[2]) { /* DMDA allows at most one rank per plane */
      PetscCall(TkSpectralGetDM(s, &dm));
      PetscCall(DMDAGetCorners(dm, NULL, NULL, &zs, NULL, NULL, &zm));
    } else
      zs = z0, zm = nz;
    PetscCheck(zs == z0 && zm == nz, PETSC_COMM_SELF, PETSC_ERR_PLIB, "DMDA planes [%d, +%d) differ from FFTW's [%d, +%d)", (int)zs, (int)zm, (int)z0, (int)nz);
    nloc = nz * N[0] * N[1];
    PetscCall(PetscMalloc4(nloc, &lam, nloc, &mu, 6 * nloc, &es, 3 * nloc, &u));
    for (PetscInt v = 0; v < nloc; v++) Material(k, v % N[0], (v / N[0]) % N[1], z0 + v / (N[0] * N[1]), N, &lam[v], &mu[v], es + 6 * v);
    PetscCall(TkSpectralSetMaterial(s, lam, mu));
    PetscCall(TkSpectralSetEigenstrain(s, es));
    PetscCall(TkSpectralSetLoading(s, E, sc, S));
    PetscCall(TkSpectralSolve(s));
    PetscCall(TkSpectralGetIterationCount(s, its));
    PetscCall(TkSpectralGetFields(s, &eps, &sig));
    PetscCall(TkSpectralGetDisplacement(s, u));
  }
  { /* gather to world rank 0 */
    PetscMPIInt *cnt = NULL, *dsp = NULL, n = (PetscMPIInt)nloc;
    PetscCall(PetscMalloc2(size, &cnt, size, &dsp));
    PetscCallMPI(MPI_Gather(&n, 1, MPI_INT, cnt, 1, MPI_INT, 0, PETSC_COMM_WORLD));
    for (int pass = 0; pass < 3; pass++) {
      const int        m   = pass < 2 ? 6 : 3;
      const PetscReal *src = pass == 0 ? eps : pass == 1 ? sig : u;
      PetscReal       *dst = pass == 0 ? eps_g : pass == 1 ? sig_g : u_g;
      PetscMPIInt     *c2  = NULL;
      PetscCall(PetscMalloc1(size, &c2));
      if (rank == 0)
        for (int r = 0, off = 0; r < size; r++) c2[r] = m * cnt[r], dsp[r] = off, off += c2[r];
      PetscCallMPI(MPI_Gatherv(src, m * n, MPIU_REAL, dst, c2, dsp, MPIU_REAL, 0, PETSC_COMM_WORLD));
      PetscCall(PetscFree(c2));
    }
    PetscCall(PetscFree2(cnt, dsp));
    PetscCallMPI(MPI_Bcast(its, 1, MPIU_INT, 0, PETSC_COMM_WORLD));
  }
  if (comm != MPI_COMM_NULL) {
    PetscCall(TkSpectralDestroy(&s));
    PetscCall(PetscFree4(lam, mu, es, u));
    PetscCallMPI(MPI_Comm_free(&comm));
  }
  PetscFunctionReturn(0);
}

static PetscReal MaxRelDiff(PetscInt n, const PetscReal *a, const PetscReal *b)
{
  PetscReal d = 0, m = 0;
  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(a[i] - b[i])), m = PetscMax(m, PetscAbsReal(b[i]));
  return m > 0 ? d / m : d;
}

static PetscErrorCode RankInvariance(void)
{
  PetscMPIInt size, rank;
  const char *names[] = {"basic, mixed control, eigenstrain", "krylov, vacuum columns", "basic, Nz = 4 (a rank may own no plane)", "krylov, 9 x 7 x 1 (odd sizes, one plane)"};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  for (Case k = CASE_BASIC; k <= CASE_ODD_THIN; k++) {
    const PetscInt n = k == CASE_ODD_THIN ? 9 * 7 : 10 * 8 * (k == CASE_FEW_PLANES ? 4 : 12);
    PetscReal     *ref[3], *cur[3];
    PetscInt       its1 = 0, its = 0;
    for (int f = 0; f < 3; f++) PetscCall(PetscCalloc1((f < 2 ? 6 : 3) * n, &ref[f]));
    for (int f = 0; f < 3; f++) PetscCall(PetscCalloc1((f < 2 ? 6 : 3) * n, &cur[f]));
    PetscCall(SolveOn(k, 1, ref[0], ref[1], ref[2], &its1));
    for (PetscMPIInt q = 2; q <= size; q++) {
      char what[160];
      PetscCall(SolveOn(k, q, cur[0], cur[1], cur[2], &its));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: %d vs 1 rank, strain (%d / %d its)", names[k], q, (int)its, (int)its1));
      TK_TEST_ERR(what, rank ? 0 : MaxRelDiff(6 * n, cur[0], ref[0]), 1e-12, "same problem, round-off only");
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: %d vs 1 rank, stress", names[k], q));
      TK_TEST_ERR(what, rank ? 0 : MaxRelDiff(6 * n, cur[1], ref[1]), 1e-12, "same problem, round-off only");
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: %d vs 1 rank, displacement", names[k], q));
      TK_TEST_ERR(what, rank ? 0 : MaxRelDiff(3 * n, cur[2], ref[2]), 1e-12, "same problem, round-off only");
    }
    if (size == 1) TK_TEST_TRUE("(run under mpiexec -n 2 and 3 for the rank comparisons)", its1 > 0, "");
    for (int f = 0; f < 3; f++) PetscCall(PetscFree(ref[f]));
    for (int f = 0; f < 3; f++) PetscCall(PetscFree(cur[f]));
  }
  PetscFunctionReturn(0);
}

/* homogeneous medium, uniform eigenstrain: eps = E, sigma = C:(E - eps*) everywhere (no fluctuation) */
static PetscErrorCode Homogeneous(const char *type)
{
  const PetscInt   N[3] = {6, 5, 7};
  const PetscReal  h[3] = {1e-9, 1e-9, 1e-9}, E[6] = {1e-3, 2e-3, -1e-3, 5e-4, 0, -2e-4}, es[6] = {3e-4, 0, 1e-4, 0, -2e-4, 1e-4};
  const PetscReal  lam = 50e9, mu = 30e9;
  TkSpectral       s;
  PetscInt         z0, nz;
  PetscReal       *L, *M, *ES, want[6], d[6], err = 0;
  const PetscReal *eps, *sig;
  char             what[128];

  PetscFunctionBegin;
  PetscCall(TkSpectralCreate(PETSC_COMM_WORLD, &s));
  PetscCall(TkSpectralSetGrid(s, N, h));
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", type));
  PetscCall(TkSpectralSetFromOptions(s));
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_type"));
  PetscCall(TkSpectralSetUp(s));
  PetscCall(TkSpectralGetLocalPlanes(s, &z0, &nz));
  PetscCall(PetscMalloc3(nz * 30, &L, nz * 30, &M, 6 * nz * 30, &ES));
  for (PetscInt v = 0; v < nz * 30; v++) {
    L[v] = lam, M[v] = mu;
    for (int c = 0; c < 6; c++) ES[6 * v + c] = es[c];
  }
  PetscCall(TkSpectralSetMaterial(s, L, M));
  PetscCall(TkSpectralSetEigenstrain(s, ES));
  PetscCall(TkSpectralSetLoading(s, E, NULL, NULL));
  PetscCall(TkSpectralSolve(s));
  PetscCall(TkSpectralGetFields(s, &eps, &sig));
  for (int c = 0; c < 6; c++) d[c] = E[c] - es[c];
  for (int c = 0; c < 6; c++) want[c] = (c < 3 ? lam * (d[0] + d[1] + d[2]) : 0) + 2 * mu * d[c];
  for (PetscInt v = 0; v < nz * 30; v++)
    for (int c = 0; c < 6; c++) err = PetscMax(err, PetscMax(PetscAbsReal(sig[6 * v + c] - want[c]) / 1e8, PetscAbsReal(eps[6 * v + c] - E[c]) / 1e-3));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscSNPrintf(what, sizeof(what), "homogeneous + uniform eigenstrain (%s): eps = E, sigma = C:(E - eps*)", type));
  TK_TEST_ERR(what, err, 1e-12, "closed form, notes §5.4");
  PetscCall(PetscFree3(L, M, ES));
  PetscCall(TkSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode MakeSolver(const PetscInt N[3], TkSpectral *s, PetscReal **L, PetscReal **M, PetscInt *nloc)
{
  const PetscReal h[3] = {1e-9, 1e-9, 1e-9};
  PetscInt        z0, nz;

  PetscFunctionBegin;
  PetscCall(TkSpectralCreate(PETSC_COMM_WORLD, s));
  PetscCall(TkSpectralSetGrid(*s, N, h));
  PetscCall(TkSpectralSetUp(*s));
  PetscCall(TkSpectralGetLocalPlanes(*s, &z0, &nz));
  *nloc = nz * N[0] * N[1];
  PetscCall(PetscMalloc2(*nloc, L, *nloc, M));
  for (PetscInt v = 0; v < *nloc; v++) (*L)[v] = 50e9, (*M)[v] = 30e9;
  PetscFunctionReturn(0);
}

static PetscErrorCode BadInput(void)
{
  const PetscInt  N[3] = {4, 4, 6}, Nbad[3] = {4, 0, 4};
  const PetscReal hbad[3] = {1e-9, -1e-9, 1e-9};
  TkSpectral      s;
  PetscReal      *L, *M, *ES;
  PetscInt        nloc, z0, nz;
  PetscMPIInt     rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TkSpectralCreate(PETSC_COMM_WORLD, &s));
  EXPECT_ERROR("zero voxels along y", TkSpectralSetGrid(s, Nbad, (const PetscReal[3]){1e-9, 1e-9, 1e-9}), "voxels");
  EXPECT_ERROR("negative voxel size", TkSpectralSetGrid(s, N, hbad), "voxel size");
  EXPECT_ERROR("solve before set-up", TkSpectralSolve(s), "TkSpectralSetUp");
  PetscCall(TkSpectralDestroy(&s));

  PetscCall(MakeSolver(N, &s, &L, &M, &nloc));
  PetscCall(TkSpectralGetLocalPlanes(s, &z0, &nz));
  EXPECT_ERROR("solve before material", TkSpectralSolve(s), "TkSpectralSetMaterial");
  if (nloc) M[nloc - 1] = -1e9;
  EXPECT_ERROR("negative shear modulus", TkSpectralSetMaterial(s, L, M), "negative shear or bulk modulus");
  if (nloc) M[nloc - 1] = 30e9, L[0] = -40e9;
  EXPECT_ERROR("negative bulk modulus", TkSpectralSetMaterial(s, L, M), "negative shear or bulk modulus");
  if (nloc) L[0] = NAN;
  EXPECT_ERROR("NaN lambda", TkSpectralSetMaterial(s, L, M), "not a finite number");
  for (PetscInt v = 0; v < nloc; v++) L[v] = M[v] = 0;
  EXPECT_ERROR("all-vacuum grid", TkSpectralSetMaterial(s, L, M), "every voxel is vacuum");
  PetscCall(PetscCalloc1(6 * nloc + 6, &ES));
  if (nloc) ES[6 * nloc - 2] = INFINITY;
  EXPECT_ERROR("infinite eigenstrain", TkSpectralSetEigenstrain(s, ES), "eigenstrain is not a finite number");
  EXPECT_ERROR("NaN loading", TkSpectralSetLoading(s, (const PetscReal[6]){NAN, 0, 0, 0, 0, 0}, NULL, NULL), "not a finite number");
  /* vacuum with the basic scheme converges slowly if at all: the message points to krylov */
  for (PetscInt v = 0; v < nloc; v++) {
    const PetscBool vac = (PetscBool)(v % 7 == 0);
    L[v]                = vac ? 0 : 50e9;
    M[v]                = vac ? 0 : 30e9;
  }
  PetscCall(TkSpectralSetMaterial(s, L, M));
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", "basic"));
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_max_it", "5"));
  PetscCall(TkSpectralSetFromOptions(s));
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_type"));
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_max_it"));
  PetscCall(TkSpectralSetLoading(s, (const PetscReal[6]){1e-3, 0, 0, 0, 0, 0}, NULL, NULL));
  EXPECT_ERROR("vacuum with -spectral_type basic", TkSpectralSolve(s), "-spectral_type krylov");
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_rtol", "2"));
  EXPECT_ERROR("-spectral_rtol 2", TkSpectralSetFromOptions(s), "-spectral_rtol");
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_rtol"));
  PetscCall(PetscFree(ES));
  PetscCall(PetscFree2(L, M));
  PetscCall(TkSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

/* the warm start (from a different load) gives the cold solution */
static PetscErrorCode WarmStart(void)
{
  const PetscInt   N[3] = {8, 8, 8};
  TkSpectral       s[2];
  PetscReal       *L[2], *M[2], err = 0, E1[6] = {1e-3, 0, 0, 0, 0, 0}, E2[6] = {0, 0, 2e-3, 0, 1e-3, 0};
  PetscInt         nloc;
  const PetscReal *e[2];

  PetscFunctionBegin;
  for (int i = 0; i < 2; i++) {
    PetscCall(MakeSolver(N, &s[i], &L[i], &M[i], &nloc));
    for (PetscInt v = 0; v < nloc; v++)
      if ((v * 7) % 5 == 0) L[i][v] *= 3, M[i][v] *= 3;
    PetscCall(TkSpectralSetMaterial(s[i], L[i], M[i]));
  }
  PetscCall(TkSpectralSetLoading(s[0], E1, NULL, NULL));
  PetscCall(TkSpectralSolve(s[0]));
  PetscCall(TkSpectralSetLoading(s[0], E2, NULL, NULL));
  PetscCall(TkSpectralSolve(s[0]));
  PetscCall(TkSpectralSetLoading(s[1], E2, NULL, NULL));
  PetscCall(TkSpectralSolve(s[1]));
  PetscCall(TkSpectralGetFields(s[0], &e[0], NULL));
  PetscCall(TkSpectralGetFields(s[1], &e[1], NULL));
  for (PetscInt i = 0; i < 6 * nloc; i++) err = PetscMax(err, PetscAbsReal(e[0][i] - e[1][i]) / 2e-3);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  TK_TEST_ERR("warm start from another load = cold start (both to rtol 1e-6)", err, 1e-5, "same fixed point");
  { /* unloading to nothing: the exact zero, at once (relative criteria could not reach it) */
    const PetscReal zero[6] = {0};
    PetscReal       Ea[6], Sa[6], m = 0;
    PetscInt        its;
    PetscCall(TkSpectralSetLoading(s[0], zero, NULL, NULL));
    PetscCall(TkSpectralSolve(s[0]));
    PetscCall(TkSpectralGetIterationCount(s[0], &its));
    PetscCall(TkSpectralGetAverages(s[0], Ea, Sa));
    PetscCall(TkSpectralGetFields(s[0], &e[0], NULL));
    for (PetscInt i = 0; i < 6 * nloc; i++) m = PetscMax(m, PetscAbsReal(e[0][i]));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &m, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    TK_TEST_TRUE("no load and no eigenstrain: zero strain with 0 iterations", its == 0 && m == 0, "exact solution");
  }
  for (int i = 0; i < 2; i++) {
    PetscCall(PetscFree2(L[i], M[i]));
    PetscCall(TkSpectralDestroy(&s[i]));
  }
  PetscFunctionReturn(0);
}

/* displacement of a sinusoidal eigenstrain eps*_xx = a cos(k x) in a homogeneous cell under a mean strain E:
   eps_xx = E_xx + eps*_xx and u = E.x + (a/k) sin(k x) e_x (x from the grid centre), exact for the basic scheme's
   spectral integration, 1e-12 relative to max |u|; Willot's krylov integrates with k' = (2/h) sin(k h/2), so its
   amplitude is a/k' (1e-12 as well) */
static PetscErrorCode Displacement(const char *type)
{
  const PetscInt  N[3] = {32, 6, 5};
  const PetscReal h = 1e-9, hh[3] = {h, h, h}, a = 1e-3, E[6] = {2e-4, -1e-4, 0, 0, 3e-4, 5e-4}, k = 2 * PETSC_PI / (N[0] * h);
  const PetscReal amp = !strcmp(type, "basic") ? a / k : a / (2 / h * PetscSinReal(k * h / 2));
  TkSpectral      s;
  PetscInt        z0, nz, nloc;
  PetscReal      *L, *M, *ES, *u, err = 0, big = 0;
  char            what[128];

  PetscFunctionBegin;
  PetscCall(TkSpectralCreate(PETSC_COMM_WORLD, &s));
  PetscCall(TkSpectralSetGrid(s, N, hh));
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", type));
  PetscCall(PetscOptionsSetValue(NULL, "-spectral_rtol", "1e-13"));
  PetscCall(TkSpectralSetFromOptions(s));
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_type"));
  PetscCall(PetscOptionsClearValue(NULL, "-spectral_rtol"));
  PetscCall(TkSpectralSetUp(s));
  PetscCall(TkSpectralGetLocalPlanes(s, &z0, &nz));
  nloc = nz * N[0] * N[1];
  PetscCall(PetscMalloc4(nloc, &L, nloc, &M, 6 * nloc + 6, &ES, 3 * nloc + 3, &u));
  for (PetscInt v = 0; v < nloc; v++) {
    const PetscInt x = v % N[0];
    L[v] = 60e9, M[v] = 40e9;
    for (int c = 0; c < 6; c++) ES[6 * v + c] = c == 0 ? a * PetscCosReal(k * (x + 0.5) * h) : 0;
  }
  PetscCall(TkSpectralSetMaterial(s, L, M));
  PetscCall(TkSpectralSetEigenstrain(s, ES));
  PetscCall(TkSpectralSetLoading(s, E, NULL, NULL));
  PetscCall(TkSpectralSolve(s));
  PetscCall(TkSpectralGetDisplacement(s, u));
  for (PetscInt v = 0; v < nloc; v++) {
    const PetscInt  ix = v % N[0], iy = (v / N[0]) % N[1], iz = z0 + v / (N[0] * N[1]);
    const PetscReal p[3]    = {(ix + 0.5 - N[0] / 2.0) * h, (iy + 0.5 - N[1] / 2.0) * h, (iz + 0.5 - N[2] / 2.0) * h};
    const PetscReal want[3] = {E[0] * p[0] + E[5] * p[1] + E[4] * p[2] + amp * PetscSinReal(k * (ix + 0.5) * h), E[5] * p[0] + E[1] * p[1] + E[3] * p[2], E[4] * p[0] + E[3] * p[1] + E[2] * p[2]};
    for (int d = 0; d < 3; d++) err = PetscMax(err, PetscAbsReal(u[3 * v + d] - want[d])), big = PetscMax(big, PetscAbsReal(want[d]));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &big, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscSNPrintf(what, sizeof(what), "displacement of a sinusoidal eigenstrain (%s): E.x + (a/k) sin kx", type));
  TK_TEST_ERR(what, err / big, 1e-12, "closed form");
  PetscCall(PetscFree4(L, M, ES, u));
  PetscCall(TkSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Homogeneous("basic"));
  PetscCall(Homogeneous("krylov"));
  PetscCall(WarmStart());
  PetscCall(Displacement("basic"));
  PetscCall(Displacement("krylov"));
  PetscCall(BadInput());
  PetscCall(RankInvariance());
  PetscCall(TK_TEST_SUMMARY());
  PetscCall(PetscFinalize());
  return tk_test_failed ? 1 : 0;
}
