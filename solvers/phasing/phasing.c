/* Kinematic phase retrieval on the FFTW-MPI slab layout (docs/phase.md).

   Model: I(a) = |F(x)(a)|^2 / Ntot with F = FFTW_FORWARD over the whole N0 x N1 x N2 array and the data in file order
   (not fft-shifted, zero frequency at c = N/2). The iterate is x(n) = psi(n) w(n), w(n) = exp(2 pi i c.n / N): then
   F(x)(a) = sum_n psi(n) exp(-2 pi i (a - c).n / N), so no fftshift (no data movement between ranks) is ever needed,
   and |x| = |psi| for every real-space operation (support, shrink-wrap). Every operation outside the FFTs is
   pointwise; sums are reduced plane by plane in global order and maxima are exact, so with the slab FFT of
   phasing_fft.c (whose result does not depend on the decomposition) a run is bitwise identical at any number of
   ranks.

   One iteration: y = F(x) (in place; y == x on entry); project the modulus onto sqrt(I) on the measured pixels that
   are not held back (masked and free pixels float); y = F^-1(y) / Ntot; then, pointwise with the support S,
     ER   x' = S y
     HIO  x' = y in S, x - beta y outside
     RAAR x' = y in S, beta x + (1 - 2 beta) y outside
   and y = x'. Shrink-wrap every -sw_period iterations: S' = (G_sigma * |S x|) > threshold max(G_sigma * |S x|).
   The projection runs inside the FFT's Fourier pass (on the data stored in its Fourier layout) and the update on each
   plane right after its backward transform (phasing_fft.c), so an iteration reads and writes the arrays as few times
   as the transforms themselves do. */
#include "phasing_impl.h"
#include "options.h"

const char *const TkPhaseLLKTypes[] = {"poisson", "gaussian", "TkPhaseLLKType", "TK_PHASE_LLK_", NULL};

static PetscClassId  TK_PHASE_CLASSID;
static PetscLogEvent TK_EVENT_FFT, TK_EVENT_SW;

