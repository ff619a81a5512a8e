/* Cost of one HIO iteration of takagi phase against two FFTW 3D transforms of the same array (the goal of issue 6:
   an HIO iteration within 1.5x the cost of a forward plus a backward FFT). Printed, not asserted.

   For each size N (option -sizes, default 128; 256 takes ~1 min): synthetic data |F(rho)|^2 of a sphere of radius
   N/8 with a smooth phase, on the FFTW-MPI slab layout; then
     * the reference, FFTW's best: the fastest of -reps executions of fftw_execute(forward) + fftw_execute(backward) of
       in-place fftw_mpi_plan_dft_3d plans with FFTW_MEASURE, in the normal layout and with FFTW_MPI_TRANSPOSED_OUT
       forward / FFTW_MPI_TRANSPOSED_IN backward (the better of the two); also FFTW_ESTIMATE plans (best of 2);
     * t_hio: the fastest iteration of TkPhasingSolve with -algorithm <k>HIO, k = max(2 reps, 6) (-fft slab|fftw_mpi,
       -fft_rigor as given, default slab / estimate: the reproducible setting), no shrink-wrap, no progress lines
       (projection with 5 % free pixels, pointwise HIO update, both transforms); its mean too;
     * t_hio_sw: the mean iteration with shrink-wrap every 20 iterations (two more transforms every 20th iteration).
   Best-of timings because the machine is shared: the minimum is the least disturbed measurement. Run under mpiexec
   for the 1 -> 2 rank speedup. The checks only assert that the runs finish with a finite LLK. */
#include "check.h"
#include "phasing.h"
#include <complex.h>
#include <fftw3-mpi.h>

/* best over reps of forward + backward of an in-place fftw_mpi_plan_dft_3d plan on a (filled) array; transposed:
   forward FFTW_MPI_TRANSPOSED_OUT, backward FFTW_MPI_TRANSPOSED_IN (no transpose back, as phase retrieval may) */
static PetscErrorCode TimePair(PetscInt N, PetscInt reps, unsigned flags, PetscBool transposed, fftw_complex *a, PetscLogDouble *t)
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  fftw_plan      f, b;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  f = fftw_mpi_plan_dft_3d(N, N, N, a, a, comm, FFTW_FORWARD, flags | (transposed ? FFTW_MPI_TRANSPOSED_OUT : 0));
  b = fftw_mpi_plan_dft_3d(N, N, N, a, a, comm, FFTW_BACKWARD, flags | (transposed ? FFTW_MPI_TRANSPOSED_IN : 0));
  fftw_execute(f);
  fftw_execute(b);
  *t = PETSC_MAX_REAL;
  for (PetscInt r = 0; r < reps; r++) {
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscTime(&t0));
    fftw_execute(f);
    fftw_execute(b);
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscTime(&t1));
    *t = PetscMin(*t, t1 - t0);
  }
  fftw_destroy_plan(f);
  fftw_destroy_plan(b);
  PetscFunctionReturn(0);
}

