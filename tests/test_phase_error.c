/* Phase errors against a truth (solvers/inverse/phase_error.c): the constant-removed RMS against closed forms, the
   registration recovering a known sub-voxel translation of a smooth phase field on a sphere, and the joint
   registration of several phases of one object, which fixes a translation that no single one of them does. */
#include "phase_error.h"
#include "tk_test.h"

#define N 40

static PetscReal Field(PetscReal x, PetscReal y, PetscReal z)
{
  /* smooth, no winding, several radians of variation over the sphere along every axis (a translation is determined) */
  return 1.5 * PetscSinReal(2 * PETSC_PI * x / N) + 0.8 * PetscCosReal(2 * PETSC_PI * (y + 0.5 * z) / N) + 1.2 * PetscSinReal(2 * PETSC_PI * z / N + 0.3);
}

int main(int argc, char **argv)
{
  const PetscInt64 n[3] = {N, N, N}, nv = (PetscInt64)N * N * N;
  const PetscReal  shift[3] = {0.37, -1.22, 0.81}; /* x, y, z voxels */
  PetscReal       *truth, *psi, *sup, *half, *moved, t[3], rms;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMalloc5(nv, &truth, nv, &psi, nv, &sup, nv, &half, nv, &moved));
  for (PetscInt64 q = 0; q < nv; q++) {
    const PetscReal x = q % N, y = (q / N) % N, z = q / (N * N), c = N / 2;
    truth[q] = Field(x, y, z);
    sup[q]   = (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c) <= 12.0 * 12.0 ? 1 : 0;
    half[q]  = q % 2 ? 1 : 0;
  }
  /* a constant offset is removed exactly; pi/2 on every other voxel: the circular mean is pi/4, the errors +-pi/4 */
  for (PetscInt64 q = 0; q < nv; q++) psi[q] = truth[q] + 2.5;
  TK_TEST_ERR("constant offset 2.5 rad: RMS", TkPhaseErrorRMS(nv, psi, truth, sup), 1e-12, "exact");
  for (PetscInt64 q = 0; q < nv; q++) psi[q] = truth[q] + (q % 4 < 2 ? PETSC_PI / 2 : 0);
  TK_TEST_REL("pi/2 on half the voxels: RMS = pi/4", TkPhaseErrorRMS(nv, psi, truth, half), PETSC_PI / 4, 1e-12, "closed form");
  /* the object moved by -shift: psi(r) = f(r - shift) + 0.7, so psi(r + shift) = f(r) + 0.7 */
  for (PetscInt64 q = 0; q < nv; q++) psi[q] = Field(q % N - shift[0], (q / N) % N - shift[1], q / (N * N) - shift[2]) + 0.7;
  const PetscReal before = TkPhaseErrorRMS(nv, psi, truth, sup);
  PetscCall(TkPhaseRegister(n, psi, truth, sup, t, &rms, moved));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unregistered %.4f rad; registered %.2e rad at t = %.4f %.4f %.4f (true %.2f %.2f %.2f)\n", (double)before, (double)rms, (double)t[0], (double)t[1], (double)t[2], (double)shift[0], (double)shift[1],
                        (double)shift[2]));
  TK_TEST_TRUE("registration lowers the error >= 10x", rms * 10 <= before, "the translation is the only difference");
  /* the pattern search stops at 1/32 voxel; the trilinear interpolation of e^{i f} biases the optimum by less */
  for (int a = 0; a < 3; a++) TK_TEST_ERR("recovered translation component (voxels)", PetscAbsReal(t[a] - shift[a]), 0.05, "1/32-voxel search + interpolation");
  TK_TEST_ERR("registered error (rad)", rms, 0.01, "trilinear interpolation of a smooth field, 0.3 rad per voxel at most");
  TK_TEST_ERR("moved phase matches the registered error", PetscAbsReal(TkPhaseErrorRMS(nv, moved, truth, sup) - rms), 1e-14, "same numbers");
  /* two phases of one object (two reflections' g.u), each constant along one axis: alone, each leaves that
     component of the translation undetermined (printed: its t_x is arbitrary), together they fix all three */
  {
    PetscReal *ta, *tb, *pa, *pb, *ma, *mb, tj[3], rj[2], ra, tA[3];
    PetscCall(PetscMalloc6(nv, &ta, nv, &tb, nv, &pa, nv, &pb, nv, &ma, nv, &mb));
    for (PetscInt64 q = 0; q < nv; q++) {
      const PetscReal x = q % N, y = (q / N) % N, z = q / (N * N);
      ta[q] = Field(0, y, z), tb[q] = Field(x, 0, z) + 0.4 * PetscSinReal(2 * PETSC_PI * (x - y) / N);
      pa[q] = Field(0, y - shift[1], z - shift[2]) - 1.1;
      pb[q] = Field(x - shift[0], 0, z - shift[2]) + 0.4 * PetscSinReal(2 * PETSC_PI * ((x - shift[0]) - (y - shift[1])) / N) + 0.3;
    }
    const PetscReal *const psis[2] = {pa, pb}, *const truths[2] = {ta, tb};
    PetscReal *const moveds[2] = {ma, mb};
    PetscCall(TkPhaseRegisterJoint(n, 2, psis, truths, sup, tj, rj, moveds));
    PetscCall(TkPhaseRegister(n, pa, ta, sup, tA, &ra, ma));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "joint: t = %.4f %.4f %.4f, errors %.2e %.2e rad; the x-independent phase alone: t_x = %.4f\n", (double)tj[0], (double)tj[1], (double)tj[2], (double)rj[0], (double)rj[1], (double)tA[0]));
    for (int a = 0; a < 3; a++) TK_TEST_ERR("joint registration: translation component (voxels)", PetscAbsReal(tj[a] - shift[a]), 0.05, "1/32-voxel search + interpolation");
    TK_TEST_ERR("joint registration: error of each phase (rad)", PetscMax(rj[0], rj[1]), 0.01, "as the single-phase case");
    PetscCall(PetscFree6(ta, tb, pa, pb, ma, mb));
  }
  PetscCall(PetscFree5(truth, psi, sup, half, moved));
  PetscCall(TK_TEST_SUMMARY());
  PetscCall(PetscFinalize());
  return tk_test_failed ? 1 : 0;
}
