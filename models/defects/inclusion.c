/* Eshelby inclusions (sphere, ellipsoid) in an infinite isotropic matrix; see inclusion.h for what is exact.
   Sources: J. D. Eshelby, Proc. R. Soc. A 241, 376 (1957) and 252, 561 (1959); T. Mura, Micromechanics of Defects
   in Solids (Nijhoff 1987), section 11 (displacement from the potentials phi and psi, eq. 11.30; the ellipsoid's
   potentials through the I-integrals, interior and exterior; the Eshelby tensor);
   B. C. Carlson, Numer. Algorithms 10, 13 (1995) (R_F, R_D by duplication); N. M. Ferrers (1877) / F. W. Dyson
   (1891) for the potential of the density x'_i over an ellipsoid, used to obtain psi_,i = x_i phi - phi_i.

   Derivation used here (no summation unless written), with P = 2 pi a1 a2 a3, A_n = a_n^2 + lambda, J_i = I - a_i^2 I_i
   and J_ij = I_j - a_i^2 I_ij (positive integrands, see Integrals):
     phi_,i   = -x_i I_i(lambda),   psi_,ij = (1/2) delta_ij [J_i - sum_n x_n^2 J_in] - x_i x_j J_ij(lambda),
     psi_,ijk = -delta_ij x_k J_ik - (delta_ik x_j + delta_jk x_i) J_ij - x_i x_j J_ij,k,
   and one more derivative for psi_,ijkl; inside lambda = 0 and its derivatives vanish. Outside, the lambda
   derivatives of the integrals only pick up the integrands at s = lambda:
     I_i' = -P/(A_i Delta), J_ij' = -P lambda/(A_i A_j Delta), lambda_,k = 2 x_k/(A_k G), G = sum x_n^2/A_n^2.
   Then u_i = [psi_,jli eps*_jl - 2 nu eps*_mm phi_,i - 4(1-nu) eps*_il phi_,l] / (8 pi (1-nu))  (Mura 11.30). */
#include "inclusion.h"

struct _p_TkInclusion {
  MPI_Comm  comm;
  PetscBool sphere;
  PetscReal c[3], a[3], R[3][3]; /* centre, semi-axes (m), axes as columns of R */
  PetscReal L;                   /* length unit: the largest semi-axis; all work is in x / L */
  PetscReal as2[3], P;           /* (a_n / L)^2 and 2 pi prod(a_n / L) */
  PetscReal mu, nu;
  PetscReal eps[3][3];        /* eigenstrain, lab */
  PetscReal eloc[3][3];       /* eigenstrain in the ellipsoid frame, R^T eps R */
  PetscReal Sloc[3][3][3][3]; /* Eshelby tensor, ellipsoid frame */
  PetscReal Gloc[3][3];       /* interior displacement gradient, ellipsoid frame (strain S:eps* + rotation) */
  PetscReal Glab[3][3];       /* the same in the lab */
};

/* ---------- Carlson's symmetric elliptic integrals (Carlson 1995, algorithms for R_F and R_D) ---------- */

PetscReal TkCarlsonRF(PetscReal x, PetscReal y, PetscReal z)
{
  const PetscReal A0 = (x + y + z) / 3;
  /* Q = (3r)^(-1/6) max|A0 - x_i| with r = 1e-16: the series truncation error is then below r */
  PetscReal Q  = 4.05e2 * PetscMax(PetscAbsReal(A0 - x), PetscMax(PetscAbsReal(A0 - y), PetscAbsReal(A0 - z)));
  PetscReal xm = x, ym = y, zm = z, Am = A0, f = 1;

  for (int m = 0; m < 100 && f * Q >= PetscAbsReal(Am); m++) {
    const PetscReal sx = PetscSqrtReal(xm), sy = PetscSqrtReal(ym), sz = PetscSqrtReal(zm), lam = sx * sy + sx * sz + sy * sz;
    xm = (xm + lam) / 4, ym = (ym + lam) / 4, zm = (zm + lam) / 4, Am = (Am + lam) / 4, f /= 4;
  }
  {
    const PetscReal X = (A0 - x) * f / Am, Y = (A0 - y) * f / Am, Z = -X - Y;
    const PetscReal E2 = X * Y - Z * Z, E3 = X * Y * Z;
    return (1 - E2 / 10 + E3 / 14 + E2 * E2 / 24 - 3 * E2 * E3 / 44) / PetscSqrtReal(Am);
  }
}

