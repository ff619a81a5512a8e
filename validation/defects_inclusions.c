/* Eshelby inclusions in an isotropic infinite matrix (models/defects/inclusion.c), against closed forms and the
   field equations. A displacement that is continuous, vanishes at infinity, is in equilibrium on both sides and
   has continuous traction is THE solution of the inclusion problem (uniqueness), so checks 3-4, 7 and 8 validate
   the exterior fields, the ellipsoid's included, independently of how they were derived.
   1. Sphere interior: total strain S:eps* with S_ijkl = (5nu-1)/(15(1-nu)) d_ij d_kl + (4-5nu)/(15(1-nu))
      (d_ik d_jl + d_il d_jk); for eps* = eps0 I, eps = eps0 (1+nu)/(3(1-nu)) I (Eshelby 1957), 1e-12.
   2. Sphere exterior, dilatational: u = eps0 (1+nu)/(3(1-nu)) a^3 x/|x|^3 and its gradient (Eshelby 1957), 1e-12.
   3. Continuity of u across the surface for a general (deviatoric + dilatational) eps*, 1e-10.
   4. Equilibrium div sigma = 0 inside and outside (central differences of sigma = C:(eps - eps*) inside, C:eps
      outside), |div sigma| a/|sigma| < 1e-6, and continuity of the traction sigma.n across the surface, 1e-6;
      the gradient against fourth-order central differences of u, 1e-8.
   5. Ellipsoid Eshelby tensor: a1 = a2 = a3 -> sphere (1e-10) and near-sphere (no special cases); needle
      a3/a1 = 1e5 and elliptic cylinder a3 -> inf (Mura 1987 §11, elliptic cylinder formulas), penny
      a3/a1 = 1e-8 (S_3333 -> 1 etc.), 1e-6, and its first-order terms 1 - S_3333 = (1-2nu)/(1-nu) pi c/(4a),
      S_1111 = (13-8nu)/(32(1-nu)) pi c/a (Mura §11) at c/a = 1e-6, 1e-5 relative; sum_ij S_iijj = (1+nu)/(1-nu) for any ellipsoid and the major symmetry of C:S, 1e-12; the
      integrals: Carlson's published R_F, R_D values, Mura's spheroid I_1, the sum rules and the closed-form
      divided differences against the quadrature, 1e-13.
   6. Bad input: one-line errors for non-positive radius/semi-axes, nu outside (-1, 0.5), non-symmetric or NaN
      eigenstrain, non-orthonormal axes.
   7. Ellipsoid exterior: a = b = c against the sphere's closed form (1e-12), continuity, equilibrium and
      traction for a rotated triaxial ellipsoid with a general eps*, the far-field dilatation centre
      u -> eps0 (1+nu)/(3(1-nu)) a1 a2 a3 x/|x|^3 (1e-6 at 1e4 a), and the frame (permuted axes = same body).
   8. The checks of 3-4 on exact spheroids (prolate, oblate), a near-sphere, a flat (1e-3) and a needle-like
      ellipsoid, rotated, with a general eps*: continuity 1e-10, traction 1e-6, equilibrium 1e-6, gradient 1e-8. */
#include "inclusion.h"
#include "check.h"
#include <petsctime.h>

static const PetscReal MU = 40e9;

static PetscReal Max3(const PetscReal v[3]) { return PetscMax(PetscAbsReal(v[0]), PetscMax(PetscAbsReal(v[1]), PetscAbsReal(v[2]))); }

static PetscReal MaxAbs33(const PetscReal m[3][3])
{
  PetscReal v = 0;
  for (int i = 0; i < 3; i++) v = PetscMax(v, Max3(m[i]));
  return v;
}

/* stress from a displacement gradient; eps* subtracted inside */
static void Stress(TkInclusion inc, const PetscReal x[3], const PetscReal eps[3][3], PetscReal nu, PetscReal s[3][3])
{
  PetscReal       g[3][3], e[3][3], tr = 0;
  const PetscBool in  = TkInclusionIsInside(inc, x);
  const PetscReal lam = 2 * MU * nu / (1 - 2 * nu);

  TkInclusionEvaluate(inc, x, NULL, g);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) e[i][j] = 0.5 * (g[i][j] + g[j][i]) - (in ? eps[i][j] : 0);
  tr = e[0][0] + e[1][1] + e[2][2];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) s[i][j] = (i == j ? lam * tr : 0) + 2 * MU * e[i][j];
}

/* |div sigma| L / max|sigma| by central differences of step h */
static PetscReal DivStress(TkInclusion inc, const PetscReal x[3], const PetscReal eps[3][3], PetscReal nu, PetscReal h, PetscReal L)
{
  PetscReal s0[3][3], div[3] = {0, 0, 0};

  Stress(inc, x, eps, nu, s0);
  for (int j = 0; j < 3; j++) {
    PetscReal xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]}, sp[3][3], sm[3][3];
    xp[j] += h, xm[j] -= h;
    Stress(inc, xp, eps, nu, sp);
    Stress(inc, xm, eps, nu, sm);
    for (int i = 0; i < 3; i++) div[i] += (sp[i][j] - sm[i][j]) / (2 * h);
  }
  return Max3(div) * L / MaxAbs33(s0);
}

