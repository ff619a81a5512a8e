/* Internals shared by the phasing sources (not for other folders). */
#pragma once
#include "phasing.h"
#include <complex.h>
#include <fftw3-mpi.h> /* after complex.h: fftw_complex is double complex */

typedef enum { TK_PHASE_ER, TK_PHASE_HIO, TK_PHASE_RAAR, TK_PHASE_SW } TkPhaseAlgorithm; /* SW: a shrink-wrap, not an iteration */

typedef struct {
  TkPhaseAlgorithm alg;
  PetscInt         count;
} TkPhaseStep;

typedef enum { TK_PHASE_LLK_POISSON, TK_PHASE_LLK_GAUSSIAN } TkPhaseLLKType;
PETSC_EXTERN const char *const TkPhaseLLKTypes[];

/* pixel classes of the data */
enum {
  TK_PIX_PROJECTED = 0, /* measured, its modulus imposed */
  TK_PIX_FREE      = 1, /* measured, held back: floats, scores the free log-likelihood */
  TK_PIX_MASKED    = 2  /* not measured: floats */
};

/* log-likelihood sums of one object: [0] projected-pixel Poisson deviance, [1] free Poisson, [2] projected Gaussian,
   [3] free Gaussian, [4] sum (|F| - sqrt(I))^2 and [5] sum I over the projected pixels */
#define TK_PHASE_NSUMS 6

typedef struct _p_TkPhaseFFT *TkPhaseFFT;
/* phasing_fft.c: what a round trip does, and the Fourier-space callback: buf[jj N0 + a0] holds columns
   a2 = j0 + jj (jj < nb) along axis 0 of this rank's Fourier plane y0 + a1 */
enum { TK_FFT_FORWARD = 1, TK_FFT_BACKWARD = 2 };
typedef void (*TkPhaseFourierOp)(void *ctx, ptrdiff_t a1, PetscInt j0, PetscInt nb, fftw_complex *buf);
/* and the real-space callback on local plane k (N1 N2 values) just after its backward transform */
typedef void (*TkPhasePlaneOp)(void *ctx, ptrdiff_t k, fftw_complex *plane);