PetscReal TkCarlsonRD(PetscReal x, PetscReal y, PetscReal z)
{
  const PetscReal A0 = (x + y + 3 * z) / 5;
  /* Q = (r/4)^(-1/6) max|A0 - x_i| with r = 1e-16 */
  PetscReal Q  = 2.72e3 * PetscMax(PetscAbsReal(A0 - x), PetscMax(PetscAbsReal(A0 - y), PetscAbsReal(A0 - z)));
  PetscReal xm = x, ym = y, zm = z, Am = A0, f = 1, sum = 0;

  for (int m = 0; m < 100 && f * Q >= PetscAbsReal(Am); m++) {
    const PetscReal sx = PetscSqrtReal(xm), sy = PetscSqrtReal(ym), sz = PetscSqrtReal(zm), lam = sx * sy + sx * sz + sy * sz;
    sum += f / (sz * (zm + lam));
    xm = (xm + lam) / 4, ym = (ym + lam) / 4, zm = (zm + lam) / 4, Am = (Am + lam) / 4, f /= 4;
  }
  {
    const PetscReal X = (A0 - x) * f / Am, Y = (A0 - y) * f / Am, Z = -(X + Y) / 3;
    const PetscReal E2 = X * Y - 6 * Z * Z, E3 = (3 * X * Y - 8 * Z * Z) * Z, E4 = 3 * (X * Y - Z * Z) * Z * Z, E5 = X * Y * Z * Z * Z;
    return f / (Am * PetscSqrtReal(Am)) * (1 - 3 * E2 / 14 + E3 / 6 + 9 * E2 * E2 / 88 - 3 * E4 / 22 - 9 * E2 * E3 / 52 + 3 * E5 / 26) + 3 * sum;
  }
}

/* ---------- the I-integrals ---------- */

/* I_i from R_D; J_ij = P int_0^inf (lambda + t) dt / ((A_i + t)(A_j + t) D(t)), D = sqrt(prod (A_n + t)), by the
   trapezoidal rule in y = ln t. Why not the closed forms: I_ij = (I_i - I_j)/(a_j^2 - a_i^2) and the sum rules
   lose all digits for (near-)equal axes and, for I_ii, about log10(a_max/a_min) digits for flat or needle
   shapes. The integrand is analytic in the strip |Im y| < pi (branch points at t = -A_n), so the error of
   step h falls as exp(-2 pi (pi - delta)/h): h = 0.35 agrees with h = 0.05 to 4e-15 (round-off) for axis ratios
   1 to 1e-12 and any lambda, and needs 180 + 5.7 ln(a_max/a_min) nodes. */
