/* Throughput of the FFT elasticity solver (solvers/spectral) for scripts/bench (section `deform`): a nanoglass-like
   cell (cubic grains of 8 voxels with random moduli, Young's 100-200 GPa, softer one-voxel interfaces at 80 GPa,
   shear eigenstrains in 5 % of the voxels), strain control, solved to -spectral_rtol (default 1e-6). Prints one line
     BENCH n=.. ranks=.. type=.. its=.. solve_s=.. s_per_it=.. fft_s_per_it=.. green_s_per_it=.. local_s_per_it=..
           voxels_per_s_per_core=.. bytes_per_voxel=..
   where an iteration is one fixed-point update (basic) or one CG iteration (krylov), both one forward and one backward
   6-component transform, and bytes_per_voxel is the growth of the resident set from before SetUp to after the solve
   (the solver's own arrays, FFTW buffers and plans, the Krylov vectors) per voxel of this rank.
   Options: -n N (grid N^3, default 24 so that ctest runs it in a second), -spectral_type, -spectral_rtol.
   Under ctest it only checks that the solve converged with a plausible iteration count (no timed assertion). */
#include "nanoglass_elastic_common.h"
#include <petsctime.h>
#include <fftw3-mpi.h>

static PetscReal Hash01(PetscInt a, PetscInt b, PetscInt c, PetscInt salt)
{
  unsigned long long h    = 1469598103934665603ULL;
  const long long    v[4] = {a, b, c, salt};
  for (int i = 0; i < 4; i++) h = (h ^ (unsigned long long)v[i]) * 1099511628211ULL, h ^= h >> 29;
  return (PetscReal)(h % 1000003ULL) / 1000003.0;
}

static PetscErrorCode EventTime(const char name[], PetscReal *t)
{
  PetscLogEvent      ev;
  PetscEventPerfInfo info;
  PetscReal          loc;

  PetscFunctionBegin;
  PetscCall(PetscLogEventGetId(name, &ev));
  PetscCall(PetscLogEventGetPerfInfo(0, ev, &info));
  loc = info.time;
  PetscCall(MPIU_Allreduce(&loc, t, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt       n = 24, its, g = 8;
  TkElasticCase  c;
  PetscLogDouble m0, m1, t0, t1;
  PetscReal      tfft, tgreen, tlocal, bpv, E[6] = {-1e-3, 0, 0, 0, 0, 5e-4};
  PetscMPIInt    size;
  PetscViewer    sv;
  char           view[2048], *hit;
  const char    *type;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscLogDefaultBegin());
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  {
    const PetscInt N[3] = {n, n, n};
    PetscInt       z0, nz;
    PetscReal     *lam, *mu, *es;
    /* the caller's arrays exist before the baseline so that only the solver's memory is counted */
    fftw_mpi_init();
    {
      ptrdiff_t ln, s0;
      (void)fftw_mpi_local_size_3d(n, n, n, PETSC_COMM_WORLD, &ln, &s0);
      nz = (PetscInt)ln, z0 = (PetscInt)s0;
    }
    PetscCall(PetscMalloc3(nz * n * n, &lam, nz * n * n, &mu, 6 * nz * n * n, &es));
    for (PetscInt v = 0; v < nz * n * n; v++) {
      const PetscInt  x = v % n, y = (v / n) % n, z = z0 + v / (n * n);
      const PetscBool iface = (PetscBool)(x % g == 0 || y % g == 0 || z % g == 0);
      const PetscReal Y     = iface ? 80e9 : 100e9 * (1 + Hash01(x / g, y / g, z / g, 1));
      TkLame(Y, 0.35, &lam[v], &mu[v]);
      for (int k = 0; k < 6; k++) es[6 * v + k] = 0;
      if (Hash01(x, y, z, 2) < 0.05) es[6 * v + 3 + (int)(3 * Hash01(x, y, z, 3))] = 0.02;
    }
    for (PetscInt v = 0; v < 6 * nz * n * n; v++) es[v] += 0; /* touch the pages */
    PetscCall(PetscMemoryGetCurrentUsage(&m0));
    PetscCall(TkElasticCaseCreate(PETSC_COMM_WORLD, N, 2e-9, NULL, 0, &c));
    PetscCheck(c.z0 == z0 && c.nz == nz, PETSC_COMM_SELF, PETSC_ERR_PLIB, "solver planes differ from fftw_mpi_local_size_3d");
    PetscCall(TkSpectralSetMaterial(c.s, lam, mu));
    PetscCall(TkSpectralSetEigenstrain(c.s, es));
    PetscCall(TkSpectralSetLoading(c.s, E, NULL, NULL));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(TkSpectralSolve(c.s));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    PetscCall(PetscMemoryGetCurrentUsage(&m1));
    PetscCall(PetscFree3(lam, mu, es));
  }
  PetscCall(TkSpectralGetIterationCount(c.s, &its));
  PetscCall(EventTime("TkSpecFFT", &tfft));
  PetscCall(EventTime("TkSpecGreen", &tgreen));
  PetscCall(EventTime("TkSpecLocal", &tlocal));
  bpv = (m1 - m0) / PetscMax(1, c.nloc);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bpv, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscViewerStringOpen(PETSC_COMM_WORLD, view, sizeof(view), &sv));
  PetscCall(TkSpectralView(c.s, sv));
  PetscCall(PetscViewerDestroy(&sv));
  PetscCall(PetscStrstr(view, "(krylov)", &hit));
  type = hit ? "krylov" : "basic";
  {
    const PetscReal nv = (PetscReal)n * n * n, per = (t1 - t0) / PetscMax(its, 1);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "BENCH n=%d ranks=%d type=%s its=%d solve_s=%.4f s_per_it=%.5f fft_s_per_it=%.5f green_s_per_it=%.5f local_s_per_it=%.5f voxels_per_s_per_core=%.4g bytes_per_voxel=%.0f\n", (int)n, (int)size, type,
                          (int)its, t1 - t0, per, tfft / PetscMax(its, 1), tgreen / PetscMax(its, 1), tlocal / PetscMax(its, 1), nv / per / size, bpv));
  }
  TkCheckTrue("the bench solve converged in 1 to 200 iterations", its >= 1 && its <= 200, "sanity");
  PetscCall(TkElasticCaseDestroy(&c));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
