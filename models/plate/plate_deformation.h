/* Laterally uniform deformation of a crystal plate: a normal-strain depth profile and cylindrical bending. */
#pragma once
#include <petscsys.h>
#include <petscviewer.h>

typedef struct _p_TkPlateDeformation *TkPlateDeformation;

PETSC_EXTERN PetscErrorCode TkPlateDeformationCreate(MPI_Comm, TkPlateDeformation *);
PETSC_EXTERN PetscErrorCode TkPlateDeformationSetFromOptions(TkPlateDeformation);
PETSC_EXTERN PetscErrorCode TkPlateDeformationSetStrainProfile(TkPlateDeformation, PetscInt n, const PetscReal depth[], const PetscReal strain[]);
PETSC_EXTERN PetscErrorCode TkPlateDeformationLoadStrainProfile(TkPlateDeformation, const char path[]);
PETSC_EXTERN PetscErrorCode TkPlateDeformationSetBending(TkPlateDeformation, PetscReal Rx, PetscReal Ry, PetscReal poisson);
PETSC_EXTERN PetscErrorCode TkPlateDeformationSetThickness(TkPlateDeformation, PetscReal);
PETSC_EXTERN PetscErrorCode TkPlateDeformationIsTrivial(TkPlateDeformation, PetscBool *);
PETSC_EXTERN PetscErrorCode TkPlateDeformationGetBreakpoints(TkPlateDeformation, PetscInt *, const PetscReal **);
PETSC_EXTERN PetscErrorCode TkPlateDeformationGradient(TkPlateDeformation, PetscReal x, PetscReal z, PetscReal J[2][2]);
PETSC_EXTERN PetscErrorCode TkPlateDeformationView(TkPlateDeformation, PetscViewer);
PETSC_EXTERN PetscErrorCode TkPlateDeformationDestroy(TkPlateDeformation *);
PETSC_EXTERN PetscErrorCode TkPlateDeformationGetBending(TkPlateDeformation, PetscReal *Rx, PetscReal *Ry, PetscReal *poisson);
PETSC_EXTERN PetscErrorCode TkPlateDeformationGetProfilePath(TkPlateDeformation, const char **);
