/* Planar polygonal dislocation loop in an infinite isotropic medium: Barnett's segment formula (Phil. Mag. A 51, 383,
   1985) with the solid angle of Van Oosterom & Strackee (IEEE TBME 30, 125, 1983); sign conventions of
   /work/shared/notes/defect_fields.md section 3.1.

   Lab frame, SI metres; grad[i][j] = du_i/dx_j. The vertices P_0..P_{n-1} are traversed in the sense of the line
   direction xi; N is the right-hand normal of that circuit. The cut is the flat loop surface, across which
   u(+N side) - u(-N side) = -b (b parallel to N is a vacancy loop); the integral of du around a circuit right-handed
   about any segment is +b (FS/RH, as for TkIsoDislocation). Points on the loop plane (to round-off: within 1e-12 of
   the loop size plus the distance of its centre from the origin) get the +N side value. u vanishes far from the loop
   (no gauge constant). The gradient is a central difference of u with the jump removed (step 1e-5 of the distance to
   the nearest segment; about 1e-9 relative), so it costs 7 evaluations of u, each O(n). Core regularisation:
   |R|^2 -> |R|^2 + rc^2 in the logarithmic and line terms, not in the solid angle, so the jump stays exactly b; rc = 0
   is allowed and stays finite on the line (floor 1e-6 |b|). Vertices off the mean plane by up to 1e-6 of the loop
   size are projected onto it. */
#pragma once
#include <petscsys.h>

typedef struct _p_TkLoop *TkLoop;

PETSC_EXTERN PetscErrorCode TkLoopCreate(MPI_Comm, PetscInt n, const PetscReal P[][3], const PetscReal b[3], PetscReal nu, PetscReal rc, TkLoop *);
/* Regular polygon with nsides vertices, centred on center, in the plane normal to normal, traversed right-handed about
   normal (so N = normal/|normal|); its area equals that of the circle of the given radius (so the far field, which
   depends on b and the loop area, matches the circle's), the first vertex along the lab axis least aligned with normal. */
PETSC_EXTERN PetscErrorCode TkLoopCreateRegular(MPI_Comm, const PetscReal center[3], const PetscReal normal[3], PetscReal radius, PetscInt nsides, const PetscReal b[3], PetscReal nu, PetscReal rc, TkLoop *);
PETSC_EXTERN void           TkLoopEvaluate(TkLoop, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]); /* grad may be NULL */
PETSC_EXTERN PetscErrorCode TkLoopGetNormal(TkLoop, PetscReal N[3]);                                            /* unit right-hand normal */
PETSC_EXTERN PetscErrorCode TkLoopDestroy(TkLoop *);
