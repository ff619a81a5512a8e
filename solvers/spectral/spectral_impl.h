/* Private state of the FFT elasticity solver (spectral_elasticity.h), shared by its files:
   spectral_elasticity.c (object, input checks, fields), spectral_fft.c (FFTW-MPI slab transforms),
   spectral_green.c (Green operators and frequency handling), spectral_basic.c (Moulinec-Suquet fixed point),
   spectral_krylov.c (Galerkin conjugate gradients on a MatShell), spectral_displacement.c (displacement). */
#pragma once
#include "spectral_elasticity.h"
#include <petscksp.h>
#include <fftw3-mpi.h>

typedef enum { TK_SPECTRAL_AUTO, TK_SPECTRAL_BASIC, TK_SPECTRAL_KRYLOV } TkSpectralType;

/* which discrete Green operator: the continuous one (basic scheme) or Willot's rotated finite differences */
typedef enum { TK_GREEN_CONTINUOUS, TK_GREEN_WILLOT } TkGreenKind;

struct _p_TkSpectral {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  PetscInt    N[3]; /* Nx, Ny, Nz */
  PetscReal   h[3];
  PetscBool   grid_set, setup;

  TkSpectralType type, type_used;
  PetscReal      rtol;
  PetscInt       max_it;
  PetscBool      monitor;
  PetscInt       plan; /* 0 estimate, 1 measure, 2 patient (-spectral_fftw_plan) */

  /* slab layout: real planes [z0, z0 + nz); Fourier (transposed) rows ky in [ky0, ky0 + nky) */
  PetscInt      z0, nz, ky0, nky, Nc, Px; /* Nc = Nx/2 + 1 complex columns, Px = 2 Nc padded real columns */
  PetscInt      nloc;                     /* nz Ny Nx */
  double       *rbuf;                     /* in place: real view of cbuf */
  fftw_complex *cbuf;
  fftw_plan     fwd, bwd;
  DM            dm;
  PetscReal    *ftab[3]; /* per-axis frequency tables (spectral_green.c) */

  PetscReal *lambda, *mu, *eps_star, *eps, *sigma;
  PetscBool  material_set, has_eps_star, solved;
  PetscBool  vacuum;    /* some voxel has a zero modulus */
  PetscReal  contrast;  /* max over mu and K of max/min among non-vacuum voxels */
  PetscReal  lam0, mu0; /* reference medium of the basic scheme's Green operator */

  PetscReal E[6], S[6];
  PetscBool stress[6];

  PetscInt  its;
  PetscReal residual; /* equilibrium criterion at the end of the last solve */

  KSP ksp;
  Mat A;
  Vec w, b;

  PetscLogEvent ev_fft, ev_green, ev_local, ev_solve;
};

/* spectral_fft.c */
PETSC_INTERN PetscErrorCode TkSpectralFFTSetUp(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralFFTForward(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralFFTBackward(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralFFTDestroy(TkSpectral);
static inline size_t        TkSpectralRealIndex(TkSpectral s, PetscInt z, PetscInt y, PetscInt x) { return ((size_t)(z * s->N[1] + y) * s->Px + x) * 6; }

/* spectral_green.c */
/* frequency of Fourier entry (ky local row j, kz, kx) under the given scheme; returns the wave vector used by the
   Green operator (zero where the operator vanishes) and whether any component sits on a Nyquist plane */
PETSC_INTERN void TkSpectralWaveVector(TkSpectral, TkGreenKind, PetscInt j, PetscInt kz, PetscInt kx, PetscReal k[3], PetscBool *nyquist);
/* one sweep of the local spectrum: with res (and rms, mean), the equilibrium criterion sqrt(sum |k.sigma_hat|^2 /
   sum |sigma_hat|^2) (k in radians per voxel), the RMS stress (Frobenius) and the mean stress of the transformed
   stress in the buffer (collective); with apply, every k != 0 entry becomes scale Gamma0[entry] for the isotropic
   reference (lam0, mu0) (the zero frequency is left to the caller) */
PETSC_INTERN PetscErrorCode TkSpectralGreenPass(TkSpectral, TkGreenKind, PetscReal lam0, PetscReal mu0, PetscReal scale, PetscBool apply, PetscReal *res, PetscReal *rms, PetscReal mean[6]);
PETSC_INTERN PetscErrorCode TkSpectralGreenSetUp(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralGreenDestroy(TkSpectral);
/* zero-frequency entry (6 complex numbers as re, im pairs) on the rank that owns it, else NULL */
PETSC_INTERN double *TkSpectralZeroFrequency(TkSpectral);

/* spectral_basic.c, spectral_krylov.c */
PETSC_INTERN PetscErrorCode TkSpectralSolveBasic(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralSolveKrylov(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralKrylovDestroy(TkSpectral);

/* pointwise isotropic law sigma = lambda tr(e) I + 2 mu e (Voigt order, tensor shear) */
static inline void TkIsoStress(PetscReal lam, PetscReal mu, const PetscReal e[6], PetscReal s[6])
{
  const PetscReal tr = e[0] + e[1] + e[2];
  for (int c = 0; c < 3; c++) s[c] = lam * tr + 2 * mu * e[c];
  for (int c = 3; c < 6; c++) s[c] = 2 * mu * e[c];
}
/* the mean-strain increment dE that brings the stress-controlled components of the mean stress by r under the
   reference moduli (strain-controlled components of dE are zero) */
PETSC_INTERN PetscErrorCode TkSpectralMaskedCompliance(const PetscBool stress[6], PetscReal lam, PetscReal mu, const PetscReal r[6], PetscReal dE[6]);
/* sets the strain-controlled components of the mean of eps to E (a uniform shift) */
PETSC_INTERN PetscErrorCode TkSpectralImposeMeanStrain(TkSpectral);
PETSC_INTERN PetscErrorCode TkSpectralComputeStress(TkSpectral);
