/* Attenuation, the absorption sign convention, and flux conservation.

   (a) A non-diffracting slab (chih and chihbar scaled to 0) transmits exp(-mu t/gamma0), mu = k Im chi0, with
       gamma0 = sin(theta + phi) the direction cosine of the incident beam against the inward normal, in every
       geometry (symmetric and asymmetric Bragg, symmetric and asymmetric Laue), and reflects nothing. This is
       exact, so the tolerance is round-off (1e-10 relative).
   (b) Convention (design.md, tt_methods 1.1): waves e^{i(k.r - wt)}, absorption means Im chi0 > 0.
       Published: Si 8.048 keV Im chi0 = 3.575e-7, 1/mu = 68.6 um; Au 9 keV Im chi0 = 6.282e-6, 1/mu = 3.49 um
       (tt_methods 3.1, xraylib 4; tolerance half a unit in the last digit).
       Cross-check against xraylib's photo-absorption cross section CS_Photo(Z, E) times ElementDensity(Z),
       within 2 %. They are not the same number: Im chi0 comes from the anomalous scattering factor f'' (xraylib
       Fii) and the crystal's own lattice density, CS_Photo from the photo-ionisation cross-section tables and
       the tabulated element density. f'' is the photo-absorption through the optical theorem
       (f'' = sigma_a / (2 r_e lambda)), so the two agree up to the different tables and densities (printed below);
       Rayleigh and Compton scattering (in CS_Total) are not part of Im chi0.
   (c) Without absorption the photon flux is conserved: Laue gamma0 |D0(t)|^2 + |gammah| |Dh(t)|^2 = gamma0, i.e.
       R + T = 1 with R = |Dh|^2 |gammah/gamma0|, T = |D0(t)|^2; Bragg |gammah| |Dh(0)|^2 + gamma0 |D0(t)|^2 = gamma0,
       again R + T = 1. Exact, tolerance 1e-10. */
#include "depth_tt.h"
#include "closed_forms.h"
#include "check.h"
#include <xraylib.h>

typedef struct {
  TkReflection refl;
  TkDepthTT    tt;
  PetscReal    E, thetaB;
} Case;

static PetscErrorCode CaseCreate(const char *crystal, PetscReal E, PetscReal phi_deg, PetscBool absorption, PetscReal chih_scale, Case *c)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionCreate(PETSC_COMM_WORLD, &c->refl));
  PetscCall(TkReflectionSetCrystal(c->refl, crystal));
  PetscCall(TkReflectionSetHKL(c->refl, 1, 1, 1));
  PetscCall(TkReflectionSetAbsorption(c->refl, absorption));
  PetscCall(TkReflectionSetChihScale(c->refl, chih_scale));
  PetscCall(TkDepthTTCreate(PETSC_COMM_WORLD, &c->tt));
  PetscCall(TkDepthTTSetReflection(c->tt, c->refl));
  PetscCall(TkDepthTTSetAsymmetry(c->tt, phi_deg * PETSC_PI / 180));
  c->E = E;
  PetscCall(TkReflectionGetBraggAngle(c->refl, E, &c->thetaB));
  PetscFunctionReturn(0);
}

static PetscErrorCode CaseDestroy(Case *c)
{
  PetscFunctionBegin;
  PetscCall(TkDepthTTDestroy(&c->tt));
  PetscCall(TkReflectionDestroy(&c->refl));
  PetscFunctionReturn(0);
}

/* (a) Beer-Lambert through a non-diffracting slab; returns the largest relative error and R. */
static PetscErrorCode NonDiffracting(const char *crystal, PetscReal E, PetscReal phi_deg, const PetscReal *t, PetscInt nt)
{
  Case            c;
  const PetscReal dth[]  = {0, 150e-6, -2e-3};
  PetscReal       maxrel = 0, maxR = 0, Tmin = 1;
  char            what[128];
  TkTwoBeam       tb;

  PetscFunctionBegin;
  PetscCall(CaseCreate(crystal, E, phi_deg, PETSC_TRUE, 0.0, &c));
  for (PetscInt i = 0; i < nt; i++) {
    PetscCall(TkDepthTTSetThickness(c.tt, t[i]));
    for (int j = 0; j < 3; j++) {
      TkDepthTTResult res;
      const PetscReal theta = c.thetaB + dth[j];
      PetscCall(TkDepthTTGetTwoBeam(c.tt, c.E, theta, &tb));
      PetscCall(TkDepthTTSolve(c.tt, &tb, &res));
      const PetscReal gamma0 = PetscSinReal(theta + phi_deg * PETSC_PI / 180); /* independent of tb */
      const PetscReal T      = PetscExpReal(-TkLinearAttenuation(&tb) * t[i] / gamma0);
      maxrel                 = PetscMax(maxrel, PetscAbsReal(res.transmission - T) / T);
      maxR                   = PetscMax(maxR, PetscAbsReal(res.reflectivity));
      Tmin                   = PetscMin(Tmin, T);
    }
  }
  PetscCall(TkDepthTTGetTwoBeam(c.tt, c.E, c.thetaB, &tb));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s phi=%.0f %s: max rel |T - exp(-mu t/g0)| (T>=%.1e)", crystal, (double)phi_deg, tb.geometry == TK_BRAGG ? "Bragg" : "Laue", (double)Tmin));
  TkCheckAbs(what, maxrel, 0, 1e-10, "Beer-Lambert, exact; tol 1e-10");
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s phi=%.0f: max R with chih = 0", crystal, (double)phi_deg));
  TkCheckAbs(what, maxR, 0, 0, "no coupling, exact zero");
  PetscCall(CaseDestroy(&c));
  PetscFunctionReturn(0);
}

