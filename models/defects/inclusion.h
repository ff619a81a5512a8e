/* Eshelby inclusions in an infinite isotropic matrix (the classical inclusion problem: the same elastic constants
   inside and out). A region Omega (sphere or ellipsoid) carries a uniform eigenstrain eps* (a misfit, e.g. a
   precipitate's lattice mismatch); the total displacement u is continuous and vanishes at infinity.

   Exact inside AND outside, for a general (not only dilatational) eps*:
   - sphere: inside u = (S:eps*).(x - c) with Eshelby's S (Eshelby 1957); outside Mura's (1987) eq. 11.30 with
     the closed-form potentials of a uniform ball, phi = V/r and psi = V (r + a^2/(5 r)), V = 4 pi a^3/3.
   - ellipsoid: inside u = (S:eps* + w).(x - c), S the Eshelby tensor and w the rigid rotation a sheared
     ellipsoid takes when eps* is not along its axes (zero for a sphere); outside eq. 11.30 with phi, psi of the
     ellipsoid through the I-integrals taken from lambda(x), the largest root of sum_n x_n^2/(a_n^2 + lambda) = 1
     (Mura 1987 §11). I_i come from Carlson's R_D; the double-pole integrals J_ij = I_j - a_i^2 I_ij, whose closed
     forms lose digits for near-equal or very unequal axes, from an exponentially convergent trapezoidal rule in
     ln s: no special cases for spheroids, near-spheres, pennies or needles (axis ratios down to 1e-12).
   Accuracy: ~1e-15 relative for S and the fields (inclusion.c); cost ~2.5 us per exterior ellipsoid point
   (u and grad), closed form for the sphere and for all interior points.
   The interior total strain is S:eps*, so the elastic strain inside is S:eps* - eps*: stress C:(S:eps* - eps*)
   inside and C:sym(grad u) outside.

   Conventions: lab frame, SI metres; grad[i][j] = du_i/dx_j (the full gradient, rotation included); eps* is a
   symmetric 3x3 tensor in the lab frame; mu (Pa) does not enter u (same constants inside and out) and is kept for
   the stresses of the callers; the ellipsoid's semi-axes a[0..2] lie along the columns of R (orthonormal to 1e-6,
   re-orthonormalised; lab components). TkInclusionEshelbyTensor returns S in the lab frame, S_ijkl = S_ijlk.
   Points on the surface count as inside. */
#pragma once
#include <petscviewer.h>

typedef struct _p_TkInclusion *TkInclusion;

PETSC_EXTERN PetscErrorCode TkInclusionCreateSphere(MPI_Comm, const PetscReal c[3], PetscReal radius, const PetscReal eps_star[3][3], PetscReal mu, PetscReal nu, TkInclusion *);
PETSC_EXTERN PetscErrorCode TkInclusionCreateEllipsoid(MPI_Comm, const PetscReal c[3], const PetscReal a[3], const PetscReal R[3][3], const PetscReal eps_star[3][3], PetscReal mu, PetscReal nu, TkInclusion *);
/* total displacement u (m) and its gradient at lab point r (m); either output may be NULL */
PETSC_EXTERN void           TkInclusionEvaluate(TkInclusion, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]);
PETSC_EXTERN PetscBool      TkInclusionIsInside(TkInclusion, const PetscReal r[3]);
PETSC_EXTERN PetscErrorCode TkInclusionEshelbyTensor(TkInclusion, PetscReal S[3][3][3][3]);
PETSC_EXTERN PetscErrorCode TkInclusionView(TkInclusion, PetscViewer);
PETSC_EXTERN PetscErrorCode TkInclusionDestroy(TkInclusion *);

/* Building blocks, exposed for the validation program. Carlson's symmetric integrals R_F(x,y,z) and R_D(x,y,z)
   (x, y >= 0 not both 0, z > 0). TkEllipsoidIntegrals: for semi-axes a and lambda >= 0, the I-integrals
   I_i = 2 pi a1 a2 a3 int_lambda^inf ds / ((a_i^2 + s) Delta(s)) and J_ij = 2 pi a1 a2 a3 int_lambda^inf
   s ds / ((a_i^2 + s)(a_j^2 + s) Delta(s)) = I_j - a_i^2 I_ij, Delta(s) = sqrt(prod_n (a_n^2 + s)). */
PETSC_EXTERN PetscReal TkCarlsonRF(PetscReal, PetscReal, PetscReal);
PETSC_EXTERN PetscReal TkCarlsonRD(PetscReal, PetscReal, PetscReal);
PETSC_EXTERN void      TkEllipsoidIntegrals(const PetscReal a[3], PetscReal lambda, PetscReal Ii[3], PetscReal J[3][3]);
