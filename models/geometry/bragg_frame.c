/* Crystal orientation for a Bragg reflection: lattice from xraylib (Busing-Levy B matrix), U from h along the
   Bragg direction and a second crystal direction along lab x. */
#include "bragg_frame.h"
#include <xraylib.h>

static void Cross(const PetscReal a[3], const PetscReal b[3], PetscReal c[3])
{
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}
static PetscReal Dot(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
static void      Normalize(PetscReal a[3])
{
  const PetscReal s = PetscSqrtReal(Dot(a, a));
  for (int i = 0; i < 3; i++) a[i] /= s;
}
static void MatVec(const PetscReal M[3][3], const PetscReal v[3], PetscReal w[3])
{
  for (int i = 0; i < 3; i++) w[i] = M[i][0] * v[0] + M[i][1] * v[1] + M[i][2] * v[2];
}

void TkBraggFrameLabToCrystal(const TkBraggFrame *f, const PetscReal r[3], PetscReal rc[3])
{
  for (int i = 0; i < 3; i++) rc[i] = f->U[0][i] * r[0] + f->U[1][i] * r[1] + f->U[2][i] * r[2];
}

void TkBraggFrameCrystalDirection(const TkBraggFrame *f, const PetscReal uvw[3], PetscReal lab[3])
{
  PetscReal c[3];
  MatVec(f->A, uvw, c);
  MatVec(f->U, c, lab);
}

void TkBraggFramePlaneNormal(const TkBraggFrame *f, const PetscReal hkl[3], PetscReal lab[3])
{
  PetscReal c[3];
  MatVec(f->B, hkl, c);
  MatVec(f->U, c, lab);
  Normalize(lab);
}

/* Called collectively by every rank with the same inputs: user errors are raised on PETSC_COMM_WORLD so that
   they are reported once. */
PetscErrorCode TkBraggFrameSetUp(TkReflection refl, PetscReal energy_keV, const PetscReal crystal_x[3], const PetscReal *orientation, TkBraggFrame *f)
{
  const char     *name;
  const PetscInt *hkl;
  Crystal_Struct *x;
  PetscReal       th, G[3], hk[3], V;

  PetscFunctionBegin;
  PetscCall(TkReflectionGetBraggAngle(refl, energy_keV, &th));
  PetscCall(TkReflectionGetName(refl, &name, &hkl));
  x = Crystal_GetCrystal(name, NULL, NULL);
  PetscCheck(x, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "unknown crystal '%s'", name);
  {
    const PetscReal a = 1e-10 * x->a, b = 1e-10 * x->b, c = 1e-10 * x->c, d2r = PETSC_PI / 180;
    const PetscReal ca = PetscCosReal(x->alpha * d2r), cb = PetscCosReal(x->beta * d2r), cg = PetscCosReal(x->gamma * d2r), sg = PetscSinReal(x->gamma * d2r);
    const PetscReal cy    = (ca - cb * cg) / sg;
    const PetscReal av[3] = {a, 0, 0}, bv[3] = {b * cg, b * sg, 0}, cv[3] = {c * cb, c * cy, c * PetscSqrtReal(1 - cb * cb - cy * cy)};
    PetscReal       bc[3], ca_[3], ab[3];
    for (int i = 0; i < 3; i++) f->A[i][0] = av[i], f->A[i][1] = bv[i], f->A[i][2] = cv[i];
    Cross(bv, cv, bc);
    Cross(cv, av, ca_);
    Cross(av, bv, ab);
    V = Dot(av, bc);
    for (int i = 0; i < 3; i++) f->B[i][0] = 2 * PETSC_PI * bc[i] / V, f->B[i][1] = 2 * PETSC_PI * ca_[i] / V, f->B[i][2] = 2 * PETSC_PI * ab[i] / V;
  }
  Crystal_Free(x);
  for (int i = 0; i < 3; i++) hk[i] = (PetscReal)hkl[i];
  MatVec(f->B, hk, G);
  f->thetaB = th;
  f->h      = PetscSqrtReal(Dot(G, G));
  f->k      = 2 * PETSC_PI * energy_keV / (1e-10 * TK_HC_KEV_ANGSTROM);
  /* lab-frame directions */
  const PetscReal s = PetscSinReal(th), c = PetscCosReal(th), s2 = PetscSinReal(2 * th), c2 = PetscCosReal(2 * th);
  const PetscReal n[3] = {0, c, -s}, m[3] = {0, s, c}, t[3] = {1, 0, 0}, s0[3] = {0, 0, 1}, sh[3] = {0, s2, c2}, e1[3] = {0, c2, -s2};
  for (int i = 0; i < 3; i++) f->n[i] = n[i], f->m[i] = m[i], f->t[i] = t[i], f->s0[i] = s0[i], f->sh[i] = sh[i], f->e1[i] = e1[i], f->hlab[i] = f->h * n[i];
  if (orientation) {
    PetscReal Gl[3];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) f->U[i][j] = orientation[3 * i + j];
    /* must be a rotation that brings h onto the Bragg direction n */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        PetscReal d = 0;
        for (int l = 0; l < 3; l++) d += f->U[l][i] * f->U[l][j];
        PetscCheck(PetscAbsReal(d - (i == j)) < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-orientation is not a rotation matrix (U^T U differs from I by %g)", (double)PetscAbsReal(d - (i == j)));
      }
    MatVec(f->U, G, Gl);
    Normalize(Gl);
    PetscCheck(Dot(Gl, n) > 1 - 1e-8, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-orientation puts h along (%.4f, %.4f, %.4f) in the lab, not along the Bragg direction (0, %.4f, %.4f) (lab x, y up, z downstream); use -crystal_x instead to choose the azimuth", (double)Gl[0], (double)Gl[1], (double)Gl[2],
               (double)n[1], (double)n[2]);
  } else {
    /* U maps (G, X, G x X) onto (n, t, n x t): X is the crystal direction crystal_x made perpendicular to G */
    PetscReal X[3], Gh[3] = {G[0], G[1], G[2]}, Y[3], nt[3], P[3][3], Q[3][3];
    Normalize(Gh);
    if (crystal_x)
      MatVec(f->A, crystal_x, X);
    else {
      const PetscReal axes[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}; /* the crystal axis least parallel to h */
      int             best       = 0;
      for (int i = 1; i < 3; i++)
        if (PetscAbsReal(Dot(axes[i], Gh)) < PetscAbsReal(Dot(axes[best], Gh))) best = i;
      for (int i = 0; i < 3; i++) X[i] = axes[best][i];
    }
    const PetscReal g = Dot(X, Gh);
    for (int i = 0; i < 3; i++) X[i] -= g * Gh[i];
    PetscCheck(Dot(X, X) > 1e-12 * (crystal_x ? Dot(X, X) + g * g : 1), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-crystal_x is parallel to h; choose a lattice direction not along the reflection");
    Normalize(X);
    Cross(Gh, X, Y);
    Cross(n, t, nt);
    for (int i = 0; i < 3; i++) P[i][0] = n[i], P[i][1] = t[i], P[i][2] = nt[i], Q[0][i] = Gh[i], Q[1][i] = X[i], Q[2][i] = Y[i];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) f->U[i][j] = P[i][0] * Q[0][j] + P[i][1] * Q[1][j] + P[i][2] * Q[2][j];
  }
  PetscFunctionReturn(0);
}
