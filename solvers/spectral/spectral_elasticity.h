/* FFT-based heterogeneous linear elasticity on a periodic voxel grid (the mechanics of `takagi deform`), on the
   FFTW-MPI slab layout (z planes split over the ranks). Isotropic moduli per voxel (zero moduli = vacuum), a
   per-voxel eigenstrain, and mixed macroscopic strain/stress control. Schemes: Moulinec-Suquet basic fixed point
   with the continuous Green operator (basic), and a PETSc Krylov solve of the Lippmann-Schwinger equation with the
   rotated finite-difference (Willot) Green operator (krylov; required with vacuum). Options and equations:
   docs/deform.md, "Elasticity solver".
   Tensor components are stored in Voigt order xx, yy, zz, yz, xz, xy with tensor (not engineering) shear strains.
   Local arrays are nz*Ny*Nx voxels, x fastest, for this rank's planes [z0, z0 + nz). */
#pragma once
#include <petscdm.h>
#include <petscviewer.h>

typedef struct _p_TkSpectral *TkSpectral;

PETSC_EXTERN PetscErrorCode TkSpectralCreate(MPI_Comm, TkSpectral *);
/* N = (Nx, Ny, Nz) voxels, h = voxel size in m along x, y, z */
PETSC_EXTERN PetscErrorCode TkSpectralSetGrid(TkSpectral, const PetscInt N[3], const PetscReal h[3]);
/* -spectral_type basic|krylov|auto, -spectral_rtol, -spectral_max_it, -spectral_monitor */
PETSC_EXTERN PetscErrorCode TkSpectralSetFromOptions(TkSpectral);
PETSC_EXTERN PetscErrorCode TkSpectralSetUp(TkSpectral);
/* this rank's z planes [z0, z0 + nz); nz may be 0 */
PETSC_EXTERN PetscErrorCode TkSpectralGetLocalPlanes(TkSpectral, PetscInt *z0, PetscInt *nz);
/* DMDA (Nx, Ny, Nz), split only along z with FFTW's plane counts, stencil width 0 (after SetUp; owned by the
   solver); an error with more ranks than z planes, which DMDA does not allow */
PETSC_EXTERN PetscErrorCode TkSpectralGetDM(TkSpectral, DM *);
/* isotropic Lame moduli per local voxel, Pa; lambda = mu = 0 marks vacuum (arrays are copied) */
PETSC_EXTERN PetscErrorCode TkSpectralSetMaterial(TkSpectral, const PetscReal *lambda, const PetscReal *mu);
/* eigenstrain per local voxel, 6 components; NULL on every rank clears it (array is copied) */
PETSC_EXTERN PetscErrorCode TkSpectralSetEigenstrain(TkSpectral, const PetscReal *eps_star);
/* mixed control: component k imposes the mean strain E[k], or, if stress_controlled[k], the mean stress S[k];
   stress_controlled and S may be NULL (pure strain control) */
PETSC_EXTERN PetscErrorCode TkSpectralSetLoading(TkSpectral, const PetscReal E[6], const PetscBool stress_controlled[6], const PetscReal S[6]);
/* solves equilibrium; warm-starts from the previous solution; errors if not converged */
PETSC_EXTERN PetscErrorCode TkSpectralSolve(TkSpectral);
/* total strain and stress per local voxel, 6 per voxel (owned by the solver, valid until the next Solve) */
PETSC_EXTERN PetscErrorCode TkSpectralGetFields(TkSpectral, const PetscReal **eps, const PetscReal **sigma);
/* cell averages of strain and stress (vacuum included, sigma = 0 there) */
PETSC_EXTERN PetscErrorCode TkSpectralGetAverages(TkSpectral, PetscReal E[6], PetscReal S[6]);
/* displacement per local voxel, 3 per voxel (x, y, z), m: E.x with x from the grid centre plus the periodic
   fluctuation (fluctuation mean zero) */
PETSC_EXTERN PetscErrorCode TkSpectralGetDisplacement(TkSpectral, PetscReal *u);
PETSC_EXTERN PetscErrorCode TkSpectralGetIterationCount(TkSpectral, PetscInt *);
PETSC_EXTERN PetscErrorCode TkSpectralView(TkSpectral, PetscViewer);
PETSC_EXTERN PetscErrorCode TkSpectralDestroy(TkSpectral *);
