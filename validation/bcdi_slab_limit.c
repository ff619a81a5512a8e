/* 3D Takagi-Taupin march against the depth-profile solver (takagi rocking) on a long thin plate.
   Source of the reference: the depth solver (validated against closed forms in bragg_thick, laue_pendellosung),
   with the direction cosines frozen at thetaB as in the 3D solver, which puts the rocking into beta only
   (docs/bcdi.md). The plate is Au(111) at 9 keV, symmetric Bragg, ~0.2 um thick (about one extinction depth, so
   the lateral influence of the plate's ends decays within a few um), 8 um long; its surfaces lie half-way between
   grid nodes so that its discrete thickness is exact. Checks:
   - interior reflectivity within 1e-3 of the depth solver over -400..400 urad (relative to the peak);
   - second-order convergence in the step: observed order in [1.8, 2.2] at fixed angles. */
#include "tt3d.h"
#include "depth_tt.h"
#include "check.h"

typedef struct {
  TkReflection refl;
  TkBraggFrame f;
  TkChi        chi;
  TkDepthTT    d;
} Setup;

/* max over angles of |R3D - R1D| and the errors at three fixed angles */
static PetscErrorCode Compare(Setup *s, PetscReal dm, PetscReal t_target, PetscReal *worst, PetscReal *Rmax, PetscReal err[3])
{
  TkShape         sh;
  TkTT3D          tt;
  TkTT3DGrid      g;
  double complex *ex;
  const PetscReal L = 8e-6, dn = dm * PetscTanReal(s->f.thetaB);
  const PetscInt  K = (PetscInt)PetscFloorReal((t_target / dn - 1) / 2 + 0.5);
  const PetscReal t = (2 * K + 1) * dn, half[3] = {L / 2, t / 2, dm};
  const PetscReal fixed[3] = {400e-6, 700e-6, 1000e-6}; /* in the tails, where the step error dominates the ends' influence */

  PetscFunctionBegin;
  PetscCall(TkShapeCreate(PETSC_COMM_SELF, &sh));
  PetscCall(TkShapeSetSlab(sh, t, L, dm, PETSC_FALSE));
  PetscCall(TkShapeSetUp(sh, &s->f));
  PetscCall(TkTT3DCreate(PETSC_COMM_SELF, &tt));
  PetscCall(TkTT3DSetGridBox(tt, &s->f, dm, dm, half));
  PetscCall(TkTT3DSetCoupling(tt, &s->chi, 1, 1));
  PetscCall(TkTT3DSetObject(tt, sh, NULL));
  PetscCall(TkTT3DGetGrid(tt, &g));
  PetscCall(TkDepthTTSetThickness(s->d, t));
  PetscCall(PetscMalloc1(g.Np, &ex));
  const PetscInt jt = (PetscInt)PetscFloorReal((t / 2 - g.n0) / g.dn); /* last node row inside the plate */
  *worst            = 0;
  *Rmax             = 0;
  for (int k = -40; k <= 43; k++) {
    const PetscReal dth  = k < 41 ? k * 10e-6 : fixed[k - 41];
    const PetscReal beta = s->f.h * (PetscSinReal(s->f.thetaB + dth) - PetscSinReal(s->f.thetaB));
    TkTwoBeam       tb, tb0;
    TkDepthTTResult res;
    double          acc = 0;
    PetscInt        cnt = 0;
    PetscCall(TkTT3DMarchSlice(tt, beta, PETSC_FALSE, g.nlt / 2, ex, NULL));
    /* characteristics leaving the top surface in the middle of the plate (from L/2 to 2L/3 along m) */
    for (PetscInt i = g.Nm / 2; i < 2 * g.Nm / 3; i++, cnt++) acc += creal(ex[jt - i + g.Nm - 1] * conj(ex[jt - i + g.Nm - 1]));
    PetscCall(TkDepthTTGetTwoBeam(s->d, 9.0, s->f.thetaB + dth, &tb));
    PetscCall(TkDepthTTGetTwoBeam(s->d, 9.0, s->f.thetaB, &tb0));
    tb.gamma0 = tb0.gamma0, tb.gammah = tb0.gammah, tb.b = tb0.b, tb.cos_alphah = tb0.cos_alphah, tb.sin_alphah = tb0.sin_alphah, tb.cot_alpha0 = tb0.cot_alpha0;
    PetscCall(TkDepthTTSolve(s->d, &tb, &res));
    const PetscReal R3 = acc / cnt;
    if (k < 41) {
      *worst = PetscMax(*worst, PetscAbsReal(R3 - res.reflectivity));
      *Rmax  = PetscMax(*Rmax, res.reflectivity);
    } else
      err[k - 41] = PetscAbsReal(R3 - res.reflectivity);
  }
  PetscCall(PetscFree(ex));
  PetscCall(TkTT3DDestroy(&tt));
  PetscCall(TkShapeDestroy(&sh));
  PetscFunctionReturn(0);
}

/* Symmetric Laue plate (normal along m): both beams leave through the back face; reference: the depth solver at
   asymmetry 90 deg with frozen directions. Au(111) 9 keV, 2 um (about one Pendelloesung length), 6 um wide. */
