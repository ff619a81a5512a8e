/* A(q1, q2) = sum_p sum_l Dh(p, l) e^{-i (q1 rho_p + q2 t_l)} drho dt (FFTW_FORWARD sign, docs/theory.md): the
   in-plane transform per slice on each rank, then the slices gathered and transformed on rank 0, so the frame does
   not depend on the number of ranks. Frames follow the CXI detector convention: pixel (a, b) has
   q1 = -2 pi (a - N1/2) / (N1pad drho) along e1 and q2 = -2 pi (b - N2/2) / (N2pad dt) along x. */
#include "farfield.h"
#include <fftw3.h> /* after complex.h: fftw_complex is double complex */

struct _p_TkFarField {
  MPI_Comm        comm;
  PetscInt        N1, N2, N1pad, N2pad;
  fftw_complex   *b1, *b2;
  fftw_plan       p1, p2, p1b, p2b; /* forward transforms and their adjoints (FFTW_BACKWARD, unnormalised) */
  double complex *B, *Ball;         /* nlt x N1 and Nt x N1 */
  PetscInt        capB, capAll;
};

PetscErrorCode TkFarFieldCreate(MPI_Comm comm, PetscInt N1, PetscInt N2, PetscInt N1pad, PetscInt N2pad, TkFarField *ff)
{
  TkFarField f;

  PetscFunctionBegin;
  PetscCall(PetscNew(&f));
  f->comm  = comm;
  f->N1    = N1;
  f->N2    = N2;
  f->N1pad = N1pad;
  f->N2pad = N2pad;
  f->b1    = fftw_alloc_complex((size_t)N1pad);
  f->b2    = fftw_alloc_complex((size_t)N2pad);
  f->p1    = fftw_plan_dft_1d((int)N1pad, f->b1, f->b1, FFTW_FORWARD, FFTW_ESTIMATE);
  f->p2    = fftw_plan_dft_1d((int)N2pad, f->b2, f->b2, FFTW_FORWARD, FFTW_ESTIMATE);
  f->p1b   = fftw_plan_dft_1d((int)N1pad, f->b1, f->b1, FFTW_BACKWARD, FFTW_ESTIMATE);
  f->p2b   = fftw_plan_dft_1d((int)N2pad, f->b2, f->b2, FFTW_BACKWARD, FFTW_ESTIMATE);
  *ff      = f;
  PetscFunctionReturn(0);
}

