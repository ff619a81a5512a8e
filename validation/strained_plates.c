/* Depth-strained and bent plates.
   1. A uniform normal strain eps shifts the curve by dtheta = -eps (tan thetaB cos^2 phi - sin phi cos phi)
      (differentiated Bragg law for d along the normal; e.g. Authier 2001 ch. 14), checked on the
      no-absorption plateau centre, relative 1e-3 (the shift is exact to first order in eps = 1e-4).
   2. A bent plate is, along the incident ray, a linear gradient of the local deviation: the bent-plate curve must
      equal that of the strain profile with the same w(z) = d(h.u)/ds_h, to round-off.
   3. Landau-Zener asymptote for a buried resonance in a constant gradient, no absorption:
      R -> 1 - exp(-2 pi |a12 a21| / |d a22/dz|) (tt_methods 3.5); the oscillations from the surfaces are averaged
      over resonance depths 0.4t..0.6t; tolerance 3e-3.
   4. Convergence of the fourth-order Magnus depth integration: measured order in [3.5, 4.5] on a graded layer,
      and the default step within 1e-7 of a 64x finer step. */
#include "depth_tt.h"
#include "closed_forms.h"
#include "check.h"

typedef struct {
  TkReflection       refl;
  TkPlateDeformation pd;
  TkDepthTT          tt;
  PetscReal          E, thetaB;
} Plate;

static PetscErrorCode PlateCreate(const char *crystal, PetscInt h, PetscInt k, PetscInt l, PetscReal E, PetscReal t, PetscReal phi_deg, PetscBool absorption, Plate *p)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionCreate(PETSC_COMM_WORLD, &p->refl));
  PetscCall(TkReflectionSetCrystal(p->refl, crystal));
  PetscCall(TkReflectionSetHKL(p->refl, h, k, l));
  PetscCall(TkReflectionSetAbsorption(p->refl, absorption));
  PetscCall(TkPlateDeformationCreate(PETSC_COMM_WORLD, &p->pd));
  PetscCall(TkDepthTTCreate(PETSC_COMM_WORLD, &p->tt));
  PetscCall(TkDepthTTSetReflection(p->tt, p->refl));
  PetscCall(TkDepthTTSetDeformation(p->tt, p->pd));
  PetscCall(TkDepthTTSetThickness(p->tt, t));
  PetscCall(TkDepthTTSetAsymmetry(p->tt, phi_deg * PETSC_PI / 180));
  p->E = E;
  PetscCall(TkReflectionGetBraggAngle(p->refl, E, &p->thetaB));
  PetscFunctionReturn(0);
}

static PetscErrorCode PlateDestroy(Plate *p)
{
  PetscFunctionBegin;
  PetscCall(TkDepthTTDestroy(&p->tt));
  PetscCall(TkPlateDeformationDestroy(&p->pd));
  PetscCall(TkReflectionDestroy(&p->refl));
  PetscFunctionReturn(0);
}

static PetscErrorCode Reflect(Plate *p, PetscReal dtheta, PetscReal *R)
{
  TkTwoBeam       tb;
  TkDepthTTResult res;

  PetscFunctionBegin;
  PetscCall(TkDepthTTGetTwoBeam(p->tt, p->E, p->thetaB + dtheta, &tb));
  PetscCall(TkDepthTTSolve(p->tt, &tb, &res));
  *R = res.reflectivity;
  PetscFunctionReturn(0);
}