static PetscErrorCode CompareLaue(Setup *s, PetscReal dm, PetscReal *worst, PetscReal *Rmax)
{
  TkShape         sh;
  TkTT3D          tt;
  TkTT3DGrid      g;
  TkDepthTT       d;
  double complex *ex;
  const PetscReal W = 6e-6;
  const PetscInt  K = (PetscInt)PetscFloorReal((2e-6 / dm - 1) / 2 + 0.5);
  const PetscReal t = (2 * K + 1) * dm, half[3] = {t / 2, W / 2, dm};

  PetscFunctionBegin;
  PetscCall(TkShapeCreate(PETSC_COMM_SELF, &sh));
  PetscCall(TkShapeSetSlab(sh, t, W, dm, PETSC_TRUE));
  PetscCall(TkShapeSetUp(sh, &s->f));
  PetscCall(TkTT3DCreate(PETSC_COMM_SELF, &tt));
  PetscCall(TkTT3DSetGridBox(tt, &s->f, dm, dm, half));
  PetscCall(TkTT3DSetCoupling(tt, &s->chi, 1, 1));
  PetscCall(TkTT3DSetObject(tt, sh, NULL));
  PetscCall(TkTT3DGetGrid(tt, &g));
  PetscCall(TkDepthTTCreate(PETSC_COMM_SELF, &d));
  PetscCall(TkDepthTTSetReflection(d, s->refl));
  PetscCall(TkDepthTTSetThickness(d, t));
  PetscCall(TkDepthTTSetAsymmetry(d, PETSC_PI / 2));
  PetscCall(PetscMalloc1(g.Np, &ex));
  *worst = *Rmax = 0;
  for (int k = -30; k <= 30; k++) {
    const PetscReal dth = k * 20e-6, beta = s->f.h * (PetscSinReal(s->f.thetaB + dth) - PetscSinReal(s->f.thetaB));
    TkTwoBeam       tb, tb0;
    TkDepthTTResult res;
    double          acc = 0;
    PetscInt        cnt = 0;
    PetscCall(TkTT3DMarchSlice(tt, beta, PETSC_FALSE, g.nlt / 2, ex, NULL));
    /* characteristics through the middle third of the back face (they leave the box on its last plane) */
    for (PetscInt j = g.Nn / 3; j < 2 * g.Nn / 3; j++, cnt++) acc += creal(ex[j] * conj(ex[j]));
    PetscCall(TkDepthTTGetTwoBeam(d, 9.0, s->f.thetaB + dth, &tb));
    PetscCall(TkDepthTTGetTwoBeam(d, 9.0, s->f.thetaB, &tb0));
    tb.gamma0 = tb0.gamma0, tb.gammah = tb0.gammah, tb.b = tb0.b, tb.cos_alphah = tb0.cos_alphah, tb.sin_alphah = tb0.sin_alphah, tb.cot_alpha0 = tb0.cot_alpha0;
    PetscCall(TkDepthTTSolve(d, &tb, &res));
    *worst = PetscMax(*worst, PetscAbsReal(acc / cnt - res.reflectivity));
    *Rmax  = PetscMax(*Rmax, res.reflectivity);
  }
  PetscCall(PetscFree(ex));
  PetscCall(TkDepthTTDestroy(&d));
  PetscCall(TkTT3DDestroy(&tt));
  PetscCall(TkShapeDestroy(&sh));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Setup     s;
  PetscReal worst, Rmax, e[3][3];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TkReflectionCreate(PETSC_COMM_SELF, &s.refl));
  PetscCall(TkReflectionSetCrystal(s.refl, "Au"));
  PetscCall(TkBraggFrameSetUp(s.refl, 9.0, NULL, NULL, &s.f));
  PetscCall(TkReflectionComputeChi(s.refl, 9.0, &s.chi));
  PetscCall(TkDepthTTCreate(PETSC_COMM_SELF, &s.d));
  PetscCall(TkDepthTTSetReflection(s.d, s.refl));

  PetscCall(Compare(&s, 5e-9, 0.2e-6, &worst, &Rmax, e[0]));
  TkCheckAbs("plate interior vs depth solver, dm = 5 nm: max |dR| / max R", worst / Rmax, 0, 1e-3, "takagi rocking, frozen directions");
  PetscCall(Compare(&s, 2.5e-9, 0.2e-6, &worst, &Rmax, e[1]));
  TkCheckAbs("plate interior vs depth solver, dm = 2.5 nm: max |dR| / max R", worst / Rmax, 0, 1e-3, "takagi rocking, frozen directions");
  PetscCall(Compare(&s, 1.25e-9, 0.2e-6, &worst, &Rmax, e[2]));
  for (int a = 0; a < 3; a++) {
    char label[128];
    PetscCall(PetscSNPrintf(label, sizeof(label), "observed order at angle %d (errors %.2e, %.2e, %.2e)", a, (double)e[0][a], (double)e[1][a], (double)e[2][a]));
    const PetscReal order = PetscLog2Real(e[0][a] / e[1][a]);
    TkCheckAbs(label, order, 2, 0.2, "exponential trapezoidal rule: second order");
  }
  PetscCall(CompareLaue(&s, 5e-9, &worst, &Rmax));
  TkCheckAbs("Laue plate vs depth solver (asymmetry 90), dm = 5 nm: max |dR| / max R", worst / Rmax, 0, 1e-3, "takagi rocking, frozen directions");
  PetscCall(TkDepthTTDestroy(&s.d));
  PetscCall(TkReflectionDestroy(&s.refl));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
