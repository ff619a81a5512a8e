/* The BCDI forward model end to end (options -> frames), against limits that must hold exactly:
   1. Kinematic limit: with chi_h scaled by s and chi0 = 0 the dynamical frames approach the kinematic ones; the
      deviation is second order in s (ratio ~100 for s 1e-2 -> 1e-3, within 20%), and below 1e-3 of the peak pixel
      by pixel and in integrated intensity at s = 1e-3 (first Born approximation; Authier 2001 ch. 11).
   2. Sign of h.u (docs/bcdi.md): a uniform expansion eps along h moves the integrated rocking curve to lower
      angle by eps tan thetaB (differentiated Bragg law), within 2% of the shift; a phase ramp phi = g x moves the
      detector peak to q_x = -g, i.e. to column N/2 + g L /(k px) (CXI columns run towards -x), within 0.5 pixel.
   3. Flux balance without absorption: the flux taken from the incident wave equals the diffracted flux,
      sum(1 - |D0|^2) = sum |Dh|^2 over the exit planes, to second order in the step. */
#include "bcdi_forward.h"
#include "check.h"

static PetscErrorCode Run(const char *opts, TkBCDI *b)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(TkBCDICreate(PETSC_COMM_WORLD, b));
  PetscCall(TkBCDISetFromOptions(*b));
  PetscCall(TkBCDISetUp(*b));
  PetscCall(TkBCDISolve(*b));
  PetscFunctionReturn(0);
}

/* max pixel deviation / max kinematic, and relative deviation of the total */
static PetscErrorCode Deviation(TkBCDI b, PetscReal scale2, PetscReal *pix, PetscReal *tot)
{
  PetscInt         na, n1, n2;
  const PetscReal *fd, *fk;
  PetscReal        m = 0, d = 0, sd = 0, sk = 0;

  PetscFunctionBegin;
  PetscCall(TkBCDIGetFrames(b, PETSC_FALSE, &na, &n1, &n2, &fd, NULL));
  PetscCall(TkBCDIGetFrames(b, PETSC_TRUE, NULL, NULL, NULL, &fk, NULL));
  for (size_t q = 0; q < (size_t)na * n1 * n2; q++) {
    m = PetscMax(m, fk[q]);
    d = PetscMax(d, PetscAbsReal(fd[q] - fk[q]));
    sd += fd[q];
    sk += fk[q];
  }
  *pix = d / m;
  *tot = PetscAbsReal(sd - sk) / sk;
  (void)scale2;
  PetscFunctionReturn(0);
}

/* integrated intensity per angle, and its peak by a parabola through the maximum */
static PetscReal RockingPeak(TkBCDI b, PetscBool kin)
{
  PetscInt         na, n1, n2, k = 0;
  const PetscReal *f, *ang;
  PetscReal        Iang[512];

  TkBCDIGetFrames(b, kin, &na, &n1, &n2, &f, &ang);
  for (PetscInt a = 0; a < na && a < 512; a++) {
    Iang[a] = 0;
    for (PetscInt q = 0; q < n1 * n2; q++) Iang[a] += f[(size_t)a * n1 * n2 + q];
    if (Iang[a] > Iang[k]) k = a;
  }
  if (k == 0 || k == na - 1) return ang[k];
  const PetscReal dd = 0.5 * (Iang[k - 1] - Iang[k + 1]) / (Iang[k - 1] - 2 * Iang[k] + Iang[k + 1]);
  return ang[k] + dd * (ang[k + 1] - ang[k]);
}

