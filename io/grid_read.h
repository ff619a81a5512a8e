/* Reads a field written by TkGridFieldsWrite (the grid format of takagi strain and takagi bcdi -object). */
#pragma once
#include "cxi.h"

/* Rank 0 reads dataset /<name> of shape (nz, ny, nx) or (nz, ny, nx, ncomp) and /grid's spacing and origin, checks
   the shape and that every value is finite, and broadcasts; every rank gets its own copy of the values. */
PETSC_EXTERN PetscErrorCode TkGridFieldRead(MPI_Comm, const char path[], const char name[], PetscInt ncomp, TkGrid *, PetscReal **values);
/* Trilinear interpolation of component c at lab point r (x, y, z order), 0 outside the grid. */
PETSC_EXTERN PetscReal TkGridInterpolate(const TkGrid *, PetscInt ncomp, const PetscReal *values, PetscInt c, const PetscReal r[3]);
/* Trilinear interpolation of a phase field (rad, one value per node) that may jump by 2 pi n between nodes, 0 outside
   the grid; the result is right modulo 2 pi. */
PETSC_EXTERN PetscReal TkGridInterpolatePhase(const TkGrid *, const PetscReal *phase, const PetscReal r[3]);