static void Integrals(const PetscReal as2[3], PetscReal P, PetscReal lambda, PetscReal Ii[3], PetscReal J[3][3])
{
  const PetscReal A[3] = {as2[0] + lambda, as2[1] + lambda, as2[2] + lambda}, h = 0.35;
  const PetscReal Amin = PetscMin(A[0], PetscMin(A[1], A[2])), Amax = PetscMax(A[0], PetscMax(A[1], A[2]));
  /* tails: the integrand in y goes as t (t -> 0) and t^(-3/2) (t -> inf); cut both below 1e-16 */
  const PetscReal y0 = PetscLogReal(Amin) - 37.0, y1 = PetscLogReal(Amax) + 26.0;
  const int       n       = (int)PetscCeilReal((y1 - y0) / h);
  PetscReal       s[3][3] = {{0}};

  for (int i = 0; i < 3; i++) Ii[i] = P * (2.0 / 3.0) * TkCarlsonRD(A[(i + 1) % 3], A[(i + 2) % 3], A[i]);
  for (int k = 0; k <= n; k++) {
    const PetscReal t    = PetscExpReal(y0 + k * h);
    const PetscReal r[3] = {1 / (A[0] + t), 1 / (A[1] + t), 1 / (A[2] + t)};
    const PetscReal w    = t * (lambda + t) * PetscSqrtReal(r[0] * r[1] * r[2]);
    for (int i = 0; i < 3; i++)
      for (int j = i; j < 3; j++) s[i][j] += w * r[i] * r[j];
  }
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++) J[i][j] = J[j][i] = P * h * s[i][j];
}

void TkEllipsoidIntegrals(const PetscReal a[3], PetscReal lambda, PetscReal Ii[3], PetscReal J[3][3])
{
  const PetscReal as2[3] = {a[0] * a[0], a[1] * a[1], a[2] * a[2]};
  Integrals(as2, 2 * PETSC_PI * a[0] * a[1] * a[2], lambda, Ii, J);
}

/* ---------- displacement from the potentials (Mura eq. 11.30) ---------- */

/* p1 = phi_,i, p2 = phi_,ik, s3 = psi_,ijk, s4 = psi_,ijkl; e = eigenstrain in the same frame */
static void FromPotentials(const PetscReal e[3][3], PetscReal nu, const PetscReal p1[3], const PetscReal p2[3][3], const PetscReal s3[3][3][3], const PetscReal s4[3][3][3][3], PetscReal u[3], PetscReal g[3][3])
{
  const PetscReal C0 = 1 / (8 * PETSC_PI * (1 - nu)), tr = e[0][0] + e[1][1] + e[2][2];

  for (int i = 0; i < 3; i++) {
    if (u) {
      PetscReal v = -2 * nu * tr * p1[i];
      for (int j = 0; j < 3; j++) {
        v -= 4 * (1 - nu) * e[i][j] * p1[j];
        for (int l = 0; l < 3; l++) v += s3[j][l][i] * e[j][l];
      }
      u[i] = C0 * v;
    }
    if (g)
      for (int k = 0; k < 3; k++) {
        PetscReal v = -2 * nu * tr * p2[i][k];
        for (int j = 0; j < 3; j++) {
          v -= 4 * (1 - nu) * e[i][j] * p2[j][k];
          for (int l = 0; l < 3; l++) v += s4[j][l][i][k] * e[j][l];
        }
        g[i][k] = C0 * v;
      }
  }
}

/* Derivatives of phi and psi of the ellipsoid (scaled units) at x; inside when lambda = 0 (then x only enters
   linearly). The lambda-derivative terms are what make the exterior field differ from the interior one. */
