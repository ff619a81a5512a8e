/* A deformation run of takagi deform: microstructure (-ng_*), elasto-plastic model (-plast_*), elasticity solver
   (-spectral_*), driving (-load_*), outputs (-o prefix, -fields_*, -band_*, -xpcs_*), checkpoints and restart. */
#pragma once
#include <petscviewer.h>

typedef struct _p_TkDeform *TkDeform;

PETSC_EXTERN PetscErrorCode TkDeformCreate(MPI_Comm, TkDeform *);
PETSC_EXTERN PetscErrorCode TkDeformSetFromOptions(TkDeform);
/* Microstructure, solver, model; reads the checkpoint of -restart (before any output is written). */
PETSC_EXTERN PetscErrorCode TkDeformSetUp(TkDeform);
/* Loads step by step, writing fields, band statistics, ISF snapshots and checkpoints as asked; then the final
   fields, displacement, tables and plots. */
PETSC_EXTERN PetscErrorCode TkDeformRun(TkDeform);
PETSC_EXTERN PetscErrorCode TkDeformView(TkDeform, PetscViewer);
PETSC_EXTERN PetscErrorCode TkDeformDestroy(TkDeform *);
