/* Depth-profile Takagi-Taupin solver (docs/theory.md, "Depth-profile solver").

   With direction cosines gamma0, gammah against the inward normal and psi = (D0, Dh'),
     d psi/dz = i A(z) psi,  A = [ k chi0/(2 g0)        k C chibar/(2 g0)             ]
                                 [ k C chih/(2 gh)      (beta + w(z) + k chi0/2) / gh ]
   where w = d(h.u)/ds_h is the local deviation from the deformation, taken along the incident ray.
   Each depth step applies the fourth-order Magnus propagator exp(Omega) (exact for constant coefficients),
   evaluated in closed form for 2x2 matrices.
   - Laue: psi is marched forward from (1, 0) at z = 0, with its scale kept as a logarithm.
   - Bragg: the ratio xi = Dh'/D0 is carried from xi(t) = 0 back to the surface by the Moebius map of
     exp(-Omega) (the stable direction of the Riccati equation); the same map's denominators give D0(t). */
#include "depth_tt.h"

struct _p_TkDepthTT {
  MPI_Comm           comm;
  TkReflection       refl;
  TkPlateDeformation deform;
  PetscReal          thickness; /* m */
  PetscReal          phi;       /* asymmetry, rad */
  TkPolarization     pol;
  PetscReal          step_factor; /* step / (shortest physical length) in deformed layers */
  PetscReal          max_step;    /* m; 0 = no limit */
  PetscBool          trivial;     /* perfect crystal: one exact step per segment */
  PetscInt           nseg;
  PetscReal         *seg; /* nseg+1 segment boundaries in [0, t] */
  PetscBool          setup;
};

