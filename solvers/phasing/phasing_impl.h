/* Internals shared by the phasing sources (not for other folders). */
#pragma once
#include "phasing.h"
#include <complex.h>
#include <fftw3-mpi.h> /* after complex.h: fftw_complex is double complex */

typedef enum { TK_PHASE_ER, TK_PHASE_HIO, TK_PHASE_RAAR } TkPhaseAlgorithm;

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

typedef struct _p_TkSlabFFT *TkSlabFFT;

struct _p_TkPhasing {
  MPI_Comm        comm;
  PetscMPIInt     rank, size;
  TkBCDIData      data;
  PetscInt        N[3];
  ptrdiff_t       ln0, z0, alloc;
  PetscInt       *all_z0, *all_ln0; /* every rank's planes */
  size_t          nloc, plane;      /* local voxels, voxels per plane */
  double          Ntot;
  PetscBool       shape_set, intensity_set, setup, solved;
  PetscReal      *amp;                  /* sqrt(I Ntot) */
  unsigned char  *flag;                 /* TK_PIX_* */
  fftw_complex   *x, *y, *best;         /* iterate, work (== x between iterations), best run */
  unsigned char  *sup, *supbest, *sup0; /* current, best run's, autocorrelation support */
  fftw_plan       fwd, bwd;             /* -fft fftw_mpi */
  TkSlabFFT       slab;                 /* -fft slab (default) */
  PetscBool       use_slab;
  double complex *w0, *w1, *w2; /* centring modulation w(n) = exp(2 pi i c n / N), c = N/2, per axis (w0 for local planes) */
  double         *g0, *g1, *g2; /* Gaussian transfer function of the shrink-wrap smoothing, per axis */
  PetscReal       g_sigma;
  PetscReal      *planesum; /* N0 x TK_PHASE_NSUMS work space for exact reductions */
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
  char           fft_rigor[32], fft_kind[32];
  char           output[PETSC_MAX_PATH_LEN], object[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  /* statistics and results */
  PetscInt       nprojected, nfree, nmasked;
  PetscReal      total_projected, total_measured;
  PetscInt       support0; /* initial support size */
  PetscReal     *run_sums; /* nruns x TK_PHASE_NSUMS */
  PetscInt      *run_support;
  PetscInt       best_run;
  PetscReal      seconds_iter, seconds_total;
  PetscInt       iterations_done;
  PetscLogDouble fft_seconds;
  PetscInt       fft_count;
  /* post-processed best object */
  PetscReal *psi; /* interleaved re, im */
  PetscReal  ramp[3];
  PetscInt   nwraps; /* neighbour pairs in the support whose phase difference exceeds pi */
};

/* the deterministic slab FFT (phasing_fft.c) */
PETSC_INTERN PetscErrorCode TkSlabFFTLocalSize(MPI_Comm, const PetscInt N[3], ptrdiff_t *alloc);
PETSC_INTERN PetscErrorCode TkSlabFFTCreate(MPI_Comm, const PetscInt N[3], fftw_complex *data, unsigned flags, TkSlabFFT *);
PETSC_INTERN PetscErrorCode TkSlabFFTExecute(TkSlabFFT, int backward);
PETSC_INTERN PetscErrorCode TkSlabFFTDestroy(TkSlabFFT *);

PETSC_INTERN PetscErrorCode TkPhaseSequenceParse(MPI_Comm, const char[], TkPhaseStep **, PetscInt *, PetscInt *);
PETSC_INTERN const char    *TkPhaseAlgorithmName(TkPhaseAlgorithm);
/* sum over planes in global plane order of per-plane partial sums (local ln0 x k), identical at any layout */
PETSC_INTERN PetscErrorCode TkPhasePlaneReduce(TkPhasing, const PetscReal *local, PetscInt k, PetscReal *result);
PETSC_INTERN PetscErrorCode TkPhasePostProcess(TkPhasing);
PETSC_INTERN PetscErrorCode TkPhaseWriteCXI(TkPhasing, const char path[]);
PETSC_INTERN PetscErrorCode TkPhaseWriteFields(TkPhasing, const char path[]);
