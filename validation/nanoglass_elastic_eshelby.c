/* FFT elasticity solver (solvers/spectral): Eshelby inclusions and inhomogeneities in a periodic cell.
   1. Self-strain of a uniform eigenstrain eps* (deviatoric + dilatational) in a sphere and in a cylinder (axis z) in
      a homogeneous medium (nu = 0.3), mean strain zero. Source: interior strain S:eps* with Eshelby's tensor (sphere
      S_ijkl = (5nu-1)/(15(1-nu)) d_ij d_kl + (4-5nu)/(15(1-nu)) (d_ik d_jl + d_il d_jk); cylinder S_1111 = (5-4nu)/(8(1-nu)),
      S_1122 = (4nu-1)/(8(1-nu)), S_1133 = nu/(2(1-nu)), S_1212 = (3-4nu)/(8(1-nu)), S_1313 = 1/4, S_33kl = 0; Mura
      1987 §11). In a periodic cell with zero mean strain the images remove the mean f S:eps* of the disturbance, so the
      interior mean is (1-f) S:eps* up to the anisotropic (cubic / square lattice) part of the image field, which
      changes the deviatoric components by about 0.8 f (measured: 8.7 % at f = 0.11 for a cylinder in a square cell).
      Large cells keep it small: a sphere of R = 10 voxels in 96^3 (f = 0.005), a cylinder of R = 10 in 160 x 160 x 2
      (f = 0.012). Tolerance on every component, relative to the largest: 0.2 % (staircase surface) + f (images).
   2. Spherical inhomogeneity (nu = 0.3 both phases), Young's contrast 2 and 0.5 at volume fractions 0.008, 0.020,
      0.034 (R = 8 voxels in 64^3, 48^3, 40^3), contrast 10 at 0.008: the perturbation of the effective bulk and
      shear moduli, K_eff - K0 and G_eff - G0 (equivalently the inclusion-mean strain), against Mori-Tanaka,
      K_MT = K0 + f (K1-K0)(3K0+4G0) / (3K0+4G0 + 3(1-f)(K1-K0)), G_MT = G0 + f (G1-G0) / (1 + (1-f) b (G1-G0)/G0),
      b = 6(K0+2G0)/(5(3K0+4G0)) (notes/nanoglass_models.md §5.1). Tolerance 1 % (contrast 2, 0.5) and 4 % (contrast
      10), from the discretisation study in the notes (0.05-0.7 % and 2.7 %). */
#include "nanoglass_elastic_common.h"

static PetscErrorCode EshelbySelfStrain(PetscBool cylinder)
{
  const PetscInt   N[3] = {cylinder ? 160 : 96, cylinder ? 160 : 96, cylinder ? 2 : 96};
  const PetscReal  R = 10, nu = 0.3, es[6] = {1e-3, 2e-4, -5e-4, 3e-4, -1e-4, 4e-4}, zero[6] = {0};
  TkElasticCase    c;
  PetscReal        lam, mu, mean[6], count, want[6], f, err = 0, big = 0;
  const PetscReal *eps;
  PetscInt         its;
  char             what[128];

  PetscFunctionBegin;
  TkLame(100e9, nu, &lam, &mu);
  PetscCall(TkElasticCaseCreate(PETSC_COMM_WORLD, N, 1e-9, "basic", 1e-10, &c));
  for (PetscInt v = 0; v < c.nloc; v++) {
    PetscInt  x, y, z;
    PetscReal dx, dy, dz;
    TkElasticCaseVoxel(&c, v, &x, &y, &z);
    dx = x + 0.5 - N[0] / 2.0, dy = y + 0.5 - N[1] / 2.0, dz = cylinder ? 0 : z + 0.5 - N[2] / 2.0;
    c.phase[v]  = dx * dx + dy * dy + dz * dz < R * R;
    c.lambda[v] = lam;
    c.mu[v]     = mu;
    for (int k = 0; k < 6; k++) c.eps_star[6 * v + k] = c.phase[v] ? es[k] : 0;
  }
  PetscCall(TkSpectralSetMaterial(c.s, c.lambda, c.mu));
  PetscCall(TkSpectralSetEigenstrain(c.s, c.eps_star));
  PetscCall(TkSpectralSetLoading(c.s, zero, NULL, NULL));
  PetscCall(TkSpectralSolve(c.s));
  PetscCall(TkSpectralGetIterationCount(c.s, &its));
  PetscCall(TkSpectralGetFields(c.s, &eps, NULL));
  PetscCall(TkElasticCasePhaseMean(&c, eps, 1, mean, &count));
  f = count / ((PetscReal)N[0] * N[1] * N[2]);
  if (!cylinder) {
    const PetscReal a = (5 * nu - 1) / (15 * (1 - nu)), b = (4 - 5 * nu) / (15 * (1 - nu)), tr = es[0] + es[1] + es[2];
    for (int k = 0; k < 6; k++) want[k] = (k < 3 ? a * tr : 0) + 2 * b * es[k];
  } else {
    const PetscReal s11 = (5 - 4 * nu) / (8 * (1 - nu)), s12 = (4 * nu - 1) / (8 * (1 - nu)), s13 = nu / (2 * (1 - nu)), s66 = (3 - 4 * nu) / (8 * (1 - nu));
    want[0] = s11 * es[0] + s12 * es[1] + s13 * es[2];
    want[1] = s12 * es[0] + s11 * es[1] + s13 * es[2];
    want[2] = 0;
    want[3] = 2 * 0.25 * es[3];
    want[4] = 2 * 0.25 * es[4];
    want[5] = 2 * s66 * es[5];
  }
  for (int k = 0; k < 6; k++) want[k] *= 1 - f, big = PetscMax(big, PetscAbsReal(want[k]));
  for (int k = 0; k < 6; k++) err = PetscMax(err, PetscAbsReal(mean[k] - want[k]) / big);
  PetscCall(PetscSNPrintf(what, sizeof(what), "Eshelby %s (f = %.4f, %d its): interior strain vs (1-f) S:eps*", cylinder ? "cylinder" : "sphere", (double)f, (int)its));
  TkCheckAbs(what, err, 0, 0.002 + f, "Eshelby tensor, Mura 1987 §11");
  PetscCall(TkElasticCaseDestroy(&c));
  PetscFunctionReturn(0);
}

