/* The statistics behind takagi deform's outputs, on inputs whose answers are known:
   1. Yield-threshold laws (models/nanoglass/threshold_law.c): 2e5 draws of the Weibull, normal and uniform laws
      with mean 2 GPa and cv 0.2 have that mean (0.5 %, about 10 standard errors) and cv (2 %); the Weibull draws
      follow the CDF 1 - exp(-(x/lambda)^k) (Kolmogorov-Smirnov D < 1.63/sqrt(n), the 1 % level); uniform draws
      stay in mean (1 +- sqrt(3) cv); the softening factor scales a draw exactly; a draw depends only on
      (seed, voxel, draw count), not on the order of the calls.
   2. KWW fit (isf.c): F = exp(-(t/tau)^beta) sampled at 40 times, tau = 3 s, beta = 0.7, is fitted back to 1e-10;
      rows with F outside (0.02, 0.98) are left out of the fit.
   3. Shear-band statistics (band_stats.c) on synthetic plastic-strain fields of 24^3 voxels, with the planes split
      over the ranks of the run (run at 1, 2 and 3 ranks: 24 planes give 24 / 12 + 12 / 8 + 8 + 8):
      two slabs normal to x -> 2 spanning bands, normals along x (angle 90 deg), each carrying half the banded
      strain; a periodic slab normal to (1, 0, 1) -> one spanning band at 45 deg; a compact ellipsoidal blob
      flattened along y -> one non-spanning band with normal y; a uniform field -> participation ratio 1, no band. */
#include "threshold_law.h"
#include "isf.h"
#include "band_stats.h"
#include "deform_table.h"
#include "tk_test.h"

static int CompareReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

