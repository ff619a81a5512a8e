/* Threshold distributions of the elasto-plastic model (notes/nanoglass_models.md 1.3: per-phase laws, renewed after
   every local transformation).
   Weibull(k, lambda): P(s > x) = exp(-(x/lambda)^k), mean = lambda Gamma(1 + 1/k),
                       cv^2 = Gamma(1 + 2/k) / Gamma(1 + 1/k)^2 - 1 (decreasing in k; k = 1.84-2.02 in StEP's MD fit).
   Normal(mean, cv mean) truncated at 0 by redrawing with the next counter; Uniform on mean (1 +- sqrt(3) cv). */
#include "threshold_law.h"
#include <math.h>

const char *const TkThresholdLawTypes[] = {"weibull", "normal", "uniform", "TkThresholdLawType", "TK_THRESHOLD_", NULL};

static unsigned long long Mix(unsigned long long z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

PetscReal TkCounterUniform(unsigned long long seed, unsigned long long a, unsigned long long b, unsigned long long c)
{
  const unsigned long long h = Mix(Mix(Mix(Mix(seed) ^ a) ^ b) ^ c);
  return ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* 53 bits, never 0 or 1 */
}

static PetscReal WeibullCV(PetscReal k)
{
  const PetscReal g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);
  return PetscSqrtReal(PetscMax(g2 / (g1 * g1) - 1, 0));
}

PetscErrorCode TkThresholdLawSetUp(MPI_Comm comm, const char name[], TkThresholdLaw *law)
{
  PetscFunctionBegin;
  if (!(law->mean > 0) || !PetscIsNormalReal(law->mean)) PetscFunctionReturn(0); /* never transforms */
  PetscCheck(law->cv >= 0 && PetscIsNormalReal(law->cv + 1), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: the threshold spread (cv) must be >= 0, got %g", name, (double)law->cv);
  switch (law->type) {
  case TK_THRESHOLD_WEIBULL: {
    PetscCheck(law->cv > 0.01 && law->cv < 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: a Weibull threshold needs 0.01 < cv < 2 (shape 0.5-100), got cv %g; use a normal law for a narrower spread", name, (double)law->cv);
    PetscReal lo = 0.5, hi = 200; /* cv(k) decreases monotonically */
    for (int it = 0; it < 200; it++) {
      const PetscReal mid = 0.5 * (lo + hi);
      if (WeibullCV(mid) > law->cv)
        lo = mid;
      else
        hi = mid;
    }
    law->shape = 0.5 * (lo + hi);
    law->scale = law->mean / tgamma(1 + 1 / law->shape);
  } break;
  case TK_THRESHOLD_NORMAL:
    PetscCheck(law->cv < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: a normal threshold law needs cv < 1 (thresholds must be positive), got %g", name, (double)law->cv);
    break;
  case TK_THRESHOLD_UNIFORM:
    PetscCheck(law->cv < 1 / PetscSqrtReal(3.0), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: a uniform threshold law needs cv < 0.577 (thresholds must be positive), got %g", name, (double)law->cv);
    break;
  }
  PetscFunctionReturn(0);
}

PetscReal TkThresholdLawSample(const TkThresholdLaw *law, PetscReal factor, unsigned long long seed, unsigned long long gid, unsigned long long draw)
{
  if (!(law->mean > 0) || !PetscIsNormalReal(law->mean)) return PETSC_INFINITY;
  const PetscReal u = TkCounterUniform(seed, gid, draw, 0);
  switch (law->type) {
  case TK_THRESHOLD_WEIBULL:
    return factor * law->scale * PetscPowReal(-PetscLogReal(u), 1 / law->shape);
  case TK_THRESHOLD_NORMAL:
    for (unsigned long long j = 0;; j++) { /* Box-Muller; redraw (next sub-counter) below 5 % of the mean */
      const PetscReal u1 = TkCounterUniform(seed, gid, draw, 2 * j + 1), u2 = TkCounterUniform(seed, gid, draw, 2 * j + 2);
      const PetscReal z = PetscSqrtReal(-2 * PetscLogReal(u1)) * PetscCosReal(2 * PETSC_PI * u2), s = law->mean * (1 + law->cv * z);
      if (s > 0.05 * law->mean || j > 64) return factor * PetscMax(s, 0.05 * law->mean);
    }
  case TK_THRESHOLD_UNIFORM:
    return factor * law->mean * (1 + law->cv * PetscSqrtReal(3.0) * (2 * u - 1));
  }
  return PETSC_INFINITY;
}
