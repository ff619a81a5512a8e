/* Shear bands in a plastic-strain field on the z-slab-distributed periodic grid: connected components (26-connected,
   periodic in x, y, z, across ranks) of the voxels above mean + k sd, their sizes and orientations, and localisation
   indices of the whole field. */
#pragma once
#include <petscsys.h>

#define TK_BAND_MAX_REPORTED 32

typedef struct {
  PetscInt  voxels;
  PetscReal plastic_fraction; /* share of the total plastic strain carried by the band */
  PetscReal normal[3];        /* unit band normal (x, y, z) */
  PetscReal angle_deg;        /* angle between the normal and z (the compression axis) */
  PetscBool spanning;         /* wraps around the periodic box along some axis */
} TkBand;

typedef struct {
  PetscReal threshold;        /* plastic strain above which a voxel belongs to a band */
  PetscInt  ncomponents;      /* connected components above the threshold */
  PetscInt  nbands;           /* components of at least min_voxels */
  PetscReal largest_fraction; /* plastic strain of the largest band / plastic strain in all bands */
  PetscReal top10_fraction;   /* plastic strain carried by the 10 % most strained solid voxels */
  PetscReal participation;    /* (sum eta)^2 / (N sum eta^2): 1 uniform, 1/N one voxel */
  PetscReal cv;               /* standard deviation / mean of eta over solid voxels */
  PetscInt  nreported;
  TkBand    band[TK_BAND_MAX_REPORTED]; /* the largest bands, by voxel count */
} TkBandStats;

/* Cubic voxels. eta: local plastic strain (nz_local*ny*nx, x fastest); solid: 0 marks vacuum voxels (ignored). N = (nz, ny, nx).
   sigmas: threshold = mean + sigmas sd over solid voxels; min_voxels: smallest component counted as a band. */
PETSC_EXTERN PetscErrorCode TkBandStatsCompute(MPI_Comm, const PetscInt N[3], PetscInt z0, PetscInt nz_local, const PetscReal *eta, const PetscInt *solid, PetscReal sigmas, PetscInt min_voxels, TkBandStats *);