/* counter-based random numbers: the same value for a voxel whatever the decomposition */
static inline unsigned long long Mix64(unsigned long long z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline double Uniform(unsigned long long key, unsigned long long i) { return (double)(Mix64(key ^ Mix64(i)) >> 11) * 0x1.0p-53; }

PetscErrorCode TkPhasingCreate(MPI_Comm comm, TkPhasing *ph)
{
  TkPhasing p;

  PetscFunctionBegin;
  if (!TK_PHASE_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiPhasing", &TK_PHASE_CLASSID));
    PetscCall(PetscLogEventRegister("TkPhaseFFT", TK_PHASE_CLASSID, &TK_EVENT_FFT)); /* with the fused projection and update */
    PetscCall(PetscLogEventRegister("TkPhaseShrinkWrap", TK_PHASE_CLASSID, &TK_EVENT_SW));
  }
  PetscCall(PetscNew(&p));
  p->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &p->rank));
  PetscCallMPI(MPI_Comm_size(comm, &p->size));
  PetscCall(PetscStrncpy(p->algorithm, "3*(20ER+180HIO)+20ER", sizeof(p->algorithm)));
  PetscCall(PetscStrncpy(p->fft_rigor, "estimate", sizeof(p->fft_rigor)));
  PetscCall(PetscStrncpy(p->fft_kind, "slab", sizeof(p->fft_kind)));
  p->beta_hio          = 0.9;
  p->beta_raar         = 0.75;
  p->sw_period         = 20;
  p->sw_start          = 20;
  p->sw_sigma          = 1;
  p->sw_threshold      = 0.1;
  p->support_threshold = 0.1;
  p->nruns             = 1;
  p->seed              = 1;
  p->free_fraction     = 0.05;
  p->free_block        = 3;
  p->print_period      = 50;
  p->best_run          = -1;
  p->lab_threshold     = 0.3;
  *ph                  = p;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSetFromOptions(TkPhasing p)
{
  PetscBool set, sw_period_set = PETSC_FALSE;

  PetscFunctionBegin;
  PetscOptionsBegin(p->comm, NULL, "Kinematic phase retrieval", "TkPhasing");
  PetscCall(PetscOptionsString("-algorithm", "Sequence of ER, HIO, RAAR, e.g. 3*(20ER+180HIO)+20ER", "TkPhasingSetAlgorithm", p->algorithm, p->algorithm, sizeof(p->algorithm), NULL));
  PetscCall(PetscOptionsReal("-hio_beta", "HIO feedback beta [0.9]", "TkPhasingSetFromOptions", p->beta_hio, &p->beta_hio, NULL));
  PetscCall(PetscOptionsReal("-raar_beta", "RAAR relaxation beta [0.75]", "TkPhasingSetFromOptions", p->beta_raar, &p->beta_raar, NULL));
  PetscCall(PetscOptionsInt("-sw_period", "Shrink-wrap every this many iterations (0: never) [20; 0 when -algorithm holds SW]", "TkPhasingSetFromOptions", p->sw_period, &p->sw_period, &sw_period_set));
  PetscCall(PetscOptionsInt("-sw_start", "First iteration of a run that may shrink-wrap [20]", "TkPhasingSetFromOptions", p->sw_start, &p->sw_start, NULL));
  PetscCall(PetscOptionsReal("-sw_sigma", "Shrink-wrap Gaussian sigma (voxels) [1]", "TkPhasingSetFromOptions", p->sw_sigma, &p->sw_sigma, NULL));
  PetscCall(PetscOptionsReal("-sw_threshold", "Shrink-wrap threshold, fraction of the maximum of the smoothed modulus [0.1]", "TkPhasingSetFromOptions", p->sw_threshold, &p->sw_threshold, NULL));
  PetscCall(PetscOptionsReal("-support_threshold", "Initial support: autocorrelation modulus above this fraction of its maximum [0.1]", "TkPhasingSetFromOptions", p->support_threshold, &p->support_threshold, NULL));
  PetscCall(PetscOptionsInt("-nruns", "Random starts; the best by free log-likelihood is kept [1]", "TkPhasingSetFromOptions", p->nruns, &p->nruns, NULL));
  PetscCall(PetscOptionsInt("-seed", "Seed of the random starts and of the free pixels (PetscRandom) [1]", "TkPhasingSetFromOptions", p->seed, &p->seed, NULL));
  PetscCall(PetscOptionsReal("-free_fraction", "Fraction of the measured pixels held back for the free log-likelihood (0: none) [0.05]", "TkPhasingSetFromOptions", p->free_fraction, &p->free_fraction, NULL));
  PetscCall(PetscOptionsInt("-free_block", "Free pixels come in cubes of this edge (voxels) [3]", "TkPhasingSetFromOptions", p->free_block, &p->free_block, NULL));
  PetscCall(PetscOptionsEnum("-llk", "Log-likelihood that ranks the runs and is printed", "TkPhasingSetFromOptions", TkPhaseLLKTypes, (PetscEnum)p->llk_type, (PetscEnum *)&p->llk_type, NULL));
  PetscCall(PetscOptionsInt("-print_period", "Progress line every this many iterations (0: none) [50]", "TkPhasingSetFromOptions", p->print_period, &p->print_period, NULL));
  PetscCall(PetscOptionsBool("-remove_ramp", "Remove the linear phase ramp of the object before writing [off]", "TkPhasingWrite", p->remove_ramp, &p->remove_ramp, NULL));
  PetscCall(PetscOptionsString("-fft", "3D FFT: slab (bitwise identical at any rank count) or fftw_mpi (fftw_mpi_plan_dft_3d) [slab]", "TkPhasingSetUp", p->fft_kind, p->fft_kind, sizeof(p->fft_kind), NULL));
  PetscCall(
      PetscOptionsString("-fft_rigor", "FFTW planner: estimate (deterministic) or measure (faster; slab: plans of rank 0 on every rank, fixed by -fft_wisdom) [estimate]", "TkPhasingSetUp", p->fft_rigor, p->fft_rigor, sizeof(p->fft_rigor), NULL));
  PetscCall(PetscOptionsString("-fft_wisdom", "FFTW wisdom file of the measured slab plans: read if it exists, else written (needs -fft_rigor measure)", "TkPhasingSetUp", p->fft_wisdom, p->fft_wisdom, sizeof(p->fft_wisdom), NULL));
  PetscCall(PetscOptionsString("-o", "Output CXI file of the object (/entry_1/image_1/data, PyNX layout)", "TkPhasingWrite", p->output, p->output, sizeof(p->output), NULL));
  PetscCall(PetscOptionsString("-object", "Output HDF5 (+ XDMF) of amplitude, phase_hu, support", "TkPhasingWrite", p->object, p->object, sizeof(p->object), NULL));
  PetscCall(PetscOptionsString("-object_lab", "Output HDF5 (+ XDMF) of the object on an orthogonal lab grid, takagi bcdi's object layout, and its twin (<base>_twin.h5); needs a takagi bcdi CXI file", "TkPhasingWrite", p->object_lab, p->object_lab,
                               sizeof(p->object_lab), NULL));
  PetscCall(PetscOptionsReal("-lab_threshold", "-object_lab: the crystal is |psi| above this fraction of its maximum [0.3]", "TkPhasingWrite", p->lab_threshold, &p->lab_threshold, NULL));
  {
    PetscReal nm = p->lab_spacing * 1e9;
    PetscCall(PetscOptionsReal("-lab_spacing_nm", "-object_lab: grid spacing (nm; 0: the finest detector-frame voxel size) [0]", "TkPhasingWrite", nm, &nm, NULL));
    p->lab_spacing = nm * 1e-9;
  }
  PetscCall(PetscOptionsString("-plot", "PNG of amplitude and phase central slices (needs -object)", "TkPhasingWrite", p->plot, p->plot, sizeof(p->plot), NULL));
  PetscCall(PetscOptionsBool("-quiet", "No progress lines", "TkPhasingSolve", p->quiet, &p->quiet, &set));
  PetscOptionsEnd();
  PetscCheck(!PetscIsInfOrNanReal(p->beta_hio) && p->beta_hio > 0 && p->beta_hio <= 2, p->comm, PETSC_ERR_USER_INPUT, "-hio_beta must lie in (0, 2]");
  PetscCheck(!PetscIsInfOrNanReal(p->beta_raar) && p->beta_raar > 0 && p->beta_raar < 1, p->comm, PETSC_ERR_USER_INPUT, "-raar_beta must lie in (0, 1)");
  PetscCheck(p->sw_period >= 0, p->comm, PETSC_ERR_USER_INPUT, "-sw_period must be >= 0");
  PetscCheck(!PetscIsInfOrNanReal(p->sw_sigma) && p->sw_sigma >= 0 && p->sw_sigma <= 100, p->comm, PETSC_ERR_USER_INPUT, "-sw_sigma must lie in [0, 100] voxels");
  PetscCheck(!PetscIsInfOrNanReal(p->sw_threshold) && p->sw_threshold > 0 && p->sw_threshold < 1, p->comm, PETSC_ERR_USER_INPUT, "-sw_threshold must lie in (0, 1)");
  PetscCheck(!PetscIsInfOrNanReal(p->support_threshold) && p->support_threshold > 0 && p->support_threshold < 1, p->comm, PETSC_ERR_USER_INPUT, "-support_threshold must lie in (0, 1)");
  PetscCheck(p->nruns >= 1 && p->nruns <= 10000, p->comm, PETSC_ERR_USER_INPUT, "-nruns must lie between 1 and 10000");
  PetscCheck(!PetscIsInfOrNanReal(p->free_fraction) && p->free_fraction >= 0 && p->free_fraction <= 0.5, p->comm, PETSC_ERR_USER_INPUT, "-free_fraction must lie in [0, 0.5]");
  PetscCheck(p->free_block >= 1 && p->free_block <= 32, p->comm, PETSC_ERR_USER_INPUT, "-free_block must lie between 1 and 32");
  PetscCheck(p->print_period >= 0, p->comm, PETSC_ERR_USER_INPUT, "-print_period must be >= 0");
  {
    PetscBool e, m;
    PetscCall(PetscStrcmp(p->fft_rigor, "estimate", &e));
    PetscCall(PetscStrcmp(p->fft_rigor, "measure", &m));
    PetscCheck(e || m, p->comm, PETSC_ERR_USER_INPUT, "-fft_rigor '%s': choose estimate or measure", p->fft_rigor);
    PetscCall(PetscStrcmp(p->fft_kind, "slab", &e));
    PetscCall(PetscStrcmp(p->fft_kind, "fftw_mpi", &m));
    PetscCheck(e || m, p->comm, PETSC_ERR_USER_INPUT, "-fft '%s': choose slab or fftw_mpi", p->fft_kind);
    if (p->fft_wisdom[0]) {
      PetscCall(PetscStrcmp(p->fft_rigor, "measure", &m));
      PetscCheck(m && e, p->comm, PETSC_ERR_USER_INPUT, "-fft_wisdom needs -fft slab -fft_rigor measure (it holds the measured slab plans)");
    }
  }
  PetscCheck(!PetscIsInfOrNanReal(p->lab_threshold) && p->lab_threshold > 0 && p->lab_threshold < 1, p->comm, PETSC_ERR_USER_INPUT, "-lab_threshold must lie in (0, 1)");
  PetscCheck(!PetscIsInfOrNanReal(p->lab_spacing) && p->lab_spacing >= 0, p->comm, PETSC_ERR_USER_INPUT, "-lab_spacing_nm must be >= 0");
  PetscCheck(!p->plot[0] || p->object[0], p->comm, PETSC_ERR_USER_INPUT, "-plot needs -object (the plot reads the object file)");
  PetscCall(TkPhasingSetAlgorithm(p, p->algorithm));
  /* shrink-wraps placed in the sequence replace the periodic ones, unless -sw_period asks for both */
  if (!sw_period_set && TkPhaseSequenceHasShrinkWrap(p->steps, p->nsteps)) p->sw_period = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSetAlgorithm(TkPhasing p, const char sequence[])
{
  PetscFunctionBegin;
  if (sequence != p->algorithm) PetscCall(PetscStrncpy(p->algorithm, sequence, sizeof(p->algorithm)));
  PetscCall(PetscFree(p->steps));
  PetscCall(TkPhaseSequenceParse(p->comm, p->algorithm, &p->steps, &p->nsteps, &p->niter));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSetData(TkPhasing p, TkBCDIData d)
{
  PetscFunctionBegin;
  p->data = d;
  PetscFunctionReturn(0);
}

/* the FFTW-MPI slab layout of N and the buffers */
PetscErrorCode TkPhasingSetShape(TkPhasing p, const PetscInt N[3])
{
  ptrdiff_t ln0, z0;

  PetscFunctionBegin;
  PetscCheck(!p->shape_set, p->comm, PETSC_ERR_ARG_WRONGSTATE, "the shape is set once");
  for (int j = 0; j < 3; j++) PetscCheck(N[j] >= 2 && N[j] <= 4096, p->comm, PETSC_ERR_USER_INPUT, "array sizes must lie between 2 and 4096, got %" PetscInt_FMT, N[j]);
  for (int j = 0; j < 3; j++) p->N[j] = N[j];
  p->Ntot = (double)N[0] * N[1] * N[2];
  fftw_mpi_local_size_3d(N[0], N[1], N[2], p->comm, &ln0, &z0);
  PetscCall(TkPhaseFFTLocalSize(p->comm, N, &p->alloc, &p->l1, &p->y0));
  p->ln0   = ln0;
  p->z0    = z0;
  p->plane = (size_t)N[1] * N[2];
  p->nloc  = (size_t)ln0 * p->plane;
  p->nfour = (size_t)p->l1 * N[0] * N[2];
  {
    const double bytes = (double)p->nloc * (3 * 16 + 8 + 3) + 1e6;
    PetscCheck(bytes < 64e9, PETSC_COMM_SELF, PETSC_ERR_MEM, "a %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " reconstruction needs %.3g GB on each of %d ranks", N[0], N[1], N[2], bytes / 1e9, p->size);
  }
  PetscCall(PetscMalloc2(p->size, &p->all_z0, p->size, &p->all_ln0));
  {
    PetscInt mine[2] = {(PetscInt)z0, (PetscInt)ln0}, *all;
    PetscCall(PetscMalloc1(2 * p->size, &all));
    PetscCallMPI(MPI_Allgather(mine, 2, MPIU_INT, all, 2, MPIU_INT, p->comm));
    for (PetscMPIInt r = 0; r < p->size; r++) p->all_z0[r] = all[2 * r], p->all_ln0[r] = all[2 * r + 1];
    PetscCall(PetscFree(all));
  }
  p->x = fftw_alloc_complex((size_t)PetscMax(p->alloc, 1));
  p->y = fftw_alloc_complex((size_t)PetscMax(p->alloc, 1));
  PetscCheck(p->x && p->y, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the FFT buffers");
  {
    const size_t nd = PetscMax(PetscMax(p->nloc, p->nfour), 1); /* data: plane layout, then Fourier layout */
    PetscCall(PetscMalloc5(nd, &p->amp, nd, &p->flag, PetscMax(p->nloc, 1), &p->sup, PetscMax(p->nloc, 1), &p->supbest, PetscMax(p->nloc, 1), &p->sup0));
  }
  PetscCall(PetscMalloc1((size_t)PetscMax(N[0], N[1]) * TK_PHASE_NSUMS, &p->planesum));
  p->shape_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingGetLocalPlanes(TkPhasing p, PetscInt *z0, PetscInt *nz)
{
  PetscFunctionBegin;
  PetscCheck(p->shape_set, p->comm, PETSC_ERR_ARG_WRONGSTATE, "set the shape first");
  *z0 = (PetscInt)p->z0;
  *nz = (PetscInt)p->ln0;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSetIntensityLocal(TkPhasing p, const PetscReal *counts, const unsigned char *mask)
{
  int bad = 0;

  PetscFunctionBegin;
  PetscCheck(p->shape_set, p->comm, PETSC_ERR_ARG_WRONGSTATE, "set the shape first");
  for (size_t q = 0; q < p->nloc; q++) {
    const PetscBool m = (PetscBool)(mask && mask[q]);
    if (!m && !(counts[q] >= 0 && PetscIsNormalReal(counts[q] + 1))) bad = 1;
    p->amp[q]  = m ? 0 : PetscSqrtReal(counts[q] * p->Ntot);
    p->flag[q] = m ? TK_PIX_MASKED : TK_PIX_PROJECTED;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, p->comm));
  PetscCheck(!bad, p->comm, PETSC_ERR_USER_INPUT, "the intensities hold negative or non-finite values outside the mask");
  p->intensity_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* planes [start, start + n) of total, k sums each, added in global plane order */
static PetscErrorCode ReduceInPlaneOrder(TkPhasing p, PetscInt total, ptrdiff_t start, ptrdiff_t n, const PetscReal *local, PetscInt k, PetscReal *result)
{
  PetscFunctionBegin;
  PetscCheck(k <= TK_PHASE_NSUMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many sums");
  PetscCall(PetscArrayzero(p->planesum, total * k));
  if (n) PetscCall(PetscArraycpy(p->planesum + start * k, local, n * k));
  /* each entry is non-zero on one rank only: the sum is exact */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, p->planesum, (int)(total * k), MPIU_REAL, MPI_SUM, p->comm));
  for (PetscInt j = 0; j < k; j++) result[j] = 0;
  for (PetscInt i = 0; i < total; i++)
    for (PetscInt j = 0; j < k; j++) result[j] += p->planesum[i * k + j];
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasePlaneReduce(TkPhasing p, const PetscReal *local, PetscInt k, PetscReal *result)
{
  PetscFunctionBegin;
  PetscCall(ReduceInPlaneOrder(p, p->N[0], p->z0, p->ln0, local, k, result));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseFourierPlaneReduce(TkPhasing p, const PetscReal *local, PetscInt k, PetscReal *result)
{
  PetscFunctionBegin;
  PetscCall(ReduceInPlaneOrder(p, p->N[1], p->y0, p->l1, local, k, result));
  PetscFunctionReturn(0);
}

/* y <- F^-1 op F y (unnormalised), the parts that mode says (phasing_fft.c) */
static PetscErrorCode RoundTrip(TkPhasing p, int mode, TkPhaseFourierOp op, void *ctx, TkPhasePlaneOp pop, void *pctx)
{
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(TK_EVENT_FFT, 0, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  PetscCall(TkPhaseFFTRoundTrip(p->fft, mode, op, ctx, pop, pctx));
  PetscCall(PetscTime(&t1));
  p->fft_seconds += t1 - t0;
  p->fft_count += (mode & TK_FFT_FORWARD ? 1 : 0) + (mode & TK_FFT_BACKWARD ? 1 : 0);
  PetscCall(PetscLogEventEnd(TK_EVENT_FFT, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* Gaussian transfer function exp(-2 pi^2 sigma^2 (k/N)^2), k wrapped to [-N/2, N/2) */
static PetscErrorCode GaussianFactors(TkPhasing p, PetscReal sigma)
{
  double *g[3] = {p->g0, p->g1, p->g2};

  PetscFunctionBegin;
  if (p->g0 && p->g_sigma == sigma) PetscFunctionReturn(0);
  if (!p->g0) PetscCall(PetscMalloc3(p->N[0], &p->g0, p->N[1], &p->g1, p->N[2], &p->g2));
  g[0] = p->g0, g[1] = p->g1, g[2] = p->g2;
  for (int j = 0; j < 3; j++)
    for (PetscInt k = 0; k < p->N[j]; k++) {
      const double kk = (double)(k < (p->N[j] + 1) / 2 ? k : k - p->N[j]) / p->N[j];
      g[j][k]         = exp(-2 * PETSC_PI * PETSC_PI * sigma * sigma * kk * kk);
    }
  p->g_sigma = sigma;
  PetscFunctionReturn(0);
}

static PetscInt64 CountSupport(TkPhasing p, const unsigned char *s)
{
  long long n = 0;
  for (size_t q = 0; q < p->nloc; q++) n += s[q];
  MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_LONG_LONG, MPI_SUM, p->comm);
  return (PetscInt64)n;
}

/* support = |smooth(src)| > threshold * max; y is left equal to x */
static PetscErrorCode SupportFromSmoothed(TkPhasing p, PetscReal threshold)
{
  double vmax = 0, thr;

  PetscFunctionBegin;
  for (size_t q = 0; q < p->nloc; q++) vmax = PetscMax(vmax, creal(p->y[q]));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &vmax, 1, MPI_DOUBLE, MPI_MAX, p->comm));
  thr = threshold * vmax;
  for (size_t q = 0; q < p->nloc; q++) p->sup[q] = creal(p->y[q]) > thr ? 1 : 0;
  PetscFunctionReturn(0);
}

/* Fourier op of the shrink-wrap smoothing: multiply by the Gaussian transfer function / Ntot */
static void GaussianOp(void *ctx, ptrdiff_t a1, PetscInt j0, PetscInt nb, fftw_complex *buf)
{
  TkPhasing      p  = (TkPhasing)ctx;
  const PetscInt N0 = p->N[0];
  const double   g1 = p->g1[p->y0 + a1] / p->Ntot;

  for (PetscInt jj = 0; jj < nb; jj++) {
    const double  g12 = g1 * p->g2[j0 + jj];
    fftw_complex *col = buf + (size_t)jj * N0;
    for (PetscInt a0 = 0; a0 < N0; a0++) col[a0] *= g12 * p->g0[a0];
  }
}

static PetscErrorCode ShrinkWrap(TkPhasing p)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(TK_EVENT_SW, 0, 0, 0, 0));
  PetscCall(GaussianFactors(p, p->sw_sigma));
  for (size_t q = 0; q < p->nloc; q++) p->y[q] = p->sup[q] ? cabs(p->x[q]) : 0; /* the object: inside the support (HIO's outside values are feedback) */
  if (p->sw_sigma > 0) PetscCall(RoundTrip(p, TK_FFT_FORWARD | TK_FFT_BACKWARD, GaussianOp, p, NULL, NULL));
  PetscCall(SupportFromSmoothed(p, p->sw_threshold));
  for (size_t q = 0; q < p->nloc; q++) p->y[q] = p->x[q];
  PetscCall(PetscLogEventEnd(TK_EVENT_SW, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* Fourier op of the autocorrelation: I conj(w(a)) (free pixels count as measured, masked ones are 0) */
static void AutocorrelationOp(void *ctx, ptrdiff_t a1, PetscInt j0, PetscInt nb, fftw_complex *buf)
{
  TkPhasing      p  = (TkPhasing)ctx;
  const PetscInt N0 = p->N[0], N2 = p->N[2];

  for (PetscInt jj = 0; jj < nb; jj++) {
    const size_t         o   = ((size_t)a1 * N2 + j0 + jj) * N0;
    const double complex w12 = conj(p->w1[p->y0 + a1] * p->w2[j0 + jj]);
    for (PetscInt a0 = 0; a0 < N0; a0++) buf[(size_t)jj * N0 + a0] = p->flag[o + a0] == TK_PIX_MASKED ? 0 : (p->amp[o + a0] * p->amp[o + a0] / p->Ntot) * (w12 * conj(p->wf0[a0]));
  }
}

/* Initial support: the autocorrelation modulus |F^-1(I)|, centred at N/2 by the factor conj(w(a)), above a fraction
   of its maximum. */
static PetscErrorCode AutocorrelationSupport(TkPhasing p)
{
  PetscFunctionBegin;
  PetscCall(RoundTrip(p, TK_FFT_BACKWARD, AutocorrelationOp, p, NULL, NULL));
  for (size_t q = 0; q < p->nloc; q++) p->y[q] = cabs(p->y[q]);
  PetscCall(SupportFromSmoothed(p, p->support_threshold));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSetUp(TkPhasing p)
{
  PetscRandom        rnd;
  PetscReal          u;
  unsigned long long free_key;

  PetscFunctionBegin;
  if (p->setup) PetscFunctionReturn(0);
  if (!p->steps) PetscCall(TkPhasingSetAlgorithm(p, p->algorithm));
  if (p->data) {
    PetscReal     *counts;
    unsigned char *mask;
    PetscInt       N[3];
    PetscCall(TkBCDIDataSetUp(p->data));
    PetscCall(TkBCDIDataGetShape(p->data, N));
    PetscCall(TkPhasingSetShape(p, N));
    PetscCall(PetscMalloc2(PetscMax(p->nloc, 1), &counts, PetscMax(p->nloc, 1), &mask));
    PetscCall(TkBCDIDataRead(p->data, (PetscInt)p->z0, (PetscInt)p->ln0, counts, mask));
    PetscCall(TkPhasingSetIntensityLocal(p, counts, mask));
    PetscCall(PetscFree2(counts, mask));
  }
  PetscCheck(p->shape_set && p->intensity_set, p->comm, PETSC_ERR_ARG_WRONGSTATE, "no data: give -data FILE");
  if (p->object_lab[0]) PetscCall(TkPhaseLabCheckGeometry(p)); /* before any iteration */
  /* the FFT (phasing_fft.c) on the work array y */
  {
    PetscBool measure, slab;
    PetscCall(PetscStrcmp(p->fft_rigor, "measure", &measure));
    PetscCall(PetscStrcmp(p->fft_kind, "slab", &slab));
    PetscCall(TkPhaseFFTCreate(p->comm, p->N, p->y, slab, measure, p->fft_wisdom, &p->fft));
  }
  /* centring modulation per axis */
  PetscCall(PetscMalloc4(PetscMax(p->ln0, 1), &p->w0, p->N[1], &p->w1, p->N[2], &p->w2, p->N[0], &p->wf0));
  {
    double complex *w[4] = {p->w0, p->w1, p->w2, p->wf0};
    for (int jj = 0; jj < 4; jj++) {
      const int      j = jj % 3;
      const PetscInt n = jj == 0 ? (PetscInt)p->ln0 : p->N[j], off = jj == 0 ? (PetscInt)p->z0 : 0, c = p->N[j] / 2;
      for (PetscInt i = 0; i < n; i++) {
        const long long m = ((long long)c * (i + off)) % p->N[j]; /* exact phase argument */
        w[jj][i]          = (2 * m == p->N[j]) ? -1.0 : m == 0 ? 1.0 : cexp(2 * PETSC_PI * I * (double)m / p->N[j]);
      }
    }
  }
  /* seeded keys: the free pixels, then one per run */
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)p->seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(PetscRandomGetValueReal(rnd, &u));
  free_key = (unsigned long long)(u * 18446744073709551615.0);
  PetscCall(PetscRandomDestroy(&rnd));
  /* free pixels: cubes of free_block voxels, each held back with probability free_fraction */
  {
    const PetscInt B = p->free_block, nb1 = (p->N[1] + B - 1) / B, nb2 = (p->N[2] + B - 1) / B;
    PetscReal      tot[TK_PHASE_NSUMS] = {0, 0, 0, 0, 0, 0};
    PetscReal     *local;
    PetscCall(PetscCalloc1(PetscMax(p->ln0, 1) * 4, &local));
    for (ptrdiff_t k = 0; k < p->ln0; k++)
      for (PetscInt i = 0; i < p->N[1]; i++)
        for (PetscInt j = 0; j < p->N[2]; j++) {
          const size_t             q = ((size_t)k * p->N[1] + i) * p->N[2] + j;
          const unsigned long long b = ((unsigned long long)((p->z0 + k) / B) * nb1 + i / B) * nb2 + j / B;
          if (p->flag[q] == TK_PIX_MASKED) {
            local[4 * k + 2] += 1;
            continue;
          }
          if (p->free_fraction > 0 && Uniform(free_key, b) < p->free_fraction) p->flag[q] = TK_PIX_FREE;
          const double Iq = p->amp[q] * p->amp[q] / p->Ntot;
          if (p->flag[q] == TK_PIX_FREE)
            local[4 * k + 1] += 1;
          else
            local[4 * k + 0] += 1, local[4 * k + 3] += Iq;
        }
    PetscCall(TkPhasePlaneReduce(p, local, 4, tot));
    PetscCall(PetscFree(local));
    p->nprojected      = (PetscInt)tot[0];
    p->nfree           = (PetscInt)tot[1];
    p->nmasked         = (PetscInt)tot[2];
    p->total_projected = tot[3];
    PetscCheck(p->total_projected > 0, p->comm, PETSC_ERR_USER_INPUT, "no counts on the measured pixels");
  }
  /* amplitudes and pixel classes to the Fourier layout, once */
  {
    const size_t nd = PetscMax(PetscMax(p->nloc, p->nfour), 1);
    PetscReal   *f, *fo, *ao;
    PetscCall(PetscMalloc3(nd, &f, nd, &fo, nd, &ao));
    for (size_t q = 0; q < p->nloc; q++) f[q] = p->flag[q];
    PetscCall(TkPhaseFFTToFourierLayout(p->fft, p->amp, f, ao, fo));
    for (size_t q = 0; q < p->nfour; q++) p->amp[q] = ao[q], p->flag[q] = (unsigned char)fo[q];
    PetscCall(PetscFree3(f, fo, ao));
  }
  PetscCall(AutocorrelationSupport(p));
  p->support0 = (PetscInt)CountSupport(p, p->sup);
  PetscCheck(p->support0 > 0, p->comm, PETSC_ERR_USER_INPUT, "the initial support is empty: lower -support_threshold");
  PetscCall(PetscMemcpy(p->sup0, p->sup, p->nloc));
  PetscCall(PetscCalloc2(p->nruns * TK_PHASE_NSUMS, &p->run_sums, p->nruns, &p->run_support));
  p->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static inline double PoissonTerm(double Ic, double Io)
{
  if (Io <= 0) return Ic;
  if (Ic < 1e-300) Ic = 1e-300;
  return Ic - Io + Io * log(Io / Ic);
}

/* Fourier op of an iteration over y = F(x): log-likelihood sums per Fourier plane (when llk) and the modulus
   projection (when project). part: l1 x TK_PHASE_NSUMS, zeroed by the caller. */
typedef struct {
  TkPhasing  p;
  PetscBool  llk, project;
  PetscReal *part;
} ProjectCtx;

static void ProjectOp(void *ctx, ptrdiff_t a1, PetscInt j0, PetscInt nb, fftw_complex *buf)
{
  const ProjectCtx    *c   = (const ProjectCtx *)ctx;
  const TkPhasing      p   = c->p;
  const double         inv = 1.0 / p->Ntot;
  const size_t         o = ((size_t)a1 * p->N[2] + j0) * p->N[0], n = (size_t)nb * p->N[0];
  const unsigned char *flag = p->flag + o;
  const PetscReal     *amp  = p->amp + o;
  double              *s    = c->part + a1 * TK_PHASE_NSUMS;

  for (size_t q = 0; q < n; q++) {
    const int f = flag[q];
    if (f == TK_PIX_MASKED) continue;
    const double re = creal(buf[q]), im = cimag(buf[q]), m2 = re * re + im * im, a = amp[q];
    if (c->llk) {
      const double Ic = m2 * inv, Io = a * a * inv;
      s[f == TK_PIX_FREE ? 1 : 0] += PoissonTerm(Ic, Io);
      s[f == TK_PIX_FREE ? 3 : 2] += (Ic - Io) * (Ic - Io) / (Io + 1);
    }
    if (f == TK_PIX_PROJECTED) {
      const double m = sqrt(m2);
      s[4] += (m - a) * (m - a), s[5] += a * a;
      if (c->project) buf[q] = m > 0 ? buf[q] * (a / m) : a;
    }
  }
}

/* the log-likelihood sums of F y (y is then garbage) */
static PetscErrorCode Score(TkPhasing p, PetscReal *part)
{
  ProjectCtx c = {p, PETSC_TRUE, PETSC_FALSE, part};

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(part, PetscMax(p->l1, 1) * TK_PHASE_NSUMS));
  PetscCall(RoundTrip(p, TK_FFT_FORWARD, ProjectOp, &c, NULL, NULL));
  PetscFunctionReturn(0);
}

/* real-space op of an iteration on local plane k of y = F^-1 P F x (unnormalised), with the support S:
   ER x' = S y, HIO x' = y in S and x - beta y outside, RAAR x' = y in S and beta x + (1 - 2 beta) y outside; y = x' */
typedef struct {
  TkPhasing        p;
  TkPhaseAlgorithm alg;
} UpdateCtx;

static void UpdateOp(void *ctx, ptrdiff_t k, fftw_complex *y)
{
  const UpdateCtx     *c   = (const UpdateCtx *)ctx;
  const TkPhasing      p   = c->p;
  const double         inv = 1.0 / p->Ntot, bh = p->beta_hio, br = p->beta_raar;
  fftw_complex        *x = p->x + k * p->plane;
  const unsigned char *S = p->sup + k * p->plane;
  const size_t         n = p->plane;

  switch (c->alg) {
  case TK_PHASE_ER:
    for (size_t q = 0; q < n; q++) y[q] = x[q] = S[q] ? y[q] * inv : 0;
    break;
  case TK_PHASE_HIO:
    for (size_t q = 0; q < n; q++) y[q] = x[q] = S[q] ? y[q] * inv : x[q] - bh * inv * y[q];
    break;
  case TK_PHASE_RAAR:
    for (size_t q = 0; q < n; q++) y[q] = x[q] = S[q] ? y[q] * inv : br * x[q] + (1 - 2 * br) * inv * y[q];
    break;
  case TK_PHASE_SW: /* never iterated: the run loop shrink-wraps instead */
    break;
  }
}

/* one iteration, y == x on entry and exit: projection (and the log-likelihood sums of the iterate when llk) fused
   into the Fourier pass, the update into the backward planes */
static PetscErrorCode Iterate(TkPhasing p, TkPhaseAlgorithm alg, PetscBool llk, PetscReal *part)
{
  ProjectCtx c = {p, llk, PETSC_TRUE, part};
  UpdateCtx  u = {p, alg};

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(part, PetscMax(p->l1, 1) * TK_PHASE_NSUMS));
  PetscCall(RoundTrip(p, TK_FFT_FORWARD | TK_FFT_BACKWARD, ProjectOp, &c, UpdateOp, &u));
  PetscFunctionReturn(0);
}

/* normalised log-likelihoods of a sum vector: chosen type, projected and free pixels */
static void LLKOf(TkPhasing p, const PetscReal *s, PetscReal *llk, PetscReal *free_llk)
{
  const int o = p->llk_type == TK_PHASE_LLK_POISSON ? 0 : 2, f = p->llk_type == TK_PHASE_LLK_POISSON ? 2 : 1;
  *llk      = f * s[o] / PetscMax(p->nprojected, 1);
  *free_llk = p->nfree ? f * s[o + 1] / p->nfree : *llk;
}

static PetscErrorCode RandomStart(TkPhasing p, unsigned long long key)
{
  const PetscInt N1 = p->N[1], N2 = p->N[2];
  PetscInt64     n;
  double         scale;

  PetscFunctionBegin;
  PetscCall(PetscMemcpy(p->sup, p->sup0, p->nloc)); /* every run starts from the autocorrelation support */
  n     = CountSupport(p, p->sup);
  scale = sqrt(p->total_projected / (double)n);
  for (ptrdiff_t k = 0; k < p->ln0; k++)
    for (PetscInt i = 0; i < N1; i++)
      for (PetscInt j = 0; j < N2; j++) {
        const size_t             q = ((size_t)k * N1 + i) * N2 + j;
        const unsigned long long g = ((unsigned long long)(p->z0 + k) * N1 + i) * N2 + j;
        p->y[q] = p->x[q] = p->sup[q] ? scale * cexp(2 * PETSC_PI * I * Uniform(key, g)) : 0;
      }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingSolve(TkPhasing p)
{
  PetscRandom    rnd;
  PetscReal     *part, sums[TK_PHASE_NSUMS], u1, u2, best = PETSC_MAX_REAL;
  PetscLogDouble t0, t1, titer = 0;
  const PetscInt total = p->niter * p->nruns;
  PetscInt       done  = 0;

  PetscFunctionBegin;
  PetscCall(TkPhasingSetUp(p));
  PetscCall(PetscMalloc1(PetscMax(p->l1, 1) * TK_PHASE_NSUMS, &part));
  if (!p->best) p->best = fftw_alloc_complex((size_t)PetscMax(p->alloc, 1));
  PetscCheck(p->best, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the best object");
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd)); /* the same stream on every rank */
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)p->seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(PetscRandomGetValueReal(rnd, &u1)); /* the free-pixel key, drawn in SetUp */
  PetscCall(PetscTime(&t0));
  for (PetscInt run = 0; run < p->nruns; run++) {
    unsigned long long key;
    PetscInt           it = 0;
    PetscCall(PetscRandomGetValueReal(rnd, &u1));
    PetscCall(PetscRandomGetValueReal(rnd, &u2));
    key = ((unsigned long long)(u1 * 4294967296.0) << 32) ^ (unsigned long long)(u2 * 4294967296.0);
    PetscCall(RandomStart(p, key));
    for (PetscInt s = 0; s < p->nsteps; s++) {
      if (p->steps[s].alg == TK_PHASE_SW) {
        for (PetscInt c = 0; c < p->steps[s].count; c++) PetscCall(ShrinkWrap(p));
        continue;
      }
      for (PetscInt c = 0; c < p->steps[s].count; c++) {
        PetscLogDouble ta, tb;
        it++;
        done++;
        const PetscBool show = (PetscBool)(!p->quiet && p->print_period > 0 && (it % p->print_period == 0 || it == p->niter));
        PetscCall(PetscTime(&ta));
        const PetscBool sw = (PetscBool)(p->sw_period > 0 && it >= p->sw_start && it % p->sw_period == 0);
        PetscCall(Iterate(p, p->steps[s].alg, show, part));
        if (sw) PetscCall(ShrinkWrap(p));
        PetscCall(PetscTime(&tb));
        titer += tb - ta;
        if (!sw && !show && (p->seconds_iter_best <= 0 || tb - ta < p->seconds_iter_best)) p->seconds_iter_best = tb - ta;
        if (show) {
          PetscReal llk, fllk;
          PetscCall(TkPhaseFourierPlaneReduce(p, part, TK_PHASE_NSUMS, sums));
          LLKOf(p, sums, &llk, &fllk);
          PetscCall(PetscTime(&t1));
          PetscCall(PetscPrintf(p->comm, "phase: run %" PetscInt_FMT "/%" PetscInt_FMT " it %5" PetscInt_FMT "/%" PetscInt_FMT " %-4s LLK %.5e free %.5e chi %.4e support %" PetscInt64_FMT "  %.1f s, ETA %.1f s\n", run + 1, p->nruns, it, p->niter,
                                TkPhaseAlgorithmName(p->steps[s].alg), (double)llk, (double)fllk, (double)PetscSqrtReal(sums[4] / sums[5]), CountSupport(p, p->sup), t1 - t0, (t1 - t0) / done * (total - done)));
        }
      }
    }
    /* score the final object: one more transform, no projection */
    PetscCall(Score(p, part));
    PetscCall(TkPhaseFourierPlaneReduce(p, part, TK_PHASE_NSUMS, sums));
    for (int j = 0; j < TK_PHASE_NSUMS; j++) p->run_sums[run * TK_PHASE_NSUMS + j] = sums[j];
    p->run_support[run] = (PetscInt)CountSupport(p, p->sup);
    {
      PetscReal llk, fllk;
      LLKOf(p, sums, &llk, &fllk);
      if (!p->quiet) PetscCall(PetscPrintf(p->comm, "phase: run %" PetscInt_FMT " done: LLK %.6e, free LLK %.6e (%s), support %" PetscInt_FMT " voxels\n", run + 1, (double)llk, (double)fllk, TkPhaseLLKTypes[p->llk_type], p->run_support[run]));
      if (fllk < best || p->best_run < 0) {
        best        = fllk;
        p->best_run = run;
        PetscCall(PetscArraycpy(p->best, p->x, p->nloc));
        PetscCall(PetscMemcpy(p->supbest, p->sup, p->nloc));
      }
    }
  }
  PetscCall(PetscTime(&t1));
  p->seconds_iter    = titer;
  p->seconds_total   = t1 - t0;
  p->iterations_done = done;
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFree(part));
  PetscCall(TkPhasePostProcess(p));
  p->solved = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingGetObjectLocal(TkPhasing p, const PetscReal **psi, const unsigned char **support)
{
  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkPhasingSolve() first");
  if (psi) *psi = p->psi;
  if (support) *support = p->supbest;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingGetTiming(TkPhasing p, PetscReal *seconds, PetscInt *iterations, PetscReal *seconds_per_fft)
{
  PetscFunctionBegin;
  if (seconds_per_fft) *seconds_per_fft = p->fft_count ? p->fft_seconds / p->fft_count : 0;
  if (seconds) *seconds = p->iterations_done ? p->seconds_iter / p->iterations_done : 0;
  if (iterations) *iterations = p->iterations_done;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingGetBestIterationTime(TkPhasing p, PetscReal *seconds)
{
  PetscFunctionBegin;
  *seconds = p->seconds_iter_best;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingGetResult(TkPhasing p, PetscReal *llk, PetscReal *free_llk, PetscInt *support_size, PetscInt *best_run)
{
  PetscReal l, f;

  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkPhasingSolve() first");
  LLKOf(p, p->run_sums + p->best_run * TK_PHASE_NSUMS, &l, &f);
  if (llk) *llk = l;
  if (free_llk) *free_llk = f;
  if (support_size) *support_size = p->run_support[p->best_run];
  if (best_run) *best_run = p->best_run;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingView(TkPhasing p, PetscViewer v)
{
  PetscFunctionBegin;
  if (p->data) PetscCall(TkBCDIDataView(p->data, v));
  PetscCall(
      PetscViewerASCIIPrintf(v, "Phase retrieval on %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (%d rank(s), planes along axis 0; FFT %s, FFTW %s): %s = %" PetscInt_FMT " iterations x %" PetscInt_FMT " run(s), seed %" PetscInt_FMT "\n",
                             p->N[0], p->N[1], p->N[2], p->size, p->fft_kind, p->fft_rigor, p->algorithm, p->niter, p->nruns, p->seed));
  PetscCall(PetscViewerASCIIPrintf(v, "  HIO beta %g, RAAR beta %g; shrink-wrap every %" PetscInt_FMT " iterations from %" PetscInt_FMT ", sigma %g voxels, threshold %g; initial support: autocorrelation > %g max\n", (double)p->beta_hio,
                                   (double)p->beta_raar, p->sw_period, p->sw_start, (double)p->sw_sigma, (double)p->sw_threshold, (double)p->support_threshold));
  if (p->setup)
    PetscCall(PetscViewerASCIIPrintf(v, "  pixels: %" PetscInt_FMT " projected, %" PetscInt_FMT " free (%.1f %% of the measured, cubes of %" PetscInt_FMT "^3), %" PetscInt_FMT " masked; initial support %" PetscInt_FMT " voxels\n", p->nprojected,
                                     p->nfree, 100.0 * p->nfree / PetscMax(p->nfree + p->nprojected, 1), p->free_block, p->nmasked, p->support0));
  if (p->solved) {
    PetscReal        llk, fllk, pl, pf, gl, gf;
    const PetscReal *s = p->run_sums + p->best_run * TK_PHASE_NSUMS;
    LLKOf(p, s, &llk, &fllk);
    pl = 2 * s[0] / PetscMax(p->nprojected, 1), pf = p->nfree ? 2 * s[1] / p->nfree : 0;
    gl = s[2] / PetscMax(p->nprojected, 1), gf = p->nfree ? s[3] / p->nfree : 0;
    PetscCall(PetscViewerASCIIPrintf(v, "Best run %" PetscInt_FMT " of %" PetscInt_FMT ": free LLK %.6e (%s); Poisson LLK %.6e, free %.6e; Gaussian LLK %.6e, free %.6e; support %" PetscInt_FMT " voxels\n", p->best_run + 1, p->nruns, (double)fllk,
                                     TkPhaseLLKTypes[p->llk_type], (double)pl, (double)pf, (double)gl, (double)gf, p->run_support[p->best_run]));
    PetscCall(PetscViewerASCIIPrintf(v, "Object: mean phase step %.4f, %.4f, %.4f rad/voxel along axes 0, 1, 2 (%s); %" PetscInt_FMT " neighbour pairs in the crystal (modulus > 0.3 max) with a principal-phase jump > pi%s\n", (double)p->ramp[0],
                                     (double)p->ramp[1], (double)p->ramp[2], p->remove_ramp ? "removed" : "kept; -remove_ramp removes it", p->nwraps, p->nwraps ? " (phase_hu is wrapped there)" : ""));
    PetscCall(PetscViewerASCIIPrintf(v, "Solved in %.3g s: %.4g s per iteration (%" PetscInt_FMT " iterations)\n", (double)p->seconds_total, (double)(p->seconds_iter / PetscMax(p->iterations_done, 1)), p->iterations_done));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingWrite(TkPhasing p)
{
  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkPhasingSolve() first");
  if (p->output[0]) PetscCall(TkPhaseWriteCXI(p, p->output));
  if (p->object[0]) PetscCall(TkPhaseWriteFields(p, p->object));
  if (p->object_lab[0]) PetscCall(TkPhaseWriteLab(p, p->object_lab));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhasingDestroy(TkPhasing *ph)
{
  TkPhasing p;

  PetscFunctionBegin;
  if (!*ph) PetscFunctionReturn(0);
  p = *ph;
  PetscCall(TkPhaseFFTDestroy(&p->fft));
  if (p->x) fftw_free(p->x);
  if (p->y) fftw_free(p->y);
  if (p->best) fftw_free(p->best);
  PetscCall(PetscFree5(p->amp, p->flag, p->sup, p->supbest, p->sup0));
  PetscCall(PetscFree4(p->w0, p->w1, p->w2, p->wf0));
  PetscCall(PetscFree3(p->g0, p->g1, p->g2));
  PetscCall(PetscFree2(p->all_z0, p->all_ln0));
  PetscCall(PetscFree(p->planesum));
  PetscCall(PetscFree(p->steps));
  PetscCall(PetscFree2(p->run_sums, p->run_support));
  PetscCall(PetscFree(p->psi));
  PetscCall(PetscFree(*ph));
  PetscFunctionReturn(0);
}