struct _p_TkPhasing {
  MPI_Comm        comm;
  PetscMPIInt     rank, size;
  TkBCDIData      data;
  PetscInt        N[3];
  ptrdiff_t       ln0, z0, alloc;
  ptrdiff_t       l1, y0;           /* Fourier planes along axis 1 (phasing_fft.c) */
  size_t          nfour;            /* local Fourier voxels, l1 N0 N2 */
  PetscInt       *all_z0, *all_ln0; /* every rank's planes */
  size_t          nloc, plane;      /* local voxels, voxels per plane */
  double          Ntot;
  PetscBool       shape_set, intensity_set, setup, solved;
  PetscReal      *amp;                  /* sqrt(I Ntot); Fourier layout after SetUp (TkPhaseFFTToFourierLayout) */
  unsigned char  *flag;                 /* TK_PIX_*; likewise */
  fftw_complex   *x, *y, *best;         /* iterate, work (== x between iterations), best run */
  unsigned char  *sup, *supbest, *sup0; /* current, best run's, autocorrelation support */
  TkPhaseFFT      fft;
  double complex *w0, *w1, *w2, *wf0; /* centring modulation w(n) = exp(2 pi i c n / N), c = N/2, per axis (w0 for local planes, wf0 all) */
  double         *g0, *g1, *g2;       /* Gaussian transfer function of the shrink-wrap smoothing, per axis */
  PetscReal       g_sigma;
  PetscReal      *planesum; /* max(N0, N1) x TK_PHASE_NSUMS work space for exact reductions */
  /* options */
  char           algorithm[1024];
  TkPhaseStep   *steps;
  PetscInt       nsteps, niter;
  PetscReal      beta_hio, beta_raar;
  PetscInt       sw_period, sw_start;
  PetscReal      sw_sigma, sw_threshold;
  PetscReal      support_threshold;
  PetscInt       nruns, seed, free_block, print_period;
  PetscReal      free_fraction;
  TkPhaseLLKType llk_type;
  PetscBool      remove_ramp, quiet;
  char           fft_rigor[32], fft_kind[32], fft_wisdom[PETSC_MAX_PATH_LEN];
  char           output[PETSC_MAX_PATH_LEN], object[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  char           object_lab[PETSC_MAX_PATH_LEN]; /* phasing_lab.c */
  PetscReal      lab_threshold, lab_spacing;     /* fraction of max |psi|; m (0: the finest detector-frame voxel) */
  /* statistics and results */
  PetscInt       nprojected, nfree, nmasked;
  PetscReal      total_projected, total_measured;
  PetscInt       support0; /* initial support size */
  PetscReal     *run_sums; /* nruns x TK_PHASE_NSUMS */
  PetscInt      *run_support;
  PetscInt       best_run;
  PetscReal      seconds_iter, seconds_total, seconds_iter_best; /* best: the fastest iteration without shrink-wrap or progress line */
  PetscInt       iterations_done;
  PetscLogDouble fft_seconds;
  PetscInt       fft_count;
  /* post-processed best object */
  PetscReal *psi; /* interleaved re, im */
  PetscReal  ramp[3];
  PetscInt   nwraps; /* neighbour pairs in the support whose phase difference exceeds pi */
};

/* the 3D FFT (phasing_fft.c): slab (independent of the decomposition) or fftw_mpi */
PETSC_INTERN PetscErrorCode TkPhaseFFTLocalSize(MPI_Comm, const PetscInt N[3], ptrdiff_t *alloc, ptrdiff_t *l1, ptrdiff_t *y0);
PETSC_INTERN PetscErrorCode TkPhaseFFTCreate(MPI_Comm, const PetscInt N[3], fftw_complex *data, PetscBool slab, PetscBool measure, const char wisdom_file[], TkPhaseFFT *);
PETSC_INTERN PetscErrorCode TkPhaseFFTGetFourierPlanes(TkPhaseFFT, ptrdiff_t *y0, ptrdiff_t *l1);
/* data <- pop F^-1 op F data (forward part and backward part as mode says; after a forward-only trip data is
   garbage); pop may be NULL */
PETSC_INTERN PetscErrorCode TkPhaseFFTRoundTrip(TkPhaseFFT, int mode, TkPhaseFourierOp, void *ctx, TkPhasePlaneOp pop, void *pctx);
/* two real arrays from the real-space plane layout to the Fourier layout ((a1 - y0) N2 + a2) N0 + a0; data is scratch */
PETSC_INTERN PetscErrorCode TkPhaseFFTToFourierLayout(TkPhaseFFT, const PetscReal *in0, const PetscReal *in1, PetscReal *out0, PetscReal *out1);
PETSC_INTERN PetscErrorCode TkPhaseFFTDestroy(TkPhaseFFT *);

PETSC_INTERN PetscErrorCode TkPhaseSequenceParse(MPI_Comm, const char[], TkPhaseStep **, PetscInt *, PetscInt *);
PETSC_INTERN const char    *TkPhaseAlgorithmName(TkPhaseAlgorithm);
PETSC_INTERN PetscBool      TkPhaseSequenceHasShrinkWrap(const TkPhaseStep *, PetscInt);
/* sum over planes in global plane order of per-plane partial sums (local ln0 x k), identical at any layout */
PETSC_INTERN PetscErrorCode TkPhasePlaneReduce(TkPhasing, const PetscReal *local, PetscInt k, PetscReal *result);
/* the same over the Fourier planes along axis 1 (local l1 x k) */
PETSC_INTERN PetscErrorCode TkPhaseFourierPlaneReduce(TkPhasing, const PetscReal *local, PetscInt k, PetscReal *result);
PETSC_INTERN PetscErrorCode TkPhasePostProcess(TkPhasing);
PETSC_INTERN PetscErrorCode TkPhaseWriteCXI(TkPhasing, const char path[]);
PETSC_INTERN PetscErrorCode TkPhaseWriteFields(TkPhasing, const char path[]);
/* the object on an orthogonal lab grid, and its twin to TkPhaseLabTwinPath (phasing_lab.c) */
PETSC_INTERN PetscErrorCode TkPhaseWriteLab(TkPhasing, const char path[]);
PETSC_INTERN PetscErrorCode TkPhaseLabCheckGeometry(TkPhasing);
