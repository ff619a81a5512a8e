/* The real-field TT march of takagi reconstruct (solvers/tt/tt3d_fields.c) against the march of takagi bcdi
   (solvers/tt/tt3d.c): with the density rho = S (the shape function at the nodes) and phi = the phase of E = e^{-i phi}
   the two are the same scheme and must give the same detector frames (source: tt3d_fields.c's header, "for rho in
   {0, 1} this is the march of tt3d.c to round-off"). A 250 nm Au(111) sphere at 9 keV, 12 rocking angles, 32 x 32
   pixels: without displacement the frames agree to 1e-12 (relative L2); with an edge dislocation to 1e-6 (tt3d.c
   keeps E in single precision, 6e-8). Runs at 1 and 2 ranks (the slices are split over the ranks). */
#include "tt3d_impl.h"
#include "bcdi_forward.h"
#include "farfield.h"
#include "tk_test.h"
#include <complex.h>

static PetscErrorCode CompareFrames(const char *label, PetscBool dislocation, double tol)
{
  TkBCDI              b;
  TkTT3D              tt;
  const TkBraggFrame *f;
  TkFarField          ff;
  TkTT3DGrid          g;
  PetscReal           sc, *rho, *phi;
  PetscInt            na, N1, N2;
  const PetscReal    *frames;
  double complex     *ex, *amp;
  double              num = 0, den = 0;
  PetscMPIInt         rank;
  char                what[128];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscOptionsClearValue(NULL, "-dislocation"));
  if (dislocation) PetscCall(PetscOptionsSetValue(NULL, "-dislocation", "edge"));
  PetscCall(TkBCDICreate(PETSC_COMM_WORLD, &b));
  PetscCall(TkBCDISetFromOptions(b));
  PetscCall(TkBCDISetUp(b));
  PetscCall(TkBCDISolve(b));
  PetscCall(TkBCDIGetFrames(b, PETSC_FALSE, &na, &N1, &N2, &frames, NULL));
  PetscCall(TkBCDIGetSolver(b, &tt, &f));
  PetscCall(TkBCDIGetFarField(b, &ff, &sc));
  PetscCall(TkTT3DGetGrid(tt, &g));
  const size_t nn = (size_t)g.nlt * g.Nm * g.Nn, fr = (size_t)N1 * N2;
  PetscCall(PetscMalloc4(PetscMax(nn, 1), &rho, PetscMax(nn, 1), &phi, (size_t)PetscMax(g.nlt, 1) * g.Np, &ex, fr, &amp));
  for (size_t q = 0; q < nn; q++) {
    rho[q] = tt->S[q];
    phi[q] = tt->S[q] ? -cargf(tt->E[q]) : 0;
  }
  PetscCall(TkTT3DSetObjectFields(tt, rho, phi));
  for (PetscInt a = 0; a < na; a++) {
    PetscReal beta, ramp;
    PetscCall(TkBCDIGetAngle(b, a, &beta, &ramp));
    for (PetscInt l = 0; l < g.nlt; l++) {
      PetscCall(TkTT3DMarchSliceFields(tt, beta, l, ex + (size_t)l * g.Np, NULL));
      for (PetscInt p = 0; p < g.Np; p++) ex[(size_t)l * g.Np + p] *= cexp(I * ramp * p * g.drho);
    }
    PetscCall(TkFarFieldAmplitude(ff, g.Np, g.nlt, ex, g.drho, g.dt, rank == 0 ? amp : NULL));
    if (rank == 0)
      for (size_t q = 0; q < fr; q++) {
        const double I1 = sc * creal(amp[q] * conj(amp[q])), I0 = frames[a * fr + q];
        num += (I1 - I0) * (I1 - I0);
        den += I0 * I0;
      }
  }
  PetscCallMPI(MPI_Bcast(&num, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(&den, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s: frames of the real-field march, relative L2", label));
  TK_TEST_TRUE("frames are not empty", den > 0, "takagi bcdi");
  TK_TEST_ERR(what, den > 0 ? sqrt(num / den) : 1, tol, "tt3d_fields.c = tt3d.c for rho in {0,1}");
  PetscCall(PetscFree4(rho, phi, ex, amp));
  PetscCall(TkBCDIDestroy(&b));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsInsertString(NULL, "-crystal Au -hkl 1,1,1 -energy_keV 9 -shape sphere -size_nm 250 -voxel_nm 20 -detector_distance_m 0.8 -pixel_um 55 -frame_px 32,32 -rocking_mrad -1.5,1.5,12"));
  PetscCall(CompareFrames("sphere", PETSC_FALSE, 1e-12));
  PetscCall(CompareFrames("sphere with an edge dislocation", PETSC_TRUE, 1e-6));
  PetscCall(TK_TEST_SUMMARY());
  PetscCall(PetscFinalize());
  return tk_test_failed ? 1 : 0;
}
