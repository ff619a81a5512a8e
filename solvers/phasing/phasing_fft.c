/* The 3D FFT of takagi phase, arranged around the Fourier projection (docs/phase.md, "Parallel layout and
   reproducibility").

   Every Fourier-space operation of phase retrieval is pointwise, so the Fourier array never has to exist in the
   order of the real-space array: TkPhaseFFTRoundTrip transforms forward, hands the Fourier values to a callback in
   blocks of columns along axis 0 (buf[jj N0 + a0], columns a2 = j0 .. j0 + nb - 1 of Fourier plane a1), and
   transforms back. Fourier-space data (amplitudes, pixel classes) are stored once in the order of those blocks,
   ((a1 - y0) N2 + a2) N0 + a0 over this rank's Fourier planes a1 in [y0, y0 + l1) (TkPhaseFFTToFourierLayout).

   Two kinds:
   slab (default): a result that does not depend on the decomposition. Serial FFTW plans, the same on every rank, do
     all the arithmetic: (1) each local plane along axis 0 (rows by one batched plan, columns in blocks copied to a
     contiguous buffer: no cache thrashing at power-of-two strides); (2) at more than one rank an FFTW-MPI transpose
     (data movement only) of the N0 x N1 matrix of N2-rows gives each rank whole planes a1; (3) per block of TK_COLS
     columns along axis 0: copy to a buffer, transform, callback, transform back, copy back; (4) the transpose back;
     (5) the planes backward. At one rank step (3) reads the columns where they are and there is no transpose.
   fftw_mpi: fftw_mpi_plan_dft_3d with FFTW_MPI_TRANSPOSED_OUT forward and FFTW_MPI_TRANSPOSED_IN backward (the
     Fourier array is N1 x N0 x N2 in planes of a1); the callback sees the same blocks. FFTW chooses its algorithm
     from the decomposition, so the round-off depends on the rank count.

   Planner rigor: estimate (deterministic) or measure. For the slab, measured serial plans are chosen by rank 0 alone
   and broadcast as FFTW wisdom, so every rank runs the same algorithms and the result still does not depend on the
   decomposition. FFTW_MEASURE times candidates, so two runs may choose differently; a wisdom file (-fft_wisdom)
   fixes the choice: it is read when it exists and written after planning otherwise. */
#include "phasing_impl.h"
#include "atomic_file.h"

#define TK_COLS 8

struct _p_TkPhaseFFT {
  MPI_Comm      comm;
  PetscMPIInt   rank, size;
  PetscInt      N[3];
  ptrdiff_t     ln0, z0, l1, y0;
  PetscBool     slab;
  fftw_complex *data, *buf;
  ptrdiff_t     s1, s0;                                            /* strides of Fourier plane a1 - y0 and of a0 in data during the Fourier pass */
  ptrdiff_t     c1, c0;                                            /* the same for TkPhaseFFTToFourierLayout (after the transpose tr, if any) */
  fftw_plan     rows[2], cols[2], colsleft[2], ax0[2], ax0left[2]; /* slab: serial plans */
  fftw_plan     tr, trb;                                           /* more than one rank: the FFTW-MPI transposes */
  fftw_plan     fwd3, bwd3;                                        /* fftw_mpi */
};

static PetscLogEvent TK_EVENT_PLANES, TK_EVENT_TRANSPOSE, TK_EVENT_FOURIER;

PetscErrorCode TkPhaseFFTLocalSize(MPI_Comm comm, const PetscInt N[3], ptrdiff_t *alloc, ptrdiff_t *l1, ptrdiff_t *y0)
{
  ptrdiff_t       ln0, z0, a, b, c, n1, m1;
  const ptrdiff_t n[2] = {N[0], N[1]};

  PetscFunctionBegin;
  a      = fftw_mpi_local_size_3d(N[0], N[1], N[2], comm, &ln0, &z0);
  b      = fftw_mpi_local_size_3d_transposed(N[0], N[1], N[2], comm, &ln0, &z0, l1, y0);
  c      = fftw_mpi_local_size_many_transposed(2, n, 2 * N[2], FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, comm, &ln0, &z0, &n1, &m1) / 2;
  *alloc = PetscMax(a, PetscMax(b, c));
  PetscCheck(n1 == *l1 && m1 == *y0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "FFTW's transposed 3D and 2D layouts differ");
  PetscFunctionReturn(0);
}

