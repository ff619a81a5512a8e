/* Checkpoints of takagi deform: the local state fields (parallel HDF5, one dataset per field over the whole grid),
   the tables so far, the step, the load and a fingerprint of every option that shapes the run. Written under a
   temporary name and renamed; read back only if the magic, version, fingerprint, grid and shapes all match. */
#pragma once
#include "deform_table.h"

typedef struct {
  const char *name;
  PetscInt    ncomp;
  PetscReal  *values; /* local planes, nz_local*ny*nx*ncomp */
} TkCheckpointField;

typedef struct {
  unsigned long long fingerprint;
  PetscInt           step;
  PetscReal          load;
} TkCheckpointHeader;

PETSC_EXTERN PetscErrorCode TkDeformCheckpointWrite(MPI_Comm, const char path[], const PetscInt N[3], PetscInt z0, PetscInt nz_local, const TkCheckpointHeader *, PetscInt nfields, const TkCheckpointField[], PetscInt ntables, TkTable *const[]);
/* Fills the fields and tables (tables must be initialised with their headers) and the header; any mismatch or damage
   is a one-line error (PETSC_ERR_FILE_UNEXPECTED) and changes nothing on disk. */
PETSC_EXTERN PetscErrorCode TkDeformCheckpointRead(MPI_Comm, const char path[], const PetscInt N[3], PetscInt z0, PetscInt nz_local, unsigned long long fingerprint, TkCheckpointHeader *, PetscInt nfields, const TkCheckpointField[], PetscInt ntables,
                                                   TkTable *const[]);