static void EllipsoidPotentials(const PetscReal as2[3], PetscReal P, const PetscReal x[3], PetscReal lambda, PetscReal p1[3], PetscReal p2[3][3], PetscReal s3[3][3][3], PetscReal s4[3][3][3][3])
{
  PetscReal Ii[3], J[3][3], Ii1[3] = {0}, J1[3][3] = {{0}}, J2[3][3] = {{0}}, lk[3] = {0}, lkl[3][3] = {{0}};

  Integrals(as2, P, lambda, Ii, J);
  if (lambda > 0) {
    const PetscReal A[3] = {as2[0] + lambda, as2[1] + lambda, as2[2] + lambda}, D = PetscSqrtReal(A[0] * A[1] * A[2]);
    PetscReal       G = 0, H = 0, sinv = 0;
    for (int n = 0; n < 3; n++) G += x[n] * x[n] / (A[n] * A[n]), H += x[n] * x[n] / (A[n] * A[n] * A[n]), sinv += 1 / A[n];
    for (int k = 0; k < 3; k++) lk[k] = 2 * x[k] / (A[k] * G);
    /* lambda_,kl = 2 delta_kl/(A_k G) + lambda_,k lambda_,l (2H/G - 1/A_k - 1/A_l), from F(x, lambda(x)) = 0 */
    for (int k = 0; k < 3; k++)
      for (int l = 0; l < 3; l++) lkl[k][l] = (k == l ? 2 / (A[k] * G) : 0) + lk[k] * lk[l] * (2 * H / G - 1 / A[k] - 1 / A[l]);
    for (int i = 0; i < 3; i++) {
      Ii1[i] = -P / (A[i] * D);
      for (int j = 0; j < 3; j++) {
        const PetscReal q = P / (A[i] * A[j] * D);
        J1[i][j]          = -q * lambda;
        J2[i][j]          = -q * (1 - lambda * (1 / A[i] + 1 / A[j] + sinv / 2));
      }
    }
  }
  for (int i = 0; i < 3; i++) {
    p1[i] = -x[i] * Ii[i];
    for (int k = 0; k < 3; k++) p2[i][k] = (i == k ? -Ii[i] : 0) - x[i] * Ii1[i] * lk[k];
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++) {
        PetscReal v = -x[i] * x[j] * J1[i][j] * lk[k];
        if (i == j) v -= x[k] * J[i][k];
        if (i == k) v -= x[j] * J[i][j];
        if (j == k) v -= x[i] * J[i][j];
        s3[i][j][k] = v;
        for (int l = 0; l < 3; l++) {
          PetscReal w = -x[i] * x[j] * (J2[i][j] * lk[k] * lk[l] + J1[i][j] * lkl[k][l]);
          if (i == j) w -= (k == l ? J[i][k] : 0) + x[k] * J1[i][k] * lk[l];
          if (i == k) w -= (j == l ? J[i][j] : 0) + x[j] * J1[i][j] * lk[l];
          if (j == k) w -= (i == l ? J[i][j] : 0) + x[i] * J1[i][j] * lk[l];
          if (i == l) w -= x[j] * J1[i][j] * lk[k];
          if (j == l) w -= x[i] * J1[i][j] * lk[k];
          s4[i][j][k][l] = w;
        }
      }
}

/* lambda: the largest root of sum x_n^2/(a_n^2 + lambda) = 1 for a point outside (sum x_n^2/a_n^2 > 1). The left
   side is convex and decreasing, and at max(0, |x|^2 - max a_n^2) it is >= 1, so Newton from there climbs
   monotonically to the root. */
static PetscReal Lambda(const PetscReal as2[3], const PetscReal x[3])
{
  const PetscReal r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2], amax2 = PetscMax(as2[0], PetscMax(as2[1], as2[2]));
  PetscReal       lambda = PetscMax(0, r2 - amax2);

  for (int it = 0; it < 200; it++) {
    PetscReal f = -1, G = 0, d;
    for (int n = 0; n < 3; n++) {
      const PetscReal q = x[n] * x[n] / (as2[n] + lambda);
      f += q, G += q / (as2[n] + lambda);
    }
    d = f / G;
    lambda += d;
    if (PetscAbsReal(d) <= 1e-15 * lambda) break;
  }
  return PetscMax(lambda, 0);
}

/* Sphere of unit radius (scaled units), outside: phi = V/r, psi = V (r + 1/(5r)), V = 4 pi/3, by the derivatives
   of r and 1/r up to fourth order. */
static void SpherePotentials(const PetscReal x[3], PetscReal p1[3], PetscReal p2[3][3], PetscReal s3[3][3][3], PetscReal s4[3][3][3][3])
{
  const PetscReal V = 4 * PETSC_PI / 3, r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2], r = PetscSqrtReal(r2);
  const PetscReal r3 = r * r2, r5 = r3 * r2, r7 = r5 * r2, r9 = r7 * r2;
