/* Exponential of a 2x2 complex matrix, split into a scalar factor and a traceless part, for TT depth steps. */
#pragma once
#include <complex.h>

/* exp(Omega) = exp(s) * P, with s = tr(Omega)/2 and P = cosh(p) I + sinh(p)/p (Omega - s I),
   p^2 = ((O11 - O22)/2)^2 + O12 O21. Keeping s apart lets callers accumulate it as a logarithm. */
typedef struct {
  double complex s;
  double complex P[4]; /* row major */
} TkExp2;

void           TkExp2Compute(const double complex Omega[4], int inverse, TkExp2 *e);
double complex TkExp2Root(const double complex Omega[4]);