/* (c) R + T = 1 without absorption, at angles across the Darwin band. */
static PetscErrorCode FluxConservation(const char *crystal, PetscReal E, PetscReal phi_deg, const PetscReal *t, PetscInt nt)
{
  Case            c;
  const PetscReal u[]    = {-3, -1, -0.3, 0, 0.2, 0.5, 2}; /* (dtheta - refraction shift) / Darwin width */
  PetscReal       maxdev = 0, Rmax = 0, Rmin = 1;
  char            what[160];
  TkTwoBeam       tb;

  PetscFunctionBegin;
  PetscCall(CaseCreate(crystal, E, phi_deg, PETSC_FALSE, 1.0, &c));
  PetscCall(TkDepthTTGetTwoBeam(c.tt, c.E, c.thetaB, &tb));
  const PetscReal wD = TkDarwinWidth(&tb), sh = TkRefractionShift(&tb);
  const char     *geo = tb.geometry == TK_BRAGG ? "Bragg" : "Laue";
  PetscCheck(cimag(tb.chi.chi0) == 0 && cabs(tb.chi.chihbar - conj(tb.chi.chih)) <= 1e-15 * cabs(tb.chi.chih), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "absorption off must give real chi0 and chihbar = conj(chih)");
  for (PetscInt i = 0; i < nt; i++) {
    PetscCall(TkDepthTTSetThickness(c.tt, t[i]));
    for (size_t j = 0; j < sizeof(u) / sizeof(u[0]); j++) {
      TkDepthTTResult res;
      PetscCall(TkDepthTTGetTwoBeam(c.tt, c.E, c.thetaB + sh + u[j] * wD, &tb));
      PetscCall(TkDepthTTSolve(c.tt, &tb, &res));
      maxdev = PetscMax(maxdev, PetscAbsReal(res.reflectivity + res.transmission - 1));
      Rmax   = PetscMax(Rmax, res.reflectivity);
      Rmin   = PetscMin(Rmin, res.reflectivity);
    }
  }
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s phi=%.0f %s b=%.3f: max |R + T - 1| (R in %.1e..%.3f)", crystal, (double)phi_deg, geo, (double)(PetscSinReal(c.thetaB + phi_deg * PETSC_PI / 180) / -PetscSinReal(c.thetaB - phi_deg * PETSC_PI / 180)),
                          (double)Rmin, (double)Rmax));
  TkCheckAbs(what, maxdev, 0, 1e-10, "flux conservation, no absorption; tol 1e-10");
  PetscCall(CaseDestroy(&c));
  PetscFunctionReturn(0);
}

