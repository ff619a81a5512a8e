/* Regularisers on the object grid (docs/reconstruct.md, "Objective"): smoothed total variation
     TV(f) = sum_q sqrt(|D f|_q^2 + eps^2) - eps,   D: forward differences between grid neighbours (none across the edge)
   and the support penalty sum_{q outside the support} rho_q^2. */
#pragma once
#include "cxi.h"

/* Terms of voxels [q0, q1) of f (the whole grid, on every rank), times weight: the value is returned and the
   gradient added to g (the whole grid; the terms also touch the neighbours q + 1, q + nx, q + nx ny). */
PETSC_EXTERN PetscReal TkTotalVariation(const TkGrid *, const PetscReal *f, PetscReal eps, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g);
/* the same with the differences wrapped to [-period/2, period/2) (a phase: period 2 pi; 0: plain differences) */
PETSC_EXTERN PetscReal TkTotalVariationPeriodic(const TkGrid *, const PetscReal *f, PetscReal period, PetscReal eps, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g);
PETSC_EXTERN PetscReal TkSupportPenalty(const TkGrid *, const PetscReal *rho, const unsigned char *support, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g);
