/* FFT elasticity solver (solvers/spectral) with vacuum (lambda = mu = 0): a prismatic pillar under uniaxial load.
   Source: a prism along z, periodic along its axis and surrounded by vacuum, carries the homogeneous uniaxial
   state sigma_zz = Y eps_zz, eps_xx = eps_yy = -nu eps_zz, all other stresses zero (Saint-Venant; exact for any
   cross-section, here a staircase disc, so the free lateral surfaces must come out traction free voxel by voxel).
   Loading: strain control eps_zz = -1 % with the five other mean stresses zero; and stress control of the mean
   sigma_zz (= -phi 2 GPa, phi the area fraction) with the others zero. The krylov scheme (Willot's operator) is
   solved to rtol 1e-10; checked in every pillar voxel, relative to |sigma_zz|: sigma_zz against Y eps_zz and the
   other five stresses against 0, 1e-6; eps_xx, eps_yy against -nu eps_zz, 1e-6 relative; and sigma = 0 in the
   vacuum (exact by construction). Also: -spectral_type auto picks krylov when vacuum is present. */
#include "nanoglass_elastic_common.h"

static PetscErrorCode Run(PetscBool stress_zz)
{
  const PetscInt   n = 32, N[3] = {n, n, 8};
  const PetscReal  Rp = 9.5, Y = 150e9, nu = 0.3, ezz = -0.01;
  PetscReal        lam, mu, phi, count = 0, dummy[6], zz, dsig = 0, deps = 0, svac = 0;
  TkElasticCase    c;
  const PetscReal *eps, *sig;
  PetscInt         its;
  char             what[160];
  PetscBool        sc[6] = {PETSC_TRUE, PETSC_TRUE, stress_zz, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE};
  PetscReal        E[6] = {0, 0, ezz, 0, 0, 0}, S[6] = {0};

  PetscFunctionBegin;
  TkLame(Y, nu, &lam, &mu);
  PetscCall(TkElasticCaseCreate(PETSC_COMM_WORLD, N, 1e-9, stress_zz ? "krylov" : NULL, 1e-10, &c));
  for (PetscInt v = 0; v < c.nloc; v++) {
    PetscInt  x, y, z;
    PetscReal dx, dy;
    TkElasticCaseVoxel(&c, v, &x, &y, &z);
    dx = x + 0.5 - n / 2.0, dy = y + 0.5 - n / 2.0;
    c.phase[v]  = dx * dx + dy * dy < Rp * Rp;
    c.lambda[v] = c.phase[v] ? lam : 0;
    c.mu[v]     = c.phase[v] ? mu : 0;
  }
  PetscCall(TkElasticCasePhaseMean(&c, c.eps_star, 1, dummy, &count));
  phi  = count / ((PetscReal)N[0] * N[1] * N[2]);
  S[2] = -phi * 2e9;
  PetscCall(TkSpectralSetMaterial(c.s, c.lambda, c.mu));
  PetscCall(TkSpectralSetLoading(c.s, E, sc, S));
  PetscCall(TkSpectralSolve(c.s));
  PetscCall(TkSpectralGetIterationCount(c.s, &its));
  PetscCall(TkSpectralGetFields(c.s, &eps, &sig));
  zz = stress_zz ? -2e9 / Y : ezz; /* the pillar's axial strain */
  for (PetscInt v = 0; v < c.nloc; v++) {
    if (!c.phase[v]) {
      for (int k = 0; k < 6; k++) svac = PetscMax(svac, PetscAbsReal(sig[6 * v + k]));
      continue;
    }
    for (int k = 0; k < 6; k++) dsig = PetscMax(dsig, PetscAbsReal(sig[6 * v + k] - (k == 2 ? Y * zz : 0)) / PetscAbsReal(Y * zz));
    deps = PetscMax(deps, PetscMax(PetscAbsReal(eps[6 * v + 0] + nu * zz), PetscAbsReal(eps[6 * v + 1] + nu * zz)) / PetscAbsReal(nu * zz));
    deps = PetscMax(deps, PetscAbsReal(eps[6 * v + 2] - zz) / PetscAbsReal(zz));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &dsig, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &deps, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &svac, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscSNPrintf(what, sizeof(what), "pillar (phi = %.3f), %s control of zz (%d its): stress vs uniaxial Y eps_zz", (double)phi, stress_zz ? "stress" : "strain", (int)its));
  TkCheckAbs(what, dsig, 0, 1e-6, "Saint-Venant uniaxial state");
  PetscCall(PetscSNPrintf(what, sizeof(what), "pillar, %s control: strain vs (-nu, -nu, 1) eps_zz", stress_zz ? "stress" : "strain"));
  TkCheckAbs(what, deps, 0, 1e-6, "Saint-Venant uniaxial state");
  PetscCall(PetscSNPrintf(what, sizeof(what), "pillar, %s control: stress in the vacuum", stress_zz ? "stress" : "strain"));
  TkCheckAbs(what, svac, 0, 0, "C = 0");
  if (!stress_zz) {
    PetscViewer v;
    char        buf[4096];
    char       *has;
    PetscCall(PetscViewerStringOpen(PETSC_COMM_WORLD, buf, sizeof(buf), &v));
    PetscCall(TkSpectralView(c.s, v));
    PetscCall(PetscViewerDestroy(&v));
    PetscCall(PetscStrstr(buf, "type auto (krylov)", &has));
    TkCheckTrue("-spectral_type auto picks krylov with vacuum", has != NULL, "TkSpectralView");
  }
  PetscCall(TkElasticCaseDestroy(&c));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Run(PETSC_FALSE));
  PetscCall(Run(PETSC_TRUE));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
