/* A 3D FFT on the FFTW-MPI slab layout whose result does not depend on the number of ranks (docs/phase.md,
   "Parallel layout and reproducibility"). fftw_mpi_plan_dft_3d picks its algorithm from the decomposition (48 x 64 x 64
   on 3 ranks rounds differently from 1 rank), and HIO amplifies any such difference; here every arithmetic operation
   is done by serial FFTW plans that are the same whatever the layout:
     1. each local plane (N1 x N2): rows by one plan over all N1 rows, columns by blocks of TK_COLS columns copied to a
        contiguous buffer (no cache thrashing at power-of-two strides, unlike an estimated 2D plan);
     2. an FFTW-MPI transpose (data movement only) turns the N0 x (N1 N2) matrix into (N1 N2) x N0 rows;
     3. each row of N0 by a single-transform plan (the same plan for every row on every rank);
     4. the transpose back. */
#include "phasing_impl.h"

#define TK_COLS 8

struct _p_TkSlabFFT {
  PetscInt      N[3];
  ptrdiff_t     ln0, lm;
  fftw_complex *data, *buf;
  fftw_plan     rows[2], cols[2], left[2], ax0[2], tr, trb;
};

PetscErrorCode TkSlabFFTLocalSize(MPI_Comm comm, const PetscInt N[3], ptrdiff_t *alloc)
{
  ptrdiff_t ln0, z0, lm, m0, a3, a2, l1, y0;

  PetscFunctionBegin;
  a3     = fftw_mpi_local_size_3d_transposed(N[0], N[1], N[2], comm, &ln0, &z0, &l1, &y0);
  a2     = fftw_mpi_local_size_2d_transposed(N[0], (ptrdiff_t)N[1] * N[2], comm, &ln0, &z0, &lm, &m0);
  *alloc = PetscMax(a3, a2);
  PetscFunctionReturn(0);
}

PetscErrorCode TkSlabFFTCreate(MPI_Comm comm, const PetscInt N[3], fftw_complex *data, unsigned flags, TkSlabFFT *fft)
{
  TkSlabFFT       f;
  ptrdiff_t       ln0, z0, lm, m0, l3, z3;
  const ptrdiff_t M  = (ptrdiff_t)N[1] * N[2];
  const int       n1 = (int)N[1], n2 = (int)N[2], n0 = (int)N[0], left = (int)(N[2] % TK_COLS);
  fftw_complex   *scratch;

  PetscFunctionBegin;
  PetscCall(PetscNew(&f));
  for (int j = 0; j < 3; j++) f->N[j] = N[j];
  fftw_mpi_local_size_2d_transposed(N[0], M, comm, &ln0, &z0, &lm, &m0);
  fftw_mpi_local_size_3d(N[0], N[1], N[2], comm, &l3, &z3);
  PetscCheck(ln0 == l3 && z0 == z3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "FFTW's 2D and 3D slab layouts differ");
  f->ln0  = ln0;
  f->lm   = lm;
  f->data = data;
  f->buf  = fftw_alloc_complex((size_t)TK_COLS * N[1]);
  scratch = fftw_alloc_complex((size_t)PetscMax(M, PetscMax(N[0], TK_COLS * N[1])));
  PetscCheck(f->buf && scratch, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the FFT buffers");
  flags |= FFTW_UNALIGNED; /* the plans run on other arrays than they were made on */
  for (int d = 0; d < 2; d++) {
    const int sign = d ? FFTW_BACKWARD : FFTW_FORWARD;
    f->rows[d]     = fftw_plan_many_dft(1, &n2, n1, scratch, NULL, 1, n2, scratch, NULL, 1, n2, sign, flags);
    f->cols[d]     = fftw_plan_many_dft(1, &n1, TK_COLS, f->buf, NULL, 1, n1, f->buf, NULL, 1, n1, sign, flags);
    f->left[d]     = left ? fftw_plan_many_dft(1, &n1, left, f->buf, NULL, 1, n1, f->buf, NULL, 1, n1, sign, flags) : NULL;
    f->ax0[d]      = fftw_plan_many_dft(1, &n0, 1, scratch, NULL, 1, n0, scratch, NULL, 1, n0, sign, flags);
    PetscCheck(f->rows[d] && f->cols[d] && (!left || f->left[d]) && f->ax0[d], PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the 1D transforms");
  }
  fftw_free(scratch);
  f->tr  = fftw_mpi_plan_many_transpose(N[0], M, 2, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, (double *)data, (double *)data, comm, FFTW_ESTIMATE);
  f->trb = fftw_mpi_plan_many_transpose(M, N[0], 2, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, (double *)data, (double *)data, comm, FFTW_ESTIMATE);
  PetscCheck(f->tr && f->trb, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the transposes");
  *fft = f;
  PetscFunctionReturn(0);
}

/* in place on the array given at creation; sign 0 forward (FFTW_FORWARD), 1 backward (unnormalised) */
PetscErrorCode TkSlabFFTExecute(TkSlabFFT f, int d)
{
  const PetscInt N1 = f->N[1], N2 = f->N[2];
  const size_t   M = (size_t)N1 * N2;

  PetscFunctionBegin;
  for (ptrdiff_t k = 0; k < f->ln0; k++) {
    fftw_complex *pl = f->data + k * M;
    fftw_execute_dft(f->rows[d], pl, pl);
    for (PetscInt j0 = 0; j0 < N2; j0 += TK_COLS) {
      const PetscInt nb = PetscMin(TK_COLS, N2 - j0);
      for (PetscInt i = 0; i < N1; i++) {
        const fftw_complex *src = pl + (size_t)i * N2 + j0;
        for (PetscInt jj = 0; jj < nb; jj++) f->buf[(size_t)jj * N1 + i] = src[jj];
      }
      fftw_execute_dft(nb == TK_COLS ? f->cols[d] : f->left[d], f->buf, f->buf);
      for (PetscInt i = 0; i < N1; i++) {
        fftw_complex *dst = pl + (size_t)i * N2 + j0;
        for (PetscInt jj = 0; jj < nb; jj++) dst[jj] = f->buf[(size_t)jj * N1 + i];
      }
    }
  }
  fftw_execute(f->tr);
  for (ptrdiff_t r = 0; r < f->lm; r++) fftw_execute_dft(f->ax0[d], f->data + r * f->N[0], f->data + r * f->N[0]);
  fftw_execute(f->trb);
  PetscFunctionReturn(0);
}

PetscErrorCode TkSlabFFTDestroy(TkSlabFFT *fft)
{
  PetscFunctionBegin;
  if (!*fft) PetscFunctionReturn(0);
  for (int d = 0; d < 2; d++) {
    fftw_destroy_plan((*fft)->rows[d]);
    fftw_destroy_plan((*fft)->cols[d]);
    if ((*fft)->left[d]) fftw_destroy_plan((*fft)->left[d]);
    fftw_destroy_plan((*fft)->ax0[d]);
  }
  fftw_destroy_plan((*fft)->tr);
  fftw_destroy_plan((*fft)->trb);
  fftw_free((*fft)->buf);
  PetscCall(PetscFree(*fft));
  PetscFunctionReturn(0);
}
