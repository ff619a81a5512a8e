/* Galerkin form of the Lippmann-Schwinger equation solved by conjugate gradients (Zeman, Vondrejc, Novak, Marek,
   JCP 229, 8065, 2010; Vondrejc, Zeman, Marek, CAMWA 68, 156, 2014), with Willot's rotated finite-difference
   projection (C. R. Mecanique 343, 232, 2015), which stays well behaved with vacuum (zero moduli).
   Unknown: w = eps - E_f, where E_f is the uniform field of the strain-controlled mean components. It lives in
     V = {compatible zero-mean fluctuations} + {uniform fields in the stress-controlled components},
   and P, the orthogonal projection onto V (Willot's Gamma0 with lam0 = 0, mu0 = 1/2 at k != 0; the stress-controlled
   components at k = 0), gives the symmetric positive semi-definite system
     P[C : w] = P[S_mask - C : (E_f - eps*)]
   i.e. equilibrium at every k != 0 and the prescribed mean stress. Vectors hold w in Mandel notation (shear times
   sqrt 2) so that the Euclidean inner product is the tensor one and CG sees a symmetric operator. Vacuum only adds
   a null space (strain inside the vacuum is free) that CG does not excite. */
#include "spectral_impl.h"

#define SQRT2 1.41421356237309504880