#define D_(a, b) ((a) == (b) ? 1.0 : 0.0)
  for (int i = 0; i < 3; i++) {
    p1[i] = -V * x[i] / r3;
    for (int j = 0; j < 3; j++) {
      p2[i][j] = V * (-D_(i, j) / r3 + 3 * x[i] * x[j] / r5);
      for (int k = 0; k < 3; k++) {
        const PetscReal d3 = D_(i, j) * x[k] + D_(i, k) * x[j] + D_(j, k) * x[i], xxx = x[i] * x[j] * x[k];
        /* r_,ijk = -d3/r^3 + 3 xxx/r^5; (1/r)_,ijk = 3 d3/r^5 - 15 xxx/r^7 */
        s3[i][j][k] = V * ((-d3 / r3 + 3 * xxx / r5) + (3 * d3 / r5 - 15 * xxx / r7) / 5);
        for (int l = 0; l < 3; l++) {
          const PetscReal dd = D_(i, j) * D_(k, l) + D_(i, k) * D_(j, l) + D_(i, l) * D_(j, k);
          const PetscReal dx = D_(i, j) * x[k] * x[l] + D_(i, k) * x[j] * x[l] + D_(j, k) * x[i] * x[l] + D_(i, l) * x[j] * x[k] + D_(j, l) * x[i] * x[k] + D_(k, l) * x[i] * x[j];
          const PetscReal x4 = xxx * x[l];
          s4[i][j][k][l]     = V * ((-dd / r3 + 3 * dx / r5 - 15 * x4 / r7) + (3 * dd / r5 - 15 * dx / r7 + 105 * x4 / r9) / 5);
        }
      }
    }
  }
#undef D_
}

/* ---------- creation ---------- */

static PetscErrorCode CheckCommon(MPI_Comm comm, const PetscReal c[3], const PetscReal eps[3][3], PetscReal mu, PetscReal nu)
{
  PetscReal emax = 0;

  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) PetscCheck(!PetscIsInfOrNanReal(c[i]), comm, PETSC_ERR_USER_INPUT, "inclusion centre component %d is %g", i, (double)c[i]);
  PetscCheck(nu > -1 && nu < 0.5, comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  PetscCheck(mu > 0 && PetscIsNormalReal(mu), comm, PETSC_ERR_USER_INPUT, "shear modulus %g Pa must be positive", (double)mu);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      PetscCheck(!PetscIsInfOrNanReal(eps[i][j]), comm, PETSC_ERR_USER_INPUT, "eigenstrain component %d%d is %g", i + 1, j + 1, (double)eps[i][j]);
      emax = PetscMax(emax, PetscAbsReal(eps[i][j]));
    }
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      PetscCheck(PetscAbsReal(eps[i][j] - eps[j][i]) <= 1e-12 * emax, comm, PETSC_ERR_USER_INPUT, "eigenstrain not symmetric: eps%d%d = %g but eps%d%d = %g", i + 1, j + 1, (double)eps[i][j], j + 1, i + 1, (double)eps[j][i]);
  PetscFunctionReturn(0);
}

