/* Symmetric Laue case: Pendelloesung of Si(220) at 17.479 keV (Mo K-alpha1).
   Sources: closed forms R = sin^2(pi t / Lambda_L), Lambda_L = lambda cos thetaB / (|C| |chi_h|) without absorption
   (Authier 2001, ch. 4; Zachariasen 1945); numbers of tt_methods 3.3 (Lambda_L = 35.17 um sigma, 37.75 um pi;
   with absorption Rh(17.59 um) = 0.975, Rh(35.17 um) = 6e-4 with T0 = 0.950, Rh(52.76 um) = 0.927, Rh + T0 =
   0.993 at 5 um, 0.951 at 35 um, 0.873 at 100 um). */
#include "depth_tt.h"
#include "closed_forms.h"
#include "check.h"

static PetscErrorCode Solve(TkPolarization pol, PetscBool absorption, PetscReal t, PetscReal *R, PetscReal *T, PetscReal *Lambda)
{
  TkReflection    refl;
  TkDepthTT       tt;
  TkTwoBeam       tb;
  TkDepthTTResult res;
  PetscReal       thetaB;

  PetscFunctionBegin;
  PetscCall(TkReflectionCreate(PETSC_COMM_WORLD, &refl));
  PetscCall(TkReflectionSetCrystal(refl, "Si"));
  PetscCall(TkReflectionSetHKL(refl, 2, 2, 0));
  PetscCall(TkReflectionSetAbsorption(refl, absorption));
  PetscCall(TkDepthTTCreate(PETSC_COMM_WORLD, &tt));
  PetscCall(TkDepthTTSetReflection(tt, refl));
  PetscCall(TkDepthTTSetAsymmetry(tt, PETSC_PI / 2));
  PetscCall(TkDepthTTSetPolarization(tt, pol));
  PetscCall(TkDepthTTSetThickness(tt, t));
  PetscCall(TkReflectionGetBraggAngle(refl, 17.479, &thetaB));
  /* symmetric Laue: b = 1, so no refraction shift; eta = 0 at the kinematic angle */
  PetscCall(TkDepthTTGetTwoBeam(tt, 17.479, thetaB, &tb));
  PetscCall(TkDepthTTSolve(tt, &tb, &res));
  *R = res.reflectivity;
  *T = res.transmission;
  if (Lambda) *Lambda = TkExtinctionLength(&tb);
  PetscCall(TkDepthTTDestroy(&tt));
  PetscCall(TkReflectionDestroy(&refl));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscReal R = 0, T = 0, L = 0, Lp = 0, worst = 0, worst_flux = 0;
  char      label[128];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Solve(TK_POL_SIGMA, PETSC_TRUE, 10e-6, &R, &T, &L));
  TkCheckAbs("Si(220) 17.479 keV Pendelloesung length sigma (um)", L * 1e6, 35.17, 5e-3, "tt_methods 3.3; last digit");
  PetscCall(Solve(TK_POL_PI, PETSC_TRUE, 10e-6, &R, &T, &Lp));
  TkCheckAbs("Si(220) 17.479 keV Pendelloesung length pi (um)", Lp * 1e6, 37.75, 5e-3, "tt_methods 3.3; last digit");

  /* without absorption the solver must follow sin^2 exactly and conserve flux */
  PetscCall(Solve(TK_POL_SIGMA, PETSC_FALSE, 10e-6, &R, &T, &L));
  for (int i = 1; i <= 40; i++) {
    const PetscReal t = i * 2.5e-6;
    PetscCall(Solve(TK_POL_SIGMA, PETSC_FALSE, t, &R, &T, NULL));
    worst      = PetscMax(worst, PetscAbsReal(R - PetscSqr(PetscSinReal(PETSC_PI * t / L))));
    worst_flux = PetscMax(worst_flux, PetscAbsReal(R + T - 1));
  }
  TkCheckAbs("no absorption: max |R - sin^2(pi t/Lambda_L)|, t = 2.5..100 um", worst, 0, 1e-10, "Pendelloesung, Authier 2001 ch. 4");
  TkCheckAbs("no absorption: max |R + T - 1|", worst_flux, 0, 1e-12, "flux conservation, symmetric Laue");

  /* the first Pendelloesung minimum (bisection on dR/dt sign with absorption on): at Lambda_L */
  {
    PetscReal a = 0.75 * 35.17e-6, b = 1.25 * 35.17e-6;
    for (int it = 0; it < 60; it++) {
      PetscReal m = 0.5 * (a + b), R1 = 0, R2 = 0;
      PetscCall(Solve(TK_POL_SIGMA, PETSC_TRUE, m * (1 - 1e-7), &R1, &T, NULL));
      PetscCall(Solve(TK_POL_SIGMA, PETSC_TRUE, m * (1 + 1e-7), &R2, &T, NULL));
      if (R2 < R1)
        a = m;
      else
        b = m;
    }
    TkCheckAbs("first reflectivity minimum with absorption (um)", 0.5 * (a + b) * 1e6, 35.17, 5e-3, "tt_methods 3.3; last digit");
  }
  const struct {
    PetscReal t_um, R, tolR, RT, tolRT;
  } pts[] = {
      {17.59, 0.975, 5e-4, -1, 0}, {35.17, 6e-4, 5e-5, 0.951, 5e-4}, {52.76, 0.927, 5e-4, -1, 0}, {70.35, 0.0024, 5e-5, -1, 0}, {5.0, -1, 0, 0.993, 5e-4}, {100.0, -1, 0, 0.873, 5e-4},
  };
  for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
    PetscCall(Solve(TK_POL_SIGMA, PETSC_TRUE, pts[i].t_um * 1e-6, &R, &T, NULL));
    if (pts[i].R >= 0) {
      PetscCall(PetscSNPrintf(label, sizeof(label), "Rh at t = %g um with absorption", (double)pts[i].t_um));
      TkCheckAbs(label, R, pts[i].R, pts[i].tolR, "tt_methods 3.3; last digit");
    }
    if (pts[i].RT >= 0) {
      PetscCall(PetscSNPrintf(label, sizeof(label), "Rh + T0 at t = %g um with absorption", (double)pts[i].t_um));
      TkCheckAbs(label, R + T, pts[i].RT, pts[i].tolRT, "tt_methods 3.3; last digit");
    }
  }
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
