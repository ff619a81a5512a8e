/* BCDI data in the CXI layout (cxidb CXI 1.6, as PyNX writes it; docs/file-formats.md), and object fields on a
   regular grid as HDF5 with an XDMF sidecar for ParaView. */
#pragma once
#include <petscsys.h>
#include "atomic_file.h"

/* One simulated (or measured) rocking scan: frames stacked as (nangles, ny, nx), C order, not fftshifted: the centre
   of pixel (ny/2, nx/2) lies on the kinematic kh (the detector geometry written says so; docs/file-formats.md). */
typedef struct {
  PetscInt         nangles, ny, nx;
  const PetscReal *data;          /* nangles*ny*nx intensities */
  const char      *data_units;    /* e.g. "photons" or "m^2" */
  const PetscReal *rocking_angle; /* nangles, rad, from the kinematic Bragg angle */
  PetscReal        bragg_angle;   /* thetaB, rad */
  PetscReal        energy_J, wavelength_m;
  PetscReal        distance_m, x_pixel_size_m, y_pixel_size_m;
  PetscReal        detector_2theta; /* rad; the detector sits on the kinematic kh, in the vertical (y-z) plane */
  PetscReal        orientation[9];  /* crystal Cartesian -> lab rotation, row major */
  const char      *sample_name;     /* e.g. "Au(111)" */
  const char      *program;         /* "takagi bcdi 0.1.0" */
  const char      *command;         /* the options used */
  const char      *model;           /* "dynamical (Takagi-Taupin)" or "kinematic" */
  PetscBool        float32;         /* store the frames as float32 (PyNX's iobs type); default float64 (exact) */
} TkCXIData;

/* A real field on a regular grid (nz, ny, nx[, ncomp]) with spacing and origin in metres, lab frame (z, y, x). */
typedef struct {
  const char *name; /* dataset name, e.g. "support", "u", "phase_hu" */
  const char *units;
  PetscInt    ncomp; /* 1 scalar, 3 vector: components in the order (x, y, z), as ParaView reads an XDMF Vector;
                        values[((iz*ny + iy)*nx + ix)*ncomp + c] */
  const PetscReal *values;
} TkGridField;

typedef struct {
  PetscInt  nz, ny, nx;
  PetscReal spacing[3]; /* dz, dy, dx, m */
  PetscReal origin[3];  /* z0, y0, x0, m */
} TkGrid;

/* Rank 0 writes the whole file under a temporary name and renames it when complete (no partial files). */
PETSC_EXTERN PetscErrorCode TkCXIWrite(MPI_Comm, const char path[], const TkCXIData *);
/* Writes path (HDF5, one dataset per field plus /grid attributes) and its XDMF sidecar (TkGridFieldsXdmfPath); see cxi.c.
   Rank 0 writes both, each under a temporary name; values may be NULL on the other ranks. */
PETSC_EXTERN PetscErrorCode TkGridFieldsWrite(MPI_Comm, const char path[], const TkGrid *, PetscInt nfields, const TkGridField fields[]);
/* The XDMF sidecar name TkGridFieldsWrite uses: a.h5 -> a.xdmf, a.hdf5 -> a.xdmf, anything else -> <path>.xdmf */
PETSC_EXTERN PetscErrorCode TkGridFieldsXdmfPath(const char path[], char xdmf[], size_t len);
PETSC_EXTERN PetscErrorCode TkGridXdmfWrite(const char tmp_path[], const char h5_path[], const TkGrid *, PetscInt nfields, const TkGridField fields[]);
/* A dataset another writer stored (e.g. the real views of a CXI image), for an XDMF sidecar over it */
typedef struct {
  const char *name;    /* the attribute's name in ParaView */
  const char *dataset; /* its path in the HDF5 file */
  PetscInt    ncomp;   /* 1, 3, 6 or 9, as TkGridField */
  PetscInt    bytes;   /* 1 (int8), 4 (float32) or 8 (float64) per value */
} TkXdmfView;
PETSC_EXTERN PetscErrorCode TkXdmfViewsWrite(const char tmp_path[], const char h5_path[], const TkGrid *, PetscInt nviews, const TkXdmfView views[]);
/* Finishes a file written under the temporary name of *h5 (TkAtomicFileBegin, every rank): writes its XDMF sidecar
   over the views (TkGridFieldsXdmfPath: F.cxi -> F.cxi.xdmf) on rank 0, then renames the file and the sidecar; if
   the sidecar cannot be written, neither is left and every rank stops with one error. */
PETSC_EXTERN PetscErrorCode TkXdmfViewsCommit(MPI_Comm, TkAtomicFile *h5, const char h5_path[], const TkGrid *, PetscInt nviews, const TkXdmfView views[]);
/* An XDMF temporal collection (ParaView: one file, a time slider) over nt grid files of the same grid and fields,
   h5[k] at time times[k] (names relative to the sidecar's directory); fields give names and component counts only. */
PETSC_EXTERN PetscErrorCode TkGridXdmfSeriesWrite(MPI_Comm, const char path[], const TkGrid *, PetscInt nt, const char *const h5[], const PetscReal times[], PetscInt nfields, const TkGridField fields[]);
