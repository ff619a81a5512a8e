/* Local yield thresholds: a per-phase distribution (Weibull, normal or uniform, given by mean and coefficient of
   variation) sampled with a counter-based generator, so that the n-th threshold of voxel g is the same number
   whatever the rank layout, and after a restart. */
#pragma once
#include <petscsys.h>

typedef enum { TK_THRESHOLD_WEIBULL, TK_THRESHOLD_NORMAL, TK_THRESHOLD_UNIFORM } TkThresholdLawType;
PETSC_EXTERN const char *const TkThresholdLawTypes[];

typedef struct {
  TkThresholdLawType type;
  PetscReal          mean;  /* Pa; <= 0 or infinite: the phase never transforms */
  PetscReal          cv;    /* standard deviation / mean */
  PetscReal          shape; /* Weibull k (from cv) */
  PetscReal          scale; /* Weibull lambda (from mean and k) */
} TkThresholdLaw;

/* Fills shape and scale from type, mean and cv; fails with a one-line message for an impossible cv. */
PETSC_EXTERN PetscErrorCode TkThresholdLawSetUp(MPI_Comm, const char name[], TkThresholdLaw *);
/* The draw-th threshold of global voxel gid for a run seeded with seed, scaled by factor (structural softening). */
PETSC_EXTERN PetscReal TkThresholdLawSample(const TkThresholdLaw *, PetscReal factor, unsigned long long seed, unsigned long long gid, unsigned long long draw);
/* A uniform number in (0, 1) from (seed, a, b, c): splitmix64 finaliser chain; identical on every machine. */
PETSC_EXTERN PetscReal TkCounterUniform(unsigned long long seed, unsigned long long a, unsigned long long b, unsigned long long c);
