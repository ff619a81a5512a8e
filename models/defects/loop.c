/* Polygonal dislocation loop, isotropic: Barnett (Phil. Mag. A 51, 383, 1985) segment sum plus b Omega / 4pi, with
   signs as in /work/shared/notes/defect_fields.md section 3.1 (jump u(+N) - u(-N) = -b, Omega > 0 on the -N side).
   The solid angle of the (planar) loop is summed over the triangles (P_i, P_i+1, foot of x on the plane) with the
   Van Oosterom & Strackee formula (IEEE TBME 30, 125, 1983), which is exact for any planar polygon, convex or not.
   The last Barnett term is written (b.m)((l_B - l_A) x m)/|m|^2 with m = R_A x R_B (atomsk's form, algebraically
   equal to [b.(l_A x l_B)](l_A + l_B)/(1 + l_A.l_B)) because its denominator can be regularised. */
#include "loop.h"

struct _p_TkLoop {
  MPI_Comm comm;
  PetscInt n;
  PetscReal (*P)[3]; /* vertices, projected onto the mean plane */
  PetscReal (*t)[3]; /* unit tangent of segment i: P_i -> P_i+1 */
  PetscReal *L;      /* segment lengths */
  PetscReal  b[3], bb, nu, rc2;
  PetscReal  C[3], N[3], size, htol;
};

static inline PetscReal Dot3(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
static inline void      Cross3(const PetscReal a[3], const PetscReal b[3], PetscReal c[3])
{
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

/* e1, e2 spanning the plane normal to the unit vector N, e1 x e2 = N; e1 from the lab axis least aligned with N */
static void PlaneBasis(const PetscReal N[3], PetscReal e1[3], PetscReal e2[3])
{
  PetscReal a[3] = {0, 0, 0}, d, l;
  int       k    = 0;
  for (int i = 1; i < 3; i++)
    if (PetscAbsReal(N[i]) < PetscAbsReal(N[k])) k = i;
  a[k] = 1;
  d    = Dot3(a, N);
  for (int i = 0; i < 3; i++) e1[i] = a[i] - d * N[i];
  l = PetscSqrtReal(Dot3(e1, e1));
  for (int i = 0; i < 3; i++) e1[i] /= l;
  Cross3(N, e1, e2);
}

/* |R| + R.t with |R|^2 -> |R|^2 + rc2, written as (rho^2 + rc2) / (|R| - R.t) where R.t < 0: the direct form is 0/0
   on the extension of the segment ahead of it (notes section 3.1) and loses digits near it */
static inline PetscReal LogArg(const PetscReal R[3], const PetscReal t[3], PetscReal Ra, PetscReal rc2)
{
  const PetscReal s = Dot3(R, t);
  PetscReal       c[3];
  if (s >= 0) return Ra + s;
  Cross3(R, t, c);
  return (Dot3(c, c) + rc2) / (Ra - s);
}

static void LoopDisplacement(TkLoop lp, const PetscReal x[3], PetscReal u[3])
{
  const PetscReal c1 = (1 - 2 * lp->nu) / (8 * PETSC_PI * (1 - lp->nu)), c2 = 1 / (8 * PETSC_PI * (1 - lp->nu));
  const PetscReal h     = (x[0] - lp->C[0]) * lp->N[0] + (x[1] - lp->C[1]) * lp->N[1] + (x[2] - lp->C[2]) * lp->N[2];
  PetscReal       Omega = 0, RA[3], nA, RaA;

  for (int k = 0; k < 3; k++) u[k] = 0, RA[k] = lp->P[0][k] - x[k];
  nA  = PetscSqrtReal(Dot3(RA, RA));
  RaA = PetscSqrtReal(nA * nA + lp->rc2);
  for (PetscInt i = 0; i < lp->n; i++) {
    const PetscReal *A = lp->P[i], *B = lp->P[(i + 1) % lp->n], *t = lp->t[i];
    const PetscReal  RB[3] = {B[0] - x[0], B[1] - x[1], B[2] - x[2]}, nB = PetscSqrtReal(Dot3(RB, RB)), RaB = PetscSqrtReal(nB * nB + lp->rc2);
    const PetscReal  AB[3] = {B[0] - A[0], B[1] - A[1], B[2] - A[2]}, ab = Dot3(RA, RB);
    PetscReal        bxt[3], mm[3], dl[3], w[3], lg, bm, den, d0;

    Cross3(RA, AB, mm); /* = R_A x R_B, without the cancellation far from the loop */
    /* Van Oosterom-Strackee for the triangle (A, B, foot of x on the plane): tan(Omega_i/2) = -sign(h) N.(R_A x R_B) /
       (|R_A||R_B| + R_A.R_B + |h|(|R_A| + |R_B|)); no fan centre, so no 0/0 on internal edges. The first two terms
       cancel for R_A.R_B < 0: use |R_A x R_B|^2 / (|R_A||R_B| - R_A.R_B) there. */
    d0 = ab >= 0 ? nA * nB + ab : Dot3(mm, mm) / (nA * nB - ab);
    Omega += 2 * PetscAtan2Real(Dot3(lp->N, mm), d0 + PetscAbsReal(h) * (nA + nB));

    lg = PetscLogReal(LogArg(RB, t, RaB, lp->rc2) / LogArg(RA, t, RaA, lp->rc2));
    Cross3(lp->b, t, bxt);
    for (int k = 0; k < 3; k++) dl[k] = RB[k] / RaB - RA[k] / RaA;
    Cross3(dl, mm, w);
    bm  = Dot3(lp->b, mm);
    den = Dot3(mm, mm) + lp->rc2 * lp->L[i] * lp->L[i]; /* |m|^2 = rho^2 L^2 -> (rho^2 + rc^2) L^2 */
    for (int k = 0; k < 3; k++) u[k] += -c1 * bxt[k] * lg + c2 * bm * w[k] / den;
    for (int k = 0; k < 3; k++) RA[k] = RB[k];
    nA  = nB;
    RaA = RaB;
  }
  /* Omega > 0 on the -N side; on the plane (within round-off) the +N side value, so all such points agree */
  if (h < -lp->htol) Omega = -Omega;
  for (int k = 0; k < 3; k++) u[k] -= lp->b[k] * Omega / (4 * PETSC_PI);
}

void TkLoopEvaluate(TkLoop lp, const PetscReal x[3], PetscReal u[3], PetscReal grad[3][3])
{
  PetscReal d2 = PETSC_MAX_REAL, delta;

  LoopDisplacement(lp, x, u);
  if (!grad) return;
  for (PetscInt i = 0; i < lp->n; i++) { /* distance to the nearest segment sets the difference step */
    const PetscReal *A = lp->P[i], *t = lp->t[i];
    PetscReal        w[3] = {x[0] - A[0], x[1] - A[1], x[2] - A[2]}, s = Dot3(w, t);
    s = PetscMin(PetscMax(s, 0), lp->L[i]);
    for (int k = 0; k < 3; k++) w[k] -= s * t[k];
    d2 = PetscMin(d2, Dot3(w, w));
  }
  delta = 1e-5 * PetscSqrtReal(d2 + lp->rc2);
  for (int j = 0; j < 3; j++) {
    PetscReal xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]}, up[3], um[3], du[3], kb;
    xp[j] += delta;
    xm[j] -= delta;
    LoopDisplacement(lp, xp, up);
    LoopDisplacement(lp, xm, um);
    for (int k = 0; k < 3; k++) du[k] = up[k] - um[k];
    /* across the loop surface u jumps by exactly +-b: remove the nearest multiple of b */
    kb = PetscFloorReal(0.5 + Dot3(du, lp->b) / lp->bb);
    for (int k = 0; k < 3; k++) grad[k][j] = (du[k] - kb * lp->b[k]) / (2 * delta);
  }
}

