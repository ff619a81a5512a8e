/* Phase errors of a reconstruction against a true object on the same grid (x fastest). */
#pragma once
#include <petscsys.h>

/* RMS of the wrapped difference psi - truth over region (> 0.5) after removing the best constant (circular mean) */
PETSC_EXTERN PetscReal TkPhaseErrorRMS(PetscInt64 n, const PetscReal *psi, const PetscReal *truth, const PetscReal *region);
/* the translation t (voxels, x, y, z) that minimises TkPhaseErrorRMS of arg e^{i psi}(r + t) (trilinear, periodic)
   over region: integer shifts within +-2, then a pattern search to 1/32 voxel bounded by +-2.5; rms its error and
   moved the moved phase (valid on region) */
PETSC_EXTERN PetscErrorCode TkPhaseRegister(const PetscInt64 n[3], const PetscReal *psi, const PetscReal *truth, const PetscReal *region, PetscReal t[3], PetscReal *rms, PetscReal *moved);
/* the same search for K phases of one object moved together (several reflections' g_k.u): the translation minimising
   the sum of their squared errors; rms[k] and moved[k] per phase */
PETSC_EXTERN PetscErrorCode TkPhaseRegisterJoint(const PetscInt64 n[3], PetscInt K, const PetscReal *const psi[], const PetscReal *const truth[], const PetscReal *region, PetscReal t[3], PetscReal rms[], PetscReal *const moved[]);
