/* Isotropic straight dislocations, polygonal loops, dislocation walls and misoriented grains
   (models/defects/iso_dislocation.c, loop.c, wall.c). References: /work/shared/notes/defect_fields.md (sections and
   items quoted per check).
   1. Straight edge, b = 1, nu = 0.3: strains, rotation and u at (1, 1) and (2, -1) (notes section 9 item 1, 1e-6);
      du_y/dy = +0.0083752 at (0.7, 1.3), nu = 0.334 (item 2, the Poulsen 2021 sign trap); trace of the strain
      -b(1-2nu)y/(2pi(1-nu)r^2) (section 2); edge sigma_xy(10 nm, 0) = -sigma_xx(0, 10 nm), screw sigma_theta_z and
      edge eps_xy at 10 nm for Au, Cu, Pt, Fe from the gradient and isotropic Hooke's law (item 4, 4 digits).
   2. Burgers circuits: the line integral of grad u around the line (tilted, off-centre circles, trapezoidal rule) is
      +b for edge, screw and mixed dislocations along arbitrary lines (section 1, FS/RH, 1e-6); the analytic
      gradient equals central differences of u (modulo b) (1e-7).
   3. Loops (section 3.1): jump u(+N) - u(-N) = -b inside a non-convex tilted loop and 0 outside (1e-9), on-plane
      points take the +N side value; on-axis u_z of the square prismatic loop (half-side 50, b = +z, nu = 0.3) at
      z = 1, 10, 50, 200, -10 (5 digits); a 2e4 x 1e4 rectangle against Hirth-Lothe gradients at r = 5 (3e-5, O(r/L):
      the residual halves when the rectangle doubles) and the gauge-free u(0,5) - u(5,0) (notes, 6 digits); the difference gradient
      against Richardson-extrapolated differences (1e-7); a Burgers circuit around a loop segment gives +b; a circular
      loop (regular 2000-gon) on its axis against Burgers' formula (section 3.2) evaluated on the axis:
      u_N = Omega/4pi - a^2 z/(4(1-nu)(a^2+z^2)^(3/2)), Omega = -2pi(1 - z/sqrt(z^2+a^2)); no NaN or inf at vertices,
      on the lines, on segment extensions, on the plane; bad loops are refused with a one-line error.
   4. Walls (section 7): the tilt wall far-field rotation -+b/(2D) at x = +-10 D (1e-4), the closed-form stresses at
      (2, 3) for mu = 1, nu = 0.3, b = 1, D = 10: (-0.059032, -0.002498, -0.029213) (1e-4) and at other points, the
      decay rate 2pi/D of the trace of the stress (1e-3); the sign convention (+theta turns the +n side by
      +sin(theta/2)) for tilt and twist walls in general orientation, twist far field strain-free.
   5. Grain: u = (R - I)(x - x0) on the +n side, 0 on the other; rotation vector from grad = sin(angle) axis
      (= angle axis to angle^2 for small angles). */
#include <string.h>
#include "iso_dislocation.h"
#include "loop.h"
#include "wall.h"
#include "check.h"

static void Strain(PetscReal g[3][3], PetscReal e[3][3])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) e[i][j] = 0.5 * (g[i][j] + g[j][i]);
}

/* rotation vector w = curl(u)/2 */
static void Rotation(PetscReal g[3][3], PetscReal w[3])
{
  w[0] = 0.5 * (g[2][1] - g[1][2]);
  w[1] = 0.5 * (g[0][2] - g[2][0]);
  w[2] = 0.5 * (g[1][0] - g[0][1]);
}

static void Hooke(PetscReal g[3][3], PetscReal mu, PetscReal nu, PetscReal s[3][3])
{
  PetscReal e[3][3], lam = 2 * mu * nu / (1 - 2 * nu), tr;
  Strain(g, e);
  tr = e[0][0] + e[1][1] + e[2][2];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) s[i][j] = 2 * mu * e[i][j] + (i == j) * lam * tr;
}

static PetscReal Dot3(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
static void      Cross3(const PetscReal a[3], const PetscReal b[3], PetscReal c[3])
{
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}
static void Normalize(PetscReal a[3])
{
  const PetscReal l = PetscSqrtReal(Dot3(a, a));
  for (int i = 0; i < 3; i++) a[i] /= l;
}
/* f1, f2 with f1 x f2 = m (unit) */
static void Basis(const PetscReal m[3], PetscReal f1[3], PetscReal f2[3])
{
  PetscReal a[3] = {0.3, -0.7, 0.5}, d = Dot3(a, m);
  for (int i = 0; i < 3; i++) f1[i] = a[i] - d * m[i];
  Normalize(f1);
  Cross3(m, f1, f2);
}

static PetscBool AllFinite(const PetscReal u[3], PetscReal g[3][3])
{
  for (int i = 0; i < 3; i++) {
    if (!PetscIsNormalReal(u[i]) && u[i] != 0) return PETSC_FALSE;
    for (int j = 0; j < 3; j++)
      if (!PetscIsNormalReal(g[i][j]) && g[i][j] != 0) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* ---- errors: catch the message of an expected failure ---- */
static char           errmsg[1024];
static PetscErrorCode CatchError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && mess) {
    strncpy(errmsg, mess, sizeof(errmsg) - 1);
    errmsg[sizeof(errmsg) - 1] = 0;
  }
  return n;
}

/* ---- evaluation callbacks for the generic circuit and difference checks ---- */
typedef void (*FieldFn)(void *, const PetscReal[3], PetscReal[3], PetscReal[3][3]);
static void IsoFn(void *ctx, const PetscReal r[3], PetscReal u[3], PetscReal g[3][3]) { TkIsoDislocationEvaluate((const TkIsoDislocation *)ctx, r, u, g); }
static void LoopFn(void *ctx, const PetscReal r[3], PetscReal u[3], PetscReal g[3][3]) { TkLoopEvaluate((TkLoop)ctx, r, u, g); }

/* integral of grad u . dl around the circle c + rho (cos t f1 + sin t f2), right-handed about m = f1 x f2 */
static void Circuit(FieldFn f, void *ctx, const PetscReal c[3], const PetscReal m[3], PetscReal rho, PetscInt M, PetscReal B[3])
{
  PetscReal f1[3], f2[3];
  Basis(m, f1, f2);
  B[0] = B[1] = B[2] = 0;
  for (PetscInt k = 0; k < M; k++) {
    const PetscReal t = 2 * PETSC_PI * k / M;
    PetscReal       x[3], dx[3], u[3], g[3][3];
    for (int i = 0; i < 3; i++) x[i] = c[i] + rho * (PetscCosReal(t) * f1[i] + PetscSinReal(t) * f2[i]), dx[i] = rho * (-PetscSinReal(t) * f1[i] + PetscCosReal(t) * f2[i]) * 2 * PETSC_PI / M;
    f(ctx, x, u, g);
    for (int i = 0; i < 3; i++) B[i] += Dot3(g[i], dx);
  }
}

/* max |grad - Richardson central differences of u (modulo b)| / max |grad| */
static PetscReal DifferenceError(FieldFn f, void *ctx, const PetscReal x[3], PetscReal h, const PetscReal b[3])
{
  PetscReal u[3], g[3][3], gmax = 0, err = 0, bb = Dot3(b, b);
  f(ctx, x, u, g);
  for (int j = 0; j < 3; j++) {
    PetscReal d[2][3];
    for (int s = 0; s < 2; s++) {
      const PetscReal hs    = s ? h / 2 : h;
      PetscReal       xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]}, up[3], um[3], gg[3][3], du[3], k;
      xp[j] += hs;
      xm[j] -= hs;
      f(ctx, xp, up, gg);
      f(ctx, xm, um, gg);
      for (int i = 0; i < 3; i++) du[i] = up[i] - um[i];
      k = PetscFloorReal(0.5 + Dot3(du, b) / bb);
      for (int i = 0; i < 3; i++) d[s][i] = (du[i] - k * b[i]) / (2 * hs);
    }
    for (int i = 0; i < 3; i++) {
      const PetscReal rich = (4 * d[1][i] - d[0][i]) / 3;
      err                  = PetscMax(err, PetscAbsReal(rich - g[i][j]));
      gmax                 = PetscMax(gmax, PetscAbsReal(g[i][j]));
    }
  }
  return err / gmax;
}