int main(int argc, char **argv)
{
  TkBCDI      b;
  PetscReal   pix[2], tot[2];
  const char *base = "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 200 -voxel_nm 8 -frame_px 48,48 -rocking_mrad -1.5,1.5,16 -mode both -chi0_scale 0";
  char        opts[512];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* 1. kinematic limit */
  for (int i = 0; i < 2; i++) {
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -chih_scale %g", base, i ? 1e-3 : 1e-2));
    PetscCall(Run(opts, &b));
    PetscCall(Deviation(b, 0, &pix[i], &tot[i]));
    PetscCall(TkBCDIDestroy(&b));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "INFO chih scale 1e-2: pixel dev %.2e, total dev %.2e; 1e-3: %.2e, %.2e\n", (double)pix[0], (double)tot[0], (double)pix[1], (double)tot[1]));
  TkCheckAbs("kinematic limit, chih x 1e-3: max pixel deviation / peak", pix[1], 0, 1e-3, "first Born approximation");
  TkCheckAbs("kinematic limit, chih x 1e-3: integrated intensity deviation", tot[1], 0, 1e-3, "first Born approximation");
  TkCheckRel("deviation ratio for chih 1e-2 -> 1e-3 (second order: 100)", tot[0] / tot[1], 100, 0.2, "Born series: next term O(chih^2)");

  /* 2a. uniform strain: the integrated rocking curve moves by -eps tan thetaB */
  {
    const char         *k = "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 300 -voxel_nm 10 -frame_px 128,128 -rocking_mrad -1.5,1.5,61 -mode kinematic"; /* the spot must stay on the frame as it shears */
    PetscReal           p0, p1, thetaB;
    const TkBraggFrame *f;
    PetscCall(Run(k, &b));
    p0 = RockingPeak(b, PETSC_TRUE);
    PetscCall(TkBCDIGetSolver(b, NULL, &f));
    thetaB = f->thetaB;
    PetscCall(TkBCDIDestroy(&b));
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -strain 1e-3", k));
    PetscCall(Run(opts, &b));
    p1 = RockingPeak(b, PETSC_TRUE);
    PetscCall(TkBCDIDestroy(&b));
    TkCheckRel("uniform expansion 1e-3: rocking-curve shift (urad)", 1e6 * (p1 - p0), -1e6 * 1e-3 * PetscTanReal(thetaB), 0.02, "-eps tan thetaB");
  }
  /* 2c. rocking shears the frames: at rocking angle dw the Bragg spot of a uniformly strained crystal sits at
         detector angle 2 dw* from kh (dw* = -eps tan thetaB), i.e. row N/2 - 2 dw L/px in the frame nearest dw* */
  {
    const char      *k = "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 300 -voxel_nm 10 -frame_px 128,128 -rocking_mrad -0.8,0.4,61 -mode kinematic -strain 1e-3";
    PetscInt         na, n1, n2, kbest = 0, r = 0;
    const PetscReal *fr, *ang;
    PetscReal        best = 0, rows[128] = {0};
    PetscCall(Run(k, &b));
    PetscCall(TkBCDIGetFrames(b, PETSC_TRUE, &na, &n1, &n2, &fr, &ang));
    for (PetscInt a = 0; a < na; a++) {
      PetscReal t = 0;
      for (PetscInt q = 0; q < n1 * n2; q++) t += fr[(size_t)a * n1 * n2 + q];
      if (t > best) best = t, kbest = a;
    }
    for (PetscInt i = 0; i < n1; i++) {
      rows[i] = 0;
      for (PetscInt j = 0; j < n2; j++) rows[i] += fr[((size_t)kbest * n1 + i) * n2 + j];
      if (rows[i] > rows[r]) r = i;
    }
    const PetscReal row = r + 0.5 * (rows[r - 1] - rows[r + 1]) / (rows[r - 1] - 2 * rows[r] + rows[r + 1]);
    TkCheckAbs("rocking shear: detector row of the strained crystal's spot", row, 64 - 2 * ang[kbest] * 1.5 / 55e-6, 0.5, "Bragg's law at the rocking angle: 2 dw from kh");
    PetscCall(TkBCDIDestroy(&b));
  }
  /* 2b. phase ramp along x: the frame peak moves to column N/2 + g L/(k px) */
  {
    const PetscReal  g = 2 * PETSC_PI / 0.6e-6 * 0.25; /* rad/m: a quarter turn per 0.6 um */
    PetscInt         na, n1, n2, best = 0;
    const PetscReal *f;
    PetscReal        col = 0;
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 300 -voxel_nm 10 -frame_px 64,64 -rocking_mrad 0,0,1 -mode kinematic -phase_ramp %.10g,0,0", (double)(g * 1e-6)));
    PetscCall(Run(opts, &b));
    PetscCall(TkBCDIGetFrames(b, PETSC_TRUE, &na, &n1, &n2, &f, NULL));
    for (PetscInt q = 0; q < n1 * n2; q++)
      if (f[q] > f[best]) best = q;
    {
      const PetscInt  c = best % n2, r = best / n2;
      const PetscReal l = f[r * n2 + c - 1], m = f[r * n2 + c], rr = f[r * n2 + c + 1];
      col = c + 0.5 * (l - rr) / (l - 2 * m + rr);
    }
    const PetscReal lam = 1e-10 * TK_HC_KEV_ANGSTROM / 9.0, k = 2 * PETSC_PI / lam, expect = 32 + g * 1.5 / (k * 55e-6);
    TkCheckAbs("phase ramp g along x: detector peak column", col, expect, 0.5, "A(q) = sum rho e^{-i h.u} e^{-i q.r}: peak at q = -g");
    PetscCall(TkBCDIDestroy(&b));
  }
  /* 3. flux balance without absorption on a sphere, one slice through the centre */
  {
    PetscReal err[2];
    for (int i = 0; i < 2; i++) {
      TkTT3D     tt;
      TkTT3DGrid gr;
      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 400 -voxel_nm %g -frame_px 32,32 -rocking_mrad 0,0,1 -no_absorption", i ? 2.5 : 5.0));
      PetscCall(PetscOptionsClear(NULL));
      PetscCall(PetscOptionsInsertString(NULL, opts));
      PetscCall(TkBCDICreate(PETSC_COMM_WORLD, &b));
      PetscCall(TkBCDISetFromOptions(b));
      PetscCall(TkBCDISetUp(b));
      PetscCall(TkBCDIGetSolver(b, &tt, NULL));
      PetscCall(TkTT3DGetGrid(tt, &gr));
      double complex *dh;
      PetscReal      *d0, in = 0, out = 0, worst = 0;
      PetscCall(PetscMalloc2(gr.Np, &dh, gr.Np, &d0));
      for (int a = -2; a <= 4; a++) { /* across the Darwin band, where multiple scattering is strongest */
        const PetscReal beta = 2 * PETSC_PI / 2.35455e-10 * PetscCosReal(0.2969) * a * 60e-6;
        for (PetscInt l = 0; l < gr.nlt; l++) {
          PetscCall(TkTT3DMarchSlice(tt, beta, PETSC_FALSE, l, dh, d0));
          in = out = 0;
          for (PetscInt p = 0; p < gr.Np; p++) in += 1 - d0[p], out += creal(dh[p] * conj(dh[p]));
          if (in > 1e-3 * gr.Np) worst = PetscMax(worst, PetscAbsReal(in - out) / in);
        }
      }
      err[i] = worst;
      PetscCall(PetscFree2(dh, d0));
      PetscCall(TkBCDIDestroy(&b));
    }
    TkCheckAbs("flux balance without absorption, 5 nm step: max relative imbalance", err[0], 0, 1e-3, "energy conservation of TT; scheme error O(step^2)");
    TkCheckRel("flux imbalance ratio for step 5 -> 2.5 nm (second order: 4)", err[0] / err[1], 4, 0.3, "exponential trapezoidal rule");
  }
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
