/* Defect fields on the distributed lab grid (u, strain, rotation, deformation gradient, h.u) or at a list of points. */
#pragma once
#include "defect_set.h"
#include "crystal_shape.h"

typedef struct _p_TkStrainField *TkStrainField;

PETSC_EXTERN PetscErrorCode TkStrainFieldCreate(MPI_Comm, TkStrainField *);
PETSC_EXTERN PetscErrorCode TkStrainFieldSetFromOptions(TkStrainField);
PETSC_EXTERN PetscErrorCode TkStrainFieldSetUp(TkStrainField);
PETSC_EXTERN PetscErrorCode TkStrainFieldCompute(TkStrainField);
PETSC_EXTERN PetscErrorCode TkStrainFieldWrite(TkStrainField);
PETSC_EXTERN PetscErrorCode TkStrainFieldView(TkStrainField, PetscViewer);
PETSC_EXTERN PetscErrorCode TkStrainFieldGetDefects(TkStrainField, TkDefectSet *, const TkBraggFrame **);
PETSC_EXTERN PetscErrorCode TkStrainFieldDestroy(TkStrainField *);