/* common part after the geometry is set: local eigenstrain, S and the interior gradient */
static PetscErrorCode SetUp(TkInclusion inc)
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      inc->eloc[i][j] = 0;
      for (int p = 0; p < 3; p++)
        for (int q = 0; q < 3; q++) inc->eloc[i][j] += inc->R[p][i] * inc->eps[p][q] * inc->R[q][j];
    }
  if (inc->sphere) {
    /* Eshelby 1957: S_ijkl = (5nu-1)/(15(1-nu)) d_ij d_kl + (4-5nu)/(15(1-nu)) (d_ik d_jl + d_il d_jk) */
    const PetscReal nu = inc->nu, s1 = (5 * nu - 1) / (15 * (1 - nu)), s2 = (4 - 5 * nu) / (15 * (1 - nu));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) inc->Sloc[i][j][k][l] = (i == j && k == l ? s1 : 0) + ((i == k && j == l) ? s2 : 0) + ((i == l && j == k) ? s2 : 0);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        inc->Gloc[i][j] = 0;
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) inc->Gloc[i][j] += inc->Sloc[i][j][k][l] * inc->eloc[k][l];
      }
  } else {
    /* interior potentials (lambda = 0) are linear in x: the gradient at x = 0 of the field from the unit-basis
       eigenstrains gives S (its symmetric part) and the rotation Pi (the antisymmetric part) */
    PetscReal       p1[3], p2[3][3], s3[3][3][3], s4[3][3][3][3];
    const PetscReal x0[3] = {0, 0, 0};
    EllipsoidPotentials(inc->as2, inc->P, x0, 0, p1, p2, s3, s4);
    for (int k = 0; k < 3; k++)
      for (int l = 0; l < 3; l++) {
        PetscReal E[3][3] = {{0}}, g[3][3];
        E[k][l] += 0.5, E[l][k] += 0.5;
        FromPotentials((const PetscReal(*)[3])E, inc->nu, p1, (const PetscReal(*)[3])p2, (const PetscReal(*)[3][3])s3, (const PetscReal(*)[3][3][3])s4, NULL, g);
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++) inc->Sloc[i][j][k][l] = 0.5 * (g[i][j] + g[j][i]);
      }
    FromPotentials((const PetscReal(*)[3])inc->eloc, inc->nu, p1, (const PetscReal(*)[3])p2, (const PetscReal(*)[3][3])s3, (const PetscReal(*)[3][3][3])s4, NULL, inc->Gloc);
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      inc->Glab[i][j] = 0;
      for (int p = 0; p < 3; p++)
        for (int q = 0; q < 3; q++) inc->Glab[i][j] += inc->R[i][p] * inc->Gloc[p][q] * inc->R[j][q];
    }
  PetscFunctionReturn(0);
}

