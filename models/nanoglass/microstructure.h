/* Nanoglass microstructures on the z-slab-distributed grid: Voronoi glassy grains, amorphous interfaces of a given
   width, optional crystalline inclusions inside the grains and vacuum around a cylindrical pillar (axis z), with the
   elastic constants and yield-threshold laws of each phase. Options -ng_*. */
#pragma once
#include "cxi.h"
#include "threshold_law.h"

typedef enum { TK_PHASE_GLASS, TK_PHASE_INTERFACE, TK_PHASE_CRYSTAL, TK_PHASE_VACUUM, TK_NPHASES } TkPhase;
PETSC_EXTERN const char *const TkPhaseNames[];

typedef struct {
  PetscReal      E, nu;     /* Pa, 1 (vacuum: 0, 0) */
  TkThresholdLaw threshold; /* von Mises equivalent stress at which a voxel transforms, Pa */
  PetscReal      softening; /* renewed thresholds have mean softening x the initial mean (structural softening) */
  PetscReal      floor;     /* after n transformations the mean is max(floor, softening^n) x the initial mean */
} TkPhaseProperties;

typedef struct _p_TkMicrostructure *TkMicrostructure;

PETSC_EXTERN PetscErrorCode TkMicrostructureCreate(MPI_Comm, TkMicrostructure *);
PETSC_EXTERN PetscErrorCode TkMicrostructureSetFromOptions(TkMicrostructure);
/* Generates the planes [z0, z0 + nz_local) of this rank. Seeds and crystals are drawn identically on every rank from
   -ng_seed, so the map does not depend on the rank layout. */
PETSC_EXTERN PetscErrorCode TkMicrostructureSetUp(TkMicrostructure, PetscInt z0, PetscInt nz_local);
/* Grid size (nz, ny, nx) and spacing (m) before SetUp, so the caller can lay out the planes. */
PETSC_EXTERN PetscErrorCode TkMicrostructureGetGridSize(TkMicrostructure, PetscInt N[3], PetscReal *h);
PETSC_EXTERN PetscErrorCode TkMicrostructureGetGrid(TkMicrostructure, TkGrid *);
/* Local phase and grain id (-1 in vacuum) per voxel, x fastest, nz_local * ny * nx. */
PETSC_EXTERN PetscErrorCode TkMicrostructureGetLocal(TkMicrostructure, PetscInt *z0, PetscInt *nz_local, const PetscInt **phase, const PetscInt **grain);
PETSC_EXTERN PetscErrorCode TkMicrostructureGetPhaseProperties(TkMicrostructure, TkPhase, const TkPhaseProperties **);
/* Global volume fractions of the four phases and the number of grains. */
PETSC_EXTERN PetscErrorCode TkMicrostructureGetFractions(TkMicrostructure, PetscReal f[TK_NPHASES], PetscInt *ngrains);
PETSC_EXTERN PetscErrorCode TkMicrostructureGetSeed(TkMicrostructure, unsigned long long *);
/* A number that changes with any option that shapes the microstructure (restart files check it). */
PETSC_EXTERN PetscErrorCode TkMicrostructureGetFingerprint(TkMicrostructure, unsigned long long *);
/* phase and grain id as a grid file (HDF5 + XDMF, the format of takagi strain). */
PETSC_EXTERN PetscErrorCode TkMicrostructureWrite(TkMicrostructure, const char path[]);
PETSC_EXTERN PetscErrorCode TkMicrostructureView(TkMicrostructure, PetscViewer);
PETSC_EXTERN PetscErrorCode TkMicrostructureDestroy(TkMicrostructure *);