/* max |grad - fourth-order central differences of u| / max |grad| */
static PetscReal GradFD(TkInclusion inc, const PetscReal x[3], PetscReal h)
{
  PetscReal g[3][3], d = 0;

  TkInclusionEvaluate(inc, x, NULL, g);
  for (int j = 0; j < 3; j++) {
    PetscReal uu[4][3];
    for (int k = 0; k < 4; k++) {
      PetscReal xk[3] = {x[0], x[1], x[2]};
      xk[j] += (k < 2 ? k + 1 : 1 - k) * h; /* +h, +2h, -h, -2h */
      TkInclusionEvaluate(inc, xk, uu[k], NULL);
    }
    for (int i = 0; i < 3; i++) d = PetscMax(d, PetscAbsReal((8 * (uu[0][i] - uu[2][i]) - (uu[1][i] - uu[3][i])) / (12 * h) - g[i][j]));
  }
  return d / MaxAbs33(g);
}

/* lab point on the surface of an ellipsoid (centre c, semi-axes a along the columns of R) in the direction
   (theta, phi) of its frame, and the outward unit normal there */
static void SurfacePoint(const PetscReal c[3], const PetscReal a[3], const PetscReal R[3][3], PetscReal th, PetscReal ph, PetscReal x[3], PetscReal n[3])
{
  const PetscReal xl[3] = {a[0] * PetscSinReal(th) * PetscCosReal(ph), a[1] * PetscSinReal(th) * PetscSinReal(ph), a[2] * PetscCosReal(th)};
  PetscReal       nl[3], nn = 0;
  for (int i = 0; i < 3; i++) nl[i] = xl[i] / (a[i] * a[i]), nn += nl[i] * nl[i];
  for (int i = 0; i < 3; i++) {
    x[i] = c[i], n[i] = 0;
    for (int p = 0; p < 3; p++) x[i] += R[i][p] * xl[p], n[i] += R[i][p] * nl[p] / PetscSqrtReal(nn);
  }
}

/* Jumps of u and of the traction across the surface, worst over 56 surface points, relative to max|u| and
   max|sigma|. Each side's value AT the surface is the linear extrapolation 2 f(d) - f(2d) from points d and 2d
   off the surface along the normal (exact inside, where u is linear), so the offsets can stay well above the
   round-off of the coordinates even for flat ellipsoids: error O((d/l)^2), l the local length of the field. */
static void SurfaceJumps(TkInclusion inc, const PetscReal c[3], const PetscReal a[3], const PetscReal R[3][3], const PetscReal eps[3][3], PetscReal nu, PetscReal *du, PetscReal *dt)
{
  const PetscReal amin = PetscMin(a[0], PetscMin(a[1], a[2]));
  *du = 0, *dt = 0;
  for (int it = 0; it < 7; it++)
    for (int ip = 0; ip < 8; ip++) {
      const PetscReal th = (it + 0.37) * PETSC_PI / 7, ph = (ip + 0.21) * PETSC_PI / 4;
      PetscReal       xs[3], n[3], uu[2][2][3], ss[2][2][3][3], us[2][3], ts[2][3], smax = 0, d[3];
      SurfacePoint(c, a, R, th, ph, xs, n);
      for (int side = 0; side < 2; side++)
        for (int k = 0; k < 2; k++) {
          const PetscReal sg = side ? 1 : -1;
          PetscReal       xu[3], xt[3];
          for (int i = 0; i < 3; i++) xu[i] = xs[i] + sg * (k + 1) * 1e-7 * amin * n[i], xt[i] = xs[i] + sg * (k + 1) * 1e-5 * amin * n[i];
          if ((int)TkInclusionIsInside(inc, xu) == side || (int)TkInclusionIsInside(inc, xt) == side) {
            *du = *dt = PETSC_INFINITY;
            return;
          }
          TkInclusionEvaluate(inc, xu, uu[side][k], NULL);
          Stress(inc, xt, eps, nu, ss[side][k]);
        }
      for (int side = 0; side < 2; side++)
        for (int i = 0; i < 3; i++) {
          us[side][i] = 2 * uu[side][0][i] - uu[side][1][i], ts[side][i] = 0;
          for (int j = 0; j < 3; j++) ts[side][i] += (2 * ss[side][0][i][j] - ss[side][1][i][j]) * n[j];
        }
      for (int i = 0; i < 3; i++) d[i] = us[0][i] - us[1][i];
      *du = PetscMax(*du, Max3(d) / Max3(us[1]));
      for (int i = 0; i < 3; i++) d[i] = ts[0][i] - ts[1][i];
      smax = PetscMax(MaxAbs33(ss[0][0]), MaxAbs33(ss[1][0]));
      *dt  = PetscMax(*dt, Max3(d) / smax);
    }
}

/* rotation about a unit axis by angle t (columns: the rotated lab axes) */
static void Rotation(const PetscReal ax[3], PetscReal t, PetscReal R[3][3])
{
  const PetscReal c = PetscCosReal(t), s = PetscSinReal(t);
  PetscReal       n = PetscSqrtReal(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]), k[3];
  for (int i = 0; i < 3; i++) k[i] = ax[i] / n;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) R[i][j] = (i == j ? c : 0) + (1 - c) * k[i] * k[j];
  R[0][1] -= s * k[2], R[1][0] += s * k[2], R[0][2] += s * k[1], R[2][0] -= s * k[1], R[1][2] -= s * k[0], R[2][1] += s * k[0];
}