PetscErrorCode TkLoopCreate(MPI_Comm comm, PetscInt n, const PetscReal P[][3], const PetscReal b[3], PetscReal nu, PetscReal rc, TkLoop *loop)
{
  TkLoop    lp;
  PetscReal C[3] = {0, 0, 0}, area[3] = {0, 0, 0}, N[3], size = 0, a;

  PetscFunctionBegin;
  *loop = NULL;
  PetscCheck(n >= 3, comm, PETSC_ERR_USER_INPUT, "a dislocation loop needs at least 3 vertices, got %" PetscInt_FMT, n);
  PetscCheck(Dot3(b, b) > 0, comm, PETSC_ERR_USER_INPUT, "Burgers vector of the loop is 0,0,0");
  PetscCheck(nu > -1 && nu < 0.5, comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  PetscCheck(rc >= 0, comm, PETSC_ERR_USER_INPUT, "core radius %g must not be negative", (double)rc);
  for (PetscInt i = 0; i < n; i++)
    for (int k = 0; k < 3; k++) C[k] += P[i][k] / n;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal d[3] = {P[i][0] - C[0], P[i][1] - C[1], P[i][2] - C[2]};
    size                 = PetscMax(size, PetscSqrtReal(Dot3(d, d)));
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt  j     = (i + 1) % n;
    const PetscReal e[3]  = {P[j][0] - P[i][0], P[j][1] - P[i][1], P[j][2] - P[i][2]};
    const PetscReal a0[3] = {P[i][0] - C[0], P[i][1] - C[1], P[i][2] - C[2]}, a1[3] = {P[j][0] - C[0], P[j][1] - C[1], P[j][2] - C[2]};
    PetscReal       c[3];
    PetscCheck(Dot3(e, e) > 1e-24 * size * size, comm, PETSC_ERR_USER_INPUT, "loop edge %" PetscInt_FMT " has zero length: vertices %" PetscInt_FMT " and %" PetscInt_FMT " coincide", i, i, j);
    Cross3(a0, a1, c); /* Newell: the area vector, right-handed about the circuit */
    for (int k = 0; k < 3; k++) area[k] += 0.5 * c[k];
  }
  a = PetscSqrtReal(Dot3(area, area));
  PetscCheck(a > 1e-12 * size * size, comm, PETSC_ERR_USER_INPUT, "loop encloses no area (are its vertices collinear?)");
  for (int k = 0; k < 3; k++) N[k] = area[k] / a;
  {
    PetscReal dmax = 0;
    PetscInt  imax = 0;
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal d = (P[i][0] - C[0]) * N[0] + (P[i][1] - C[1]) * N[1] + (P[i][2] - C[2]) * N[2];
      if (PetscAbsReal(d) > PetscAbsReal(dmax)) dmax = d, imax = i;
    }
    PetscCheck(PetscAbsReal(dmax) <= 1e-6 * size, comm, PETSC_ERR_USER_INPUT, "loop is not planar: vertex %" PetscInt_FMT " is %g nm off the plane", imax, (double)(1e9 * dmax));
  }

  PetscCall(PetscNew(&lp));
  lp->comm = comm;
  lp->n    = n;
  lp->size = size;
  PetscCall(PetscMalloc3(n, &lp->P, n, &lp->t, n, &lp->L));
  for (int k = 0; k < 3; k++) lp->C[k] = C[k], lp->N[k] = N[k];
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal d = (P[i][0] - C[0]) * N[0] + (P[i][1] - C[1]) * N[1] + (P[i][2] - C[2]) * N[2];
    for (int k = 0; k < 3; k++) lp->P[i][k] = P[i][k] - d * N[k]; /* a flat cut surface, so the on-plane rule is exact */
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt  j    = (i + 1) % n;
    const PetscReal e[3] = {lp->P[j][0] - lp->P[i][0], lp->P[j][1] - lp->P[i][1], lp->P[j][2] - lp->P[i][2]};
    lp->L[i]             = PetscSqrtReal(Dot3(e, e));
    for (int k = 0; k < 3; k++) lp->t[i][k] = e[k] / lp->L[i];
  }
  for (int k = 0; k < 3; k++) lp->b[k] = b[k];
  lp->bb  = Dot3(b, b);
  lp->nu  = nu;
  lp->rc2 = rc * rc + 1e-12 * lp->bb; /* the floor keeps rc = 0 finite on the line and at the vertices */
  /* on-plane tolerance: round-off of (x - C).N for coordinates of size |C| + size */
  lp->htol = 1e-12 * (lp->size + PetscSqrtReal(Dot3(lp->C, lp->C)));
  *loop    = lp;
  PetscFunctionReturn(0);
}