/* The frame |A|^2 scale and/or the amplitude A on rank 0 */
static PetscErrorCode Transform(TkFarField f, PetscInt Np, PetscInt nlt, const double complex *exit, PetscReal drho, PetscReal dt, PetscReal scale, PetscReal *frame, double complex *amp)
{
  PetscMPIInt rank, size, *counts = NULL, *displs = NULL;
  PetscInt    Nt = nlt;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  PetscCheck(Np <= f->N1pad, f->comm, PETSC_ERR_ARG_SIZ, "exit plane (%" PetscInt_FMT ") longer than the padded transform (%" PetscInt_FMT ")", Np, f->N1pad);
  if (nlt > f->capB) {
    PetscCall(PetscFree(f->B));
    PetscCall(PetscMalloc1((size_t)nlt * f->N1, &f->B));
    f->capB = nlt;
  }
  for (PetscInt l = 0; l < nlt; l++) {
    for (PetscInt q = 0; q < f->N1pad; q++) f->b1[q] = 0;
    for (PetscInt p = 0; p < Np; p++) f->b1[p] = exit[(size_t)l * Np + p];
    fftw_execute(f->p1);
    for (PetscInt a = 0; a < f->N1; a++) {
      const PetscInt q            = (f->N1 / 2 - a + f->N1pad) % f->N1pad; /* rows run down, against e1 (CXI default) */
      f->B[(size_t)l * f->N1 + a] = f->b1[q] * drho;
    }
  }
  /* gather the slices (2 doubles per complex) on rank 0 */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &Nt, 1, MPIU_INT, MPI_SUM, f->comm));
  PetscCheck(Nt <= f->N2pad, f->comm, PETSC_ERR_ARG_SIZ, "slices (%" PetscInt_FMT ") more than the padded transform (%" PetscInt_FMT ")", Nt, f->N2pad);
  if (rank == 0) {
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    if (Nt > f->capAll) {
      PetscCall(PetscFree(f->Ball));
      PetscCall(PetscMalloc1((size_t)Nt * f->N1, &f->Ball));
      f->capAll = Nt;
    }
  }
  {
    PetscMPIInt mine = (PetscMPIInt)(2 * nlt * f->N1);
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, f->comm));
    if (rank == 0) {
      displs[0] = 0;
      for (PetscMPIInt r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
    }
    PetscCallMPI(MPI_Gatherv(f->B, mine, MPI_DOUBLE, rank == 0 ? (double *)f->Ball : NULL, counts, displs, MPI_DOUBLE, 0, f->comm));
  }
  if (rank == 0) {
    for (PetscInt a = 0; a < f->N1; a++) {
      for (PetscInt q = 0; q < f->N2pad; q++) f->b2[q] = 0;
      for (PetscInt l = 0; l < Nt; l++) f->b2[l] = f->Ball[(size_t)l * f->N1 + a];
      fftw_execute(f->p2);
      for (PetscInt b = 0; b < f->N2; b++) {
        const PetscInt q  = (f->N2 / 2 - b + f->N2pad) % f->N2pad; /* columns run towards -x (CXI default) */
        const double   re = creal(f->b2[q]) * dt, im = cimag(f->b2[q]) * dt;
        if (frame) frame[a * f->N2 + b] = scale * (re * re + im * im);
        if (amp) amp[a * f->N2 + b] = re + I * im;
      }
    }
    PetscCall(PetscFree2(counts, displs));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkFarFieldFrame(TkFarField f, PetscInt Np, PetscInt nlt, const double complex *exit, PetscReal drho, PetscReal dt, PetscReal scale, PetscReal *frame)
{
  PetscFunctionBegin;
  PetscCall(Transform(f, Np, nlt, exit, drho, dt, scale, frame, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode TkFarFieldAmplitude(TkFarField f, PetscInt Np, PetscInt nlt, const double complex *exit, PetscReal drho, PetscReal dt, double complex *amp)
{
  PetscFunctionBegin;
  PetscCall(Transform(f, Np, nlt, exit, drho, dt, 1, NULL, amp));
  PetscFunctionReturn(0);
}

/* Adjoint of TkFarFieldAmplitude: the transpose of crop-of-padded-FFT is zero-fill then the unnormalised inverse
   FFT, cropped to the unpadded length; the column transforms on rank 0, the slices scattered back to their ranks. */
PetscErrorCode TkFarFieldAmplitudeAdjoint(TkFarField f, PetscInt Np, PetscInt nlt, const double complex *g_amp, PetscReal drho, PetscReal dt, double complex *g_exit)
{
  PetscMPIInt rank, size, *counts = NULL, *displs = NULL, mine = (PetscMPIInt)(2 * nlt * f->N1);
  PetscInt    Nt = nlt;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &Nt, 1, MPIU_INT, MPI_SUM, f->comm));
  if (nlt > f->capB) {
    PetscCall(PetscFree(f->B));
    PetscCall(PetscMalloc1((size_t)nlt * f->N1, &f->B));
    f->capB = nlt;
  }
  if (rank == 0) {
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    if (Nt > f->capAll) {
      PetscCall(PetscFree(f->Ball));
      PetscCall(PetscMalloc1((size_t)Nt * f->N1, &f->Ball));
      f->capAll = Nt;
    }
    for (PetscInt a = 0; a < f->N1; a++) {
      for (PetscInt q = 0; q < f->N2pad; q++) f->b2[q] = 0;
      for (PetscInt b = 0; b < f->N2; b++) f->b2[(f->N2 / 2 - b + f->N2pad) % f->N2pad] = g_amp[a * f->N2 + b] * dt;
      fftw_execute(f->p2b);
      for (PetscInt l = 0; l < Nt; l++) f->Ball[(size_t)l * f->N1 + a] = f->b2[l];
    }
  }
  PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, f->comm));
  if (rank == 0) {
    displs[0] = 0;
    for (PetscMPIInt r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
  }
  PetscCallMPI(MPI_Scatterv(rank == 0 ? (double *)f->Ball : NULL, counts, displs, MPI_DOUBLE, f->B, mine, MPI_DOUBLE, 0, f->comm));
  if (rank == 0) PetscCall(PetscFree2(counts, displs));
  for (PetscInt l = 0; l < nlt; l++) {
    for (PetscInt q = 0; q < f->N1pad; q++) f->b1[q] = 0;
    for (PetscInt a = 0; a < f->N1; a++) f->b1[(f->N1 / 2 - a + f->N1pad) % f->N1pad] = f->B[(size_t)l * f->N1 + a] * drho;
    fftw_execute(f->p1b);
    for (PetscInt p = 0; p < Np; p++) g_exit[(size_t)l * Np + p] = f->b1[p];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkFarFieldDestroy(TkFarField *ff)
{
  PetscFunctionBegin;
  if (!*ff) PetscFunctionReturn(0);
  fftw_destroy_plan((*ff)->p1);
  fftw_destroy_plan((*ff)->p2);
  fftw_destroy_plan((*ff)->p1b);
  fftw_destroy_plan((*ff)->p2b);
  fftw_free((*ff)->b1);
  fftw_free((*ff)->b2);
  PetscCall(PetscFree((*ff)->B));
  PetscCall(PetscFree((*ff)->Ball));
  PetscCall(PetscFree(*ff));
  PetscFunctionReturn(0);
}