/* (b) mu from Im chi0 against the published value and xraylib's photo-absorption cross section */
static PetscErrorCode AbsorptionSign(const char *crystal, const char *xrl_crystal, int Z, PetscReal E, PetscReal pub_imchi0, PetscReal tol_imchi0, PetscReal pub_len_um, PetscReal tol_len_um)
{
  Case       c;
  TkTwoBeam  tb;
  xrl_error *err = NULL;
  char       what[128];

  PetscFunctionBegin;
  PetscCall(CaseCreate(crystal, E, 0, PETSC_TRUE, 1.0, &c));
  PetscCall(TkDepthTTGetTwoBeam(c.tt, c.E, c.thetaB, &tb));
  const PetscReal mu = TkLinearAttenuation(&tb); /* 1/m */
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s %.3f keV: Im chi0 = %.4e > 0 (absorbing, e^{i(kr-wt)})", crystal, (double)E, (double)cimag(tb.chi.chi0)));
  TkCheckTrue(what, cimag(tb.chi.chi0) > 0, "design.md convention");
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s %.3f keV Im chi0", crystal, (double)E));
  TkCheckAbs(what, cimag(tb.chi.chi0), pub_imchi0, tol_imchi0, "tt_methods 3.1; half a unit");
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s %.3f keV 1/mu (um)", crystal, (double)E));
  TkCheckAbs(what, 1e6 / mu, pub_len_um, tol_len_um, "tt_methods 1.1/3.1; half a unit");

  /* xraylib: photo-absorption cross section x tabulated density, and the pieces that differ */
  const double    cs_photo = CS_Photo(Z, E, &err), cs_total = CS_Total(Z, E, NULL), rho_el = ElementDensity(Z, NULL);
  Crystal_Struct *xtal = Crystal_GetCrystal(xrl_crystal, NULL, NULL);
  PetscCheck(!err && xtal, PETSC_COMM_WORLD, PETSC_ERR_LIB, "xraylib data for Z = %d / %s unavailable", Z, xrl_crystal);
  const double rho_lat = xtal->n_atom * AtomicWeight(Z, NULL) / (AVOGNUM * 1e24 * xtal->volume * 1e-24); /* g/cm^3; AVOGNUM is in 1e24/mol, volume A^3 */
  const double mu_xrl  = 100 * cs_photo * rho_el;                                                        /* 1/m */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %s %.3f keV: mu/rho from Im chi0 with lattice density %.4f g/cm3: %.3f cm2/g; CS_Photo %.3f cm2/g (CS_Total %.3f) with ElementDensity %.3f g/cm3\n", crystal, (double)E, rho_lat,
                        (double)(mu / 100 / rho_lat), cs_photo, cs_total, rho_el));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %s %.3f keV: 1/mu = %.3f um (Im chi0), %.3f um (CS_Photo x ElementDensity), %.3f um (CS_Total x ElementDensity)\n", crystal, (double)E, (double)(1e6 / mu), 1e6 / mu_xrl, 1e4 / (cs_total * rho_el)));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s %.3f keV mu = k Im chi0 vs CS_Photo*rho", crystal, (double)E));
  TkCheckRel(what, mu, mu_xrl, 0.02, "xraylib CS_Photo x ElementDensity; tol 2%");
  Crystal_Free(xtal);
  PetscCall(CaseDestroy(&c));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscReal t_si[] = {1e-6, 10e-6, 100e-6, 1000e-6};
  const PetscReal t_au[] = {0.1e-6, 1e-6, 10e-6, 50e-6};

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(a) non-diffracting slabs (chih = 0), t = 1, 10, 100, 1000 um (Si), 0.1, 1, 10, 50 um (Au), dtheta = 0, 150 urad, -2 mrad\n"));
  {
    const PetscReal phi[] = {0, 10, -10, 90, 60, 120};
    for (int i = 0; i < 6; i++) PetscCall(NonDiffracting("Si", 8.048, phi[i], t_si, 4));
    for (int i = 0; i < 6; i++) PetscCall(NonDiffracting("Au", 9.0, phi[i], t_au, 4));
  }

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(b) sign convention and attenuation length\n"));
  PetscCall(AbsorptionSign("Si", "Si", 14, 8.048, 3.575e-7, 0.0005e-7, 68.6, 0.05));
  PetscCall(AbsorptionSign("Au", "Gold", 79, 9.0, 6.282e-6, 0.0005e-6, 3.49, 0.005));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(c) flux conservation without absorption, dtheta = shift + {-3,-1,-0.3,0,0.2,0.5,2} Darwin widths\n"));
  {
    const PetscReal t_laue[]  = {1e-6, 7e-6, 30e-6, 200e-6};
    const PetscReal t_bragg[] = {0.5e-6, 3e-6, 20e-6, 100e-6};
    const PetscReal t_aub[]   = {0.05e-6, 0.3e-6, 1e-6, 5e-6};
    const PetscReal phi_l[] = {90, 60, 120}, phi_b[] = {0, 10, -10};
    for (int i = 0; i < 3; i++) PetscCall(FluxConservation("Si", 8.048, phi_l[i], t_laue, 4));
    for (int i = 0; i < 3; i++) PetscCall(FluxConservation("Si", 8.048, phi_b[i], t_bragg, 4));
    for (int i = 0; i < 3; i++) PetscCall(FluxConservation("Au", 9.0, phi_l[i], t_aub, 4));
    for (int i = 0; i < 3; i++) PetscCall(FluxConservation("Au", 9.0, phi_b[i], t_aub, 4));
  }

  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
