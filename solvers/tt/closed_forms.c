/* Closed forms of the two-beam theory for perfect crystals; see closed_forms.h for the sources. */
#include "closed_forms.h"

PetscReal TkDarwinWidth(const TkTwoBeam *tb) { return 2 * PetscAbsReal(tb->C) * PetscSqrtReal(cabs(tb->chi.chih * tb->chi.chihbar)) / (PetscSqrtReal(PetscAbsReal(tb->b)) * PetscSinReal(2 * tb->thetaB)); }

PetscReal TkRefractionShift(const TkTwoBeam *tb) { return -creal(tb->chi.chi0) * (1 - 1 / tb->b) / (2 * PetscSinReal(2 * tb->thetaB)); }

PetscReal TkExtinctionLength(const TkTwoBeam *tb) { return tb->chi.wavelength * PetscSqrtReal(PetscAbsReal(tb->gamma0 * tb->gammah)) / (PetscAbsReal(tb->C) * PetscSqrtReal(cabs(tb->chi.chih * tb->chi.chihbar))); }

/* R = |chih/chihbar| |eta -+ sqrt(eta^2 - 1)|^2, the root of smaller modulus (Authier 2001, ch. 6). */
static PetscReal DarwinPrins(const TkTwoBeam *tb, double complex num)
{
  const double complex eta  = num / (2 * PetscAbsReal(tb->C) * PetscSqrtReal(PetscAbsReal(tb->b)) * csqrt(tb->chi.chih * tb->chi.chihbar));
  const double complex root = csqrt(eta * eta - 1);
  const double         m    = PetscMin(cabs(eta - root), cabs(eta + root));
  return cabs(tb->chi.chih / tb->chi.chihbar) * m * m;
}

/* eta = [2 b beta/k - chi0 (1 - b)] / (2 |C| sqrt|b| sqrt(chih chihbar)): with the exact deviation beta and the
   point's own b this is the stationary solution of the depth TT equations, i.e. exact for a semi-infinite crystal. */
PetscReal TkThickBraggReflectivity(const TkTwoBeam *tb) { return DarwinPrins(tb, 2 * tb->b * tb->beta / tb->chi.k - tb->chi.chi0 * (1 - tb->b)); }

/* The textbook form: 2 b dtheta sin 2thetaB in place of 2 b beta/k, and b fixed at its value at thetaB. */
PetscReal TkThickBraggReflectivityLinear(const TkTwoBeam *tb0, PetscReal dtheta) { return DarwinPrins(tb0, 2 * tb0->b * dtheta * PetscSinReal(2 * tb0->thetaB) - tb0->chi.chi0 * (1 - tb0->b)); }

/* Symmetric Bragg, no absorption, thin plate: int R dtheta = pi^2 C^2 |chih|^2 t / (lambda sin thetaB sin 2thetaB). */
PetscReal TkKinematicIntegratedReflectivity(const TkTwoBeam *tb, PetscReal t) { return PETSC_PI * PETSC_PI * tb->C * tb->C * cabs(tb->chi.chih * tb->chi.chihbar) * t / (tb->chi.wavelength * PetscSinReal(tb->thetaB) * PetscSinReal(2 * tb->thetaB)); }

PetscReal TkLinearAttenuation(const TkTwoBeam *tb) { return tb->chi.k * cimag(tb->chi.chi0); }