PetscErrorCode TkInclusionCreateSphere(MPI_Comm comm, const PetscReal c[3], PetscReal radius, const PetscReal eps_star[3][3], PetscReal mu, PetscReal nu, TkInclusion *inc)
{
  TkInclusion s;

  PetscFunctionBegin;
  *inc = NULL;
  PetscCheck(radius > 0 && PetscIsNormalReal(radius), comm, PETSC_ERR_USER_INPUT, "inclusion radius %g m must be positive", (double)radius);
  PetscCall(CheckCommon(comm, c, eps_star, mu, nu));
  PetscCall(PetscNew(&s));
  s->comm = comm, s->sphere = PETSC_TRUE, s->mu = mu, s->nu = nu, s->L = radius, s->P = 2 * PETSC_PI;
  for (int i = 0; i < 3; i++) {
    s->c[i] = c[i], s->a[i] = radius, s->as2[i] = 1;
    for (int j = 0; j < 3; j++) s->R[i][j] = i == j, s->eps[i][j] = 0.5 * (eps_star[i][j] + eps_star[j][i]);
  }
  PetscCall(SetUp(s));
  *inc = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkInclusionCreateEllipsoid(MPI_Comm comm, const PetscReal c[3], const PetscReal a[3], const PetscReal R[3][3], const PetscReal eps_star[3][3], PetscReal mu, PetscReal nu, TkInclusion *inc)
{
  TkInclusion s;
  PetscReal   amax = 0, amin = PETSC_MAX_REAL, dev = 0, Q[3][3];

  PetscFunctionBegin;
  *inc = NULL;
  for (int i = 0; i < 3; i++) {
    PetscCheck(a[i] > 0 && PetscIsNormalReal(a[i]), comm, PETSC_ERR_USER_INPUT, "ellipsoid semi-axis a%d = %g m must be positive", i + 1, (double)a[i]);
    amax = PetscMax(amax, a[i]), amin = PetscMin(amin, a[i]);
  }
  PetscCheck(amin >= 1e-12 * amax, comm, PETSC_ERR_USER_INPUT, "ellipsoid axis ratio %g below 1e-12", (double)(amin / amax));
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      PetscReal d = -(PetscReal)(i == j);
      PetscCheck(!PetscIsInfOrNanReal(R[i][j]), comm, PETSC_ERR_USER_INPUT, "ellipsoid axes matrix has a NaN or infinite entry");
      for (int k = 0; k < 3; k++) d += R[k][i] * R[k][j];
      dev = PetscMax(dev, PetscAbsReal(d));
    }
  PetscCheck(dev <= 1e-6, comm, PETSC_ERR_USER_INPUT, "ellipsoid axes (columns of R) not orthonormal: max |R^T R - I| = %g", (double)dev);
  PetscCall(CheckCommon(comm, c, eps_star, mu, nu));
  /* Gram-Schmidt on the columns: S and u are then rotated by an exactly orthogonal matrix */
  for (int j = 0; j < 3; j++) {
    PetscReal n = 0;
    for (int i = 0; i < 3; i++) Q[i][j] = R[i][j];
    for (int k = 0; k < j; k++) {
      PetscReal d = 0;
      for (int i = 0; i < 3; i++) d += Q[i][k] * Q[i][j];
      for (int i = 0; i < 3; i++) Q[i][j] -= d * Q[i][k];
    }
    for (int i = 0; i < 3; i++) n += Q[i][j] * Q[i][j];
    for (int i = 0; i < 3; i++) Q[i][j] /= PetscSqrtReal(n);
  }
  PetscCall(PetscNew(&s));
  s->comm = comm, s->sphere = PETSC_FALSE, s->mu = mu, s->nu = nu, s->L = amax, s->P = 2 * PETSC_PI;
  for (int i = 0; i < 3; i++) {
    s->c[i] = c[i], s->a[i] = a[i], s->as2[i] = (a[i] / amax) * (a[i] / amax), s->P *= a[i] / amax;
    for (int j = 0; j < 3; j++) s->R[i][j] = Q[i][j], s->eps[i][j] = 0.5 * (eps_star[i][j] + eps_star[j][i]);
  }
  PetscCall(SetUp(s));
  *inc = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkInclusionDestroy(TkInclusion *inc)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*inc));
  PetscFunctionReturn(0);
}

/* ---------- evaluation ---------- */

static void ToLocal(TkInclusion inc, const PetscReal r[3], PetscReal x[3])
{
  for (int i = 0; i < 3; i++) {
    x[i] = 0;
    for (int p = 0; p < 3; p++) x[i] += inc->R[p][i] * (r[p] - inc->c[p]);
    x[i] /= inc->L;
  }
}

PetscBool TkInclusionIsInside(TkInclusion inc, const PetscReal r[3])
{
  PetscReal x[3];

  ToLocal(inc, r, x);
  return x[0] * x[0] / inc->as2[0] + x[1] * x[1] / inc->as2[1] + x[2] * x[2] / inc->as2[2] <= 1 ? PETSC_TRUE : PETSC_FALSE;
}

