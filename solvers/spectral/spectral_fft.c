/* FFTW-MPI transforms of the six stress/strain components at once (howmany = 6, interleaved, in place on the padded
   real layout). The forward transform leaves its output transposed (ky rows split over the ranks) and the backward
   one reads it that way, which saves one global transpose each. FFTW_ESTIMATE by default: its plans do not depend
   on timings, so a run is reproducible bit for bit; -spectral_fftw_plan measure is faster for long runs. */
#include "spectral_impl.h"

PetscErrorCode TkSpectralFFTSetUp(TkSpectral s)
{
  const ptrdiff_t n[3] = {s->N[2], s->N[1], s->N[0]}, nc[3] = {s->N[2], s->N[1], s->N[0] / 2 + 1};
  const unsigned  flag[3] = {FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT};
  ptrdiff_t       ln0, z0, ln1, y0, alloc;

  PetscFunctionBegin;
  fftw_mpi_init();
  alloc   = fftw_mpi_local_size_many_transposed(3, nc, 6, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, s->comm, &ln0, &z0, &ln1, &y0);
  s->z0   = ln0 ? (PetscInt)z0 : s->N[2]; /* FFTW reports 0 for a rank without planes; DMDA puts it at the end */
  s->nz   = (PetscInt)ln0;
  s->ky0  = (PetscInt)y0;
  s->nky  = (PetscInt)ln1;
  s->Nc   = s->N[0] / 2 + 1;
  s->Px   = 2 * s->Nc;
  s->nloc = s->nz * s->N[1] * s->N[0];
  s->cbuf = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  PetscCheck(s->cbuf, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the FFT buffer (%g MB); use more ranks or a smaller grid", (double)alloc * sizeof(fftw_complex) / 1e6);
  s->rbuf = (double *)s->cbuf;
  s->fwd  = fftw_mpi_plan_many_dft_r2c(3, n, 6, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, s->rbuf, s->cbuf, s->comm, flag[s->plan] | FFTW_MPI_TRANSPOSED_OUT);
  s->bwd  = fftw_mpi_plan_many_dft_c2r(3, n, 6, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, s->cbuf, s->rbuf, s->comm, flag[s->plan] | FFTW_MPI_TRANSPOSED_IN);
  PetscCheck(s->fwd && s->bwd, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the %d x %d x %d transforms", (int)s->N[0], (int)s->N[1], (int)s->N[2]);
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralFFTForward(TkSpectral s)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(s->ev_fft, 0, 0, 0, 0));
  fftw_execute(s->fwd);
  PetscCall(PetscLogFlops(2.5 * 6 * (double)s->nloc * PetscLog2Real((double)s->N[0] * s->N[1] * s->N[2])));
  PetscCall(PetscLogEventEnd(s->ev_fft, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* unnormalised: the result is N times the inverse transform */
PetscErrorCode TkSpectralFFTBackward(TkSpectral s)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(s->ev_fft, 0, 0, 0, 0));
  fftw_execute(s->bwd);
  PetscCall(PetscLogFlops(2.5 * 6 * (double)s->nloc * PetscLog2Real((double)s->N[0] * s->N[1] * s->N[2])));
  PetscCall(PetscLogEventEnd(s->ev_fft, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralFFTDestroy(TkSpectral s)
{
  PetscFunctionBegin;
  if (s->fwd) fftw_destroy_plan(s->fwd);
  if (s->bwd) fftw_destroy_plan(s->bwd);
  if (s->cbuf) fftw_free(s->cbuf);
  s->fwd = s->bwd = NULL;
  s->cbuf         = NULL;
  s->rbuf         = NULL;
  PetscFunctionReturn(0);
}
