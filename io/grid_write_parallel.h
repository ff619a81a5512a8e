/* Collective parallel-HDF5 write of fields on a z-slab-distributed grid (the DMDA/FFTW layout of design.md), in the
   same file format as TkGridFieldsWrite (one dataset per field, /grid attributes, XDMF sidecar). */
#pragma once
#include "cxi.h"

/* Each rank passes its planes [z0, z0 + nz_local) of every field (values[((iz_local*ny + iy)*nx + ix)*ncomp + c]);
   ncomp may be 1, 3, 6 or 9. Written under temporary names and renamed when complete. */
PETSC_EXTERN PetscErrorCode TkGridFieldsWriteParallel(MPI_Comm, const char path[], const TkGrid *, PetscInt z0, PetscInt nz_local, PetscInt nfields, const TkGridField fields[]);
