/* Straight dislocation in an infinite isotropic medium (Hirth & Lothe 1982, screw eq. 3-2, edge eqs. 3-45 and 3-46;
   conventions of /work/shared/notes/defect_fields.md sections 1 and 2).

   Any line direction xi and Burgers vector b (lab frame, SI metres). b is split into the screw part bs = b.xi along
   xi and the perpendicular rest, which is an edge dislocation along x' = b_perp/|b_perp| with y' = xi x x', so a
   climb component is kept (atomman drops it). FS/RH Burgers vector: the integral of du around a circuit right-handed
   about xi is +b. theta = atan2(y', x'): the cut is the half plane x' < 0, y' = 0, where u jumps by b. Core
   regularisation r^2 -> r^2 + rc^2 in the non-angular terms and in every denominator of the gradient, so nothing is
   singular on the line; rc = 0 gives the singular field, still finite on the line (a floor of 1e-6 |b| is added in
   quadrature). Log gauge: ln(r^2 / r0^2) with r0 = 1 m (a rigid translation; only gradients and differences of u
   are physical). grad[i][j] = du_i/dx_j. */
#pragma once
#include <petscsys.h>

typedef struct {
  PetscReal xi[3], ex[3], ey[3]; /* line direction, edge direction x', y' = xi x x' (lab, unit) */
  PetscReal be, bs;              /* edge (|b_perp| >= 0) and screw (b.xi) components of b, m */
  PetscReal nu, rc;              /* Poisson ratio, core radius (m) */
  PetscReal p0[3];               /* a point on the line (lab, m) */
  /* per-voxel constants of TkIsoDislocationEvaluate, from SetUp: one division per voxel instead of seven */
  PetscReal r2add, kbe, kbs, c_xy, c_log, c_xx, c_grad;
} TkIsoDislocation;

PETSC_EXTERN PetscErrorCode TkIsoDislocationSetUp(MPI_Comm, const PetscReal xi[3], const PetscReal b[3], const PetscReal point[3], PetscReal nu, PetscReal rc, TkIsoDislocation *);
PETSC_EXTERN void           TkIsoDislocationEvaluate(const TkIsoDislocation *, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]); /* grad may be NULL */
PETSC_EXTERN void           TkIsoDislocationAdd(const TkIsoDislocation *, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]);      /* u += u_d, grad += grad_d (grad may be NULL) */

/* The same field in the dislocation frame (x', y', z' = xi): u'[3] and g[a][0..1] = du'_a/dx', du'_a/dy' at (x, y).
   r2add = rc^2 + floor^2 is added to x^2 + y^2; the log term is ln((x^2 + y^2 + r2add) / r02). Shared with the walls. */
PETSC_EXTERN void TkIsoDislocationLocal(PetscReal x, PetscReal y, PetscReal be, PetscReal bs, PetscReal nu, PetscReal r2add, PetscReal r02, PetscReal u[3], PetscReal g[3][2]);