static PetscErrorCode ThresholdLaws(void)
{
  const size_t n = 200000;
  PetscReal   *x;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &x));
  for (int type = 0; type < 3; type++) {
    TkThresholdLaw law = {(TkThresholdLawType)type, 2e9, 0.2, 0, 0};
    char           what[128];
    PetscReal      s = 0, s2 = 0, lo = PETSC_MAX_REAL, hi = 0;
    PetscCall(TkThresholdLawSetUp(PETSC_COMM_SELF, TkThresholdLawTypes[type], &law));
    for (size_t i = 0; i < n; i++) {
      x[i] = TkThresholdLawSample(&law, 1, 7, i, 1);
      s += x[i], s2 += x[i] * x[i], lo = PetscMin(lo, x[i]), hi = PetscMax(hi, x[i]);
    }
    const PetscReal mean = s / n, cv = PetscSqrtReal(s2 / n - mean * mean) / mean;
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s law: sample mean (GPa)", TkThresholdLawTypes[type]));
    TK_TEST_REL(what, mean / 1e9, 2.0, 5e-3, "law mean 2 GPa; standard error 0.045 %");
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s law: sample cv", TkThresholdLawTypes[type]));
    TK_TEST_REL(what, cv, 0.2, 2e-2, "law cv 0.2");
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s law: all draws positive", TkThresholdLawTypes[type]));
    TK_TEST_TRUE(what, lo > 0, "a threshold is a stress magnitude");
    if (law.type == TK_THRESHOLD_UNIFORM) TK_TEST_TRUE("uniform law: draws inside mean (1 +- sqrt(3) cv)", lo >= 2e9 * (1 - PetscSqrtReal(3) * 0.2) && hi <= 2e9 * (1 + PetscSqrtReal(3) * 0.2), "uniform of that mean and cv");
    if (law.type == TK_THRESHOLD_WEIBULL) {
      PetscReal D = 0;
      qsort(x, n, sizeof(PetscReal), CompareReal);
      for (size_t i = 0; i < n; i++) {
        const PetscReal F = 1 - PetscExpReal(-PetscPowReal(x[i] / law.scale, law.shape));
        D                 = PetscMax(D, PetscMax(PetscAbsReal(F - (PetscReal)i / n), PetscAbsReal(F - (PetscReal)(i + 1) / n)));
      }
      TK_TEST_ERR("Weibull law: Kolmogorov-Smirnov distance to its CDF", D, 1.63 / PetscSqrtReal((PetscReal)n), "KS critical value at the 1 % level");
    }
    const PetscReal a = TkThresholdLawSample(&law, 1, 7, 12345, 3), b = TkThresholdLawSample(&law, 0.4, 7, 12345, 3);
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s law: softening factor 0.4 scales the same draw", TkThresholdLawTypes[type]));
    TK_TEST_REL(what, b, 0.4 * a, 1e-14, "threshold = factor x draw");
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s law: a draw is a function of (seed, voxel, count)", TkThresholdLawTypes[type]));
    TK_TEST_TRUE(what, TkThresholdLawSample(&law, 1, 7, 12345, 3) == a && TkThresholdLawSample(&law, 1, 8, 12345, 3) != a && TkThresholdLawSample(&law, 1, 7, 12345, 4) != a, "counter-based generator");
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

static PetscErrorCode KWWFit(void)
{
  TkTable  t;
  TkIsfFit fit;

  PetscFunctionBegin;
  PetscCall(TkTableInit(&t, "isf", "t_s,F"));
  for (int i = 0; i <= 40; i++) {
    const PetscReal time = 0.05 * PetscPowReal(1.2, i), row[2] = {i ? time : 0, i ? PetscExpReal(-PetscPowReal(time / 3.0, 0.7)) : 1};
    PetscCall(TkTableAppend(&t, row));
  }
  PetscCall(TkIsfFitKWW(&t, 0, 1, &fit));
  TK_TEST_REL("KWW fit of exp(-(t/3)^0.7): tau (s)", fit.tau, 3.0, 1e-10, "exact data");
  TK_TEST_REL("KWW fit of exp(-(t/3)^0.7): beta", fit.beta, 0.7, 1e-10, "exact data");
  PetscInt inside = 0;
  for (PetscInt i = 0; i < t.nrows; i++) {
    const PetscReal time = t.values[2 * i], F = t.values[2 * i + 1];
    inside += time > 0 && F > 0.02 && F < 0.98;
  }
  TK_TEST_TRUE("KWW fit uses the rows with 0.02 < F < 0.98 only", fit.npoints == inside && inside < t.nrows - 1, "the fit's documented window");
  PetscCall(TkTableDestroy(&t));
  PetscFunctionReturn(0);
}

typedef PetscReal (*Field)(PetscInt x, PetscInt y, PetscInt z, PetscInt N);

static PetscReal TwoSlabsX(PetscInt x, PetscInt y, PetscInt z, PetscInt N) { return (x >= 4 && x < 6) || (x >= 15 && x < 17) ? 1.0 : 0.0; }
static PetscReal DiagonalSlab(PetscInt x, PetscInt y, PetscInt z, PetscInt N) { return ((x + z) % N) < 3 ? 1.0 : 0.0; }
static PetscReal BlobFlatY(PetscInt x, PetscInt y, PetscInt z, PetscInt N)
{
  const PetscReal dx = (x - 11.5) / 6, dy = (y - 11.5) / 2, dz = (z - 11.5) / 5;
  return dx * dx + dy * dy + dz * dz <= 1 ? 1.0 : 0.0;
}
static PetscReal Uniform(PetscInt x, PetscInt y, PetscInt z, PetscInt N) { return 0.01; }

static PetscErrorCode Bands(Field f, TkBandStats *bs)
{
  const PetscInt N = 24, dims[3] = {N, N, N};
  PetscMPIInt    rank, size;
  PetscReal     *eta;
  PetscInt      *solid;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  const PetscInt z0 = N * rank / size, nzl = N * (rank + 1) / size - z0;
  const size_t   n = (size_t)nzl * N * N;
  PetscCall(PetscMalloc2(n + 1, &eta, n + 1, &solid));
  for (PetscInt z = 0; z < nzl; z++)
    for (PetscInt y = 0; y < N; y++)
      for (PetscInt x = 0; x < N; x++) {
        const size_t q = ((size_t)z * N + y) * N + x;
        eta[q]         = f(x, y, z0 + z, N);
        solid[q]       = 1;
      }
  PetscCall(TkBandStatsCompute(PETSC_COMM_WORLD, dims, z0, nzl, eta, solid, 2, 8, bs));
  PetscCall(PetscFree2(eta, solid));
  PetscFunctionReturn(0);
}

static PetscErrorCode BandStatistics(void)
{
  TkBandStats bs;

  PetscFunctionBegin;
  PetscCall(Bands(TwoSlabsX, &bs));
  TK_TEST_TRUE("two slabs normal to x: 2 bands", bs.nbands == 2, "synthetic field");
  TK_TEST_REL("two slabs: largest band carries half the banded strain", bs.largest_fraction, 0.5, 1e-12, "equal slabs");
  TK_TEST_TRUE("two slabs: both span the box, normals along x, 90 deg from z",
               bs.nreported == 2 && bs.band[0].spanning && bs.band[1].spanning && PetscAbsReal(PetscAbsReal(bs.band[0].normal[0]) - 1) < 1e-12 && PetscAbsReal(PetscAbsReal(bs.band[1].normal[0]) - 1) < 1e-12 &&
                   PetscAbsReal(bs.band[0].angle_deg - 90) < 1e-9,
               "slab geometry");
  PetscCall(Bands(DiagonalSlab, &bs));
  TK_TEST_TRUE("periodic slab normal to (1,0,1): 1 spanning band", bs.nbands == 1 && bs.band[0].spanning, "synthetic field");
  TK_TEST_REL("periodic slab normal to (1,0,1): angle to z (deg)", bs.band[0].angle_deg, 45, 1e-9, "slab geometry");
  TK_TEST_REL("periodic slab normal to (1,0,1): |n_x|", PetscAbsReal(bs.band[0].normal[0]), 1 / PetscSqrtReal(2), 1e-9, "slab geometry");
  PetscCall(Bands(BlobFlatY, &bs));
  TK_TEST_TRUE("ellipsoidal blob (semi-axes 6, 2, 5): 1 compact band", bs.nbands == 1 && !bs.band[0].spanning, "synthetic field");
  TK_TEST_REL("ellipsoidal blob: normal along its short axis y, |n_y|", PetscAbsReal(bs.band[0].normal[1]), 1, 1e-6, "least extent of the inertia tensor");
  TK_TEST_REL("ellipsoidal blob: top-10 % share = 1 (the blob is < 10 % of the voxels)", bs.top10_fraction, 1, 1e-12, "definition");
  PetscCall(Bands(Uniform, &bs));
  TK_TEST_REL("uniform field: participation ratio", bs.participation, 1, 1e-12, "(sum eta)^2 / (N sum eta^2)");
  TK_TEST_TRUE("uniform field: no band", bs.nbands == 0, "nothing above mean + 2 sd");
  TK_TEST_REL("uniform field: top-10 % share", bs.top10_fraction, 0.1, 1e-3, "definition (24^3 / 10 is not whole)");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(ThresholdLaws());
  PetscCall(KWWFit());
  PetscCall(BandStatistics());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d of %d checks passed\n", tk_test_run - tk_test_failed, tk_test_run));
  PetscCall(PetscFinalize());
  return tk_test_failed != 0;
}
