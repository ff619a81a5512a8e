/* Closed-form exponential of a 2x2 complex matrix (Cayley-Hamilton). */
#include "propagator2.h"
#include <math.h>

double complex TkExp2Root(const double complex O[4])
{
  const double complex d = 0.5 * (O[0] - O[3]);
  return csqrt(d * d + O[1] * O[2]);
}

/* inverse != 0 gives exp(-Omega). cosh and sinh(p)/p are even in p, so the branch of the root is irrelevant. */
void TkExp2Compute(const double complex O[4], int inverse, TkExp2 *e)
{
  const double         sgn = inverse ? -1.0 : 1.0;
  const double complex s   = 0.5 * (O[0] + O[3]);
  const double complex p   = TkExp2Root(O);
  double complex       ch, sh; /* cosh p, sinh(p)/p */

  if (cabs(p) < 1e-4) {
    const double complex p2 = p * p;
    ch                      = 1.0 + p2 / 2.0 * (1.0 + p2 / 12.0);
    sh                      = 1.0 + p2 / 6.0 * (1.0 + p2 / 20.0);
  } else {
    ch = ccosh(p);
    sh = csinh(p) / p;
  }
  e->s    = sgn * s;
  e->P[0] = ch + sgn * sh * (O[0] - s);
  e->P[1] = sgn * sh * O[1];
  e->P[2] = sgn * sh * O[2];
  e->P[3] = ch + sgn * sh * (O[3] - s);
}
