/* Kinematic phase retrieval of BCDI data (takagi phase): ER, HIO, RAAR and shrink-wrap in a user sequence on a
   distributed 3D FFT (FFTW-MPI, slabs along axis 0), several seeded random starts ranked by the free
   log-likelihood of held-back pixels. Conventions and options: docs/phase.md. */
#pragma once
#include "bcdi_data.h"

typedef struct _p_TkPhasing *TkPhasing;

PETSC_EXTERN PetscErrorCode TkPhasingCreate(MPI_Comm, TkPhasing *);
PETSC_EXTERN PetscErrorCode TkPhasingSetFromOptions(TkPhasing);
/* Data from a file (io/bcdi_data.h); or, instead, SetShape + SetIntensityLocal with the rank's planes. */
PETSC_EXTERN PetscErrorCode TkPhasingSetData(TkPhasing, TkBCDIData);
PETSC_EXTERN PetscErrorCode TkPhasingSetShape(TkPhasing, const PetscInt N[3]);
/* planes [z0, z0 + nz) of the FFTW-MPI slab layout of an N0 x N1 x N2 array on this communicator */
PETSC_EXTERN PetscErrorCode TkPhasingGetLocalPlanes(TkPhasing, PetscInt *z0, PetscInt *nz);
/* counts (nz*N1*N2, data order: not fft-shifted, the zero frequency at (N0/2, N1/2, N2/2)); mask 1 = bad, may be NULL */
PETSC_EXTERN PetscErrorCode TkPhasingSetIntensityLocal(TkPhasing, const PetscReal *counts, const unsigned char *mask);
PETSC_EXTERN PetscErrorCode TkPhasingSetAlgorithm(TkPhasing, const char sequence[]);
PETSC_EXTERN PetscErrorCode TkPhasingSetUp(TkPhasing);
PETSC_EXTERN PetscErrorCode TkPhasingSolve(TkPhasing);
PETSC_EXTERN PetscErrorCode TkPhasingView(TkPhasing, PetscViewer);
PETSC_EXTERN PetscErrorCode TkPhasingWrite(TkPhasing);
/* After Solve: the best run's object psi on the rank's planes (nz*N1*N2 complex numbers as interleaved re, im), with
   its global phase removed (and its ramp, with -remove_ramp), and its support (1 inside). The model is
   I = |FFTW_FORWARD(psi)|^2 / (N0 N1 N2) with psi's origin at voxel (N0/2, N1/2, N2/2) and the data's zero frequency
   at (N0/2, N1/2, N2/2) (docs/phase.md, "Sign convention"). */
PETSC_EXTERN PetscErrorCode TkPhasingGetObjectLocal(TkPhasing, const PetscReal **psi, const unsigned char **support);
/* mean seconds per iteration over all runs (iterations only: no set-up, no output), the iteration count, and the mean
   seconds of one 3D transform (any may be NULL) */
PETSC_EXTERN PetscErrorCode TkPhasingGetTiming(TkPhasing, PetscReal *seconds_per_iteration, PetscInt *iterations, PetscReal *seconds_per_fft);
/* the fastest single iteration without shrink-wrap or progress line (for benchmarks on a shared machine) */
PETSC_EXTERN PetscErrorCode TkPhasingGetBestIterationTime(TkPhasing, PetscReal *seconds);
PETSC_EXTERN PetscErrorCode TkPhasingGetResult(TkPhasing, PetscReal *llk, PetscReal *free_llk, PetscInt *support_size, PetscInt *best_run);
PETSC_EXTERN PetscErrorCode TkPhasingDestroy(TkPhasing *);
/* -object_lab F.h5 also writes the twin to F_twin.h5 (this name) */
PETSC_EXTERN PetscErrorCode TkPhaseLabTwinPath(const char path[], char twin[], size_t len);
