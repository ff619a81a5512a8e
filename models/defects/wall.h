/* Low-angle grain boundaries as walls of straight isotropic dislocations, and a rigidly misoriented grain
   (/work/shared/notes/defect_fields.md section 7; Frank-Bilby spacing, Read & Shockley 1950; Hirth & Lothe 1982 ch. 19).

   Lab frame, SI metres, angles in radians; grad[i][j] = du_i/dx_j. Sign convention, shared by the three kinds: a
   positive angle rotates the grain on the +n side (n = plane_normal) right-handedly about the axis relative to the
   grain on the -n side. For the walls the far field is a rotation of +sin(theta/2) on the +n side and -sin(theta/2)
   on the -n side (each side relative to the unrotated reference lattice), i.e. a misorientation b/D = 2 sin(theta/2).

   Tilt: edge dislocations with lines along axis (which must lie in the boundary plane), b = -sign(theta) bmag n,
   stacked along axis x n through point at D = bmag/(2 sin(|theta|/2)). Twist (axis = n): two orthogonal sets of
   screws in the plane, lines along e1 and e2 (e1 from the lab axis least aligned with n, e2 = n x e1), b = sign(theta)
   bmag along each line, each set stacked along the other direction at spacing D. Each set has the dislocation through
   point and K = ceil(L/D) on either side, summed symmetrically (+-1, +-2, ..., 'bipolar'); lines are infinite. Each
   dislocation carries its own cut (TkIsoDislocation); its log gauge is referenced to its distance from point + D n
   (r0_k^2 = D^2 (1 + k^2)), so u stays of order b near the wall. Cost: 2K+1 (tilt) or 2(2K+1) (twist) dislocation
   evaluations per point.

   Grain: u = (R - I)(x - x0) for (x - x0).n > 0, 0 otherwise; R the rotation by angle about axis (Rodrigues). */
#pragma once
#include <petscsys.h>

typedef struct _p_TkWall *TkWall;

PETSC_EXTERN PetscErrorCode TkWallCreateTilt(MPI_Comm, const PetscReal axis[3], const PetscReal plane_normal[3], const PetscReal point[3], PetscReal theta, PetscReal bmag, PetscReal nu, PetscReal rc, PetscReal half_length, TkWall *);
PETSC_EXTERN PetscErrorCode TkWallCreateTwist(MPI_Comm, const PetscReal plane_normal[3], const PetscReal point[3], PetscReal theta, PetscReal bmag, PetscReal nu, PetscReal rc, PetscReal half_length, TkWall *);
PETSC_EXTERN PetscErrorCode TkWallCreateGrain(MPI_Comm, const PetscReal plane_normal[3], const PetscReal point[3], const PetscReal axis[3], PetscReal angle, TkWall *);
PETSC_EXTERN PetscErrorCode TkWallGetSpacing(TkWall, PetscReal *D, PetscInt *ndislocations);                    /* grain: D = 0, none */
PETSC_EXTERN void           TkWallEvaluate(TkWall, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]); /* grad may be NULL */
PETSC_EXTERN PetscErrorCode TkWallDestroy(TkWall *);