static PetscErrorCode Eshelby(const PetscReal a[3], PetscReal nu, PetscReal S[3][3][3][3])
{
  const PetscReal c[3] = {0, 0, 0}, I3[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, e[3][3] = {{1e-3, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  TkInclusion     inc;

  PetscFunctionBegin;
  PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, a, I3, e, MU, nu, &inc));
  PetscCall(TkInclusionEshelbyTensor(inc, S));
  PetscCall(TkInclusionDestroy(&inc));
  PetscFunctionReturn(0);
}

/* a call that must fail with a one-line message; the message is printed */
#define CheckFails(what, call)                                                                                                                                                                                                                           \
  do {                                                                                                                                                                                                                                                   \
    PetscErrorCode ierr_;                                                                                                                                                                                                                                \
    TkInclusion    bad_ = NULL;                                                                                                                                                                                                                          \
    char          *msg_ = NULL;                                                                                                                                                                                                                          \
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));                                                                                                                                                                                     \
    ierr_ = (call);                                                                                                                                                                                                                                      \
    PetscCall(PetscPopErrorHandler());                                                                                                                                                                                                                   \
    if (ierr_) PetscCall(PetscErrorMessage(ierr_, NULL, &msg_));                                                                                                                                                                                         \
    TkCheckTrue(what, ierr_ == PETSC_ERR_USER_INPUT && !bad_ && msg_ && !strchr(msg_, '\n'), msg_ ? msg_ : "no error");                                                                                                                                  \
    if (bad_) PetscCall(TkInclusionDestroy(&bad_));                                                                                                                                                                                                      \
  } while (0)

