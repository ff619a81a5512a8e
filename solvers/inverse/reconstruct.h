/* Dynamical BCDI strain reconstruction: TAO minimises a sum over reflections of data misfits (dynamical TT forward
   model, exact discrete adjoint) plus total-variation and support regularisers, over the phase psi = h.u and a
   density rho in [0, 1] on the lab object grid of `takagi bcdi` (docs/reconstruct.md). */
#pragma once
#include "reflection_model.h"
#include <petsctao.h>

typedef struct _p_TkReconstruct *TkReconstruct;

PETSC_EXTERN PetscErrorCode TkReconstructCreate(MPI_Comm, TkReconstruct *);
PETSC_EXTERN PetscErrorCode TkReconstructSetFromOptions(TkReconstruct);
/* geometry, data (shape checked), object grid, initial guess (-init or the -shape support), -restart */
PETSC_EXTERN PetscErrorCode TkReconstructSetUp(TkReconstruct);
/* Coarse to fine (-rec_levels L): the number of levels and the iterations of each coarse one; before SetUp,
   TkReconstructSetLevel makes this object one stage: the object grid coarsened c times (about (N0 - 1)/c + 1 points
   per axis over the default extent), started from init (NULL: as the options say), written to output only (NULL:
   the outputs of the options), max_it iterations (< 0: as the options say) */
PETSC_EXTERN PetscErrorCode TkReconstructGetLevels(TkReconstruct, PetscInt *levels, PetscInt *level_its);
PETSC_EXTERN PetscErrorCode TkReconstructSetLevel(TkReconstruct, PetscInt c, const char init[], const char output[], PetscInt max_it);
/* the objective and its gradient at x (TAO layout: psi then rho, each nz*ny*nx) */
PETSC_EXTERN PetscErrorCode TkReconstructComputeObjective(TkReconstruct, Vec x, PetscReal *J, Vec g);
/* with -rec_check_gradient: the Taylor test and central differences of a few components, printed; then Solve
   does nothing */
PETSC_EXTERN PetscErrorCode TkReconstructCheckGradient(TkReconstruct, PetscBool *done);
PETSC_EXTERN PetscErrorCode TkReconstructSolve(TkReconstruct);
PETSC_EXTERN PetscErrorCode TkReconstructView(TkReconstruct, PetscViewer);
PETSC_EXTERN PetscErrorCode TkReconstructWrite(TkReconstruct);
PETSC_EXTERN PetscErrorCode TkReconstructDestroy(TkReconstruct *);
