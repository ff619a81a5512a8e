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
/* node = arg(P ((a + 1e-2) e^{i psi})): the phase of the interpolated phase factor, weighted by the amplitudes a >= 0 (NULL: 1)
   (wrap-safe; nodes where the sum vanishes get 0) */
PETSC_EXTERN PetscErrorCode TkObjectMapApplyPhase(TkObjectMap, const PetscReal *psi, const PetscReal *amp, PetscReal *node);
/* obj += J_psi^T node and, with amp and obj_amp, obj_amp += J_a^T node: the Jacobians of TkObjectMapApplyPhase */
PETSC_EXTERN PetscErrorCode TkObjectMapApplyPhaseTranspose(TkObjectMap, const PetscReal *psi, const PetscReal *amp, const PetscReal *node, PetscReal *obj, PetscReal *obj_amp);
PETSC_EXTERN PetscErrorCode TkObjectMapDestroy(TkObjectMap *);
