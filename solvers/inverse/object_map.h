/* The map P from the object parameters on the lab grid (z, y, x) to the nodes of a 3D TT grid: trilinear
   interpolation, and its transpose P^T that scatters node gradients back to the grid. */
#pragma once
#include "tt3d.h"
#include "cxi.h"

typedef struct _p_TkObjectMap *TkObjectMap;

/* Nodes on the faces of the TT box get no weight (the crystal may not touch them); grid points outside the lab grid
   count as 0. rotation (3x3, row major; NULL: identity) takes a node's lab position to the grid's frame: for an
   extra reflection of the same crystal, the grid lives in the lab frame of the first one. */
PETSC_EXTERN PetscErrorCode TkObjectMapCreate(TkTT3D, const TkGrid *, const PetscReal *rotation, TkObjectMap *);
/* node = P obj, for this rank's slices (nlt x Nm x Nn); obj is the whole grid (nz*ny*nx), on every rank */
PETSC_EXTERN PetscErrorCode TkObjectMapApply(TkObjectMap, const PetscReal *obj, PetscReal *node);
/* obj += P^T node */
PETSC_EXTERN PetscErrorCode TkObjectMapApplyTranspose(TkObjectMap, const PetscReal *node, PetscReal *obj);
/* node = arg(P e^{i psi}): the phase of the interpolated phase factor (wrap-safe; nodes with P e^{i psi} = 0 get 0) */
PETSC_EXTERN PetscErrorCode TkObjectMapApplyPhase(TkObjectMap, const PetscReal *psi, PetscReal *node);
/* obj += J^T node, J the Jacobian of TkObjectMapApplyPhase at psi */
PETSC_EXTERN PetscErrorCode TkObjectMapApplyPhaseTranspose(TkObjectMap, const PetscReal *psi, const PetscReal *node, PetscReal *obj);
PETSC_EXTERN PetscErrorCode TkObjectMapDestroy(TkObjectMap *);