static PetscErrorCode Bench(PetscInt N, PetscInt reps, const char *rigor, const char *fft)
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  PetscMPIInt    size;
  ptrdiff_t      ln0, z0, alloc;
  fftw_complex  *a;
  fftw_plan      f;
  PetscReal     *inten;
  PetscLogDouble test, tmeas, ttr, tnorm;
  const PetscInt n[3] = {N, N, N};
  PetscReal      thio[2], tf[2], llk, tbest = 0;
  PetscInt       iters[2];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  alloc = fftw_mpi_local_size_3d(N, N, N, comm, &ln0, &z0);
  a     = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  /* the object: a sphere with a smooth phase, centred (the modulation (-1)^n puts the data's zero frequency at N/2) */
  for (ptrdiff_t k = 0; k < ln0; k++)
    for (PetscInt i = 0; i < N; i++)
      for (PetscInt j = 0; j < N; j++) {
        const double x = (double)(z0 + k - N / 2), y = (double)(i - N / 2), z = (double)(j - N / 2), r2 = x * x + y * y + z * z, R = N / 8.0;
        const double sgn               = ((z0 + k + i + j) % 2) ? -1 : 1;
        a[((size_t)k * N + i) * N + j] = r2 < R * R ? sgn * cexp(I * 0.5 * sin(x / R) * cos(y / R)) : 0;
      }
  f = fftw_mpi_plan_dft_3d(N, N, N, a, a, comm, FFTW_FORWARD, FFTW_ESTIMATE);
  fftw_execute(f);
  fftw_destroy_plan(f);
  PetscCall(PetscMalloc1(PetscMax(ln0, 1) * N * N, &inten));
  for (size_t q = 0; q < (size_t)ln0 * N * N; q++) inten[q] = (creal(a[q]) * creal(a[q]) + cimag(a[q]) * cimag(a[q])) / ((double)N * N * N);
  /* the reference: two transforms of fftw_mpi_plan_dft_3d, estimated and measured plans */
  PetscCall(TimePair(N, PetscMin(reps, 2), FFTW_ESTIMATE, PETSC_FALSE, a, &test));
  PetscCall(TimePair(N, reps, FFTW_MEASURE, PETSC_FALSE, a, &tmeas));
  PetscCall(TimePair(N, reps, FFTW_MEASURE, PETSC_TRUE, a, &ttr));
  tnorm = tmeas;
  tmeas = PetscMin(tnorm, ttr); /* FFTW's best */
  fftw_free(a);
  /* HIO iterations of takagi phase, without and with shrink-wrap */
  for (int sw = 0; sw < 2; sw++) {
    TkPhasing p;
    PetscInt  pz0, pnz;
    char      alg[32];
    PetscCall(PetscSNPrintf(alg, sizeof(alg), "%" PetscInt_FMT "HIO", sw ? PetscMax(20, reps * 2) : PetscMax(reps * 2, 6)));
    PetscCall(PetscOptionsSetValue(NULL, "-algorithm", alg));
    PetscCall(PetscOptionsSetValue(NULL, "-sw_period", sw ? "20" : "0"));
    PetscCall(PetscOptionsSetValue(NULL, "-sw_start", "1"));
    PetscCall(PetscOptionsSetValue(NULL, "-quiet", "1"));
    PetscCall(PetscOptionsSetValue(NULL, "-fft_rigor", rigor));
    PetscCall(PetscOptionsSetValue(NULL, "-fft", fft));
    PetscCall(TkPhasingCreate(comm, &p));
    PetscCall(TkPhasingSetFromOptions(p));
    PetscCall(TkPhasingSetShape(p, n));
    PetscCall(TkPhasingGetLocalPlanes(p, &pz0, &pnz));
    PetscCheck(pz0 == (PetscInt)z0 && pnz == (PetscInt)ln0, comm, PETSC_ERR_PLIB, "layouts differ");
    PetscCall(TkPhasingSetIntensityLocal(p, inten, NULL));
    PetscCall(TkPhasingSolve(p));
    PetscCall(TkPhasingGetTiming(p, &thio[sw], &iters[sw], &tf[sw]));
    if (!sw) PetscCall(TkPhasingGetBestIterationTime(p, &tbest));
    PetscCall(TkPhasingGetResult(p, &llk, NULL, NULL, NULL));
    PetscCall(TkPhasingDestroy(&p));
    TkCheckTrue(sw ? "HIO + shrink-wrap run finished with a finite LLK" : "HIO run finished with a finite LLK", isfinite((double)llk), "sanity");
  }
  PetscCall(PetscFree(inten));
  PetscCall(PetscPrintf(comm,
                        "BENCH phase N=%" PetscInt_FMT "^3 ranks=%d: two fftw_mpi_plan_dft_3d transforms, best of %" PetscInt_FMT ": %.4f s (estimate), %.4f s (measure, normal %.4f, transposed out/in %.4f); "
                        "HIO iteration (-fft %s, %s): best %.4f s = %.2fx FFTW's best pair, %.2fx the estimated pair (mean %.4f s); with shrink-wrap every 20 (mean) %.4f s; "
                        "mean of its own transform pairs (with the projection) %.4f s; %.3g voxel-iterations/s\n",
                        N, size, reps, (double)test, (double)tmeas, (double)tnorm, (double)ttr, fft, rigor, (double)tbest, (double)(tbest / tmeas), (double)(tbest / test), (double)thio[0], (double)thio[1], (double)(2 * tf[0]),
                        (double)N * N * N / tbest));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt  sizes[8] = {128}, ns = 8, reps = 5;
  PetscBool set;
  char      rigor[32] = "estimate", fft[32] = "slab";

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fftw_mpi_init();
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-sizes", sizes, &ns, &set));
  if (!set) ns = 1;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-reps", &reps, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-fft_rigor", rigor, sizeof(rigor), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-fft", fft, sizeof(fft), NULL));
  for (PetscInt i = 0; i < ns; i++) PetscCall(Bench(sizes[i], reps, rigor, fft));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