/* the serial plans of the slab (on scratch arrays: FFTW_MEASURE overwrites them; FFTW_UNALIGNED: they run on other
   arrays than they were made on) */
static PetscErrorCode PlanSerial(TkPhaseFFT f, unsigned flags)
{
  const int     n0 = (int)f->N[0], n1 = (int)f->N[1], n2 = (int)f->N[2], left1 = (int)(f->N[2] % TK_COLS);
  fftw_complex *scratch = fftw_alloc_complex((size_t)f->N[1] * f->N[2]);

  PetscFunctionBegin;
  PetscCheck(scratch, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the FFT plans");
  flags |= FFTW_UNALIGNED;
  for (int d = 0; d < 2; d++) {
    const int sign = d ? FFTW_BACKWARD : FFTW_FORWARD;
    f->rows[d]     = fftw_plan_many_dft(1, &n2, n1, scratch, NULL, 1, n2, scratch, NULL, 1, n2, sign, flags);
    f->cols[d]     = fftw_plan_many_dft(1, &n1, TK_COLS, f->buf, NULL, 1, n1, f->buf, NULL, 1, n1, sign, flags);
    f->colsleft[d] = left1 ? fftw_plan_many_dft(1, &n1, left1, f->buf, NULL, 1, n1, f->buf, NULL, 1, n1, sign, flags) : NULL;
    f->ax0[d]      = fftw_plan_many_dft(1, &n0, TK_COLS, f->buf, NULL, 1, n0, f->buf, NULL, 1, n0, sign, flags);
    f->ax0left[d]  = left1 ? fftw_plan_many_dft(1, &n0, left1, f->buf, NULL, 1, n0, f->buf, NULL, 1, n0, sign, flags) : NULL;
    PetscCheck(f->rows[d] && f->cols[d] && f->ax0[d] && (!left1 || (f->colsleft[d] && f->ax0left[d])), PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the 1D transforms%s", (flags & FFTW_WISDOM_ONLY) ? " from rank 0's wisdom" : "");
  }
  fftw_free(scratch);
  PetscFunctionReturn(0);
}

/* measured serial plans: rank 0 plans (from the wisdom file when there is one), every other rank rebuilds them
   from rank 0's wisdom */
static PetscErrorCode PlanSerialMeasured(TkPhaseFFT f, const char wisdom_file[])
{
  char     *w    = NULL;
  long long len  = 0;
  PetscBool have = PETSC_FALSE;

  PetscFunctionBegin;
  if (!f->rank) {
    fftw_forget_wisdom(); /* only the file's (or this run's) measurements */
    if (wisdom_file && wisdom_file[0]) {
      FILE *fp = fopen(wisdom_file, "r");
      if (fp) {
        have = (PetscBool)(fftw_import_wisdom_from_file(fp) != 0);
        fclose(fp);
        PetscCheck(have, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-fft_wisdom '%s' is not an FFTW wisdom file of this FFTW (delete it to measure anew)", wisdom_file);
      }
    }
    PetscCall(PlanSerial(f, FFTW_MEASURE));
    w   = fftw_export_wisdom_to_string();
    len = w ? (long long)strlen(w) + 1 : 0;
  }
  PetscCallMPI(MPI_Bcast(&have, 1, MPIU_BOOL, 0, f->comm));
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, f->comm));
  PetscCheck(len > 0, f->comm, PETSC_ERR_LIB, "FFTW exported no wisdom");
  if (f->rank) PetscCall(PetscMalloc1(len, &w));
  PetscCallMPI(MPI_Bcast(w, (int)len, MPI_CHAR, 0, f->comm));
  if (f->rank) {
    fftw_forget_wisdom();
    PetscCheck(fftw_import_wisdom_from_string(w), PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not import rank 0's wisdom");
    PetscCall(PlanSerial(f, FFTW_MEASURE | FFTW_WISDOM_ONLY));
    PetscCall(PetscFree(w));
  }
  if (!have && wisdom_file && wisdom_file[0]) {
    TkAtomicFile af;
    PetscCall(TkAtomicFileBegin(f->comm, wisdom_file, &af));
    if (!f->rank) {
      FILE *fp = fopen(af.tmp_path, "w");
      PetscCheck(fp && fputs(w, fp) >= 0 && !fclose(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write the FFTW wisdom to '%s'", af.tmp_path);
    }
    PetscCall(TkAtomicFileCommit(f->comm, &af));
  }
  if (!f->rank) fftw_free(w); /* FFTW 3.3.10: the exported string is freed with fftw_free */
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseFFTCreate(MPI_Comm comm, const PetscInt N[3], fftw_complex *data, PetscBool slab, PetscBool measure, const char wisdom_file[], TkPhaseFFT *fft)
{
  TkPhaseFFT      f;
  ptrdiff_t       alloc, l3, z3;
  const ptrdiff_t n[2] = {N[0], N[1]}, nt[2] = {N[1], N[0]};
  const unsigned  flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE;

  PetscFunctionBegin;
  if (!TK_EVENT_PLANES) {
    PetscClassId id;
    PetscCall(PetscClassIdRegister("TakagiPhaseFFT", &id));
    PetscCall(PetscLogEventRegister("TkPhaseFFTPlanes", id, &TK_EVENT_PLANES));
    PetscCall(PetscLogEventRegister("TkPhaseFFTTransp", id, &TK_EVENT_TRANSPOSE));
    PetscCall(PetscLogEventRegister("TkPhaseFFTFourier", id, &TK_EVENT_FOURIER));
  }
  PetscCall(PetscNew(&f));
  f->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &f->rank));
  PetscCallMPI(MPI_Comm_size(comm, &f->size));
  for (int j = 0; j < 3; j++) f->N[j] = N[j];
  f->slab = slab;
  f->data = data;
  PetscCall(TkPhaseFFTLocalSize(comm, N, &alloc, &f->l1, &f->y0));
  fftw_mpi_local_size_3d(N[0], N[1], N[2], comm, &l3, &z3);
  f->ln0 = l3;
  f->z0  = z3;
  f->buf = fftw_alloc_complex((size_t)TK_COLS * PetscMax(N[0], N[1]));
  PetscCheck(f->buf, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the FFT buffers");
  /* Fourier planes a1 are rows of N2 along a0: in place at one rank (slab), else after a transpose */
  f->c1 = f->size > 1 ? (ptrdiff_t)N[0] * N[2] : N[2];
  f->c0 = f->size > 1 ? N[2] : (ptrdiff_t)N[1] * N[2];
  if (slab)
    f->s1 = f->c1, f->s0 = f->c0;
  else
    f->s1 = (ptrdiff_t)N[0] * N[2], f->s0 = N[2];
  if (slab) {
    if (measure)
      PetscCall(PlanSerialMeasured(f, wisdom_file));
    else
      PetscCall(PlanSerial(f, FFTW_ESTIMATE));
  } else {
    f->fwd3 = fftw_mpi_plan_dft_3d(N[0], N[1], N[2], data, data, comm, FFTW_FORWARD, flags | FFTW_MPI_TRANSPOSED_OUT);
    f->bwd3 = fftw_mpi_plan_dft_3d(N[0], N[1], N[2], data, data, comm, FFTW_BACKWARD, flags | FFTW_MPI_TRANSPOSED_IN);
    PetscCheck(f->fwd3 && f->bwd3, comm, PETSC_ERR_LIB, "FFTW could not plan the %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " transform", N[0], N[1], N[2]);
  }
  if (f->size > 1) { /* data movement only: its algorithm does not change a value, so it may be measured */
    f->tr  = fftw_mpi_plan_many_transpose(n[0], n[1], 2 * N[2], FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, (double *)data, (double *)data, comm, flags);
    f->trb = fftw_mpi_plan_many_transpose(nt[0], nt[1], 2 * N[2], FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, (double *)data, (double *)data, comm, flags);
    PetscCheck(f->tr && f->trb, comm, PETSC_ERR_LIB, "FFTW could not plan the transposes");
  }
  *fft = f;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseFFTGetFourierPlanes(TkPhaseFFT f, ptrdiff_t *y0, ptrdiff_t *l1)
{
  PetscFunctionBegin;
  *y0 = f->y0;
  *l1 = f->l1;
  PetscFunctionReturn(0);
}

/* every local plane along axis 0, in place; then the plane op on it while it is in cache */
static void Planes(TkPhaseFFT f, int d, TkPhasePlaneOp pop, void *pctx)
{
  const PetscInt N1 = f->N[1], N2 = f->N[2];
  const size_t   M   = (size_t)N1 * N2;
  fftw_complex  *buf = f->buf;

  for (ptrdiff_t k = 0; k < f->ln0; k++) {
    fftw_complex *pl = f->data + k * M;
    fftw_execute_dft(f->rows[d], pl, pl);
    for (PetscInt j0 = 0; j0 < N2; j0 += TK_COLS) {
      const PetscInt nb = PetscMin(TK_COLS, N2 - j0);
      for (PetscInt i = 0; i < N1; i++) {
        const fftw_complex *src = pl + (size_t)i * N2 + j0;
        for (PetscInt jj = 0; jj < nb; jj++) buf[(size_t)jj * N1 + i] = src[jj];
      }
      fftw_execute_dft(nb == TK_COLS ? f->cols[d] : f->colsleft[d], buf, buf);
      for (PetscInt i = 0; i < N1; i++) {
        fftw_complex *dst = pl + (size_t)i * N2 + j0;
        for (PetscInt jj = 0; jj < nb; jj++) dst[jj] = buf[(size_t)jj * N1 + i];
      }
    }
    if (pop) pop(pctx, k, pl);
  }
}

/* blocks of columns along axis 0 of the Fourier planes: copy, [transform], op, [transform back, copy back] */
static void FourierPass(TkPhaseFFT f, int mode, TkPhaseFourierOp op, void *ctx)
{
  const PetscInt N0 = f->N[0], N2 = f->N[2];
  fftw_complex  *buf = f->buf;

  for (ptrdiff_t a1 = 0; a1 < f->l1; a1++) {
    fftw_complex *base = f->data + a1 * f->s1;
    for (PetscInt j0 = 0; j0 < N2; j0 += TK_COLS) {
      const PetscInt nb = PetscMin(TK_COLS, N2 - j0);
      for (PetscInt a0 = 0; a0 < N0; a0++) {
        const fftw_complex *src = base + a0 * f->s0 + j0;
        for (PetscInt jj = 0; jj < nb; jj++) buf[(size_t)jj * N0 + a0] = src[jj];
      }
      if (f->slab && (mode & TK_FFT_FORWARD)) fftw_execute_dft(nb == TK_COLS ? f->ax0[0] : f->ax0left[0], buf, buf);
      op(ctx, a1, j0, nb, buf);
      if (mode & TK_FFT_BACKWARD) {
        if (f->slab) fftw_execute_dft(nb == TK_COLS ? f->ax0[1] : f->ax0left[1], buf, buf);
        for (PetscInt a0 = 0; a0 < N0; a0++) {
          fftw_complex *dst = base + a0 * f->s0 + j0;
          for (PetscInt jj = 0; jj < nb; jj++) dst[jj] = buf[(size_t)jj * N0 + a0];
        }
      }
    }
  }
}

PetscErrorCode TkPhaseFFTRoundTrip(TkPhaseFFT f, int mode, TkPhaseFourierOp op, void *ctx, TkPhasePlaneOp pop, void *pctx)
{
  PetscFunctionBegin;
  if (mode & TK_FFT_FORWARD) {
    if (f->slab) {
      PetscCall(PetscLogEventBegin(TK_EVENT_PLANES, 0, 0, 0, 0));
      Planes(f, 0, NULL, NULL);
      PetscCall(PetscLogEventEnd(TK_EVENT_PLANES, 0, 0, 0, 0));
      if (f->tr) {
        PetscCall(PetscLogEventBegin(TK_EVENT_TRANSPOSE, 0, 0, 0, 0));
        fftw_execute(f->tr);
        PetscCall(PetscLogEventEnd(TK_EVENT_TRANSPOSE, 0, 0, 0, 0));
      }
    } else
      fftw_execute(f->fwd3);
  }
  PetscCall(PetscLogEventBegin(TK_EVENT_FOURIER, 0, 0, 0, 0));
  FourierPass(f, mode, op, ctx);
  PetscCall(PetscLogEventEnd(TK_EVENT_FOURIER, 0, 0, 0, 0));
  if (mode & TK_FFT_BACKWARD) {
    if (f->slab) {
      if (f->trb) {
        PetscCall(PetscLogEventBegin(TK_EVENT_TRANSPOSE, 0, 0, 0, 0));
        fftw_execute(f->trb);
        PetscCall(PetscLogEventEnd(TK_EVENT_TRANSPOSE, 0, 0, 0, 0));
      }
      PetscCall(PetscLogEventBegin(TK_EVENT_PLANES, 0, 0, 0, 0));
      Planes(f, 1, pop, pctx);
      PetscCall(PetscLogEventEnd(TK_EVENT_PLANES, 0, 0, 0, 0));
    } else {
      fftw_execute(f->bwd3);
      if (pop)
        for (ptrdiff_t k = 0; k < f->ln0; k++) pop(pctx, k, f->data + k * f->N[1] * f->N[2]);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseFFTToFourierLayout(TkPhaseFFT f, const PetscReal *in0, const PetscReal *in1, PetscReal *out0, PetscReal *out1)
{
  const PetscInt N0 = f->N[0], N2 = f->N[2];
  const size_t   nloc = (size_t)f->ln0 * f->N[1] * N2;

  PetscFunctionBegin;
  for (size_t q = 0; q < nloc; q++) f->data[q] = in0[q] + I * in1[q];
  if (f->tr) fftw_execute(f->tr);
  for (ptrdiff_t a1 = 0; a1 < f->l1; a1++)
    for (PetscInt a2 = 0; a2 < N2; a2++)
      for (PetscInt a0 = 0; a0 < N0; a0++) {
        const fftw_complex v = f->data[a1 * f->c1 + a0 * f->c0 + a2];
        const size_t       o = ((size_t)a1 * N2 + a2) * N0 + a0;
        out0[o]              = creal(v);
        out1[o]              = cimag(v);
      }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseFFTDestroy(TkPhaseFFT *fft)
{
  TkPhaseFFT f = *fft;

  PetscFunctionBegin;
  if (!f) PetscFunctionReturn(0);
  for (int d = 0; d < 2; d++) {
    fftw_plan *pl[5] = {f->rows, f->cols, f->colsleft, f->ax0, f->ax0left};
    for (int k = 0; k < 5; k++)
      if (pl[k][d]) fftw_destroy_plan(pl[k][d]);
  }
  if (f->tr) fftw_destroy_plan(f->tr);
  if (f->trb) fftw_destroy_plan(f->trb);
  if (f->fwd3) fftw_destroy_plan(f->fwd3);
  if (f->bwd3) fftw_destroy_plan(f->bwd3);
  fftw_free(f->buf);
  PetscCall(PetscFree(*fft));
  PetscFunctionReturn(0);
}
