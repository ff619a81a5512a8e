/* Geometry of one two-beam case: direction cosines, polarization factor, deviation parameter. */
#include "two_beam.h"

const char *const TkPolarizations[] = {"sigma", "pi", "TkPolarization", "TK_POL_", NULL};

PetscErrorCode TkTwoBeamSetUp(MPI_Comm comm, TkReflection refl, PetscReal energy_keV, PetscReal theta, PetscReal phi, TkPolarization pol, TkTwoBeam *tb)
{
  PetscReal d, alpha0, alphah;

  PetscFunctionBegin;
  PetscCall(TkReflectionGetDSpacing(refl, &d));
  PetscCall(TkReflectionComputeChi(refl, energy_keV, &tb->chi));
  PetscCall(TkReflectionGetBraggAngle(refl, energy_keV, &tb->thetaB));
  tb->energy_keV = energy_keV;
  tb->theta      = theta;
  tb->phi        = phi;
  alpha0         = theta + phi;
  alphah         = theta - phi;
  tb->gamma0     = PetscSinReal(alpha0);
  tb->gammah     = -PetscSinReal(alphah);
  PetscCheck(tb->gamma0 > 1e-6, comm, PETSC_ERR_USER_INPUT, "incident beam does not enter the crystal: incidence angle theta+phi = %.4f deg; choose -asymmetry_deg in (%.3f, %.3f)", (double)(alpha0 * 180 / PETSC_PI), (double)(-theta * 180 / PETSC_PI),
             (double)(180 - theta * 180 / PETSC_PI));
  PetscCheck(PetscAbsReal(tb->gammah) > 1e-6, comm, PETSC_ERR_USER_INPUT, "diffracted beam runs along the surface (exit angle %.2e deg): change -asymmetry_deg", (double)(alphah * 180 / PETSC_PI));
  tb->b          = tb->gamma0 / tb->gammah;
  tb->geometry   = tb->gammah < 0 ? TK_BRAGG : TK_LAUE;
  tb->C          = pol == TK_POL_SIGMA ? 1.0 : PetscCosReal(2 * tb->thetaB);
  tb->h          = 2 * PETSC_PI / d;
  tb->hx         = tb->h * PetscSinReal(phi);
  tb->hn         = -tb->h * PetscCosReal(phi);
  tb->cos_alphah = PetscCosReal(alphah);
  tb->sin_alphah = PetscSinReal(alphah);
  tb->cot_alpha0 = PetscCosReal(alpha0) / PetscSinReal(alpha0);
  /* exact deviation (k^2 - |k0+h|^2)/2k, evaluated without cancellation of sin theta - sin thetaB */
  tb->beta = tb->h * 2 * PetscCosReal(0.5 * (theta + tb->thetaB)) * PetscSinReal(0.5 * (theta - tb->thetaB));
  PetscFunctionReturn(0);
}
