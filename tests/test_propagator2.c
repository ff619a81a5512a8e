/* TkExp2Compute (solvers/tt/propagator2.h): the closed-form exponential of a complex 2x2 matrix, used for every
   depth step of the TT solver, against an independent reference (Taylor series with scaling and squaring in
   long double), for random matrices with a fixed seed, tiny |p| (the series branch and its switch-over), large
   real p (growth) and large imaginary p (fast oscillation, the absorbing-crystal regime); and exp(O) exp(-O) = I. */
#include "propagator2.h"
#include "tk_test.h"
#include <complex.h>

typedef long double complex lcplx;

/* Reference exp(O): scale by 2^-s until ||O|| <= 1/4, 40 Taylor terms, square s times, all in long double. */
static void ExpReference(const double complex O[4], lcplx E[4])
{
  lcplx       A[4], T[4], S[4];
  long double norm = 0;
  int         s    = 0;

  for (int i = 0; i < 4; i++) norm += cabsl((lcplx)O[i]);
  while (norm > 0.25L) {
    norm /= 2;
    s++;
  }
  for (int i = 0; i < 4; i++) A[i] = (lcplx)O[i] / ldexpl(1.0L, s);
  S[0] = S[3] = 1;
  S[1] = S[2] = 0;
  T[0] = T[3] = 1;
  T[1] = T[2] = 0;
  for (int n = 1; n <= 40; n++) { /* T <- T A / n, S += T */
    lcplx U[4] = {(T[0] * A[0] + T[1] * A[2]) / n, (T[0] * A[1] + T[1] * A[3]) / n, (T[2] * A[0] + T[3] * A[2]) / n, (T[2] * A[1] + T[3] * A[3]) / n};
    for (int i = 0; i < 4; i++) {
      T[i] = U[i];
      S[i] += U[i];
    }
  }
  for (int k = 0; k < s; k++) {
    lcplx U[4] = {S[0] * S[0] + S[1] * S[2], S[0] * S[1] + S[1] * S[3], S[2] * S[0] + S[3] * S[2], S[2] * S[1] + S[3] * S[3]};
    for (int i = 0; i < 4; i++) S[i] = U[i];
  }
  for (int i = 0; i < 4; i++) E[i] = S[i];
}

static double FrobDiff(const double complex A[4], const lcplx B[4], long double *normB)
{
  long double d = 0, n = 0;
  for (int i = 0; i < 4; i++) {
    const lcplx e = (lcplx)A[i] - B[i];
    d += creall(e * conjl(e));
    n += creall(B[i] * conjl(B[i]));
  }
  *normB = sqrtl(n);
  return (double)sqrtl(d);
}

/* exp(O) from the factored form exp(s) P */
static void Assemble(const TkExp2 *e, double complex E[4])
{
  const double complex es = cexp(e->s);
  for (int i = 0; i < 4; i++) E[i] = es * e->P[i];
}

