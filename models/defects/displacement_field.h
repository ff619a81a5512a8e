/* Built-in displacement fields for the 3D forward model: uniform strain along h, a linear phase ramp, and straight
   dislocations in isotropic elasticity (Hirth & Lothe 1982, eqs. 3-45 and 3-2; FS/RH Burgers vector, angle cut on
   the half plane x < 0 of the dislocation frame). Several can be superposed, and with -defects any defect set of
   takagi strain (anisotropic dislocations, loops, walls, inclusions) is added. */
#pragma once
#include "bragg_frame.h"

typedef struct _p_TkDisplacement *TkDisplacement;

PETSC_EXTERN PetscErrorCode TkDisplacementCreate(MPI_Comm, TkDisplacement *);
PETSC_EXTERN PetscErrorCode TkDisplacementSetFromOptions(TkDisplacement);
PETSC_EXTERN PetscErrorCode TkDisplacementSetReflection(TkDisplacement, TkReflection);
PETSC_EXTERN PetscErrorCode TkDisplacementSetUp(TkDisplacement, const TkBraggFrame *);
PETSC_EXTERN PetscErrorCode TkDisplacementSetUniformStrain(TkDisplacement, PetscReal);
PETSC_EXTERN PetscErrorCode TkDisplacementSetPhaseRamp(TkDisplacement, const PetscReal g[3]);
PETSC_EXTERN PetscErrorCode TkDisplacementAddDislocation(TkDisplacement, const PetscReal line_uvw[3], const PetscReal burgers_uvw[3], const PetscReal pos[3], PetscReal nu);
PETSC_EXTERN PetscBool      TkDisplacementIsZero(TkDisplacement);
PETSC_EXTERN void           TkDisplacementEvaluate(TkDisplacement, const PetscReal r[3], PetscReal u[3]); /* u (m) at lab r (m), excluding the phase ramp */
PETSC_EXTERN PetscReal      TkDisplacementPhase(TkDisplacement, const PetscReal r[3]);                    /* phi = h.u (rad), including the phase ramp */
PETSC_EXTERN void           TkEdgeDislocationIsotropic(PetscReal b, PetscReal nu, PetscReal rcore, PetscReal x, PetscReal y, PetscReal u[2]);
PETSC_EXTERN PetscErrorCode TkDisplacementView(TkDisplacement, PetscViewer);
PETSC_EXTERN PetscErrorCode TkDisplacementDestroy(TkDisplacement *);