void TkInclusionEvaluate(TkInclusion inc, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3])
{
  PetscReal x[3], ul[3], gl[3][3], p1[3], p2[3][3], s3[3][3][3], s4[3][3][3][3];

  ToLocal(inc, r, x);
  if (x[0] * x[0] / inc->as2[0] + x[1] * x[1] / inc->as2[1] + x[2] * x[2] / inc->as2[2] <= 1) {
    /* inside: uniform gradient (Eshelby's result) */
    for (int i = 0; i < 3; i++) {
      if (u) {
        u[i] = 0;
        for (int j = 0; j < 3; j++) u[i] += inc->Glab[i][j] * (r[j] - inc->c[j]);
      }
      if (grad)
        for (int j = 0; j < 3; j++) grad[i][j] = inc->Glab[i][j];
    }
    return;
  }
  if (inc->sphere)
    SpherePotentials(x, p1, p2, s3, s4);
  else
    EllipsoidPotentials(inc->as2, inc->P, x, Lambda(inc->as2, x), p1, p2, s3, s4);
  FromPotentials((const PetscReal(*)[3])inc->eloc, inc->nu, p1, (const PetscReal(*)[3])p2, (const PetscReal(*)[3][3])s3, (const PetscReal(*)[3][3][3])s4, u ? ul : NULL, grad ? gl : NULL);
  /* back to the lab; u was computed in units of L */
  for (int i = 0; i < 3; i++) {
    if (u) {
      u[i] = 0;
      for (int p = 0; p < 3; p++) u[i] += inc->R[i][p] * ul[p];
      u[i] *= inc->L;
    }
    if (grad)
      for (int j = 0; j < 3; j++) {
        grad[i][j] = 0;
        for (int p = 0; p < 3; p++)
          for (int q = 0; q < 3; q++) grad[i][j] += inc->R[i][p] * gl[p][q] * inc->R[j][q];
      }
  }
}

PetscErrorCode TkInclusionEshelbyTensor(TkInclusion inc, PetscReal S[3][3][3][3])
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
          PetscReal v = 0;
          for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++)
              for (int m = 0; m < 3; m++)
                for (int n = 0; n < 3; n++) v += inc->R[i][p] * inc->R[j][q] * inc->R[k][m] * inc->R[l][n] * inc->Sloc[p][q][m][n];
          S[i][j][k][l] = v;
        }
  PetscFunctionReturn(0);
}

PetscErrorCode TkInclusionView(TkInclusion inc, PetscViewer v)
{
  PetscFunctionBegin;
  if (inc->sphere)
    PetscCall(PetscViewerASCIIPrintf(v, "Eshelby inclusion: sphere, radius %g m, centre (%g, %g, %g) m\n", (double)inc->a[0], (double)inc->c[0], (double)inc->c[1], (double)inc->c[2]));
  else {
    PetscCall(PetscViewerASCIIPrintf(v, "Eshelby inclusion: ellipsoid, semi-axes %g, %g, %g m, centre (%g, %g, %g) m\n", (double)inc->a[0], (double)inc->a[1], (double)inc->a[2], (double)inc->c[0], (double)inc->c[1], (double)inc->c[2]));
    for (int j = 0; j < 3; j++) PetscCall(PetscViewerASCIIPrintf(v, "  axis %d along (%.6g, %.6g, %.6g)\n", j + 1, (double)inc->R[0][j], (double)inc->R[1][j], (double)inc->R[2][j]));
  }
  PetscCall(PetscViewerASCIIPrintf(v, "  isotropic matrix, same constants inside: mu %g Pa, nu %g\n", (double)inc->mu, (double)inc->nu));
  for (int i = 0; i < 3; i++)
    PetscCall(PetscViewerASCIIPrintf(v, "  %-17s [%11.4e %11.4e %11.4e]   interior total strain [%11.4e %11.4e %11.4e]\n", i ? "" : "eigenstrain (lab)", (double)inc->eps[i][0], (double)inc->eps[i][1], (double)inc->eps[i][2],
                                     0.5 * (double)(inc->Glab[i][0] + inc->Glab[0][i]), 0.5 * (double)(inc->Glab[i][1] + inc->Glab[1][i]), 0.5 * (double)(inc->Glab[i][2] + inc->Glab[2][i])));
  PetscCall(PetscViewerASCIIPrintf(v, "  displacement exact inside (uniform gradient) and outside (Mura eq. 11.30%s)\n", inc->sphere ? ", ball potentials" : ", I-integrals from lambda(x)"));
  PetscFunctionReturn(0);
}
