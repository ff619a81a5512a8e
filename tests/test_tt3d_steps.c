/* The step coefficients of the real-field TT march (solvers/tt/tt3d_fields.c) as functions of the averaged density
   sigma: e = exp(z), p = ds phi2(z), q = ds (phi1(z) - phi2(z)) with z = z0 + sigma w, and their sigma-derivatives,
   against the phi-function power series summed in long double (phi_k(z) = sum_j z^j / (j + k)!). The march takes
   them from a Chebyshev table in sigma per angle (values to 1e-14; the derivatives are the interpolant's, which the
   adjoint differentiates, and differ from phi' by the values' round-off times the degree squared: 1e-11). The check covers the D0 step (z0 = 0) and the Dh step
   (z0 = i beta ds) from the Bragg peak to far tails, for the usual |w| = |c0| ds of a few 1e-2, for a coarse step
   (|w| ~ 0.5, still tabulated) and for |w| ~ 3 (per-node phi functions). */
#include "tt3d_impl.h"
#include "tk_test.h"
#include <complex.h>

typedef long double complex lcplx;

/* phi_k(z) and phi_k'(z) by their power series (|z| <= 8: 120 terms reach long double round-off) */
static void PhiSeries(lcplx z, int k, lcplx *f, lcplx *df)
{
  lcplx       zj   = 1;
  long double fact = 1; /* (j + k)! */
  *f = *df = 0;
  for (int i = 2; i <= k; i++) fact *= i;
  for (int j = 0; j < 120; j++) {
    if (j > 0) fact *= j + k;
    *f += zj / fact;
    if (j + 1 < 120) *df += (j + 1) * zj / (fact * (j + k + 1));
    zj *= z;
  }
}

static PetscErrorCode CheckCase(const char *label, double complex c0, double beta, double ds, int expect_table, double tol, double tol_deriv)
{
  enum { NS = 401 };
  PetscReal      sigma[NS];
  double complex out[12 * NS];
  PetscInt       nterms[2];
  double         err[2] = {0, 0};
  char           what[128];

  PetscFunctionBegin;
  for (int k = 0; k < NS; k++) sigma[k] = k == 0 ? 0 : k == NS - 1 ? 1 : (k + 0.37 * sin(3.0 * k)) / (NS - 1); /* the ends exactly, and off any grid */
  PetscCall(TkTT3DStepTableEvaluate(c0, beta, ds, NS, sigma, out, nterms));
  const lcplx w = (lcplx)(I * c0 * ds);
  for (int h = 0; h < 2; h++)
    for (int k = 0; k < NS; k++) {
      const lcplx z = (h ? (lcplx)(I * beta * ds) : 0) + sigma[k] * w;
      lcplx       f1, d1, f2, d2;
      PhiSeries(z, 1, &f1, &d1);
      PhiSeries(z, 2, &f2, &d2);
      const lcplx           ez     = cexpl(z);
      const lcplx           ref[6] = {ez, ds * f2, ds * (f1 - f2), w * ez, w * ds * d2, w * ds * (d1 - d2)};
      const double          sc[6]  = {1, ds, ds, cabs(c0 * ds), ds * cabs(c0 * ds), ds * cabs(c0 * ds)};
      const double complex *o      = out + 12 * k + 6 * h;
      for (int m = 0; m < 6; m++) err[m / 3] = PetscMax(err[m / 3], (double)(cabsl((lcplx)o[m] - ref[m]) / (sc[m] * fmaxl(1.0L, cabsl(ez)))));
    }
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s: |w| %.2g, beta ds %.2g, terms %d/%d, e p q", label, cabs(c0 * ds), beta * ds, (int)nterms[0], (int)nterms[1]));
  TK_TEST_ERR(what, err[0], tol, "phi-function power series in long double");
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s: their sigma-derivatives", label));
  TK_TEST_ERR(what, err[1], tol_deriv, "phi-function power series in long double");
  if (expect_table) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s: both steps tabulated with <= 10 Chebyshev terms", label));
    TK_TEST_TRUE(what, nterms[0] > 0 && nterms[0] <= 10 && nterms[1] > 0 && nterms[1] <= 10, "(|w|/4)^n / n! below 1e-15 by n = 9");
  } else {
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s: per-node phi functions", label));
    TK_TEST_TRUE(what, nterms[0] < 0 && nterms[1] < 0, "the series does not reach round-off in 12 terms");
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  /* c0 = k chi0 / 2 of Au(111) at 9 keV: k = 4.56e10 /m, chi0 ~ -5.9e-5 + 5.6e-6 i */
  const double complex c0 = 0.5 * 4.56e10 * (-5.9e-5 + 5.6e-6 * I);

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of the density tables of the real-field TT march"));
  {
    const double bds[] = {0, 0.004, -0.05, 0.3, 1.5, -4.0}; /* beta ds: the Bragg peak to far tails */
    char         label[64];
    for (size_t i = 0; i < sizeof(bds) / sizeof(bds[0]); i++) {
      const double ds = 2.1e-8;
      PetscCall(PetscSNPrintf(label, sizeof(label), "21 nm step, beta ds %g", bds[i]));
      PetscCall(CheckCase(label, c0, bds[i] / ds, ds, 1, 1e-14, 1e-11));
    }
  }
  PetscCall(CheckCase("coarse 300 nm step", c0, 0.7 / 3e-7, 3e-7, 1, 1e-14, 1e-11));
  PetscCall(CheckCase("2 um step", c0, 0.7 / 2e-6, 2e-6, 0, 1e-14, 1e-11));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d of %d checks passed\n", tk_test_run - tk_test_failed, tk_test_run));
  PetscCall(PetscFinalize());
  return tk_test_failed != 0;
}