/* ------------------------------------------------------------------------------------------------------------ */
static PetscErrorCode CheckStraight(void)
{
  const PetscReal  z[3] = {0, 0, 1}, xh[3] = {1, 0, 0}, o[3] = {0, 0, 0};
  TkIsoDislocation d;
  PetscReal        u[3], g[3][3], e[3][3], w[3];

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-- straight isotropic dislocations\n"));
  {
    /* the voxel kernel (constants of SetUp, factored rotation) against the frame formula rotated to the lab: a mixed
       dislocation along a general line with a core radius, at points all around it */
    const PetscReal xi[3] = {1, -2, 0.5}, b[3] = {0.3, 0.7, -0.4}, p0[3] = {0.2, -0.1, 0.3};
    PetscReal       err = 0, scale = 0;
    PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, xi, b, p0, 0.31, 0.05, &d));
    for (int k = 0; k < 200; k++) {
      const PetscReal  r[3] = {PetscSinReal(1.3 * k), PetscCosReal(0.7 * k) * 2, PetscSinReal(0.37 * k + 1) * 1.5};
      const PetscReal  p[3] = {r[0] - p0[0], r[1] - p0[1], r[2] - p0[2]};
      const PetscReal *e[3] = {d.ex, d.ey, d.xi};
      PetscReal        ul[3], gl[3][2];
      TkIsoDislocationLocal(p[0] * d.ex[0] + p[1] * d.ex[1] + p[2] * d.ex[2], p[0] * d.ey[0] + p[1] * d.ey[1] + p[2] * d.ey[2], d.be, d.bs, d.nu, d.r2add, 1.0, ul, gl);
      TkIsoDislocationEvaluate(&d, r, u, g);
      for (int i = 0; i < 3; i++) {
        const PetscReal ui = ul[0] * d.ex[i] + ul[1] * d.ey[i] + ul[2] * d.xi[i];
        err = PetscMax(err, PetscAbsReal(u[i] - ui)), scale = PetscMax(scale, PetscAbsReal(ui));
        for (int j = 0; j < 3; j++) {
          PetscReal gij = 0;
          for (int a = 0; a < 3; a++) gij += e[a][i] * (gl[a][0] * d.ex[j] + gl[a][1] * d.ey[j]);
          err = PetscMax(err, PetscAbsReal(g[i][j] - gij)), scale = PetscMax(scale, PetscAbsReal(gij));
        }
      }
    }
    TkCheckAbs("voxel kernel = frame formula rotated to the lab (max diff / max value)", err / scale, 0, 1e-13, "same equations, round-off only");
  }
  PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, xh, o, 0.3, 0, &d));
  {
    const PetscReal r[3] = {1, 1, 0};
    TkIsoDislocationEvaluate(&d, r, u, g);
    Strain(g, e);
    Rotation(g, w);
    TkCheckAbs("edge (1,1): eps_xx", e[0][0], -0.079577, 1e-6, "notes 9.1");
    TkCheckAbs("edge (1,1): eps_yy", e[1][1], 0.034105, 1e-6, "notes 9.1");
    TkCheckAbs("edge (1,1): eps_xy", e[0][1], 0, 1e-6, "notes 9.1");
    TkCheckAbs("edge (1,1): trace", e[0][0] + e[1][1] + e[2][2], -0.045473, 1e-6, "notes 9.1");
    TkCheckAbs("edge (1,1): omega_z", w[2], -0.079577, 1e-6, "notes 9.1");
  }
  {
    const PetscReal r[3] = {2, -1, 0};
    TkIsoDislocationEvaluate(&d, r, u, g);
    Strain(g, e);
    TkCheckAbs("edge (2,-1): eps_xx", e[0][0], 0.045473, 1e-6, "notes 9.1");
    TkCheckAbs("edge (2,-1): eps_yy", e[1][1], -0.027284, 1e-6, "notes 9.1");
    TkCheckAbs("edge (2,-1): eps_xy", e[0][1], 0.027284, 1e-6, "notes 9.1");
    TkCheckAbs("edge (2,-1): u_x (r0 = 1)", u[0], -0.119265, 1e-6, "notes 9.1");
    TkCheckAbs("edge (2,-1): u_y (r0 = 1)", u[1], -0.070697, 1e-6, "notes 9.1");
  }
  {
    TkIsoDislocation d2;
    const PetscReal  r[3] = {0.7, 1.3, 0};
    PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, xh, o, 0.334, 0, &d2));
    TkIsoDislocationEvaluate(&d2, r, u, g);
    TkCheckAbs("edge (0.7,1.3), nu 0.334: du_y/dy (+2nu sign)", g[1][1], 0.0083752, 1e-6, "notes 9.2, Borgi 2024 app. A");
  }
  { /* trace identity at scattered points, tilted frame */
    const PetscReal  xi[3] = {1, 2, -2}, bv[3] = {2, -1, 0}, p0[3] = {0.1, -0.3, 0.2};
    PetscReal        worst = 0, bl = PetscSqrtReal(5.0);
    TkIsoDislocation d3;
    PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, xi, bv, p0, 0.27, 0, &d3));
    for (int k = 0; k < 20; k++) {
      const PetscReal r[3]  = {p0[0] + PetscSinReal(1.3 * k + 0.2) * 2, p0[1] + PetscCosReal(0.7 * k) * 3, p0[2] + PetscSinReal(2.1 * k + 1) * 1.5};
      PetscReal       dd[3] = {r[0] - p0[0], r[1] - p0[1], r[2] - p0[2]}, x, y, want;
      TkIsoDislocationEvaluate(&d3, r, u, g);
      x     = Dot3(dd, d3.ex);
      y     = Dot3(dd, d3.ey);
      want  = -bl * (1 - 2 * 0.27) * y / (2 * PETSC_PI * (1 - 0.27) * (x * x + y * y));
      worst = PetscMax(worst, PetscAbsReal(g[0][0] + g[1][1] + g[2][2] - want) / PetscAbsReal(want));
    }
    TkCheckAbs("edge, tilted line: trace = -b(1-2nu)y/(2pi(1-nu)r^2), worst of 20", worst, 0, 1e-10, "notes 2");
  }
  { /* stresses at 10 nm (notes 9.4): mu (Pa), nu, b (m), edge sigma_xy, screw sigma_theta_z (MPa), edge eps_xy */
    const char     *name[4]  = {"Au", "Cu", "Pt", "Fe"};
    const PetscReal mu[4]    = {27.0e9, 48.3e9, 61.0e9, 81.6e9};
    const PetscReal nu[4]    = {0.44, 0.343, (3 * 228.0 - 2 * 61.0) / (2 * (3 * 228.0 + 61.0)), 0.293};
    const PetscReal b[4]     = {4.0782e-10 / PetscSqrtReal(2.0), 3.6146e-10 / PetscSqrtReal(2.0), 3.9242e-10 / PetscSqrtReal(2.0), 2.8665e-10 * PetscSqrtReal(3.0) / 2};
    const PetscReal sedge[4] = {221.3, 299.1, 432.5, 456.0}, sscrew[4] = {123.9, 196.5, 269.4, 322.4}, exy[4] = {4.10e-3, 3.10e-3, 0, 0};
    const PetscReal r1[3] = {10e-9, 0, 0}, r2[3] = {0, 10e-9, 0};
    for (int m = 0; m < 4; m++) {
      TkIsoDislocation de, ds;
      const PetscReal  be[3] = {b[m], 0, 0}, bs[3] = {0, 0, b[m]};
      PetscReal        s[3][3];
      char             what[96];
      PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, be, o, nu[m], 0, &de));
      PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, bs, o, nu[m], 0, &ds));
      TkIsoDislocationEvaluate(&de, r1, u, g);
      Hooke(g, mu[m], nu[m], s);
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s edge sigma_xy(10 nm, 0) (MPa)", name[m]));
      TkCheckAbs(what, s[0][1] / 1e6, sedge[m], 0.05, "notes 9.4");
      if (exy[m] > 0) {
        Strain(g, e);
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s edge eps_xy(10 nm, 0)", name[m]));
        TkCheckAbs(what, e[0][1], exy[m], 5e-6, "notes 9.4");
      }
      TkIsoDislocationEvaluate(&de, r2, u, g);
      Hooke(g, mu[m], nu[m], s);
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s edge -sigma_xx(0, 10 nm) (MPa)", name[m]));
      TkCheckAbs(what, -s[0][0] / 1e6, sedge[m], 0.05, "notes 9.4");
      TkIsoDislocationEvaluate(&ds, r1, u, g);
      Hooke(g, mu[m], nu[m], s);
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s screw sigma_theta_z(10 nm) (MPa)", name[m]));
      TkCheckAbs(what, s[1][2] / 1e6, sscrew[m], 0.05, "notes 9.4");
    }
  }
  { /* Burgers circuits and difference gradients, SI units */
    const char     *name[4]  = {"edge", "screw", "mixed", "mixed, climb part"};
    const PetscReal xi[4][3] = {{1, 1, -2}, {0.3, -1, 0.2}, {-1, 0.4, 0.9}, {0.25, 0.5, 1}};
    const PetscReal p0[3]    = {3e-9, -2e-9, 1e-9};
    for (int c = 0; c < 4; c++) {
      TkIsoDislocation dd;
      PetscReal        t[3] = {xi[c][0], xi[c][1], xi[c][2]}, bv[3], f1[3], f2[3], B[3], m[3], cc[3], err = 0, nb;
      char             what[96];
      Normalize(t);
      Basis(t, f1, f2);
      for (int i = 0; i < 3; i++) {
        if (c == 0)
          bv[i] = 2.88e-10 * f1[i];
        else if (c == 1)
          bv[i] = -2.88e-10 * t[i];
        else
          bv[i] = 2.88e-10 * (0.6 * t[i] + 0.8 * (c == 2 ? f2[i] : 0.6 * f1[i] - 0.8 * f2[i]));
      }
      nb = PetscSqrtReal(Dot3(bv, bv));
      PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, xi[c], bv, p0, 0.35, 0, &dd));
      /* circle of radius 5 nm tilted by ~35 deg from the normal plane, centre 1.5 nm off the line */
      for (int i = 0; i < 3; i++) m[i] = t[i] + 0.7 * f1[i];
      Normalize(m);
      {
        PetscReal g1[3], g2[3];
        Basis(m, g1, g2);
        for (int i = 0; i < 3; i++) cc[i] = p0[i] + 1.5e-9 * (g1[i] + 0.5 * g2[i]);
      }
      Circuit(IsoFn, &dd, cc, m, 5e-9, 1024, B);
      for (int i = 0; i < 3; i++) err = PetscMax(err, PetscAbsReal(B[i] - bv[i]) / nb);
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: Burgers circuit = +b, max|B - b|/|b|", name[c]));
      TkCheckAbs(what, err, 0, 1e-6, "notes 1 (FS/RH)");
      err = 0;
      for (int k = 0; k < 6; k++) {
        const PetscReal r[3] = {p0[0] + 4e-9 * PetscSinReal(k + 0.3), p0[1] + 3e-9 * PetscCosReal(2.0 * k), p0[2] - 2e-9 * PetscSinReal(1.7 * k)};
        err                  = PetscMax(err, DifferenceError(IsoFn, &dd, r, 1e-12, bv));
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: grad = differences of u (mod b), worst of 6", name[c]));
      TkCheckAbs(what, err, 0, 1e-7, "consistency");
    }
  }
  { /* finite on the line */
    const PetscReal r[3] = {0, 0, 0.5}, bv[3] = {0.5, 0.5, 0.5};
    PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, bv, o, 0.3, 0, &d));
    TkIsoDislocationEvaluate(&d, r, u, g);
    TkCheckTrue("mixed, rc = 0: u and grad finite on the line", AllFinite(u, g), "no NaN/inf");
  }
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* rectangle with its side P0 P1 along +z at x = 0, the cut strip at -W < x < 0: loop and Hirth-Lothe gradients at
   r = 5 (8 angles, z = 0.7), their max difference, and the gauge-free u(0,5,0) - u(5,0,0) of both */
