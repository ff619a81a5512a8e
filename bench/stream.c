/* STREAM-like triad probe for scripts/bench: a[i] = b[i] + s*c[i] over arrays much larger than the caches.
   Each MPI rank owns its own arrays; all ranks start every repetition together (barrier) and the bandwidth
   of a repetition is (ranks x bytes per rank) / (slowest rank's time). Reports the best repetition.
   Bytes counted as in STREAM: 3 arrays x 8 bytes per element (read b, read c, write a; the write-allocate read
   of a is not counted, so the hardware moves up to 4/3 of this).
   Usage: mpiexec -n P stream [MiB per array, default 256] [repetitions, default 10] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  int    rank, size;
  long   mib  = argc > 1 ? atol(argv[1]) : 256;
  int    reps = argc > 2 ? atoi(argv[2]) : 10;
  size_t n    = (size_t)mib * 1024 * 1024 / sizeof(double);

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double)), *c = malloc(n * sizeof(double));
  if (!a || !b || !c) {
    fprintf(stderr, "stream: cannot allocate 3 x %ld MiB\n", mib);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  for (size_t i = 0; i < n; i++) { /* first touch by the owning process */
    a[i] = 0;
    b[i] = 1.0 + 1e-9 * (double)(i & 1023);
    c[i] = 2.0;
  }
  const double s    = 3.0;
  double       best = 0, check = 0;
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    double t = MPI_Wtime() - t0, tmax;
    check += a[n / 2 + (size_t)r];
    MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    const double gbs = (double)size * 3.0 * sizeof(double) * (double)n / tmax / 1e9;
    if (gbs > best) best = gbs;
  }
  if (rank == 0) printf("triad ranks %d array_MiB %ld best_GBps %.2f per_rank_GBps %.2f (check %g)\n", size, mib, best, best / size, check);
  free(a);
  free(b);
  free(c);
  MPI_Finalize();
  return 0;
}
