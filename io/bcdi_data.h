/* Measured or simulated BCDI intensities for phase retrieval: a CXI file (the layout `takagi bcdi` and PyNX write:
   /entry_1/instrument_1/detector_1/data (n0, n1, n2) and an optional mask (n1, n2) or (n0, n1, n2), > 0 = bad) or the
   raw APS 34-ID-C file of shared/data (/data with /darkfield_512x512 and /whitefield_512x512), prepared (flat field,
   bad pixels, threshold), cropped about the maximum or the centre of mass, and binned. Each rank reads only the
   planes along axis 0 that it owns (docs/phase.md, "Input data"). */
#pragma once
#include <petscsys.h>
#include <petscviewer.h>

typedef struct _p_TkBCDIData *TkBCDIData;

typedef enum { TK_BCDI_DATA_CXI, TK_BCDI_DATA_34IDC } TkBCDIDataKind;

/* What the file says about the experiment; a field is 0 when the file does not give it. Pixel sizes and the rocking
   step are those of the prepared (binned) array. */
typedef struct {
  TkBCDIDataKind kind;
  PetscReal      wavelength_m, energy_J, distance_m;
  PetscReal      pixel_m[2];       /* along rows (axis 1) and columns (axis 2) */
  PetscReal      rocking_step_rad; /* along axis 0 */
  PetscReal      two_theta_rad;    /* scattering angle */
  PetscReal      bragg_angle_rad;  /* takagi bcdi files: the kinematic thetaB */
  PetscBool      takagi;           /* written by takagi bcdi (its detector frame: docs/bcdi.md) */
  PetscInt       raw_shape[3];     /* shape in the file */
  PetscInt       window[3];        /* first raw index of the crop window along each axis (may be < 0) */
  PetscInt       center[3];        /* raw index the crop is centred on (-1 when not centred) */
  PetscInt       bin[3];
  PetscInt       nmasked; /* masked pixels of the prepared array */
  PetscReal      total;   /* sum of the prepared counts outside the mask */
  PetscReal      maximum; /* largest prepared count */
} TkBCDIDataInfo;

PETSC_EXTERN PetscErrorCode TkBCDIDataCreate(MPI_Comm, TkBCDIData *);
PETSC_EXTERN PetscErrorCode TkBCDIDataSetFromOptions(TkBCDIData);
PETSC_EXTERN PetscErrorCode TkBCDIDataSetFile(TkBCDIData, const char path[]);
/* Opens the file, checks its datasets and shapes, finds the crop centre (reading the data once, spread over the
   ranks) and fixes the shape of the prepared array. */
PETSC_EXTERN PetscErrorCode TkBCDIDataSetUp(TkBCDIData);
PETSC_EXTERN PetscErrorCode TkBCDIDataGetShape(TkBCDIData, PetscInt N[3]);
/* Planes [z0, z0 + nz) of the prepared array: counts (nz*N1*N2, C order) and mask (1 = bad: masked in the file, a bad
   detector pixel, or outside the measured window). Collective; each rank passes its own planes (nz may be 0). */
PETSC_EXTERN PetscErrorCode TkBCDIDataRead(TkBCDIData, PetscInt z0, PetscInt nz, PetscReal *counts, unsigned char *mask);
PETSC_EXTERN PetscErrorCode TkBCDIDataGetInfo(TkBCDIData, TkBCDIDataInfo *);
/* The detector-conjugate grid of a takagi bcdi scan (docs/phase.md, "Lab frame"), lab (x, y, z) rows: the columns of B
   are the steps b_j of q per data index along axis j, those of A the real-space voxel vectors a_j (a_i.b_j =
   2 pi delta_ij / N_j), so voxel n sits at r = sum_j (n_j - N_j / 2) a_j and a point r at n_j = N_j / 2 + N_j b_j.r / 2 pi. */
PETSC_EXTERN PetscErrorCode TkBCDIDataConjugateBasis(const TkBCDIDataInfo *, const PetscInt N[3], double A[3][3], double B[3][3]);
PETSC_EXTERN PetscErrorCode TkBCDIDataGetPath(TkBCDIData, const char **);
PETSC_EXTERN PetscErrorCode TkBCDIDataView(TkBCDIData, PetscViewer);
PETSC_EXTERN PetscErrorCode TkBCDIDataDestroy(TkBCDIData *);