static PetscErrorCode RectangleError(PetscReal Lz, PetscReal W, const PetscReal b[3], PetscReal *err, PetscReal gl[8][3][3], PetscReal gh[8][3][3], PetscReal du[3], PetscReal duhl[3])
{
  const PetscReal  P[4][3] = {{0, 0, -Lz / 2}, {0, 0, Lz / 2}, {-W, 0, Lz / 2}, {-W, 0, -Lz / 2}};
  const PetscReal  z[3] = {0, 0, 1}, o[3] = {0, 0, 0};
  TkLoop           lp;
  TkIsoDislocation d;
  PetscReal        e = 0;

  PetscFunctionBegin;
  PetscCall(TkLoopCreate(PETSC_COMM_WORLD, 4, P, b, 0.3, 0, &lp));
  PetscCall(TkIsoDislocationSetUp(PETSC_COMM_WORLD, z, b, o, 0.3, 0, &d));
  for (int k = 0; k < 8; k++) {
    const PetscReal th = PETSC_PI * (-0.97 + 0.28 * k), r[3] = {5 * PetscCosReal(th), 5 * PetscSinReal(th), 0.7};
    PetscReal       u[3], uh[3];
    TkLoopEvaluate(lp, r, u, gl[k]);
    TkIsoDislocationEvaluate(&d, r, uh, gh[k]);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) e = PetscMax(e, PetscAbsReal(gl[k][i][j] - gh[k][i][j]));
  }
  *err = e;
  {
    const PetscReal a[3] = {0, 5, 0}, c[3] = {5, 0, 0};
    PetscReal       ua[3], uc[3], g[3][3];
    TkLoopEvaluate(lp, a, ua, g);
    TkLoopEvaluate(lp, c, uc, g);
    for (int i = 0; i < 3; i++) du[i] = ua[i] - uc[i];
    TkIsoDislocationEvaluate(&d, a, ua, g);
    TkIsoDislocationEvaluate(&d, c, uc, g);
    for (int i = 0; i < 3; i++) duhl[i] = ua[i] - uc[i];
  }
  PetscCall(TkLoopDestroy(&lp));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckLoops(void)
{
  PetscReal u[3], g[3][3];

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-- polygonal loops\n"));
  { /* non-convex (L-shaped) loop in a tilted plane, mixed b: jumps across the surface */
    const PetscReal L2[6][2] = {{0, 0}, {40, 0}, {40, 15}, {15, 15}, {15, 40}, {0, 40}};
    PetscReal       nrm[3] = {0.3, -0.4, 0.866}, f1[3], f2[3], P[6][3], off[3] = {7, -3, 11}, b[3] = {0.4, 0.7, -0.5}, N[3], Cc[3] = {0, 0, 0};
    PetscReal       ein = 0, eout = 0, eon = 0;
    TkLoop          lp;
    Normalize(nrm);
    Basis(nrm, f1, f2);
    for (int v = 0; v < 6; v++)
      for (int i = 0; i < 3; i++) P[v][i] = off[i] + L2[v][0] * f1[i] + L2[v][1] * f2[i], Cc[i] += P[v][i] / 6;
    PetscCall(TkLoopCreate(PETSC_COMM_WORLD, 6, P, b, 0.31, 0, &lp));
    PetscCall(TkLoopGetNormal(lp, N));
    TkCheckAbs("L-shaped loop: N = right-hand normal of the circuit", Dot3(N, nrm), 1, 1e-12, "Newell");
    {
      /* in-plane points: inside (incl. near the re-entrant corner), outside (incl. the notch and the vertex centroid) */
      const PetscReal in[6][2]   = {{5, 5}, {35, 10}, {10, 35}, {14.9, 15.1}, {5, 5}, {0, 0}};
      const PetscReal outp[6][2] = {{30, 30}, {20, 20}, {50, 5}, {-5, 20}, {16, 39}};
      PetscReal       pin[6][3], pout[6][3], h = 1e-10; /* 4e-12 of the loop size */
      for (int k = 0; k < 5; k++)
        for (int i = 0; i < 3; i++) pin[k][i] = off[i] + in[k][0] * f1[i] + in[k][1] * f2[i];
      for (int i = 0; i < 3; i++) pin[5][i] = 0.6 * Cc[i] + 0.4 * P[0][i]; /* on the line from the vertex centroid to P0 */
      for (int k = 0; k < 5; k++)
        for (int i = 0; i < 3; i++) pout[k][i] = off[i] + outp[k][0] * f1[i] + outp[k][1] * f2[i];
      for (int i = 0; i < 3; i++) pout[5][i] = Cc[i]; /* the vertex centroid lies in the notch, outside */
      for (int k = 0; k < 6; k++) {
        PetscReal xp[3], xm[3], up[3], um[3], u0[3];
        for (int i = 0; i < 3; i++) xp[i] = pin[k][i] + h * N[i], xm[i] = pin[k][i] - h * N[i];
        TkLoopEvaluate(lp, xp, up, NULL);
        TkLoopEvaluate(lp, xm, um, NULL);
        TkLoopEvaluate(lp, pin[k], u0, NULL);
        for (int i = 0; i < 3; i++) ein = PetscMax(ein, PetscAbsReal(up[i] - um[i] + b[i])), eon = PetscMax(eon, PetscAbsReal(u0[i] - up[i]));
      }
      for (int k = 0; k < 6; k++) {
        PetscReal xp[3], xm[3], up[3], um[3], u0[3];
        for (int i = 0; i < 3; i++) xp[i] = pout[k][i] + h * N[i], xm[i] = pout[k][i] - h * N[i];
        TkLoopEvaluate(lp, xp, up, NULL);
        TkLoopEvaluate(lp, xm, um, NULL);
        TkLoopEvaluate(lp, pout[k], u0, NULL);
        for (int i = 0; i < 3; i++) eout = PetscMax(eout, PetscAbsReal(up[i] - um[i])), eon = PetscMax(eon, PetscAbsReal(u0[i] - up[i]));
      }
    }
    TkCheckAbs("L-shaped loop: u(+N) - u(-N) = -b inside, max error", ein, 0, 1e-9, "notes 3.1");
    TkCheckAbs("L-shaped loop: u(+N) - u(-N) = 0 outside, max error", eout, 0, 1e-9, "notes 3.1");
    TkCheckAbs("L-shaped loop: on-plane u = +N side limit, max error", eon, 0, 1e-9, "convention");
    {
      const PetscReal c[3] = {off[0] + 20 * f1[0], off[1] + 20 * f1[1], off[2] + 20 * f1[2]}; /* midpoint of edge 0 */
      PetscReal       B[3], err = 0, t[3] = {f1[0], f1[1], f1[2]}, x[3];
      Circuit(LoopFn, lp, c, t, 2.0, 512, B);
      for (int i = 0; i < 3; i++) err = PetscMax(err, PetscAbsReal(B[i] - b[i]));
      TkCheckAbs("L-shaped loop: Burgers circuit about edge 0 = +b", err, 0, 1e-6, "notes 1, 3.1");
      err = 0;
      for (int k = 0; k < 5; k++) {
        const PetscReal s = 0.5 + 3.0 * k * k;
        for (int i = 0; i < 3; i++) x[i] = c[i] + s * (0.6 * f2[i] + 0.3 * N[i]) + 0.1 * s * f1[i];
        err = PetscMax(err, DifferenceError(LoopFn, lp, x, 1e-3 * s, b));
        for (int i = 0; i < 3; i++) x[i] = Cc[i] + (0.01 + s) * N[i] + 2 * f2[i];
        err = PetscMax(err, DifferenceError(LoopFn, lp, x, 1e-3 * s, b));
      }
      { /* far away and straddling the plane near a vertex */
        for (int i = 0; i < 3; i++) x[i] = Cc[i] + 500 * nrm[i] + 300 * f1[i];
        err = PetscMax(err, DifferenceError(LoopFn, lp, x, 1e-1, b));
        for (int i = 0; i < 3; i++) x[i] = P[2][i] + 0.3 * f1[i] + 0.2 * f2[i] + 1e-6 * N[i];
        err = PetscMax(err, DifferenceError(LoopFn, lp, x, 1e-4, b));
      }
      TkCheckAbs("L-shaped loop: difference grad vs Richardson, worst rel.", err, 0, 1e-7, "consistency");
    }
    { /* no NaN or inf anywhere: vertex, centroid, on a segment, on its extension, in the plane, with rc = 0 */
      PetscBool ok = PETSC_TRUE;
      PetscReal x[3];
      for (int k = 0; k < 6; k++) {
        TkLoopEvaluate(lp, P[k], u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
        for (int i = 0; i < 3; i++) x[i] = 0.5 * (P[k][i] + P[(k + 1) % 6][i]); /* on the line */
        TkLoopEvaluate(lp, x, u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
        for (int i = 0; i < 3; i++) x[i] = P[k][i] + 3.0 * (P[(k + 1) % 6][i] - P[k][i]); /* extension ahead */
        TkLoopEvaluate(lp, x, u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
        for (int i = 0; i < 3; i++) x[i] = P[k][i] - 2.0 * (P[(k + 1) % 6][i] - P[k][i]); /* extension behind */
        TkLoopEvaluate(lp, x, u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
      }
      TkLoopEvaluate(lp, Cc, u, g);
      ok = (PetscBool)(ok && AllFinite(u, g));
      TkCheckTrue("L-shaped loop, rc = 0: finite at vertices, on lines, extensions, plane", ok, "no NaN/inf");
    }
    PetscCall(TkLoopDestroy(&lp));
  }
  { /* square prismatic loop, half-side 50, b = +z, counter-clockwise seen from +z (N = +z) */
    const PetscReal P[4][3] = {{-50, -50, 0}, {50, -50, 0}, {50, 50, 0}, {-50, 50, 0}};
    const PetscReal b[3] = {0, 0, 1}, zz[5] = {1, 10, 50, 200, -10}, want[5] = {-0.49743, -0.47266, -0.29794, -0.04395, 0.47266};
    TkLoop          lp;
    PetscCall(TkLoopCreate(PETSC_COMM_WORLD, 4, P, b, 0.3, 0, &lp));
    for (int k = 0; k < 5; k++) {
      const PetscReal x[3] = {0, 0, zz[k]};
      char            what[96];
      TkLoopEvaluate(lp, x, u, g);
      PetscCall(PetscSNPrintf(what, sizeof(what), "square prismatic loop: u_z(0, 0, %g)", (double)zz[k]));
      TkCheckAbs(what, u[2], want[k], 5e-6, "notes 3.1");
    }
    { /* rc > 0: finite on the lines and vertices too */
      TkLoop    lr;
      PetscBool ok = PETSC_TRUE;
      PetscCall(TkLoopCreate(PETSC_COMM_WORLD, 4, P, b, 0.3, 0.5, &lr));
      for (int k = 0; k < 4; k++) {
        const PetscReal x[3] = {0.5 * (P[k][0] + P[(k + 1) % 4][0]), 0.5 * (P[k][1] + P[(k + 1) % 4][1]), 0};
        TkLoopEvaluate(lr, P[k], u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
        TkLoopEvaluate(lr, x, u, g);
        ok = (PetscBool)(ok && AllFinite(u, g));
      }
      TkCheckTrue("square loop, rc = 0.5: finite at vertices and on lines", ok, "no NaN/inf");
      PetscCall(TkLoopDestroy(&lr));
    }
    PetscCall(TkLoopDestroy(&lp));
  }
  { /* long rectangle against Hirth-Lothe near its +z side at x = 0; the cut strip is x < 0, y = 0 */
    const PetscReal bs[3][3] = {{1, 0, 0}, {0, 0, 1}, {PetscSqrtReal(0.5), 0, PetscSqrtReal(0.5)}};
    const char     *name[3]  = {"edge", "screw", "mixed"};
    for (int c = 0; c < 3; c++) {
      PetscReal e1, e2, er = 0, du[3], duhl[3], du2[3], duhl2[3], g1[8][3][3], g2[8][3][3], gh[8][3][3];
      char      what[112];
      PetscCall(RectangleError(2e4, 1e4, bs[c], &e1, g1, gh, du, duhl));
      PetscCall(RectangleError(4e4, 2e4, bs[c], &e2, g2, gh, du2, duhl2));
      for (int k = 0; k < 8; k++)
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++) er = PetscMax(er, PetscAbsReal(2 * g2[k][i][j] - g1[k][i][j] - gh[k][i][j]));
      /* the residual is the nearly uniform field of the far sides, ~b/(2 pi 1e4) each */
      PetscCall(PetscSNPrintf(what, sizeof(what), "2e4 x 1e4 rectangle, %s: max|grad - H-L| at r = 5 (3e-5, 1 digit)", name[c]));
      TkCheckAbs(what, e1, 0, 3.5e-5, "notes 3.1");
      PetscCall(PetscSNPrintf(what, sizeof(what), "rectangle, %s: residual ratio size x1 / x2 (O(r/L))", name[c]));
      TkCheckAbs(what, e1 / e2, 2, 0.2, "notes 3.1");
      PetscCall(PetscSNPrintf(what, sizeof(what), "rectangle, %s: size-extrapolated grad (2 g(2L) - g(L)) - H-L", name[c]));
      TkCheckAbs(what, er, 0, 1e-7, "notes 2");
      if (c == 1) {
        TkCheckAbs("2e4 x 1e4 rectangle, screw: u_z(0,5) - u_z(5,0)", du[2], 0.249847, 5e-7, "notes 3.1");
        TkCheckAbs("  the same against Hirth-Lothe b/4, to O(r/L)", du[2], duhl[2], 3e-4, "notes 2");
        TkCheckAbs("  its deviation from Hirth-Lothe halves with size x2", du2[2] - duhl2[2], 0.5 * (du[2] - duhl[2]), 0.1 * PetscAbsReal(du[2] - duhl[2]), "O(r/L)");
      }
      if (c == 0) {
        TkCheckAbs("2e4 x 1e4 rectangle, edge: u_x(0,5) - u_x(5,0)", du[0], 0.249847, 5e-7, "notes 3.1");
        TkCheckAbs("2e4 x 1e4 rectangle, edge: u_y(0,5) - u_y(5,0)", du[1], 0.113666, 5e-7, "notes 3.1");
        TkCheckAbs("  u_x against Hirth-Lothe, to O(r/L)", du[0], duhl[0], 3e-4, "notes 2");
        TkCheckAbs("  u_y against Hirth-Lothe 0.113682, to O(r/L)", du[1], duhl[1], 3e-4, "notes 2, 3.1");
      }
    }
  }
  { /* circular loop: regular 2000-gon of equal area, tilted, off origin; u on its axis vs Burgers' formula */
    const PetscReal c[3] = {3, -2, 5}, nrm[3] = {1, 2, 2}, a = 50, nu = 0.28, zz[4] = {1, 20, 80, -30};
    PetscReal       N[3], b[3], worst = 0, wperp = 0;
    TkLoop          lp;
    for (int i = 0; i < 3; i++) N[i] = nrm[i] / 3, b[i] = N[i];
    PetscCall(TkLoopCreateRegular(PETSC_COMM_WORLD, c, nrm, a, 2000, b, nu, 0, &lp));
    for (int k = 0; k < 4; k++) {
      const PetscReal z = zz[k], s = z / PetscSqrtReal(z * z + a * a);
      const PetscReal Om   = (z > 0 ? -2 * PETSC_PI : 2 * PETSC_PI) * (1 - PetscAbsReal(s));
      const PetscReal want = Om / (4 * PETSC_PI) - a * a * z / (4 * (1 - nu) * PetscPowReal(a * a + z * z, 1.5));
      PetscReal       x[3], un, up2 = 0;
      for (int i = 0; i < 3; i++) x[i] = c[i] + z * N[i];
      TkLoopEvaluate(lp, x, u, g);
      un = Dot3(u, N);
      for (int i = 0; i < 3; i++) up2 += PetscSqr(u[i] - un * N[i]);
      worst = PetscMax(worst, PetscAbsReal(un - want));
      wperp = PetscMax(wperp, PetscSqrtReal(up2));
    }
    TkCheckAbs("circular prismatic loop (2000-gon): u_N on axis vs closed form", worst, 0, 1e-6, "notes 3.2 (Burgers) on the axis");
    TkCheckAbs("circular prismatic loop: |u_perp| on axis", wperp, 0, 1e-9, "symmetry");
    PetscCall(TkLoopDestroy(&lp));
  }
  { /* bad input: one-line errors */
    const PetscReal P[4][3] = {{0, 0, 0}, {10, 0, 0}, {10, 10, 0.1}, {0, 10, 0}};
    const PetscReal Z[3][3] = {{0, 0, 0}, {1, 0, 0}, {1, 0, 0}};
    const PetscReal b[3] = {0, 0, 1}, b0[3] = {0, 0, 0};
    TkLoop          lp = NULL;
    PetscErrorCode  ierr;
    PetscCall(PetscPushErrorHandler(CatchError, NULL));
    errmsg[0] = 0;
    ierr      = TkLoopCreate(PETSC_COMM_WORLD, 4, P, b, 0.3, 0, &lp);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "     (message: %s)\n", errmsg));
    TkCheckTrue("non-planar loop refused: \"loop is not planar: vertex k is d nm off the plane\"", ierr && !lp && strstr(errmsg, "loop is not planar: vertex") && strstr(errmsg, "nm off the plane"), "input check");
    PetscCall(PetscPushErrorHandler(CatchError, NULL));
    errmsg[0] = 0;
    ierr      = TkLoopCreate(PETSC_COMM_WORLD, 2, P, b, 0.3, 0, &lp);
    PetscCall(PetscPopErrorHandler());
    TkCheckTrue("loop with 2 vertices refused", ierr && !lp && strstr(errmsg, "at least 3"), "input check");
    PetscCall(PetscPushErrorHandler(CatchError, NULL));
    errmsg[0] = 0;
    ierr      = TkLoopCreate(PETSC_COMM_WORLD, 3, Z, b, 0.3, 0, &lp);
    PetscCall(PetscPopErrorHandler());
    TkCheckTrue("loop with a zero-length edge refused", ierr && !lp && strstr(errmsg, "zero length"), "input check");
    PetscCall(PetscPushErrorHandler(CatchError, NULL));
    errmsg[0] = 0;
    ierr      = TkLoopCreate(PETSC_COMM_WORLD, 4, P, b0, 0.3, 0, &lp);
    PetscCall(PetscPopErrorHandler());
    TkCheckTrue("loop with b = 0 refused", ierr && !lp && strstr(errmsg, "0,0,0"), "input check");
  }
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* notes section 7 closed form, wall plane x = 0, b along +x, lines along z, spacing D along y */
static void TiltClosedForm(PetscReal mu, PetscReal nu, PetscReal b, PetscReal D, PetscReal x, PetscReal y, PetscReal s[3], PetscReal *wz)
{
  const PetscReal X = 2 * PETSC_PI * x / D, Y = 2 * PETSC_PI * y / D, s0 = mu * b / (2 * D * (1 - nu));
  const PetscReal ch = PetscCoshReal(X), sh = PetscSinhReal(X), den = ch - PetscCosReal(Y);
  s[0] = -s0 * PetscSinReal(Y) * (den + X * sh) / (den * den);
  s[1] = -s0 * PetscSinReal(Y) * (den - X * sh) / (den * den);
  s[2] = s0 * X * (ch * PetscCosReal(Y) - 1) / (den * den);
  *wz  = -(b / (2 * D)) * sh / den;
}

static PetscErrorCode CheckWalls(void)
{
  const PetscReal z[3] = {0, 0, 1}, xh[3] = {1, 0, 0}, o[3] = {0, 0, 0}, b = 1, D = 10, nu = 0.3;
  const PetscReal theta = -2 * PetscAsinReal(b / (2 * D)); /* negative: b along +n = +x, the notes' frame */
  PetscReal       u[3], g[3][3], s[3][3], w[3], Dm;
  PetscInt        nd;
  TkWall          wall;

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-- dislocation walls and grains\n"));
  PetscCall(TkWallCreateTilt(PETSC_COMM_WORLD, z, xh, o, theta, b, nu, 0, 2e6 * D, &wall));
  PetscCall(TkWallGetSpacing(wall, &Dm, &nd));
  TkCheckAbs("tilt wall: spacing D = b/(2 sin(theta/2))", Dm, D, 1e-12, "Frank-Bilby, notes 7");
  TkCheckTrue("tilt wall: 2K+1 dislocations, K = L/D", nd == 4000001, "bipolar sum");
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    const PetscReal r[3] = {sgn * 10 * D, 0.37 * D, 0};
    char            what[96];
    TkWallEvaluate(wall, r, u, g);
    Rotation(g, w);
    PetscCall(PetscSNPrintf(what, sizeof(what), "tilt wall (b along +x): omega_z(x = %+g D) = %+g b/2D", 10.0 * sgn, -1.0 * sgn));
    TkCheckRel(what, w[2], -sgn * b / (2 * D), 1e-4, "notes 7");
  }
  {
    const PetscReal pts[4][2] = {{2, 3}, {-7, 13}, {15, -4}, {4, 0.01}};
    for (int k = 0; k < 4; k++) {
      const PetscReal r[3] = {pts[k][0], pts[k][1], 0};
      const PetscReal s0   = b / (2 * D * (1 - nu)); /* mu = 1 */
      PetscReal       sc[3], wz, worst = 0;
      char            what[96];
      TkWallEvaluate(wall, r, u, g);
      Hooke(g, 1, nu, s);
      Rotation(g, w);
      TiltClosedForm(1, nu, b, D, r[0], r[1], sc, &wz);
      if (k == 0) {
        TkCheckAbs("tilt wall (2,3): closed form sigma_xx", sc[0], -0.059032, 1e-6, "notes 7");
        TkCheckAbs("tilt wall (2,3): closed form sigma_yy", sc[1], -0.002498, 1e-6, "notes 7");
        TkCheckAbs("tilt wall (2,3): closed form sigma_xy", sc[2], -0.029213, 1e-6, "notes 7");
        TkCheckRel("tilt wall (2,3): sum sigma_xx", s[0][0], -0.059032, 1e-4, "notes 7");
        TkCheckRel("tilt wall (2,3): sum sigma_yy", s[1][1], -0.002498, 1e-4, "notes 7");
        TkCheckRel("tilt wall (2,3): sum sigma_xy", s[0][1], -0.029213, 1e-4, "notes 7");
        TkCheckRel("tilt wall (2,3): sum omega_z", w[2], wz, 1e-4, "notes 7");
      } else {
        worst = PetscMax(PetscAbsReal(s[0][0] - sc[0]), PetscMax(PetscAbsReal(s[1][1] - sc[1]), PetscAbsReal(s[0][1] - sc[2])));
        PetscCall(PetscSNPrintf(what, sizeof(what), "tilt wall (%g,%g): max|sigma - closed form| / sigma0", (double)r[0], (double)r[1]));
        TkCheckAbs(what, worst / s0, 0, 1e-5, "notes 7, sigma0 = mu b/(2D(1-nu))");
        TkCheckAbs("  sigma_zz = nu (sigma_xx + sigma_yy)", s[2][2] - nu * (s[0][0] + s[1][1]), 0, 1e-12, "plane strain");
      }
    }
  }
  { /* decay: the trace of the stress is -2 s0 sin Y/(cosh X - cos Y) ~ exp(-2 pi x/D); at Y = pi/2, x = D and 1.5 D */
    PetscReal tr[2];
    for (int k = 0; k < 2; k++) {
      const PetscReal r[3] = {(1 + 0.5 * k) * D, 0.25 * D, 0};
      TkWallEvaluate(wall, r, u, g);
      Hooke(g, 1, nu, s);
      tr[k] = s[0][0] + s[1][1];
    }
    TkCheckRel("tilt wall: decay rate of sigma_xx + sigma_yy (x = D..1.5D), 1/D", PetscLogReal(tr[0] / tr[1]) / (0.5 * D) * D, 2 * PETSC_PI, 1e-3, "notes 7, exp(-2 pi x/D)");
  }
  {
    const PetscReal r[3] = {0, 0, 3};
    TkWallEvaluate(wall, r, u, g);
    TkCheckTrue("tilt wall, rc = 0: finite on a dislocation line", AllFinite(u, g), "no NaN/inf");
  }
  PetscCall(TkWallDestroy(&wall));

  { /* general orientation, theta > 0: the +n side turns by +sin(theta/2) about the axis, the -n side by -sin(theta/2) */
    PetscReal axis[3] = {1, -2, 0.5}, n[3], f2[3], p[3] = {2e-9, 1e-9, -3e-9}, bm = 2.86e-10, th = 0.02;
    char      what[112];
    Normalize(axis);
    Basis(axis, n, f2);
    PetscCall(TkWallCreateTilt(PETSC_COMM_WORLD, axis, n, p, th, bm, 0.334, 0.3e-9, 1e6 * bm / th, &wall));
    PetscCall(TkWallGetSpacing(wall, &Dm, &nd));
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      PetscReal r[3], err = 0, e[3][3], emax = 0;
      for (int i = 0; i < 3; i++) r[i] = p[i] + sgn * 10 * Dm * n[i] + 0.3 * Dm * f2[i] + 5 * Dm * axis[i];
      TkWallEvaluate(wall, r, u, g);
      Rotation(g, w);
      Strain(g, e);
      for (int i = 0; i < 3; i++) err = PetscMax(err, PetscAbsReal(w[i] - sgn * PetscSinReal(th / 2) * axis[i]));
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) emax = PetscMax(emax, PetscAbsReal(e[i][j]));
      PetscCall(PetscSNPrintf(what, sizeof(what), "tilt wall, tilted frame: rotation at %+d0 D = %+d sin(theta/2) axis", sgn, sgn));
      TkCheckAbs(what, err / PetscSinReal(th / 2), 0, 1e-4, "sign convention, notes 7");
      PetscCall(PetscSNPrintf(what, sizeof(what), "tilt wall, tilted frame: max|strain| at %+d0 D / sin(theta/2)", sgn));
      TkCheckAbs(what, emax / PetscSinReal(th / 2), 0, 1e-4, "notes 7 (decay)");
    }
    PetscCall(TkWallDestroy(&wall));
    PetscCall(TkWallCreateTwist(PETSC_COMM_WORLD, n, p, th, bm, 0.334, 0.3e-9, 1e6 * bm / th, &wall));
    PetscCall(TkWallGetSpacing(wall, &Dm, &nd));
    TkCheckTrue("twist wall: two sets of 2K+1 screws", nd == 2 * (2 * (PetscInt)PetscCeilReal(1e6 * bm / th / Dm * (1 - 1e-12)) + 1), "bipolar sum");
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      PetscReal r[3], err = 0, e[3][3], emax = 0;
      for (int i = 0; i < 3; i++) r[i] = p[i] + sgn * 10 * Dm * n[i] + 0.3 * Dm * f2[i] + 0.45 * Dm * axis[i];
      TkWallEvaluate(wall, r, u, g);
      Rotation(g, w);
      Strain(g, e);
      for (int i = 0; i < 3; i++) err = PetscMax(err, PetscAbsReal(w[i] - sgn * PetscSinReal(th / 2) * n[i]));
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) emax = PetscMax(emax, PetscAbsReal(e[i][j]));
      PetscCall(PetscSNPrintf(what, sizeof(what), "twist wall: rotation at %+d0 D = %+d sin(theta/2) n", sgn, sgn));
      TkCheckAbs(what, err / PetscSinReal(th / 2), 0, 1e-4, "sign convention, Frank");
      PetscCall(PetscSNPrintf(what, sizeof(what), "twist wall: max|strain| at %+d0 D / sin(theta/2)", sgn));
      TkCheckAbs(what, emax / PetscSinReal(th / 2), 0, 1e-4, "notes 7 (Frank wall, no long-range strain)");
    }
    PetscCall(TkWallDestroy(&wall));
  }

  { /* misoriented grain */
    PetscReal n[3] = {1, 1, 0}, axis[3] = {0.2, -0.5, 1}, x0[3] = {1e-8, -2e-8, 5e-9}, eu = 0, e0 = 0;
    Normalize(n);
    Normalize(axis);
    for (int c = 0; c < 2; c++) {
      const PetscReal ang = c ? 0.5 : 1e-3;
      PetscCall(TkWallCreateGrain(PETSC_COMM_WORLD, n, x0, axis, ang, &wall));
      PetscCall(TkWallGetSpacing(wall, &Dm, &nd));
      for (int k = 0; k < 8; k++) {
        PetscReal r[3] = {x0[0] + 3e-8 * PetscSinReal(k + 0.5), x0[1] + 4e-8 * PetscCosReal(1.3 * k), x0[2] + 2e-8 * PetscSinReal(2.3 * k)}, d[3], ax[3], want[3];
        for (int i = 0; i < 3; i++) d[i] = r[i] - x0[i];
        /* rotate d: d cos + (a x d) sin + a (a.d)(1 - cos) */
        Cross3(axis, d, ax);
        for (int i = 0; i < 3; i++) want[i] = d[i] * (PetscCosReal(ang) - 1) + ax[i] * PetscSinReal(ang) + axis[i] * Dot3(axis, d) * (1 - PetscCosReal(ang));
        TkWallEvaluate(wall, r, u, g);
        for (int i = 0; i < 3; i++) {
          if (Dot3(d, n) > 0)
            eu = PetscMax(eu, PetscAbsReal(u[i] - want[i]) / PetscSqrtReal(Dot3(d, d)));
          else
            e0 = PetscMax(e0, PetscAbsReal(u[i]));
        }
      }
      {
        PetscReal r[3], err = 0, err2 = 0;
        for (int i = 0; i < 3; i++) r[i] = x0[i] + 1e-8 * n[i];
        TkWallEvaluate(wall, r, u, g);
        Rotation(g, w);
        for (int i = 0; i < 3; i++) err = PetscMax(err, PetscAbsReal(w[i] - ang * axis[i])), err2 = PetscMax(err2, PetscAbsReal(w[i] - PetscSinReal(ang) * axis[i]));
        if (c == 0) TkCheckAbs("grain, angle 1e-3: rotation vector from grad vs angle*axis (rel.)", err / ang, 0, 1e-6, "small-angle limit");
        TkCheckAbs(c ? "grain, angle 0.5: rotation vector = sin(angle) axis" : "grain, angle 1e-3: rotation vector = sin(angle) axis", err2, 0, 1e-14, "Rodrigues");
      }
      TkCheckTrue("grain: no dislocations, D = 0", nd == 0 && Dm == 0, "API");
      PetscCall(TkWallDestroy(&wall));
    }
    TkCheckAbs("grain: u = (R - I)(x - x0) on the +n side, max rel. error", eu, 0, 1e-14, "Rodrigues");
    TkCheckAbs("grain: u = 0 on the -n side, max |u|", e0, 0, 0, "definition");
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(CheckStraight());
  PetscCall(CheckLoops());
  PetscCall(CheckWalls());
  TkCheckSummary();
  PetscCall(PetscFinalize());
  return tk_checks_failed ? 1 : 0;
}
