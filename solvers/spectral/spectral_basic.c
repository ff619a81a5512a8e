/* Moulinec-Suquet basic fixed point (CMAME 157, 69, 1998) with eigenstrain and mixed control:
     sigma^i = C : (eps^i - eps*),   eps^{i+1} = eps^i - Gamma0 * sigma^i   (continuous Gamma0, reference lam0, mu0)
   and, at the zero frequency, the stress-controlled components of the mean strain move by the reference compliance
   times the mean-stress mismatch (the zero-frequency part of the same iteration operator, so the same convergence
   condition C0 >= C/2 holds; the Voigt average, smaller than C_max/2 for thin stiff layers, diverges) (the strain-controlled ones are imposed before the loop). One forward and one
   backward 6-component transform per iteration. Converges for finite contrast at the rate ~ (kappa-1)/(kappa+1). */
#include "spectral_impl.h"

PetscErrorCode TkSpectralMaskedCompliance(const PetscBool stress[6], PetscReal lam, PetscReal mu, const PetscReal r[6], PetscReal dE[6])
{
  PetscReal A[6][7];
  PetscInt  idx[6], m = 0;

  PetscFunctionBegin;
  for (int c = 0; c < 6; c++) {
    dE[c] = 0;
    if (stress[c]) idx[m++] = c;
  }
  /* the stress-controlled rows and columns of C0 (Voigt, tensor shear: sigma_yz = 2 mu eps_yz) */
  for (PetscInt a = 0; a < m; a++) {
    for (PetscInt b = 0; b < m; b++) {
      const PetscInt i = idx[a], j = idx[b];
      A[a][b] = (i < 3 && j < 3) ? lam + (i == j ? 2 * mu : 0) : (i == j ? 2 * mu : 0);
    }
    A[a][m] = r[idx[a]];
  }
  for (PetscInt p = 0; p < m; p++) { /* Gaussian elimination; C0 is positive definite */
    for (PetscInt q = p + 1; q < m; q++) {
      const PetscReal f = A[q][p] / A[p][p];
      for (PetscInt b = p; b <= m; b++) A[q][b] -= f * A[p][b];
    }
  }
  for (PetscInt p = m - 1; p >= 0; p--) {
    PetscReal v = A[p][m];
    for (PetscInt b = p + 1; b < m; b++) v -= A[p][b] * dE[idx[b]];
    dE[idx[p]] = v / A[p][p];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSolveBasic(TkSpectral s)
{
  const PetscInt  Nx = s->N[0], Ny = s->N[1];
  const PetscReal Ntot = (PetscReal)s->N[0] * s->N[1] * s->N[2];
  PetscReal       res = 0, rms = 0, mean[6], bc = 0;
  PetscInt        it;

  PetscFunctionBegin;
  PetscCall(TkSpectralImposeMeanStrain(s));
  for (it = 0;; it++) {
    PetscCall(PetscLogEventBegin(s->ev_local, 0, 0, 0, 0));
    for (PetscInt z = 0; z < s->nz; z++)
      for (PetscInt y = 0; y < Ny; y++) {
        const PetscInt v0 = (z * Ny + y) * Nx;
        double        *r  = s->rbuf + TkSpectralRealIndex(s, z, y, 0);
        for (PetscInt x = 0; x < Nx; x++) {
          const PetscInt   v = v0 + x;
          const PetscReal *e = s->eps + 6 * v;
          PetscReal        d[6];
          for (int c = 0; c < 6; c++) d[c] = e[c] - (s->has_eps_star ? s->eps_star[6 * v + c] : 0);
          TkIsoStress(s->lambda[v], s->mu[v], d, r + 6 * x);
        }
      }
    PetscCall(PetscLogFlops(24.0 * s->nloc));
    PetscCall(PetscLogEventEnd(s->ev_local, 0, 0, 0, 0));
    PetscCall(TkSpectralFFTForward(s));
    PetscCall(TkSpectralGreenPass(s, TK_GREEN_CONTINUOUS, s->lam0, s->mu0, -1 / Ntot, PETSC_TRUE, &res, &rms, mean));
    bc = 0;
    for (int c = 0; c < 6; c++)
      if (s->stress[c]) bc = PetscMax(bc, PetscAbsReal(mean[c] - s->S[c]));
    bc = rms > 0 ? bc / rms : 0;
    if (s->monitor) PetscCall(PetscPrintf(s->comm, "  spectral basic %3d  equilibrium %.3e  stress BC %.3e\n", (int)it, (double)res, (double)bc));
    if (res <= s->rtol && bc <= s->rtol) break;
    PetscCheck(it < s->max_it, s->comm, PETSC_ERR_NOT_CONVERGED, "spectral basic scheme did not converge in %d iterations (equilibrium %.2e, stress BC %.2e, rtol %.1e; contrast %.3g): use -spectral_type krylov or raise -spectral_max_it", (int)it,
               (double)res, (double)bc, (double)s->rtol, (double)s->contrast);
    {
      double   *z0 = TkSpectralZeroFrequency(s);
      PetscReal r[6], dE[6];
      for (int c = 0; c < 6; c++) r[c] = s->S[c] - mean[c];
      PetscCall(TkSpectralMaskedCompliance(s->stress, s->lam0, s->mu0, r, dE));
      if (z0)
        for (int c = 0; c < 6; c++) z0[2 * c + 0] = dE[c], z0[2 * c + 1] = 0;
    }
    PetscCall(TkSpectralFFTBackward(s));
    PetscCall(PetscLogEventBegin(s->ev_local, 0, 0, 0, 0));
    for (PetscInt z = 0; z < s->nz; z++)
      for (PetscInt y = 0; y < Ny; y++) {
        const double *r = s->rbuf + TkSpectralRealIndex(s, z, y, 0);
        PetscReal    *e = s->eps + 6 * (z * Ny + y) * Nx;
        for (PetscInt i = 0; i < 6 * Nx; i++) e[i] += r[i];
      }
    PetscCall(PetscLogFlops(6.0 * s->nloc));
    PetscCall(PetscLogEventEnd(s->ev_local, 0, 0, 0, 0));
  }
  s->its      = it;
  s->residual = res;
  PetscFunctionReturn(0);
}
