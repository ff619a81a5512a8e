/* Data misfit between modelled and measured BCDI intensities, with a detector mask and a global scale factor s
   (model counts = s I) that minimises the misfit for the current model (docs/reconstruct.md, "Objective"). */
#pragma once
#include <petscsys.h>

typedef enum { TK_MISFIT_POISSON, TK_MISFIT_GAUSSIAN } TkMisfitType;
PETSC_EXTERN const char *const TkMisfitTypes[];

/* Over the n unmasked pixels (mask[q] != 0: ignored):
     poisson:  J = sum mu - M - M log(mu / M),  mu = s I + floor_abs   (the Poisson deviance / 2, 0 for a perfect fit)
     gaussian: J = 1/2 sum (s I - M)^2 / max(M, 1)
   s is fixed_scale if > 0, else the minimiser of J (closed form for gaussian, Newton to round-off for poisson),
   so dJ/dI (returned, the total derivative, envelope theorem) holds at the optimal s. */
PETSC_EXTERN PetscErrorCode TkMisfitEvaluate(TkMisfitType, size_t n, const PetscReal *Im, const PetscReal *M, const unsigned char *mask, PetscReal floor_abs, PetscReal fixed_scale, PetscReal *scale, PetscReal *J, PetscReal *dJdI);