/* Centre of the no-absorption total-reflection plateau (R > 1 - 1e-6), searched around x0. */
static PetscErrorCode PlateauCentre(Plate *p, PetscReal x0, PetscReal w, PetscReal *c)
{
  PetscReal e[2];

  PetscFunctionBegin;
  for (int s = 0; s < 2; s++) {
    PetscReal a = x0, b = x0 + (s ? w : -w), R = 0;
    for (int it = 0; it < 70; it++) {
      const PetscReal m = 0.5 * (a + b);
      PetscCall(Reflect(p, m, &R));
      if (R > 1 - 1e-6)
        a = m;
      else
        b = m;
    }
    e[s] = 0.5 * (a + b);
  }
  *c = 0.5 * (e[0] + e[1]);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Plate     p;
  TkTwoBeam tb;
  char      label[160];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));

  /* 1. uniform strain */
  for (int s = -1; s <= 1; s++) {
    const PetscReal phi = 10.0 * s, eps = 1e-4, z[1] = {0}, e[1] = {eps};
    PetscReal       c0, c1, w;
    PetscCall(PlateCreate("Si", 1, 1, 1, 8.048, 0.05, phi, PETSC_FALSE, &p));
    PetscCall(TkDepthTTGetTwoBeam(p.tt, p.E, p.thetaB, &tb));
    w = TkDarwinWidth(&tb);
    PetscCall(PlateauCentre(&p, TkRefractionShift(&tb), w, &c0));
    PetscCall(TkPlateDeformationSetStrainProfile(p.pd, 1, z, e));
    PetscCall(TkDepthTTSetDeformation(p.tt, p.pd));
    const PetscReal ph = phi * PETSC_PI / 180, shift = -eps * (PetscTanReal(p.thetaB) * PetscSqr(PetscCosReal(ph)) - PetscSinReal(ph) * PetscCosReal(ph));
    PetscCall(PlateauCentre(&p, c0 + shift, w, &c1));
    PetscCall(PetscSNPrintf(label, sizeof(label), "Si(111) phi = %+g: shift by uniform strain 1e-4 (urad)", (double)phi));
    TkCheckRel(label, 1e6 * (c1 - c0), 1e6 * shift, 1e-3, "-eps (tan thetaB cos^2 phi - sin phi cos phi)");
    PetscCall(PlateDestroy(&p));
  }

  /* 2. bent plate == graded profile with the same w(z). Symmetric Bragg: w = h cos^2(thetaB) z/(R sin thetaB')
        - h sin thetaB nu/(1-nu) (z - t/2)/R along x = z cot(theta), and w = h sin(theta) eps for a profile. */
  {
    const PetscReal t = 100e-6, Rb = 2.0, nu = 0.22;
    PetscReal       worst = 0;
    PetscCall(PlateCreate("Si", 1, 1, 1, 8.048, t, 0, PETSC_TRUE, &p));
    for (int i = 0; i <= 60; i++) {
      const PetscReal d = (-150 + 5 * i) * 1e-6;
      PetscReal       Rbent, Rprof, z[2] = {0, t}, e[2];
      PetscCall(TkPlateDeformationSetBending(p.pd, Rb, PETSC_INFINITY, nu));
      PetscCall(TkPlateDeformationSetStrainProfile(p.pd, 0, NULL, NULL));
      PetscCall(TkDepthTTSetDeformation(p.tt, p.pd));
      PetscCall(Reflect(&p, d, &Rbent));
      PetscCall(TkDepthTTGetTwoBeam(p.tt, p.E, p.thetaB + d, &tb));
      for (int j = 0; j < 2; j++) {
        const PetscReal x = z[j] * tb.cot_alpha0, zeta = z[j] - t / 2;
        const PetscReal w = tb.cos_alphah * tb.hn * (-x / Rb) - tb.sin_alphah * tb.hn * (-nu / (1 - nu) * zeta / Rb);
        e[j]              = w / (tb.gammah * tb.hn);
      }
      PetscCall(TkPlateDeformationSetBending(p.pd, PETSC_INFINITY, PETSC_INFINITY, nu));
      PetscCall(TkPlateDeformationSetStrainProfile(p.pd, 2, z, e));
      PetscCall(TkDepthTTSetDeformation(p.tt, p.pd));
      PetscCall(Reflect(&p, d, &Rprof));
      worst = PetscMax(worst, PetscAbsReal(Rbent - Rprof) / PetscMax(Rprof, 1e-12));
    }
    TkCheckAbs("bent Si(111) plate vs equivalent graded profile (max rel.)", worst, 0, 1e-9, "same w(z): identical TT problem");
    PetscCall(PlateDestroy(&p));
  }

  /* 3. Landau-Zener: Si(004) 8.048 keV symmetric, no absorption, linear strain, resonance buried mid-plate */
  for (int g = 2; g <= 8; g *= 2) {
    const PetscReal t    = 160e-6;
    PetscReal       mean = 0, RLZ = 0;
    PetscCall(PlateCreate("Si", 0, 0, 4, 8.048, t, 0, PETSC_FALSE, &p));
    PetscCall(TkDepthTTGetTwoBeam(p.tt, p.E, p.thetaB, &tb));
    const PetscReal kappa2 = cabs(0.25 * tb.chi.k * tb.chi.k * tb.chi.chih * tb.chi.chihbar / (tb.gamma0 * tb.gammah));
    const PetscReal da22   = g * kappa2;                                                       /* |d a22/dz| = g kappa^2 */
    const PetscReal deps   = da22 * PetscAbsReal(tb.gammah) / (tb.h * PetscSinReal(p.thetaB)); /* w = h sin(theta) eps */
    PetscReal       z[2] = {0, t}, e[2] = {-deps * t / 2, deps * t / 2};
    PetscCall(TkPlateDeformationSetStrainProfile(p.pd, 2, z, e));
    PetscCall(TkDepthTTSetDeformation(p.tt, p.pd));
    RLZ = 1 - PetscExpReal(-2 * PETSC_PI / g);
    /* resonance depth z_r: the local plateau centre, refraction shift - eps(z_r) tan thetaB */
    for (int i = 0; i <= 40; i++) {
      const PetscReal zr = t * (0.4 + 0.2 * i / 40), er = -deps * t / 2 + deps * zr;
      PetscReal       R;
      PetscCall(Reflect(&p, TkRefractionShift(&tb) - er * PetscTanReal(p.thetaB), &R));
      mean += R / 41;
    }
    PetscCall(PetscSNPrintf(label, sizeof(label), "Landau-Zener g/kappa^2 = %d: mean R over resonance depths", g));
    TkCheckAbs(label, mean, RLZ, 3e-3, "1 - exp(-2 pi kappa^2/g), tt_methods 3.5");
    PetscCall(PlateDestroy(&p));
  }

  /* 4. convergence order on a graded Si(004) layer with absorption: eps from 0 to 2e-3 over 5 um on a substrate */
  {
    const PetscReal z[3] = {0, 5e-6, 5e-6}, e[3] = {2e-3, 0, 0};
    const PetscReal f[5]      = {0.4, 0.2, 0.1, 0.05, 0.025};
    const PetscReal angles[4] = {-300e-6, -150e-6, 20e-6, 200e-6};
    PetscReal       err[5]    = {0}, ref[4], def[4];
    PetscCall(PlateCreate("Si", 0, 0, 4, 8.048, 50e-6, 0, PETSC_TRUE, &p));
    PetscCall(TkPlateDeformationSetStrainProfile(p.pd, 3, z, e));
    PetscCall(TkDepthTTSetDeformation(p.tt, p.pd));
    PetscCall(Reflect(&p, 0, &ref[0])); /* default step factor */
    for (int a = 0; a < 4; a++) PetscCall(Reflect(&p, angles[a], &def[a]));
    PetscCall(TkDepthTTSetStepFactor(p.tt, 0.05 / 64));
    for (int a = 0; a < 4; a++) PetscCall(Reflect(&p, angles[a], &ref[a]));
    PetscReal worst_def = 0;
    for (int a = 0; a < 4; a++) worst_def = PetscMax(worst_def, PetscAbsReal(def[a] - ref[a]));
    TkCheckAbs("graded layer: default step vs 64x finer, max |dR|", worst_def, 0, 1e-7, "step-size rule of depth_tt.c");
    for (int j = 0; j < 5; j++) {
      PetscCall(TkDepthTTSetStepFactor(p.tt, f[j]));
      for (int a = 0; a < 4; a++) {
        PetscReal R;
        PetscCall(Reflect(&p, angles[a], &R));
        err[j] = PetscMax(err[j], PetscAbsReal(R - ref[a]));
      }
    }
    for (int j = 1; j < 5; j++) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "INFO step factor %.3f: max |dR| %.3e, observed order %.2f\n", (double)f[j], (double)err[j], (double)(PetscLog2Real(err[j - 1] / err[j]))));
    TkCheckTrue("fourth-order convergence: observed order between 3.5 and 4.5 at step factors 0.1 -> 0.05", PetscLog2Real(err[2] / err[3]) > 3.5 && PetscLog2Real(err[2] / err[3]) < 4.5, "Magnus 4 (Blanes, Casas, Oteo, Ros 2009)");
    PetscCall(PlateDestroy(&p));
  }
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