static PetscErrorCode MoriTanaka(PetscInt n, PetscReal contrast, PetscReal tol, const char *type)
{
  const PetscInt  N[3] = {n, n, n};
  const PetscReal R = 8, nu = 0.3, e = 1e-3;
  TkElasticCase   c;
  PetscReal       lam[2], mu[2], K[2], G[2], f, count, dummy[6], Keff = 0, Geff = 0, Kmt, Gmt, b;
  char            what[160];

  PetscFunctionBegin;
  TkLame(100e9, nu, &lam[0], &mu[0]);
  TkLame(100e9 * contrast, nu, &lam[1], &mu[1]);
  for (int p = 0; p < 2; p++) K[p] = lam[p] + 2 * mu[p] / 3, G[p] = mu[p];
  PetscCall(TkElasticCaseCreate(PETSC_COMM_WORLD, N, 1e-9, type, 1e-8, &c));
  for (PetscInt v = 0; v < c.nloc; v++) {
    PetscInt  x, y, z;
    PetscReal dx, dy, dz;
    TkElasticCaseVoxel(&c, v, &x, &y, &z);
    dx = x + 0.5 - n / 2.0, dy = y + 0.5 - n / 2.0, dz = z + 0.5 - n / 2.0;
    c.phase[v]  = dx * dx + dy * dy + dz * dz < R * R;
    c.lambda[v] = lam[c.phase[v]];
    c.mu[v]     = mu[c.phase[v]];
  }
  PetscCall(TkElasticCasePhaseMean(&c, c.eps_star, 1, dummy, &count));
  f = count / ((PetscReal)n * n * n);
  PetscCall(TkSpectralSetMaterial(c.s, c.lambda, c.mu));
  for (int load = 0; load < 2; load++) {
    const PetscReal Ehyd[6] = {e, e, e, 0, 0, 0}, Eshear[6] = {0, 0, 0, 0, 0, e};
    PetscReal       Ea[6], Sa[6];
    PetscCall(TkSpectralSetLoading(c.s, load ? Eshear : Ehyd, NULL, NULL));
    PetscCall(TkSpectralSolve(c.s));
    PetscCall(TkSpectralGetAverages(c.s, Ea, Sa));
    if (load == 0)
      Keff = (Sa[0] + Sa[1] + Sa[2]) / (3 * 3 * e);
    else
      Geff = Sa[5] / (2 * e);
  }
  b   = 6 * (K[0] + 2 * G[0]) / (5 * (3 * K[0] + 4 * G[0]));
  Kmt = K[0] + f * (K[1] - K[0]) * (3 * K[0] + 4 * G[0]) / (3 * K[0] + 4 * G[0] + 3 * (1 - f) * (K[1] - K[0]));
  Gmt = G[0] + f * (G[1] - G[0]) / (1 + (1 - f) * b * (G[1] - G[0]) / G[0]);
  PetscCall(PetscSNPrintf(what, sizeof(what), "sphere contrast %g, f = %.4f (%s): (K_eff - K0) / (K_MT - K0)", (double)contrast, (double)f, type));
  TkCheckRel(what, (Keff - K[0]) / (Kmt - K[0]), 1, tol, "Mori-Tanaka, notes §5.1");
  PetscCall(PetscSNPrintf(what, sizeof(what), "sphere contrast %g, f = %.4f (%s): (G_eff - G0) / (G_MT - G0)", (double)contrast, (double)f, type));
  TkCheckRel(what, (Geff - G[0]) / (Gmt - G[0]), 1, tol, "Mori-Tanaka, notes §5.1");
  PetscCall(TkElasticCaseDestroy(&c));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(EshelbySelfStrain(PETSC_FALSE));
  PetscCall(EshelbySelfStrain(PETSC_TRUE));
  PetscCall(MoriTanaka(64, 2, 0.01, "basic"));
  PetscCall(MoriTanaka(48, 2, 0.01, "basic"));
  PetscCall(MoriTanaka(40, 2, 0.01, "basic"));
  PetscCall(MoriTanaka(64, 0.5, 0.01, "basic"));
  PetscCall(MoriTanaka(64, 10, 0.04, "basic"));
  PetscCall(MoriTanaka(64, 10, 0.04, "krylov"));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
