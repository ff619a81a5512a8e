/* Energy scans at a fixed angle and angle scans at a fixed energy describe the same physics through the deviation
   beta = h (sin theta - lambda/2d): at equal beta the reflectivities agree up to the dispersion of chi and of the
   direction cosines over the scan (|dE/E| ~ 1e-4 here), so within 1e-3 relative. Also checks the first-order map
   dtheta = tan(thetaB) dE/E (Bragg's law differentiated) on the peak positions, and that the driver's energy
   scan is centred on the Bragg energy of -bragg_deg. */
#include "rocking_scan.h"
#include "check.h"

static PetscErrorCode RunScan(const char *opts, TkRocking *r)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(TkRockingCreate(PETSC_COMM_WORLD, r));
  PetscCall(TkRockingSetFromOptions(*r));
  PetscCall(TkRockingSetUp(*r));
  PetscCall(TkRockingSolve(*r));
  PetscFunctionReturn(0);
}

static PetscInt ArgMax(PetscInt n, const PetscReal *v)
{
  PetscInt k = 0;
  for (PetscInt i = 1; i < n; i++)
    if (v[i] > v[k]) k = i;
  return k;
}

/* parabolic refinement of a sampled maximum */
static PetscReal PeakPosition(PetscInt n, const PetscReal *x, const PetscReal *y)
{
  PetscInt k = ArgMax(n, y);
  if (k == 0 || k == n - 1) return x[k];
  const PetscReal d = 0.5 * (y[k - 1] - y[k + 1]) / (y[k - 1] - 2 * y[k] + y[k + 1]);
  return x[k] + d * (x[k + 1] - x[k]);
}

int main(int argc, char **argv)
{
  TkRocking        re, ra;
  TkDepthTT        tt;
  TkReflection     refl;
  PetscInt         n;
  const PetscReal *xe, *Re, *xa, *Ra;
  PetscReal        thetaB, d, Ec;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* Si(111), 1 mm, fixed angle = kinematic Bragg angle at 8.048 keV */
  PetscCall(RunScan("-crystal Si -hkl 1,1,1 -thickness_um 1000 -energy_keV 8.048 -scan_urad -60,160,1101", &ra));
  PetscCall(TkRockingGetSolver(ra, &tt, &refl, NULL));
  PetscCall(TkReflectionGetBraggAngle(refl, 8.048, &thetaB));
  PetscCall(TkReflectionGetDSpacing(refl, &d));
  {
    char opts[256];
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-crystal Si -hkl 1,1,1 -thickness_um 1000 -bragg_deg %.15g -scan_meV -2000,6000,1101", (double)(thetaB * 180 / PETSC_PI)));
    PetscCall(RunScan(opts, &re));
  }
  PetscCall(TkRockingGetCurve(re, NULL, &n, &xe, &Re, NULL));
  PetscCall(TkRockingGetCurve(ra, NULL, NULL, &xa, &Ra, NULL));
  PetscCall(TkReflectionGetBraggEnergy(refl, thetaB, &Ec));
  TkCheckRel("energy scan centre = Bragg energy of -bragg_deg (keV)", Ec, 8.048, 1e-12, "Bragg's law");

  /* equal beta: sin(theta') = 2 sin(thetaB) - lambda(E)/2d at the angle scan's fixed energy. chi differs by its
     dispersion, |d chi/chi| ~ 2 |dE|/E, and R in the tails by up to twice that. */
  PetscReal worst_fixed = 0, dEmax = 0;
  for (PetscInt i = 0; i < n; i += 10) {
    const PetscReal E = Ec + 1e-6 * xe[i], lam = 1e-10 * TK_HC_KEV_ANGSTROM / E;
    const PetscReal th = PetscAsinReal(2 * PetscSinReal(thetaB) - lam / (2 * d));
    TkTwoBeam       tb;
    TkDepthTTResult res;
    PetscCall(TkDepthTTGetTwoBeam(tt, 8.048, th, &tb));
    PetscCall(TkDepthTTSolve(tt, &tb, &res));
    worst_fixed = PetscMax(worst_fixed, PetscAbsReal(Re[i] - res.reflectivity) / res.reflectivity);
    dEmax       = PetscMax(dEmax, PetscAbsReal(E - 8.048) / 8.048);
  }
  TkCheckTrue("energy scan vs fixed-energy angle scan: max rel. dev. <= 4 max|dE|/E (chi dispersion)", worst_fixed <= 4 * dEmax, "chi ~ lambda^2");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "INFO fixed-energy comparison: max rel. dev. %.2e, max |dE|/E %.2e\n", (double)worst_fixed, (double)dEmax));
  {
    const PetscReal pe = PeakPosition(n, xe, Re), pa = PeakPosition(n, xa, Ra);
    TkCheckRel("peak: tan(thetaB) dE/E vs dtheta (urad)", PetscTanReal(thetaB) * pe * 1e-6 / 8.048 * 1e6, pa, 1e-3, "differentiated Bragg law");
  }
  PetscCall(TkRockingDestroy(&re));
  PetscCall(TkRockingDestroy(&ra));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