static PetscErrorCode CheckOne(const char *label, const double complex O[4], double tol)
{
  TkExp2         f, g;
  double complex E[4], PQ[4];
  lcplx          R[4];
  long double    nR;
  char           what[128];
  double         np = 0, nq = 0, err;

  PetscFunctionBegin;
  TkExp2Compute(O, 0, &f);
  Assemble(&f, E);
  ExpReference(O, R);
  err = FrobDiff(E, R, &nR);
  PetscCall(PetscSNPrintf(what, sizeof(what), "exp(O) %s, |p| = %.3g: rel. Frobenius error", label, cabs(TkExp2Root(O))));
  TK_TEST_ERR(what, err / (double)nR, tol, "Taylor + scaling-and-squaring reference, long double");

  /* exp(O) exp(-O) = I: the scalar factors are exp(s) and exp(-s), so P(O) P(-O) = I */
  TkExp2Compute(O, 1, &g);
  PQ[0] = f.P[0] * g.P[0] + f.P[1] * g.P[2];
  PQ[1] = f.P[0] * g.P[1] + f.P[1] * g.P[3];
  PQ[2] = f.P[2] * g.P[0] + f.P[3] * g.P[2];
  PQ[3] = f.P[2] * g.P[1] + f.P[3] * g.P[3];
  for (int i = 0; i < 4; i++) {
    np += creal(f.P[i] * conj(f.P[i]));
    nq += creal(g.P[i] * conj(g.P[i]));
  }
  err = cabs(PQ[0] - 1) + cabs(PQ[1]) + cabs(PQ[2]) + cabs(PQ[3] - 1);
  PetscCall(PetscSNPrintf(what, sizeof(what), "exp(O) exp(-O) = I %s (error / max(1, |P||Q|))", label));
  TK_TEST_ERR(what, err / PetscMax(1.0, sqrt(np * nq)), tol, "group property of exp");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom    rnd;
  const double   tol = 1e-12;
  double complex O[4];
  char           label[64];

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of TkExp2Compute"));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, 20240611));
  PetscCall(PetscRandomSeed(rnd));

  /* random complex matrices with entries of size 10^-3 .. 10^1 */
  for (int t = 0; t < 40; t++) {
    const double scale = pow(10.0, -3.0 + 4.0 * (t % 10) / 9.0);
    for (int i = 0; i < 4; i++) {
      PetscReal re, im;
      PetscCall(PetscRandomGetValueReal(rnd, &re));
      PetscCall(PetscRandomGetValueReal(rnd, &im));
      O[i] = scale * (re + I * im);
    }
    PetscCall(PetscSNPrintf(label, sizeof(label), "random #%d (scale %.1e)", t, scale));
    PetscCall(CheckOne(label, O, tol));
  }

  /* tiny |p|: O = s I + a traceless part with p^2 = d^2 + b c of the given size; both sides of the 1e-4 switch */
  {
    const double sizes[] = {0.0, 1e-12, 1e-8, 1e-5, 0.99e-4, 1.01e-4, 1e-3};
    for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
      const double p = sizes[j];
      O[0]           = 0.3 - 0.2 * I + 0.6 * p;
      O[3]           = 0.3 - 0.2 * I - 0.6 * p;
      O[1]           = 0.8 * p * (1 + I); /* p^2 = (0.6 p)^2 + 0.64 p^2 (1+i)(1-i)/2 = p^2 */
      O[2]           = 0.8 * p * (1 - I) / 2;
      PetscCall(PetscSNPrintf(label, sizeof(label), "tiny p (%.2e)", p));
      PetscCall(CheckOne(label, O, tol));
    }
    /* nilpotent: p = 0 exactly with a large off-diagonal entry, exp(O) = I + O */
    O[0] = O[3] = 0;
    O[1]        = 5.0 - 3.0 * I;
    O[2]        = 0;
    PetscCall(CheckOne("nilpotent (p = 0, O12 = 5-3i)", O, tol));
  }

  /* large imaginary p: the TT step i(k dz/2)[chi0, C chihbar; C chih, chi0 + 2 beta/k] with a long step */
  {
    const double mags[] = {3.0, 30.0, 300.0};
    for (size_t j = 0; j < sizeof(mags) / sizeof(mags[0]); j++) {
      const double m = mags[j];
      O[0]           = I * m * (1.0 + 0.001 * I);
      O[3]           = I * m * (-0.4 + 0.001 * I);
      O[1]           = I * m * (0.7 - 0.05 * I);
      O[2]           = I * m * (0.6 + 0.02 * I);
      PetscCall(PetscSNPrintf(label, sizeof(label), "large imaginary p (|O| ~ %g)", m));
      PetscCall(CheckOne(label, O, tol));
    }
  }

  /* large real p: growth e^{|p|} in one mode (Laue-case amplification) */
  {
    O[0] = 12.0 + 1.0 * I;
    O[3] = -9.0 + 0.5 * I;
    O[1] = 3.0;
    O[2] = -2.0 + 1.0 * I;
    PetscCall(CheckOne("large real p", O, tol));
  }

  PetscCall(PetscRandomDestroy(&rnd));
  TK_TEST_SUMMARY();
  {
    const int failed = tk_test_failed;
    PetscCall(PetscFinalize());
    return failed ? 1 : 0;
  }
}
