/* Straight isotropic dislocation of mixed character: Hirth & Lothe, Theory of Dislocations (2nd ed. 1982), screw
   eq. 3-2 and edge eqs. 3-45/3-46 with the +2nu sign of du_y/dy (the erratum of Poulsen et al. 2021, corrected in
   Borgi et al. 2024 appendix A); frame and cut of /work/shared/notes/defect_fields.md sections 1-2. */
#include "iso_dislocation.h"

static inline PetscReal Dot3(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

void TkIsoDislocationLocal(PetscReal x, PetscReal y, PetscReal be, PetscReal bs, PetscReal nu, PetscReal r2add, PetscReal r02, PetscReal u[3], PetscReal g[3][2])
{
  const PetscReal rho2 = x * x + y * y, r2 = rho2 + r2add, th = PetscAtan2Real(y, x), k = 1 / (2 * PETSC_PI);
  const PetscReal P = be / (4 * PETSC_PI * (1 - nu) * r2 * r2);

  u[0]    = be * k * (th + x * y / (2 * (1 - nu) * r2));
  u[1]    = -be * k * ((1 - 2 * nu) / (4 * (1 - nu)) * PetscLogReal(r2 / r02) + (x * x - y * y) / (4 * (1 - nu) * r2));
  u[2]    = bs * k * th;
  g[0][0] = -P * y * (3 * x * x + y * y - 2 * nu * rho2);
  g[0][1] = P * x * (3 * x * x + y * y - 2 * nu * rho2);
  g[1][0] = -P * x * (x * x + 3 * y * y - 2 * nu * rho2);
  g[1][1] = P * y * (x * x - y * y + 2 * nu * rho2); /* +2nu: the trace is -b(1-2nu)y/(2pi(1-nu)r^2) */
  g[2][0] = -bs * k * y / r2;
  g[2][1] = bs * k * x / r2;
}

PetscErrorCode TkIsoDislocationSetUp(MPI_Comm comm, const PetscReal xi[3], const PetscReal b[3], const PetscReal point[3], PetscReal nu, PetscReal rc, TkIsoDislocation *d)
{
  PetscReal l = PetscSqrtReal(Dot3(xi, xi)), nb = PetscSqrtReal(Dot3(b, b)), be;

  PetscFunctionBegin;
  PetscCheck(l > 0, comm, PETSC_ERR_USER_INPUT, "dislocation line direction is 0,0,0");
  PetscCheck(nb > 0, comm, PETSC_ERR_USER_INPUT, "Burgers vector is 0,0,0");
  PetscCheck(nu > -1 && nu < 0.5, comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  PetscCheck(rc >= 0, comm, PETSC_ERR_USER_INPUT, "core radius %g must not be negative", (double)rc);
  PetscCall(PetscMemzero(d, sizeof(*d)));
  for (int i = 0; i < 3; i++) d->xi[i] = xi[i] / l, d->p0[i] = point[i];
  d->bs = Dot3(b, d->xi);
  for (int i = 0; i < 3; i++) d->ex[i] = b[i] - d->bs * d->xi[i];
  be = PetscSqrtReal(Dot3(d->ex, d->ex));
  if (be > 1e-12 * nb) {
    for (int i = 0; i < 3; i++) d->ex[i] /= be;
  } else { /* pure screw: any x' perpendicular to the line; take the lab axis least aligned with it */
    PetscReal a[3] = {0, 0, 0}, dd;
    int       m    = 0;
    for (int i = 1; i < 3; i++)
      if (PetscAbsReal(d->xi[i]) < PetscAbsReal(d->xi[m])) m = i;
    a[m] = 1;
    dd   = Dot3(a, d->xi);
    for (int i = 0; i < 3; i++) d->ex[i] = a[i] - dd * d->xi[i];
    l = PetscSqrtReal(Dot3(d->ex, d->ex));
    for (int i = 0; i < 3; i++) d->ex[i] /= l;
    be = 0;
  }
  d->ey[0] = d->xi[1] * d->ex[2] - d->xi[2] * d->ex[1];
  d->ey[1] = d->xi[2] * d->ex[0] - d->xi[0] * d->ex[2];
  d->ey[2] = d->xi[0] * d->ex[1] - d->xi[1] * d->ex[0];
  d->be    = be;
  d->nu    = nu;
  d->rc    = rc;
  /* the floor keeps rc = 0 finite on the line; 1e-6 b changes the field at r = b by 1e-12 */
  d->r2add  = rc * rc + 1e-12 * (be * be + d->bs * d->bs);
  d->kbe    = be / (2 * PETSC_PI);
  d->kbs    = d->bs / (2 * PETSC_PI);
  d->c_xy   = 1 / (2 * (1 - nu));
  d->c_log  = (1 - 2 * nu) / (4 * (1 - nu));
  d->c_xx   = 1 / (4 * (1 - nu));
  d->c_grad = be / (4 * PETSC_PI * (1 - nu));
  PetscFunctionReturn(0);
}

/* TkIsoDislocationLocal with the constants of SetUp and the rotation to the lab frame factored: the voxel loop's
   kernel (docs/benchmarks.md, takagi strain). Tested against TkIsoDislocationLocal in validation/defects_loops_walls.c. */
static inline void Field(const TkIsoDislocation *d, const PetscReal r[3], PetscBool add, PetscReal u[3], PetscReal grad[3][3])
{
  const PetscReal p[3] = {r[0] - d->p0[0], r[1] - d->p0[1], r[2] - d->p0[2]};
  const PetscReal x = Dot3(p, d->ex), y = Dot3(p, d->ey), xx = x * x, yy = y * y, rho2 = xx + yy, r2 = rho2 + d->r2add;
  const PetscReal inv = 1 / r2, th = PetscAtan2Real(y, x), nu = d->nu;
  /* a pure screw (be = 0) has no edge terms: skip the logarithm and the edge gradient (a branch on the defect,
     predicted perfectly across the voxel loop) */
  const PetscBool edge  = (PetscBool)(d->be != 0);
  const PetscReal ul[3] = {edge ? d->kbe * (th + d->c_xy * x * y * inv) : 0, edge ? -d->kbe * (d->c_log * PetscLogReal(r2) + d->c_xx * (xx - yy) * inv) : 0, d->kbs * th};

  for (int i = 0; i < 3; i++) u[i] = (add ? u[i] : 0) + ul[0] * d->ex[i] + ul[1] * d->ey[i] + ul[2] * d->xi[i];
  if (!grad) return;
  const PetscReal P = d->c_grad * inv * inv, t = 2 * nu * rho2;
  /* G' (rows u'_x, u'_y, u'_z; columns d/dx', d/dy'), in scalars: packing them into small arrays made the compiler
     pair 8-byte stores with 16-byte loads, a store-forwarding stall that cost a third of the kernel */
  const PetscReal g00 = -P * y * (3 * xx + yy - t), g01 = P * x * (3 * xx + yy - t);
  const PetscReal g10 = -P * x * (xx + 3 * yy - t), g11 = P * y * (xx - yy + t); /* +2nu: the trace is -b(1-2nu)y/(2pi(1-nu)r^2) */
  const PetscReal g20 = -d->kbs * y * inv, g21 = d->kbs * x * inv;
  /* grad = sum_a e_a (G'_a0 x' + G'_a1 y')^T (no dependence on z') */
  for (int j = 0; j < 3; j++) {
    const PetscReal w0 = g00 * d->ex[j] + g01 * d->ey[j], w1 = g10 * d->ex[j] + g11 * d->ey[j], w2 = g20 * d->ex[j] + g21 * d->ey[j];
    for (int i = 0; i < 3; i++) grad[i][j] = (add ? grad[i][j] : 0) + d->ex[i] * w0 + d->ey[i] * w1 + d->xi[i] * w2;
  }
}

void TkIsoDislocationEvaluate(const TkIsoDislocation *d, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]) { Field(d, r, PETSC_FALSE, u, grad); }

void TkIsoDislocationAdd(const TkIsoDislocation *d, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3]) { Field(d, r, PETSC_TRUE, u, grad); }
