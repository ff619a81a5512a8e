/* Closed-form two-beam results for perfect plates (Authier 2001; Zachariasen 1945; notes in docs/theory.md).
   They validate the depth solver and mark the Darwin band on plots. All angles in rad. */
#pragma once
#include "two_beam.h"

PETSC_EXTERN PetscReal TkDarwinWidth(const TkTwoBeam *);                                    /* total-reflection width, no absorption, incidence side */
PETSC_EXTERN PetscReal TkRefractionShift(const TkTwoBeam *);                                /* centre of the Darwin band from the kinematic angle */
PETSC_EXTERN PetscReal TkExtinctionLength(const TkTwoBeam *);                               /* Authier Lambda_0 = lambda sqrt(g0 |gh|)/(|C| sqrt|chih chihbar|) */
PETSC_EXTERN PetscReal TkThickBraggReflectivity(const TkTwoBeam *);                         /* semi-infinite crystal at the point's own beta and b, photon flux */
PETSC_EXTERN PetscReal TkThickBraggReflectivityLinear(const TkTwoBeam *, PetscReal dtheta); /* textbook form, linear in dtheta about thetaB with b at thetaB */
PETSC_EXTERN PetscReal TkKinematicIntegratedReflectivity(const TkTwoBeam *, PetscReal thickness);
PETSC_EXTERN PetscReal TkLinearAttenuation(const TkTwoBeam *); /* mu = k Im chi0, 1/m */