int main(int argc, char **argv)
{
  const PetscReal nu = 0.3, a = 50e-9, c[3] = {10e-9, -20e-9, 5e-9}, eps0 = 1e-2, f = (1 + nu) / (3 * (1 - nu));
  const PetscReal I3[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  /* general eigenstrain: dilatation plus deviatoric normal and shear parts */
  const PetscReal eg[3][3] = {{8e-3, 3e-3, -2e-3}, {3e-3, -1e-3, 4e-3}, {-2e-3, 4e-3, 5e-3}};
  PetscReal       ed[3][3] = {{0}}, S[3][3][3][3], Sref[3][3][3][3], g[3][3], u[3];
  TkInclusion     sd, sg;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int i = 0; i < 3; i++) ed[i][i] = eps0;
  {
    const PetscReal s1 = (5 * nu - 1) / (15 * (1 - nu)), s2 = (4 - 5 * nu) / (15 * (1 - nu));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) Sref[i][j][k][l] = (i == j && k == l ? s1 : 0) + (i == k && j == l ? s2 : 0) + (i == l && j == k ? s2 : 0);
  }
  PetscCall(TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ed, MU, nu, &sd));
  PetscCall(TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, eg, MU, nu, &sg));
  PetscCall(TkInclusionView(sg, PETSC_VIEWER_STDOUT_WORLD));

  /* 1. sphere interior */
  {
    const PetscReal x[3] = {c[0] + 0.3 * a, c[1] - 0.5 * a, c[2] + 0.2 * a};
    PetscReal       ref[3][3], d = 0, du = 0;
    TkInclusionEvaluate(sd, x, u, g);
    TkCheckRel("1 sphere, eps*=eps0 I: interior eps_11", g[0][0], eps0 * f, 1e-12, "Eshelby 1957: eps0 (1+nu)/(3(1-nu))");
    TkCheckRel("1 sphere, eps*=eps0 I: interior eps_22", g[1][1], eps0 * f, 1e-12, "Eshelby 1957");
    TkCheckRel("1 sphere, eps*=eps0 I: interior eps_33", g[2][2], eps0 * f, 1e-12, "Eshelby 1957");
    TkCheckAbs("1 sphere, eps*=eps0 I: interior max |off-diagonal grad|/eps0", PetscMax(PetscAbsReal(g[0][1]), PetscMax(PetscAbsReal(g[0][2]), PetscAbsReal(g[1][2]))) / eps0, 0, 1e-12, "Eshelby 1957");
    TkCheckRel("1 sphere, eps*=eps0 I: u_1 = eps0 f (x-c)_1 inside", u[0], eps0 * f * 0.3 * a, 1e-12, "Eshelby 1957");
    TkInclusionEvaluate(sg, x, u, g);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        ref[i][j] = 0;
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) ref[i][j] += Sref[i][j][k][l] * eg[k][l];
      }
    for (int i = 0; i < 3; i++) {
      PetscReal ur = 0;
      for (int j = 0; j < 3; j++) d = PetscMax(d, PetscAbsReal(g[i][j] - ref[i][j])), ur += ref[i][j] * (x[j] - c[j]);
      du = PetscMax(du, PetscAbsReal(u[i] - ur));
    }
    TkCheckAbs("1 sphere, general eps*: max|grad - S:eps*| / max|S:eps*|", d / MaxAbs33(ref), 0, 1e-12, "Eshelby 1957 S_ijkl");
    TkCheckAbs("1 sphere, general eps*: max|u - (S:eps*)(x-c)| / (a max|S:eps*|)", du / (a * MaxAbs33(ref)), 0, 1e-12, "Eshelby 1957");
    PetscCall(TkInclusionEshelbyTensor(sg, S));
    d = 0;
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) d = PetscMax(d, PetscAbsReal(S[i][j][k][l] - Sref[i][j][k][l]));
    TkCheckAbs("1 sphere: max |S_ijkl - Eshelby's S_ijkl|", d, 0, 1e-14, "Eshelby 1957");
  }

  /* 2. sphere exterior, dilatational */
  {
    const PetscReal dirs[5][3] = {{1, 0, 0}, {0.3, -0.8, 0.52}, {-0.6, 0.1, -0.79}, {0.2, 0.2, 0.96}, {-0.7, -0.7, 0.14}};
    const PetscReal rr[5]      = {1.0000001, 1.2, 2.5, 17.0, 3000.0};
    PetscReal       du = 0, dg = 0;
    for (int k = 0; k < 5; k++) {
      PetscReal n = Max3(dirs[k]) > 0 ? PetscSqrtReal(dirs[k][0] * dirs[k][0] + dirs[k][1] * dirs[k][1] + dirs[k][2] * dirs[k][2]) : 1, x[3], y[3], r, ur[3], gr[3][3], e[3];
      for (int i = 0; i < 3; i++) y[i] = rr[k] * a * dirs[k][i] / n, x[i] = c[i] + y[i];
      r = PetscSqrtReal(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
      TkInclusionEvaluate(sd, x, u, g);
      for (int i = 0; i < 3; i++) {
        ur[i] = eps0 * f * a * a * a * y[i] / (r * r * r), e[i] = u[i] - ur[i];
        for (int j = 0; j < 3; j++) gr[i][j] = eps0 * f * a * a * a * ((i == j) / (r * r * r) - 3 * y[i] * y[j] / (r * r * r * r * r)), dg = PetscMax(dg, PetscAbsReal(g[i][j] - gr[i][j]) / MaxAbs33(gr));
      }
      du = PetscMax(du, Max3(e) / Max3(ur));
    }
    TkCheckAbs("2 sphere exterior u = eps0 f a^3 x/r^3 (r/a 1..3000), max rel", du, 0, 1e-12, "Eshelby 1957");
    TkCheckAbs("2 sphere exterior grad of eps0 f a^3 x/r^3, max rel", dg, 0, 1e-12, "Eshelby 1957");
  }

  /* 3-4. sphere: continuity of u and traction, equilibrium, gradient consistency */
  {
    const PetscReal as[3] = {a, a, a}, xo[4][3] = {{1.3, 0.2, -0.4}, {0.1, -1.05, 0.2}, {2.2, 1.9, -3.0}, {-0.3, 0.5, 0.9}}, xin[3] = {0.2, -0.3, 0.4};
    PetscReal       du, dt, dv = 0, dvi, dg = 0;
    SurfaceJumps(sg, c, as, I3, eg, nu, &du, &dt);
    TkCheckAbs("3 sphere, general eps*: max |u_in - u_out| / |u| over 56 surface points", du, 0, 1e-10, "continuity, Mura 1987 eq. 11.30");
    TkCheckAbs("4 sphere, general eps*: max |(sig_in - sig_out).n| / |sig| on the surface", dt, 0, 1e-6, "traction continuity");
    for (int k = 0; k < 4; k++) {
      PetscReal x[3];
      for (int i = 0; i < 3; i++) x[i] = c[i] + xo[k][i] * a;
      dv = PetscMax(dv, DivStress(sg, x, eg, nu, 2e-5 * a, a));
      dg = PetscMax(dg, GradFD(sg, x, 1e-3 * a));
    }
    {
      PetscReal x[3];
      for (int i = 0; i < 3; i++) x[i] = c[i] + xin[i] * a;
      dvi = DivStress(sg, x, eg, nu, 2e-5 * a, a);
    }
    TkCheckAbs("4 sphere, general eps*: |div sigma| a/|sigma| outside (4 points)", dv, 0, 1e-6, "equilibrium");
    TkCheckAbs("4 sphere, general eps*: |div sigma| a/|sigma| inside", dvi, 0, 1e-6, "equilibrium");
    TkCheckAbs("4 sphere, general eps*: grad vs central differences of u, outside", dg, 0, 1e-8, "consistency");
  }

  /* 5. ellipsoid Eshelby tensor */
  {
    const PetscReal a1[3] = {1, 1, 1}, an[3] = {1, 1 + 1e-7, 1 - 1e-7}, C = 1 / (2 * (1 - nu));
    PetscReal       d = 0, dn = 0;
    PetscCall(Eshelby(a1, nu, S));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) d = PetscMax(d, PetscAbsReal(S[i][j][k][l] - Sref[i][j][k][l]));
    PetscCall(Eshelby(an, nu, S));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) dn = PetscMax(dn, PetscAbsReal(S[i][j][k][l] - Sref[i][j][k][l]));
    TkCheckAbs("5 ellipsoid a1=a2=a3: max |S - S_sphere|", d, 0, 1e-10, "Eshelby 1957");
    TkCheckAbs("5 ellipsoid a = 1, 1+1e-7, 1-1e-7: max |S - S_sphere|", dn, 0, 1e-6, "continuity in the shape");
    {
      const PetscReal ax[3] = {1, 1, 1e5};
      PetscCall(Eshelby(ax, nu, S));
      TkCheckAbs("5 needle a3/a1 = 1e5: S_1111 = (5-4nu)/(8(1-nu))", S[0][0][0][0], (5 - 4 * nu) / (8 * (1 - nu)), 1e-6, "Mura 1987 §11 circular cylinder");
      TkCheckAbs("5 needle a3/a1 = 1e5: S_1122 = (4nu-1)/(8(1-nu))", S[0][0][1][1], (4 * nu - 1) / (8 * (1 - nu)), 1e-6, "Mura 1987 §11 circular cylinder");
      TkCheckAbs("5 needle a3/a1 = 1e5: S_1133 = nu/(2(1-nu))", S[0][0][2][2], nu / (2 * (1 - nu)), 1e-6, "Mura 1987 §11 circular cylinder");
      TkCheckAbs("5 needle a3/a1 = 1e5: S_1212 = (3-4nu)/(8(1-nu))", S[0][1][0][1], (3 - 4 * nu) / (8 * (1 - nu)), 1e-6, "Mura 1987 §11 circular cylinder");
      TkCheckAbs("5 needle a3/a1 = 1e5: S_1313 = 1/4", S[0][2][0][2], 0.25, 1e-6, "Mura 1987 §11 circular cylinder");
      TkCheckAbs("5 needle a3/a1 = 1e5: S_3333 = 0", S[2][2][2][2], 0, 1e-6, "Mura 1987 §11 circular cylinder");
    }
    {
      const PetscReal A = 1, B = 0.5, ax[3] = {A, B, 1e5}, s = A + B;
      PetscCall(Eshelby(ax, nu, S));
      TkCheckAbs("5 elliptic cylinder a2/a1 = 0.5: S_1111", S[0][0][0][0], C * ((B * B + 2 * A * B) / (s * s) + (1 - 2 * nu) * B / s), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_2222", S[1][1][1][1], C * ((A * A + 2 * A * B) / (s * s) + (1 - 2 * nu) * A / s), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_1122", S[0][0][1][1], C * (B * B / (s * s) - (1 - 2 * nu) * B / s), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_2211", S[1][1][0][0], C * (A * A / (s * s) - (1 - 2 * nu) * A / s), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_1133", S[0][0][2][2], C * 2 * nu * B / s, 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_2233", S[1][1][2][2], C * 2 * nu * A / s, 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_1212", S[0][1][0][1], C * ((A * A + B * B) / (2 * s * s) + (1 - 2 * nu) / 2), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_2323 = a1/(2(a1+a2))", S[1][2][1][2], A / (2 * s), 1e-6, "Mura 1987 §11 elliptic cylinder");
      TkCheckAbs("5 elliptic cylinder: S_3131 = a2/(2(a1+a2))", S[2][0][2][0], B / (2 * s), 1e-6, "Mura 1987 §11 elliptic cylinder");
    }
    {
      const PetscReal ax[3] = {1, 1, 1e-8}, ax2[3] = {1, 1, 1e-6};
      PetscCall(Eshelby(ax, nu, S));
      TkCheckAbs("5 penny a3/a1 = 1e-8: S_3333 = 1", S[2][2][2][2], 1, 1e-6, "Mura 1987 §11 penny-shaped");
      TkCheckAbs("5 penny a3/a1 = 1e-8: S_3311 = nu/(1-nu)", S[2][2][0][0], nu / (1 - nu), 1e-6, "Mura 1987 §11 penny-shaped");
      TkCheckAbs("5 penny a3/a1 = 1e-8: S_1313 = 1/2", S[0][2][0][2], 0.5, 1e-6, "Mura 1987 §11 penny-shaped");
      TkCheckAbs("5 penny a3/a1 = 1e-8: S_1111 = 0", S[0][0][0][0], 0, 1e-6, "Mura 1987 §11 penny-shaped");
      PetscCall(Eshelby(ax2, nu, S));
      TkCheckRel("5 penny a3/a1 = 1e-6: (1 - S_3333)/(a3/a1) = pi(1-2nu)/(4(1-nu))", (1 - S[2][2][2][2]) / 1e-6, PETSC_PI * (1 - 2 * nu) / (4 * (1 - nu)), 1e-5, "Mura 1987 §11 penny-shaped");
      TkCheckRel("5 penny a3/a1 = 1e-6: S_1111/(a3/a1) = pi(13-8nu)/(32(1-nu))", S[0][0][0][0] / 1e-6, PETSC_PI * (13 - 8 * nu) / (32 * (1 - nu)), 1e-5, "Mura 1987 §11 penny-shaped");
    }
    {
      const PetscReal ax[3] = {1.0, 0.62, 0.27}, lam = 2 * MU * nu / (1 - 2 * nu);
      PetscReal       tr = 0, CS[3][3][3][3], asym = 0, m = 0;
      PetscCall(Eshelby(ax, nu, S));
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) tr += S[i][i][j][j];
      TkCheckRel("5 triaxial 1:0.62:0.27: sum_ij S_iijj = (1+nu)/(1-nu)", tr, (1 + nu) / (1 - nu), 1e-12, "Mura 1987 §11 (dilatation independent of shape)");
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          for (int k = 0; k < 3; k++)
            for (int l = 0; l < 3; l++) {
              CS[i][j][k][l] = 2 * MU * S[i][j][k][l];
              if (i == j)
                for (int p = 0; p < 3; p++) CS[i][j][k][l] += lam * S[p][p][k][l];
              m = PetscMax(m, PetscAbsReal(CS[i][j][k][l]));
            }
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          for (int k = 0; k < 3; k++)
            for (int l = 0; l < 3; l++) asym = PetscMax(asym, PetscAbsReal(CS[i][j][k][l] - CS[k][l][i][j]));
      TkCheckAbs("5 triaxial: max |(C:S)_ijkl - (C:S)_klij| / max|C:S|", asym / m, 0, 1e-12, "Mura 1987 §11 (C:S symmetric)");
    }
    /* the integrals themselves */
    TkCheckRel("5 Carlson R_F(1,2,0)", TkCarlsonRF(1, 2, 0), 1.3110287771461, 1e-13, "Carlson 1995 test values");
    TkCheckRel("5 Carlson R_F(2,3,4)", TkCarlsonRF(2, 3, 4), 0.58408284167715, 1e-13, "Carlson 1995 test values");
    TkCheckRel("5 Carlson R_D(0,2,1)", TkCarlsonRD(0, 2, 1), 1.7972103521034, 1e-13, "Carlson 1995 test values");
    TkCheckRel("5 Carlson R_D(2,3,4)", TkCarlsonRD(2, 3, 4), 0.16510527294261, 1e-13, "Carlson 1995 test values");
    {
      const PetscReal pro[3] = {1, 1, 3}, obl[3] = {1, 1, 0.3};
      PetscReal       Ii[3], J[3][3], q;
      TkEllipsoidIntegrals(pro, 0, Ii, J);
      q = 3;
      TkCheckRel("5 prolate 1:1:3: I_1", Ii[0], 2 * PETSC_PI * q / PetscPowReal(q * q - 1, 1.5) * (q * PetscSqrtReal(q * q - 1) - PetscLogReal(q + PetscSqrtReal(q * q - 1))), 1e-13, "Mura 1987 §11 prolate spheroid");
      TkEllipsoidIntegrals(obl, 0, Ii, J);
      q = 0.3;
      TkCheckRel("5 oblate 1:1:0.3: I_1", Ii[0], 2 * PETSC_PI * q / PetscPowReal(1 - q * q, 1.5) * (PetscAcosReal(q) - q * PetscSqrtReal(1 - q * q)), 1e-13, "Mura 1987 §11 oblate spheroid");
    }
    {
      const PetscReal ax[3] = {1.0, 0.7, 0.4}, lams[3] = {0, 0.3, 5.0};
      PetscReal       dj = 0, ds = 0;
      for (int q = 0; q < 3; q++) {
        PetscReal Ii[3], J[3][3], A[3], Iij[3][3], P = 2 * PETSC_PI * ax[0] * ax[1] * ax[2], D;
        TkEllipsoidIntegrals(ax, lams[q], Ii, J);
        for (int n = 0; n < 3; n++) A[n] = ax[n] * ax[n] + lams[q];
        D  = PetscSqrtReal(A[0] * A[1] * A[2]);
        ds = PetscMax(ds, PetscAbsReal(Ii[0] + Ii[1] + Ii[2] - 2 * P / D) / (2 * P / D));
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            if (i != j) Iij[i][j] = (Ii[i] - Ii[j]) / (A[j] - A[i]);
        for (int i = 0; i < 3; i++) {
          Iij[i][i] = 2 * P / (A[i] * D);
          for (int n = 0; n < 3; n++)
            if (n != i) Iij[i][i] -= Iij[i][n];
          Iij[i][i] /= 3;
        }
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++) {
            const PetscReal Jc = Ii[j] - ax[i] * ax[i] * Iij[i][j];
            dj                 = PetscMax(dj, PetscAbsReal(J[i][j] - Jc) / PetscAbsReal(Jc));
          }
      }
      TkCheckAbs("5 sum rule I_1+I_2+I_3 = 4 pi a1a2a3/Delta(lambda), max rel", ds, 0, 1e-13, "Mura 1987 §11");
      TkCheckAbs("5 J_ij by quadrature vs closed-form I_j - a_i^2 I_ij, max rel", dj, 0, 1e-13, "Mura 1987 §11 (divided differences)");
    }
  }

  /* 6. bad input */
  {
    const PetscReal ns[3][3] = {{1e-3, 2e-3, 0}, {0, 1e-3, 0}, {0, 0, 1e-3}}, Rb[3][3] = {{1, 0, 0}, {0, 1, 0.1}, {0, 0, 1}};
    PetscReal       en[3][3] = {{1e-3, 0, 0}, {0, 1e-3, 0}, {0, 0, 1e-3}}, a0[3] = {a, 0, a}, an[3] = {a, a, -a};
    en[1][2] = en[2][1] = (PetscReal)NAN;
    CheckFails("6 radius 0 rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, 0, ed, MU, nu, &bad_));
    CheckFails("6 radius -50 nm rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, -a, ed, MU, nu, &bad_));
    CheckFails("6 radius NaN rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, (PetscReal)NAN, ed, MU, nu, &bad_));
    CheckFails("6 semi-axis 0 rejected", TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, a0, I3, ed, MU, nu, &bad_));
    CheckFails("6 negative semi-axis rejected", TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, an, I3, ed, MU, nu, &bad_));
    CheckFails("6 nu = 0.5 rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ed, MU, 0.5, &bad_));
    CheckFails("6 nu = -1 rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ed, MU, -1, &bad_));
    CheckFails("6 nu = NaN rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ed, MU, (PetscReal)NAN, &bad_));
    CheckFails("6 mu = 0 rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ed, 0, nu, &bad_));
    CheckFails("6 non-symmetric eigenstrain rejected", TkInclusionCreateSphere(PETSC_COMM_WORLD, c, a, ns, MU, nu, &bad_));
    CheckFails("6 NaN eigenstrain rejected", TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, (PetscReal[3]){a, a, a}, I3, (const PetscReal(*)[3])en, MU, nu, &bad_));
    CheckFails("6 non-orthonormal axes rejected", TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, (PetscReal[3]){a, a, a}, Rb, ed, MU, nu, &bad_));
  }

  /* 7. ellipsoid exterior */
  {
    const PetscReal as[3] = {a, a, a}, pts[4][3] = {{1.0001, 0.01, 0.02}, {0.9, -1.1, 0.5}, {3.0, 2.0, -4.0}, {-40.0, 15.0, 60.0}};
    TkInclusion     es;
    PetscReal       d = 0;
    PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, as, I3, eg, MU, nu, &es));
    for (int k = 0; k < 4; k++) {
      PetscReal x[3], us[3], gs[3][3], ue[3], ge[3][3], e[3];
      for (int i = 0; i < 3; i++) x[i] = c[i] + pts[k][i] * a;
      TkInclusionEvaluate(sg, x, us, gs);
      TkInclusionEvaluate(es, x, ue, ge);
      for (int i = 0; i < 3; i++) {
        e[i] = ue[i] - us[i];
        for (int j = 0; j < 3; j++) d = PetscMax(d, PetscAbsReal(ge[i][j] - gs[i][j]) / MaxAbs33(gs));
      }
      d = PetscMax(d, Max3(e) / Max3(us));
    }
    TkCheckAbs("7 ellipsoid a1=a2=a3, general eps*: u, grad outside vs sphere, max rel", d, 0, 1e-12, "Mura 1987 eq. 11.30 with the ball's phi, psi");
    PetscCall(TkInclusionDestroy(&es));
  }
  {
    const PetscReal ax[3] = {60e-9, 35e-9, 20e-9}, axis[3] = {0.4, -0.7, 0.6};
    const PetscReal pts[5][3] = {{70e-9, 5e-9, 3e-9}, {-20e-9, 40e-9, 10e-9}, {10e-9, -5e-9, 26e-9}, {150e-9, -90e-9, 200e-9}, {35e-9, 25e-9, 12e-9}};
    PetscReal       R[3][3], du, dt, dv = 0, dvi, dg = 0, t0, t1;
    TkInclusion     el, ed3;
    Rotation(axis, 0.9, R);
    PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, ax, (const PetscReal(*)[3])R, eg, MU, nu, &el));
    PetscCall(TkInclusionView(el, PETSC_VIEWER_STDOUT_WORLD));
    SurfaceJumps(el, c, ax, (const PetscReal(*)[3])R, eg, nu, &du, &dt);
    TkCheckAbs("7 rotated ellipsoid 60:35:20 nm, general eps*: max |u_in - u_out|/|u|", du, 0, 1e-10, "continuity, Mura 1987 eq. 11.30");
    TkCheckAbs("7 rotated ellipsoid: max |(sig_in - sig_out).n| / |sig| on the surface", dt, 0, 1e-6, "traction continuity");
    for (int k = 0; k < 5; k++) {
      PetscReal x[3];
      for (int i = 0; i < 3; i++) x[i] = c[i] + pts[k][i];
      if (TkInclusionIsInside(el, x)) continue;
      dv = PetscMax(dv, DivStress(el, x, eg, nu, 1e-4 * ax[2], ax[2]));
      dg = PetscMax(dg, GradFD(el, x, 1e-3 * ax[2]));
    }
    dvi = DivStress(el, c, eg, nu, 1e-4 * ax[2], ax[2]);
    TkCheckAbs("7 rotated ellipsoid: |div sigma| a3/|sigma| outside", dv, 0, 1e-6, "equilibrium");
    TkCheckAbs("7 rotated ellipsoid: |div sigma| a3/|sigma| inside", dvi, 0, 1e-6, "equilibrium");
    TkCheckAbs("7 rotated ellipsoid: grad vs central differences of u, outside", dg, 0, 1e-8, "consistency");
    {
      /* cost of one exterior evaluation, for the record */
      const int n = 20000;
      PetscReal x[3], s = 0;
      PetscCall(PetscTime(&t0));
      for (int k = 0; k < n; k++) {
        x[0] = c[0] + 80e-9 * PetscCosReal(k), x[1] = c[1] + 70e-9 * PetscSinReal(k), x[2] = c[2] + 30e-9;
        TkInclusionEvaluate(el, x, u, g);
        s += u[0];
      }
      PetscCall(PetscTime(&t1));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "INFO ellipsoid exterior u+grad: %.2f us per point (checksum %g)\n", 1e6 * (t1 - t0) / n, (double)s));
    }
    PetscCall(TkInclusionDestroy(&el));
    /* far field of a dilatational ellipsoid: a centre of dilatation of the same volume */
    PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, ax, (const PetscReal(*)[3])R, ed, MU, nu, &ed3));
    {
      const PetscReal y[3] = {0.5e4 * 60e-9, -0.6e4 * 60e-9, 0.62e4 * 60e-9}, r = PetscSqrtReal(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
      PetscReal       x[3], ur[3], e[3], asym;
      for (int i = 0; i < 3; i++) x[i] = c[i] + y[i], ur[i] = eps0 * f * ax[0] * ax[1] * ax[2] * y[i] / (r * r * r);
      TkInclusionEvaluate(ed3, x, u, g);
      for (int i = 0; i < 3; i++) e[i] = u[i] - ur[i];
      TkCheckAbs("7 dilatational ellipsoid at 1e4 a1: |u - eps0 f a1a2a3 x/r^3|/|u|", Max3(e) / Max3(ur), 0, 1e-6, "Eshelby 1957 (far field)");
      x[0] = c[0] + 70e-9, x[1] = c[1] + 10e-9, x[2] = c[2] - 15e-9;
      TkInclusionEvaluate(ed3, x, u, g);
      asym = PetscMax(PetscAbsReal(g[0][1] - g[1][0]), PetscMax(PetscAbsReal(g[0][2] - g[2][0]), PetscAbsReal(g[1][2] - g[2][1]))) / MaxAbs33(g);
      TkCheckAbs("7 dilatational ellipsoid: outside u = grad(potential), |grad - grad^T|/|grad|", asym, 0, 1e-12, "Mura 1987 eq. 11.30 (u = -c phi_,i)");
    }
    PetscCall(TkInclusionDestroy(&ed3));
  }
  {
    /* the same body described with permuted axes */
    const PetscReal aA[3] = {60e-9, 35e-9, 20e-9}, aB[3] = {20e-9, 60e-9, 35e-9}, RB[3][3] = {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
    const PetscReal pts[4][3] = {{10e-9, 5e-9, 3e-9}, {70e-9, 5e-9, 3e-9}, {-20e-9, 40e-9, 10e-9}, {5e-9, -8e-9, 30e-9}};
    TkInclusion     A, B;
    PetscReal       d = 0, SA[3][3][3][3], SB[3][3][3][3], dS = 0;
    PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, aA, I3, eg, MU, nu, &A));
    PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, aB, RB, eg, MU, nu, &B));
    for (int k = 0; k < 4; k++) {
      PetscReal x[3], uA[3], gA[3][3], uB[3], gB[3][3], e[3];
      for (int i = 0; i < 3; i++) x[i] = c[i] + pts[k][i];
      TkInclusionEvaluate(A, x, uA, gA);
      TkInclusionEvaluate(B, x, uB, gB);
      for (int i = 0; i < 3; i++) {
        e[i] = uA[i] - uB[i];
        for (int j = 0; j < 3; j++) d = PetscMax(d, PetscAbsReal(gA[i][j] - gB[i][j]) / MaxAbs33(gA));
      }
      d = PetscMax(d, Max3(e) / Max3(uA));
    }
    PetscCall(TkInclusionEshelbyTensor(A, SA));
    PetscCall(TkInclusionEshelbyTensor(B, SB));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) dS = PetscMax(dS, PetscAbsReal(SA[i][j][k][l] - SB[i][j][k][l]));
    TkCheckAbs("7 frame: same ellipsoid with permuted axes, u and grad, max rel", d, 0, 1e-12, "frame covariance");
    TkCheckAbs("7 frame: same ellipsoid with permuted axes, max |S_A - S_B| (lab)", dS, 0, 1e-13, "frame covariance");
    PetscCall(TkInclusionDestroy(&A));
    PetscCall(TkInclusionDestroy(&B));
  }
  /* 8. exterior fields across shapes: exact spheroids (equal axes), near-sphere, flat and needle-like, rotated */
  {
    const PetscReal shapes[6][3] = {{1, 1, 4}, {1, 1, 0.25}, {1, 1 + 1e-9, 1 - 1e-9}, {1, 0.8, 1e-3}, {0.01, 0.012, 1}, {1, 0.5, 0.5}};
    const char     *names[6]     = {"prolate 1:1:4", "oblate 1:1:0.25", "near-sphere 1:1+1e-9:1-1e-9", "flat 1:0.8:1e-3", "needle 0.01:0.012:1", "prolate 1:0.5:0.5"};
    const PetscReal axis[3]      = {-0.3, 0.5, 0.8};
    PetscReal       R[3][3];
    Rotation(axis, 2.1, R);
    for (int q = 0; q < 6; q++) {
      PetscReal   ax[3], amin = PetscMin(shapes[q][0], PetscMin(shapes[q][1], shapes[q][2])) * 40e-9, du, dt, dv = 0, dg = 0;
      TkInclusion el;
      char        what[128];
      for (int i = 0; i < 3; i++) ax[i] = shapes[q][i] * 40e-9;
      PetscCall(TkInclusionCreateEllipsoid(PETSC_COMM_WORLD, c, ax, (const PetscReal(*)[3])R, eg, MU, nu, &el));
      SurfaceJumps(el, c, ax, (const PetscReal(*)[3])R, eg, nu, &du, &dt);
      /* equilibrium close to the surface (0.3 a_min out) and further away (one largest semi-axis out) */
      for (int k = 0; k < 6; k++) {
        PetscReal xs[3], n[3], x[3], off = k < 4 ? 0.3 * amin : 40e-9 * PetscMax(shapes[q][0], PetscMax(shapes[q][1], shapes[q][2]));
        SurfacePoint(c, ax, (const PetscReal(*)[3])R, (k + 0.4) * PETSC_PI / 6, 1.3 * k + 0.2, xs, n);
        for (int i = 0; i < 3; i++) x[i] = xs[i] + off * n[i];
        dv = PetscMax(dv, DivStress(el, x, eg, nu, 2e-5 * off, off));
        dg = PetscMax(dg, GradFD(el, x, 1e-3 * off));
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "8 %s: continuity of u across the surface", names[q]));
      TkCheckAbs(what, du, 0, 1e-10, "Mura 1987 eq. 11.30");
      PetscCall(PetscSNPrintf(what, sizeof(what), "8 %s: continuity of the traction", names[q]));
      TkCheckAbs(what, dt, 0, 1e-6, "traction continuity");
      PetscCall(PetscSNPrintf(what, sizeof(what), "8 %s: |div sigma| d/|sigma| outside (d = distance)", names[q]));
      TkCheckAbs(what, dv, 0, 1e-6, "equilibrium");
      PetscCall(PetscSNPrintf(what, sizeof(what), "8 %s: grad vs central differences of u", names[q]));
      TkCheckAbs(what, dg, 0, 1e-8, "consistency");
      PetscCall(TkInclusionDestroy(&el));
    }
  }
  PetscCall(TkInclusionDestroy(&sd));
  PetscCall(TkInclusionDestroy(&sg));
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
