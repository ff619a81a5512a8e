/* Elasto-plastic model of local shear transformations on a nanoglass microstructure (notes/nanoglass_models.md 1):
   a voxel whose von Mises stress reaches its threshold transforms by an eigenstrain increment of equivalent amplitude
   eps0 along its deviatoric stress, draws a new threshold from its phase's law, and the elasticity solve
   (solvers/spectral) redistributes the stress. Driving: uniaxial compression along z (lateral stresses free) or
   simple shear xz, quasi-statically (extremal: load to the weakest site, relax the avalanche) or at a finite rate
   (fixed strain steps, one round of transformations per step). Options -plast_*. */
#pragma once
#include "microstructure.h"
#include "spectral_elasticity.h"

typedef enum { TK_LOAD_COMPRESSION, TK_LOAD_SHEAR } TkLoadMode;
PETSC_EXTERN const char *const TkLoadModes[];

typedef struct _p_TkPlasticity *TkPlasticity;

/* what one driving step did */
typedef struct {
  PetscReal strain;      /* macroscopic load: compressive strain -E_zz, or engineering shear 2 E_xz */
  PetscReal stress;      /* conjugate mean stress after the step, Pa: compressive -S_zz, or S_xz */
  PetscReal stress_peak; /* mean stress when the step's first transformation triggered, Pa */
  PetscReal plastic;     /* mean equivalent plastic strain */
  PetscInt  events;      /* voxel transformations in the step */
  PetscInt  rounds;      /* elasticity solves in the step */
  PetscInt  iterations;  /* solver iterations in the step */
} TkPlasticityStep;

PETSC_EXTERN PetscErrorCode TkPlasticityCreate(MPI_Comm, TkMicrostructure, TkSpectral, TkPlasticity *);
PETSC_EXTERN PetscErrorCode TkPlasticitySetFromOptions(TkPlasticity);
PETSC_EXTERN PetscErrorCode TkPlasticitySetLoadMode(TkPlasticity, TkLoadMode);
/* Material to the solver, initial thresholds, and the elastic response to a unit load. */
PETSC_EXTERN PetscErrorCode TkPlasticitySetUp(TkPlasticity);
/* Extremal driving: raise the load until the weakest voxel yields, then transform until no voxel is unstable. */
PETSC_EXTERN PetscErrorCode TkPlasticityStepQuasiStatic(TkPlasticity, TkPlasticityStep *);
/* Finite-rate driving: raise the load by dstrain, solve, transform every unstable voxel once. */
PETSC_EXTERN PetscErrorCode TkPlasticityStepRate(TkPlasticity, PetscReal dstrain, TkPlasticityStep *);
/* Stress hold: move the load to restore the mean conjugate stress target (Pa, cell mean), by at most dmax (ramp);
   then one round. holding: the target was reached at this step. */
PETSC_EXTERN PetscErrorCode TkPlasticityStepHold(TkPlasticity, PetscReal target, PetscReal dmax, TkPlasticityStep *, PetscBool *holding);
/* Solves the current state again (after a restart). */
PETSC_EXTERN PetscErrorCode TkPlasticityResolve(TkPlasticity);
PETSC_EXTERN PetscErrorCode TkPlasticityGetEps0(TkPlasticity, PetscReal *);
PETSC_EXTERN PetscErrorCode TkPlasticityGetLoad(TkPlasticity, PetscReal *strain);
/* Local state, nz_local*ny*nx voxels: eigenstrain (6 per voxel), accumulated equivalent plastic strain, current
   thresholds (Pa) and the number of thresholds drawn. Writable: a restart fills them, then calls Resolve. */
PETSC_EXTERN PetscErrorCode TkPlasticityGetState(TkPlasticity, PetscReal **eps_p, PetscReal **eta, PetscReal **threshold, PetscReal **draws);
PETSC_EXTERN PetscErrorCode TkPlasticitySetLoad(TkPlasticity, PetscReal strain);
/* von Mises equivalent total strain per local voxel, sqrt(2/3 e':e'), into vm (n values) */
PETSC_EXTERN PetscErrorCode TkPlasticityGetEquivalentStrain(TkPlasticity, PetscReal *vm);
PETSC_EXTERN PetscErrorCode TkPlasticityGetMeanStress(TkPlasticity, PetscReal *stress);
PETSC_EXTERN PetscErrorCode TkPlasticityView(TkPlasticity, PetscViewer);
PETSC_EXTERN PetscErrorCode TkPlasticityDestroy(TkPlasticity *);
