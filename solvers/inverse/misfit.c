/* Poisson and Gaussian misfits with an optimal global scale (misfit.h). */
#include "misfit.h"

const char *const TkMisfitTypes[] = {"poisson", "gaussian", "TkMisfitType", "TK_MISFIT_", NULL};

/* the root of F(s) = sum Im - sum M Im / (s Im + floor_abs), increasing and concave in s: Newton from s = sum M / sum I
   (the floor_abs-free root, to the right) overshoots once to the left and then climbs monotonically */
static PetscReal PoissonScale(size_t n, const PetscReal *Im, const PetscReal *M, const unsigned char *mask, PetscReal floor_abs)
{
  PetscReal sI = 0, sM = 0, s;
  for (size_t q = 0; q < n; q++)
    if (!mask[q]) sI += Im[q], sM += M[q];
  if (sI <= 0) return 1;
  s = sM / sI;
  if (floor_abs <= 0) return s;
  for (int it = 0; it < 100; it++) {
    PetscReal F = 0, dF = 0, ds;
    for (size_t q = 0; q < n; q++) {
      if (mask[q]) continue;
      const PetscReal mu = s * Im[q] + floor_abs;
      F += Im[q] - M[q] * Im[q] / mu;
      dF += M[q] * Im[q] * Im[q] / (mu * mu);
    }
    if (dF <= 0) break;
    ds = -F / dF;
    if (s + ds <= 0) ds = -0.5 * s;
    s += ds;
    if (PetscAbsReal(ds) <= 1e-15 * s) break;
  }
  return s;
}

PetscErrorCode TkMisfitEvaluate(TkMisfitType type, size_t n, const PetscReal *Im, const PetscReal *M, const unsigned char *mask, PetscReal floor_abs, PetscReal fixed_scale, PetscReal *scale, PetscReal *J, PetscReal *dJdI)
{
  PetscReal s, sum = 0;

  PetscFunctionBegin;
  if (type == TK_MISFIT_POISSON) {
    s = fixed_scale > 0 ? fixed_scale : PoissonScale(n, Im, M, mask, floor_abs);
    for (size_t q = 0; q < n; q++) {
      if (mask[q]) {
        if (dJdI) dJdI[q] = 0;
        continue;
      }
      const PetscReal mu = s * Im[q] + floor_abs;
      sum += mu - M[q] - (M[q] > 0 ? M[q] * PetscLogReal(mu / M[q]) : 0);
      if (dJdI) dJdI[q] = s * (1 - M[q] / mu);
    }
  } else {
    PetscReal a = 0, b = 0;
    for (size_t q = 0; q < n; q++) {
      if (mask[q]) continue;
      const PetscReal w = 1 / PetscMax(M[q], 1);
      a += w * Im[q] * M[q];
      b += w * Im[q] * Im[q];
    }
    s = fixed_scale > 0 ? fixed_scale : (b > 0 ? a / b : 1);
    for (size_t q = 0; q < n; q++) {
      if (mask[q]) {
        if (dJdI) dJdI[q] = 0;
        continue;
      }
      const PetscReal w = 1 / PetscMax(M[q], 1), r = s * Im[q] - M[q];
      sum += 0.5 * w * r * r;
      if (dJdI) dJdI[q] = s * w * r;
    }
  }
  *scale = s;
  *J     = sum;
  PetscFunctionReturn(0);
}