PetscErrorCode TkDepthTTCreate(MPI_Comm comm, TkDepthTT *tt)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(tt));
  (*tt)->comm        = comm;
  (*tt)->thickness   = 100e-6;
  (*tt)->pol         = TK_POL_SIGMA;
  (*tt)->step_factor = 0.05;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetReflection(TkDepthTT tt, TkReflection r)
{
  PetscFunctionBegin;
  tt->refl  = r;
  tt->setup = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetDeformation(TkDepthTT tt, TkPlateDeformation pd)
{
  PetscFunctionBegin;
  tt->deform = pd;
  tt->setup  = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetThickness(TkDepthTT tt, PetscReal t)
{
  PetscFunctionBegin;
  PetscCheck(t > 0 && !PetscIsInfOrNanReal(t), tt->comm, PETSC_ERR_USER_INPUT, "-thickness_um %g must be a positive thickness in micrometres", (double)(t * 1e6));
  tt->thickness = t;
  tt->setup     = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetAsymmetry(TkDepthTT tt, PetscReal phi)
{
  PetscFunctionBegin;
  PetscCheck(PetscAbsReal(phi) < PETSC_PI, tt->comm, PETSC_ERR_USER_INPUT, "-asymmetry_deg %g must lie in (-180, 180)", (double)(phi * 180 / PETSC_PI));
  tt->phi = phi;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetPolarization(TkDepthTT tt, TkPolarization p)
{
  PetscFunctionBegin;
  tt->pol = p;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetStepFactor(TkDepthTT tt, PetscReal f)
{
  PetscFunctionBegin;
  PetscCheck(f > 0 && f <= 1, tt->comm, PETSC_ERR_USER_INPUT, "-tt_step_factor %g must lie in (0, 1]", (double)f);
  tt->step_factor = f;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetMaxStep(TkDepthTT tt, PetscReal h)
{
  PetscFunctionBegin;
  PetscCheck(h >= 0, tt->comm, PETSC_ERR_USER_INPUT, "-tt_max_step_um %g must be >= 0", (double)(h * 1e6));
  tt->max_step = h;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTGetThickness(TkDepthTT tt, PetscReal *t)
{
  PetscFunctionBegin;
  *t = tt->thickness;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTGetAsymmetry(TkDepthTT tt, PetscReal *phi)
{
  PetscFunctionBegin;
  *phi = tt->phi;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTGetPolarization(TkDepthTT tt, TkPolarization *p)
{
  PetscFunctionBegin;
  *p = tt->pol;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetFromOptions(TkDepthTT tt)
{
  PetscReal      t_um = tt->thickness * 1e6, phi_deg = tt->phi * 180 / PETSC_PI, f = tt->step_factor, hmax_um = tt->max_step * 1e6;
  PetscBool      set;
  TkPolarization pol = tt->pol;

  PetscFunctionBegin;
  PetscOptionsBegin(tt->comm, NULL, "Depth-profile Takagi-Taupin solver", "TkDepthTT");
  PetscCall(PetscOptionsReal("-thickness_um", "Plate thickness (um)", "TkDepthTTSetThickness", t_um, &t_um, &set));
  if (set) PetscCall(TkDepthTTSetThickness(tt, t_um * 1e-6));
  PetscCall(PetscOptionsReal("-asymmetry_deg", "Asymmetry angle phi (deg): incidence theta+phi, exit theta-phi; 90 = symmetric Laue", "TkDepthTTSetAsymmetry", phi_deg, &phi_deg, &set));
  if (set) PetscCall(TkDepthTTSetAsymmetry(tt, phi_deg * PETSC_PI / 180));
  PetscCall(PetscOptionsEnum("-polarization", "Polarization of the incident beam", "TkDepthTTSetPolarization", TkPolarizations, (PetscEnum)pol, (PetscEnum *)&pol, NULL));
  PetscCall(TkDepthTTSetPolarization(tt, pol));
  PetscCall(PetscOptionsReal("-tt_step_factor", "Depth step in deformed layers, as a fraction of the shortest of extinction and strain-gradient lengths", "TkDepthTTSetStepFactor", f, &f, &set));
  if (set) PetscCall(TkDepthTTSetStepFactor(tt, f));
  PetscCall(PetscOptionsReal("-tt_max_step_um", "Upper bound on the depth step in deformed layers (um) [0: none]", "TkDepthTTSetMaxStep", hmax_um, &hmax_um, &set));
  if (set) PetscCall(TkDepthTTSetMaxStep(tt, hmax_um * 1e-6));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSetUp(TkDepthTT tt)
{
  PetscInt         nb = 0;
  const PetscReal *zb = NULL;

  PetscFunctionBegin;
  if (tt->setup) PetscFunctionReturn(0);
  PetscCheck(tt->refl, tt->comm, PETSC_ERR_ORDER, "TkDepthTTSetReflection() first");
  PetscCall(TkReflectionSetUp(tt->refl));
  tt->trivial = PETSC_TRUE;
  if (tt->deform) {
    PetscCall(TkPlateDeformationSetThickness(tt->deform, tt->thickness));
    PetscCall(TkPlateDeformationIsTrivial(tt->deform, &tt->trivial));
    PetscCall(TkPlateDeformationGetBreakpoints(tt->deform, &nb, &zb));
  }
  /* segment boundaries: 0, the profile's depths inside (0, t), t */
  PetscCall(PetscFree(tt->seg));
  PetscCall(PetscMalloc1(nb + 2, &tt->seg));
  tt->nseg   = 0;
  tt->seg[0] = 0;
  for (PetscInt i = 0; i < nb; i++)
    if (zb[i] > tt->seg[tt->nseg] && zb[i] < tt->thickness) tt->seg[++tt->nseg] = zb[i];
  tt->seg[++tt->nseg] = tt->thickness;
  tt->setup           = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTGetTwoBeam(TkDepthTT tt, PetscReal energy_keV, PetscReal theta, TkTwoBeam *tb)
{
  PetscFunctionBegin;
  PetscCall(TkDepthTTSetUp(tt));
  PetscCall(TkTwoBeamSetUp(tt->comm, tt->refl, energy_keV, theta, tt->phi, tt->pol, tb));
  PetscFunctionReturn(0);
}

/* w(z) = s_h . grad(h.u) along the incident ray, which enters at x = 0. */
static PetscErrorCode PhaseRate(TkDepthTT tt, const TkTwoBeam *tb, PetscReal z, PetscReal *w)
{
  PetscReal J[2][2];

  PetscFunctionBeginHot;
  if (tt->trivial) {
    *w = 0;
    PetscFunctionReturn(0);
  }
  PetscCall(TkPlateDeformationGradient(tt->deform, z * tb->cot_alpha0, z, J));
  const PetscReal gx = tb->hx * J[0][0] + tb->hn * J[1][0], gz = tb->hx * J[0][1] + tb->hn * J[1][1];
  *w = tb->cos_alphah * gx - tb->sin_alphah * gz;
  PetscFunctionReturn(0);
}

/* Range of the local deviation w over the depth (sampled, and at every segment boundary from both sides):
   the deformation moves the reflection by -w/(k sin 2thetaB), which the automatic scan range must cover. */
PetscErrorCode TkDepthTTGetDeviationRange(TkDepthTT tt, const TkTwoBeam *tb, PetscReal *wmin, PetscReal *wmax)
{
  PetscFunctionBegin;
  PetscCall(TkDepthTTSetUp(tt));
  *wmin = *wmax = 0;
  for (PetscInt s = 0; s < tt->nseg; s++) {
    const PetscReal z0 = tt->seg[s], L = tt->seg[s + 1] - z0;
    for (PetscInt i = 0; i <= 64; i++) {
      PetscReal w = 0;
      PetscCall(PhaseRate(tt, tb, z0 + L * (1e-9 + (1 - 2e-9) * i / 64), &w));
      *wmin = PetscMin(*wmin, w);
      *wmax = PetscMax(*wmax, w);
    }
  }
  PetscFunctionReturn(0);
}

typedef struct {
  double complex a11, a12, a21, a22; /* a22 without w */
  PetscReal      inv_gh;
} Coefficients;

static void SetCoefficients(const TkTwoBeam *tb, Coefficients *c)
{
  const double kh = 0.5 * tb->chi.k;
  c->inv_gh       = 1.0 / tb->gammah;
  c->a11          = kh * tb->chi.chi0 / tb->gamma0;
  c->a12          = kh * tb->C * tb->chi.chihbar / tb->gamma0;
  c->a21          = kh * tb->C * tb->chi.chih * c->inv_gh;
  c->a22          = (tb->beta + kh * tb->chi.chi0) * c->inv_gh;
}

/* Fourth-order Magnus exponent over [z0, z0+dz] (two Gauss points). Only a22 varies with depth, so the
   commutator [A1, A2] = delta [A1, E22] = delta [[0, a12], [-a21, 0]]. */
static PetscErrorCode MagnusOmega(TkDepthTT tt, const TkTwoBeam *tb, const Coefficients *c, PetscReal z0, PetscReal dz, double complex O[4])
{
  const PetscReal g  = 0.28867513459481287; /* sqrt(3)/6 */
  PetscReal       w1 = 0, w2 = 0;

  PetscFunctionBeginHot;
  PetscCall(PhaseRate(tt, tb, z0 + (0.5 - g) * dz, &w1));
  PetscCall(PhaseRate(tt, tb, z0 + (0.5 + g) * dz, &w2));
  const double complex a22   = c->a22 + 0.5 * (w1 + w2) * c->inv_gh;
  const double         delta = (w2 - w1) * c->inv_gh;
  const double         comm  = 0.5 * g * dz * dz * delta; /* (sqrt(3)/12) dz^2 delta */
  O[0]                       = I * dz * c->a11;
  O[1]                       = I * dz * c->a12 + comm * c->a12;
  O[2]                       = I * dz * c->a21 - comm * c->a21;
  O[3]                       = I * dz * a22;
  PetscFunctionReturn(0);
}

/* Number of steps for one segment: deformed layers are resolved on the extinction and gradient lengths; any
   step is also split so that the propagator's entries stay below e^30 (no overflow, no cancellation). */
static PetscErrorCode SegmentSteps(TkDepthTT tt, const TkTwoBeam *tb, const Coefficients *c, PetscReal z0, PetscReal z1, PetscInt *n)
{
  const PetscReal L = z1 - z0;
  PetscReal       h = L, w0 = 0, w1 = 0;
  double complex  O[4];

  PetscFunctionBeginHot;
  if (!tt->trivial) {
    /* just inside the segment: at a step of the profile the value on the far side must not count */
    PetscCall(PhaseRate(tt, tb, z0 + 1e-9 * L, &w0));
    PetscCall(PhaseRate(tt, tb, z1 - 1e-9 * L, &w1));
    const PetscReal grad = PetscAbsReal((w1 - w0) / L * c->inv_gh); /* |d a22/dz| */
    const PetscReal kext = PetscSqrtReal(cabs(c->a12 * c->a21));
    if (grad > 0) h = PetscMin(h, tt->step_factor * PetscMin(1.0 / kext, 1.0 / PetscSqrtReal(grad)));
    if (tt->max_step > 0) h = PetscMin(h, tt->max_step);
  }
  PetscCheck(L / h < 1e8, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "the plate needs more than 1e8 depth steps (thickness %g um); reduce -thickness_um or raise -tt_max_step_um", (double)(tt->thickness * 1e6));
  *n = (PetscInt)PetscCeilReal(L / h - 1e-9);
  if (*n < 1) *n = 1;
  PetscCall(MagnusOmega(tt, tb, c, z0, L / *n, O));
  const PetscReal growth = PetscAbsReal(creal(TkExp2Root(O)));
  if (growth > 30) *n = (PetscInt)PetscCeilReal(*n * growth / 30);
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTSolve(TkDepthTT tt, const TkTwoBeam *tb, TkDepthTTResult *res)
{
  Coefficients   c;
  double complex O[4];
  TkExp2         E;
  PetscInt       steps = 0;

  PetscFunctionBegin;
  PetscCall(TkDepthTTSetUp(tt));
  SetCoefficients(tb, &c);
  if (tb->geometry == TK_BRAGG) {
    double complex xi    = 0;
    double         logD0 = 0; /* log|D0(t)| accumulates -log|D0(z)/D0(z+dz)|; the phase is not needed */
    for (PetscInt s = tt->nseg - 1; s >= 0; s--) {
      PetscInt n;
      PetscCall(SegmentSteps(tt, tb, &c, tt->seg[s], tt->seg[s + 1], &n));
      const PetscReal dz = (tt->seg[s + 1] - tt->seg[s]) / n;
      for (PetscInt j = n - 1; j >= 0; j--) {
        PetscCall(MagnusOmega(tt, tb, &c, tt->seg[s] + j * dz, dz, O));
        TkExp2Compute(O, 1, &E);
        const double complex den = E.P[0] + E.P[1] * xi;
        xi                       = (E.P[2] + E.P[3] * xi) / den;
        logD0 -= creal(E.s) + 0.5 * log(creal(den) * creal(den) + cimag(den) * cimag(den)); /* |den| < e^31: no overflow */
      }
      steps += n;
    }
    res->reflectivity = creal(xi * conj(xi)) * PetscAbsReal(tb->gammah / tb->gamma0);
    res->transmission = PetscExpReal(2 * logD0);
  } else {
    double complex D0 = 1, Dh = 0, logscale = 0;
    for (PetscInt s = 0; s < tt->nseg; s++) {
      PetscInt n;
      PetscCall(SegmentSteps(tt, tb, &c, tt->seg[s], tt->seg[s + 1], &n));
      const PetscReal dz = (tt->seg[s + 1] - tt->seg[s]) / n;
      for (PetscInt j = 0; j < n; j++) {
        PetscCall(MagnusOmega(tt, tb, &c, tt->seg[s] + j * dz, dz, O));
        TkExp2Compute(O, 0, &E);
        const double complex d0 = E.P[0] * D0 + E.P[1] * Dh, dh = E.P[2] * D0 + E.P[3] * Dh;
        const double         m = PetscMax(cabs(d0), cabs(dh));
        if (m == 0) { /* fully absorbed */
          logscale = -INFINITY;
          D0 = Dh = 0;
          break;
        }
        D0 = d0 / m;
        Dh = dh / m;
        logscale += E.s + log(m);
      }
      steps += n;
    }
    const PetscReal scale = PetscExpReal(2 * creal(logscale));
    res->reflectivity     = creal(Dh * conj(Dh)) * scale * PetscAbsReal(tb->gammah / tb->gamma0);
    res->transmission     = creal(D0 * conj(D0)) * scale;
  }
  res->steps = steps;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTView(TkDepthTT tt, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Plate: thickness %g um, asymmetry %g deg, %s polarization\n", (double)(tt->thickness * 1e6), (double)(tt->phi * 180 / PETSC_PI), TkPolarizations[tt->pol]));
  if (tt->deform) PetscCall(TkPlateDeformationView(tt->deform, v));
  PetscFunctionReturn(0);
}

PetscErrorCode TkDepthTTDestroy(TkDepthTT *tt)
{
  PetscFunctionBegin;
  if (!*tt) PetscFunctionReturn(0);
  PetscCall(PetscFree((*tt)->seg));
  PetscCall(PetscFree(*tt));
  PetscFunctionReturn(0);
}
