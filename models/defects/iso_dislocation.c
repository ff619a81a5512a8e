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
  PetscFunctionReturn(0);
}

void TkIsoDislocationEvaluate(const TkIsoDislocation *d, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3])
{
  const PetscReal  p[3] = {r[0] - d->p0[0], r[1] - d->p0[1], r[2] - d->p0[2]};
  const PetscReal *e[3] = {d->ex, d->ey, d->xi};
  /* the floor keeps rc = 0 finite on the line; 1e-6 b changes the field at r = b by 1e-12 */
  const PetscReal r2add = d->rc * d->rc + 1e-12 * (d->be * d->be + d->bs * d->bs);
  PetscReal       ul[3], gl[3][2];

  TkIsoDislocationLocal(Dot3(p, d->ex), Dot3(p, d->ey), d->be, d->bs, d->nu, r2add, 1.0, ul, gl);
  for (int i = 0; i < 3; i++) {
    u[i] = ul[0] * d->ex[i] + ul[1] * d->ey[i] + ul[2] * d->xi[i];
    if (!grad) continue;
    /* grad = sum_ab e_a (G')_ab e_b, with no dependence on z' */
    for (int j = 0; j < 3; j++) {
      PetscReal s = 0;
      for (int a = 0; a < 3; a++) s += e[a][i] * (gl[a][0] * d->ex[j] + gl[a][1] * d->ey[j]);
      grad[i][j] = s;
    }
  }
}