PetscErrorCode TkLoopCreateRegular(MPI_Comm comm, const PetscReal center[3], const PetscReal normal[3], PetscReal radius, PetscInt nsides, const PetscReal b[3], PetscReal nu, PetscReal rc, TkLoop *loop)
{
  PetscReal(*P)[3], N[3], e1[3], e2[3], l = PetscSqrtReal(Dot3(normal, normal)), Rp;

  PetscFunctionBegin;
  PetscCheck(l > 0, comm, PETSC_ERR_USER_INPUT, "loop normal is 0,0,0");
  PetscCheck(radius > 0, comm, PETSC_ERR_USER_INPUT, "loop radius %g must be positive", (double)radius);
  PetscCheck(nsides >= 3, comm, PETSC_ERR_USER_INPUT, "a polygonal loop needs at least 3 sides, got %" PetscInt_FMT, nsides);
  for (int k = 0; k < 3; k++) N[k] = normal[k] / l;
  PlaneBasis(N, e1, e2);
  Rp = radius * PetscSqrtReal(2 * PETSC_PI / (nsides * PetscSinReal(2 * PETSC_PI / nsides))); /* same area as the circle */
  PetscCall(PetscMalloc1(nsides, &P));
  for (PetscInt i = 0; i < nsides; i++) {
    const PetscReal phi = 2 * PETSC_PI * i / nsides;
    for (int k = 0; k < 3; k++) P[i][k] = center[k] + Rp * (PetscCosReal(phi) * e1[k] + PetscSinReal(phi) * e2[k]);
  }
  PetscCall(TkLoopCreate(comm, nsides, (const PetscReal(*)[3])P, b, nu, rc, loop));
  PetscCall(PetscFree(P));
  PetscFunctionReturn(0);
}

PetscErrorCode TkLoopGetNormal(TkLoop lp, PetscReal N[3])
{
  PetscFunctionBegin;
  for (int k = 0; k < 3; k++) N[k] = lp->N[k];
  PetscFunctionReturn(0);
}

PetscErrorCode TkLoopDestroy(TkLoop *loop)
{
  PetscFunctionBegin;
  if (!*loop) PetscFunctionReturn(0);
  PetscCall(PetscFree3((*loop)->P, (*loop)->t, (*loop)->L));
  PetscCall(PetscFree(*loop));
  PetscFunctionReturn(0);
}
