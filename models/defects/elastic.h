/* Linear elastic stiffness tensors for the defect fields: room-temperature cubic constants of the built-in materials
   (sources in elastic.c and docs notes defect_fields.md section 10), general Voigt input, positive-definiteness check,
   rotation between frames and the Voigt-Reuss-Hill isotropic average. Voigt order 11, 22, 33, 23, 13, 12 with
   engineering shear strains (sigma_I = C_IJ eps_J, eps_4 = 2 eps_23), stiffness in Pa. */
#pragma once
#include <petscsys.h>

typedef struct {
  PetscReal C[6][6]; /* Voigt stiffness (Pa) in the crystal Cartesian frame */
} TkElastic;

PETSC_EXTERN PetscErrorCode TkElasticCubic(MPI_Comm, const char material[], TkElastic *);
PETSC_EXTERN PetscErrorCode TkElasticCubicConstants(MPI_Comm, const char material[], PetscReal *C11, PetscReal *C12, PetscReal *C44, const char **source);
PETSC_EXTERN PetscErrorCode TkElasticFromCubic(MPI_Comm, PetscReal C11, PetscReal C12, PetscReal C44, TkElastic *);
PETSC_EXTERN PetscErrorCode TkElasticFromVoigt(MPI_Comm, const PetscReal c[21], TkElastic *); /* upper triangle row by row: C11 C12 .. C16 C22 .. C66 (Pa) */
PETSC_EXTERN PetscErrorCode TkElasticCheck(MPI_Comm, const TkElastic *);                      /* symmetric, finite and positive definite */
PETSC_EXTERN PetscErrorCode TkElasticIsotropicHill(const TkElastic *, PetscReal *mu, PetscReal *nu);
PETSC_EXTERN PetscErrorCode TkElasticIsotropic(MPI_Comm, PetscReal mu, PetscReal nu, TkElastic *);
PETSC_EXTERN PetscReal      TkElasticAnisotropy(const TkElastic *);                                                /* |C - C_iso(Hill)|_F / |C|_F: 0 for an isotropic tensor */
PETSC_EXTERN void           TkElasticRotate(const TkElastic *in, const PetscReal R[3][3], TkElastic *out);         /* C'_ijkl = R_ia R_jb R_kc R_ld C_abcd */
PETSC_EXTERN PetscReal      TkElasticTensor(const TkElastic *, PetscInt i, PetscInt j, PetscInt k, PetscInt l);    /* C_ijkl, indices 0..2 */
PETSC_EXTERN void           TkElasticStress(const TkElastic *, const PetscReal grad[3][3], PetscReal sigma[3][3]); /* sigma = C : sym(grad) */