/* y = P[C : x] on Mandel vectors; or, with `rhs`, y = P[-C : (E_f - eps*)] + S_mask */
static PetscErrorCode ProjectStress(TkSpectral s, const PetscScalar *x, PetscScalar *y, PetscBool rhs)
{
  const PetscInt  Nx = s->N[0], Ny = s->N[1];
  const PetscReal Ntot = (PetscReal)s->N[0] * s->N[1] * s->N[2];
  PetscReal       Ef[6];
  double         *z0;

  PetscFunctionBegin;
  for (int c = 0; c < 6; c++) Ef[c] = s->stress[c] ? 0 : s->E[c];
  PetscCall(PetscLogEventBegin(s->ev_local, 0, 0, 0, 0));
  for (PetscInt z = 0; z < s->nz; z++)
    for (PetscInt yy = 0; yy < Ny; yy++) {
      const PetscInt v0 = (z * Ny + yy) * Nx;
      double        *r  = s->rbuf + TkSpectralRealIndex(s, z, yy, 0);
      for (PetscInt i = 0; i < Nx; i++) {
        const PetscInt v = v0 + i;
        PetscReal      e[6];
        if (rhs) {
          for (int c = 0; c < 6; c++) e[c] = -(Ef[c] - (s->has_eps_star ? s->eps_star[6 * v + c] : 0));
        } else {
          for (int c = 0; c < 6; c++) e[c] = c < 3 ? x[6 * v + c] : x[6 * v + c] / SQRT2;
        }
        TkIsoStress(s->lambda[v], s->mu[v], e, r + 6 * i);
      }
    }
  PetscCall(PetscLogFlops(24.0 * s->nloc));
  PetscCall(PetscLogEventEnd(s->ev_local, 0, 0, 0, 0));
  PetscCall(TkSpectralFFTForward(s));
  PetscCall(TkSpectralGreenPass(s, TK_GREEN_WILLOT, 0, 0.5, 1 / Ntot, PETSC_TRUE, NULL, NULL, NULL));
  z0 = TkSpectralZeroFrequency(s);
  if (z0)
    for (int c = 0; c < 6; c++) {
      z0[2 * c + 0] = s->stress[c] ? z0[2 * c + 0] / Ntot + (rhs ? s->S[c] : 0) : 0;
      z0[2 * c + 1] = 0;
    }
  PetscCall(TkSpectralFFTBackward(s));
  PetscCall(PetscLogEventBegin(s->ev_local, 0, 0, 0, 0));
  for (PetscInt z = 0; z < s->nz; z++)
    for (PetscInt yy = 0; yy < Ny; yy++) {
      const double *r = s->rbuf + TkSpectralRealIndex(s, z, yy, 0);
      PetscScalar  *o = y + 6 * (z * Ny + yy) * Nx;
      for (PetscInt i = 0; i < Nx; i++)
        for (int c = 0; c < 6; c++) o[6 * i + c] = c < 3 ? r[6 * i + c] : r[6 * i + c] * SQRT2;
    }
  PetscCall(PetscLogEventEnd(s->ev_local, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode MatMult_Spectral(Mat A, Vec x, Vec y)
{
  TkSpectral         s;
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &s));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  PetscCall(ProjectStress(s, xa, ya, PETSC_FALSE));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscFunctionReturn(0);
}

static PetscErrorCode KrylovMonitor(KSP ksp, PetscInt it, PetscReal rnorm, void *ctx)
{
  TkSpectral s = (TkSpectral)ctx;

  PetscFunctionBegin;
  PetscCall(PetscPrintf(s->comm, "  spectral krylov %3d  residual norm %.3e\n", (int)it, (double)rnorm));
  PetscFunctionReturn(0);
}

static PetscErrorCode KrylovSetUp(TkSpectral s)
{
  const PetscInt n = 6 * s->nloc;
  PC             pc;

  PetscFunctionBegin;
  if (s->ksp) PetscFunctionReturn(0);
  PetscCall(VecCreateMPI(s->comm, n, PETSC_DETERMINE, &s->w));
  PetscCall(VecDuplicate(s->w, &s->b));
  PetscCall(MatCreateShell(s->comm, n, n, PETSC_DETERMINE, PETSC_DETERMINE, s, &s->A));
  PetscCall(MatShellSetOperation(s->A, MATOP_MULT, (void (*)(void))MatMult_Spectral));
  PetscCall(MatSetOption(s->A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(KSPCreate(s->comm, &s->ksp));
  PetscCall(KSPSetOptionsPrefix(s->ksp, "spectral_"));
  PetscCall(KSPSetType(s->ksp, KSPCG));
  PetscCall(KSPGetPC(s->ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetOperators(s->ksp, s->A, s->A));
  PetscCall(KSPSetInitialGuessNonzero(s->ksp, PETSC_TRUE));
  PetscCall(KSPSetTolerances(s->ksp, s->rtol, 0, PETSC_DEFAULT, s->max_it));
  if (s->monitor) PetscCall(KSPMonitorSet(s->ksp, KrylovMonitor, s, NULL));
  PetscCall(KSPSetFromOptions(s->ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralSolveKrylov(TkSpectral s)
{
  const PetscInt     Nx = s->N[0], Ny = s->N[1];
  PetscScalar       *wa;
  const PetscScalar *ca;
  PetscReal          mean[6], rms;
  KSPConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(KrylovSetUp(s));
  PetscCall(KSPSetTolerances(s->ksp, s->rtol, 0, PETSC_DEFAULT, s->max_it));
  /* warm start: the previous strain without its strain-controlled mean */
  PetscCall(TkSpectralImposeMeanStrain(s));
  PetscCall(VecGetArrayWrite(s->w, &wa));
  for (PetscInt v = 0; v < s->nloc; v++)
    for (int c = 0; c < 6; c++) {
      const PetscReal e = s->eps[6 * v + c] - (s->stress[c] ? 0 : s->E[c]);
      wa[6 * v + c]     = c < 3 ? e : e * SQRT2;
    }
  PetscCall(VecRestoreArrayWrite(s->w, &wa));
  PetscCall(VecGetArrayWrite(s->b, &wa));
  PetscCall(ProjectStress(s, NULL, wa, PETSC_TRUE));
  PetscCall(VecRestoreArrayWrite(s->b, &wa));
  PetscCall(KSPSolve(s->ksp, s->b, s->w));
  PetscCall(KSPGetConvergedReason(s->ksp, &reason));
  PetscCall(KSPGetIterationNumber(s->ksp, &s->its));
  PetscCheck(reason > 0, s->comm, PETSC_ERR_NOT_CONVERGED,
             "spectral krylov solve did not converge (%s after %d iterations, rtol %.1e): raise -spectral_max_it, or check that the stress-controlled components can be carried by the material (vacuum cannot)", KSPConvergedReasons[reason],
             (int)s->its, (double)s->rtol);
  PetscCall(VecGetArrayRead(s->w, &ca));
  for (PetscInt v = 0; v < s->nloc; v++)
    for (int c = 0; c < 6; c++) s->eps[6 * v + c] = (s->stress[c] ? 0 : s->E[c]) + (c < 3 ? ca[6 * v + c] : ca[6 * v + c] / SQRT2);
  PetscCall(VecRestoreArrayRead(s->w, &ca));
  /* report the equilibrium criterion of the discrete scheme */
  PetscCall(TkSpectralComputeStress(s));
  for (PetscInt z = 0; z < s->nz; z++)
    for (PetscInt y = 0; y < Ny; y++) PetscCall(PetscArraycpy(s->rbuf + TkSpectralRealIndex(s, z, y, 0), s->sigma + 6 * (z * Ny + y) * Nx, 6 * Nx));
  PetscCall(TkSpectralFFTForward(s));
  PetscCall(TkSpectralGreenPass(s, TK_GREEN_WILLOT, 0, 0.5, 1, PETSC_FALSE, &s->residual, &rms, mean));
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralKrylovDestroy(TkSpectral s)
{
  PetscFunctionBegin;
  PetscCall(KSPDestroy(&s->ksp));
  PetscCall(MatDestroy(&s->A));
  PetscCall(VecDestroy(&s->w));
  PetscCall(VecDestroy(&s->b));
  PetscFunctionReturn(0);
}
