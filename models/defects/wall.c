/* Low-angle tilt and twist boundaries as finite walls of straight isotropic dislocations summed symmetrically, and a
   rigidly misoriented grain. Spacing D = b/(2 sin(theta/2)) (Frank's formula; Read & Shockley, Phys. Rev. 78, 275,
   1950); bipolar summation and the tilt-wall closed form in /work/shared/notes/defect_fields.md section 7; the single
   dislocation field is TkIsoDislocationLocal (Hirth & Lothe 1982). */
#include "wall.h"
#include "iso_dislocation.h"

typedef enum { TK_WALL_TILT, TK_WALL_TWIST, TK_WALL_GRAIN } TkWallType;

typedef struct {
  PetscReal xi[3], ex[3], ey[3], p0[3]; /* dislocation frame and the point of the k = 0 line */
  PetscReal be, bs;                     /* edge and screw parts of b */
  PetscReal sx, sy;                     /* stacking direction in the (x', y') frame */
} WallSet;

struct _p_TkWall {
  MPI_Comm   comm;
  TkWallType type;
  PetscInt   nset, K;
  WallSet    set[2];
  PetscReal  D, nu, r2add;
  PetscReal  n[3], x0[3], RmI[3][3]; /* grain: plane normal, point, R - I */
};

static inline PetscReal Dot3(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

static PetscErrorCode Unit(MPI_Comm comm, const char *what, const PetscReal v[3], PetscReal e[3])
{
  const PetscReal l = PetscSqrtReal(Dot3(v, v));

  PetscFunctionBegin;
  PetscCheck(l > 0, comm, PETSC_ERR_USER_INPUT, "%s is 0,0,0", what);
  for (int i = 0; i < 3; i++) e[i] = v[i] / l;
  PetscFunctionReturn(0);
}

/* common checks and spacing; K dislocations on either side cover the half length */
static PetscErrorCode WallCreate(MPI_Comm comm, TkWallType type, PetscReal theta, PetscReal bmag, PetscReal nu, PetscReal rc, PetscReal half_length, TkWall *w)
{
  PetscReal D, KK;

  PetscFunctionBegin;
  *w = NULL;
  PetscCheck(theta != 0 && PetscAbsReal(theta) <= PETSC_PI / 3 * (1 + 1e-12), comm, PETSC_ERR_USER_INPUT, "wall misorientation %g deg must be nonzero and at most 60 deg (spacing D >= b); use a misoriented grain for larger angles",
             (double)(theta * 180 / PETSC_PI));
  PetscCheck(bmag > 0, comm, PETSC_ERR_USER_INPUT, "wall Burgers vector length %g must be positive", (double)bmag);
  PetscCheck(nu > -1 && nu < 0.5, comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  PetscCheck(rc >= 0, comm, PETSC_ERR_USER_INPUT, "core radius %g must not be negative", (double)rc);
  PetscCheck(half_length >= 0, comm, PETSC_ERR_USER_INPUT, "wall half-length %g must not be negative", (double)half_length);
  D  = bmag / (2 * PetscSinReal(PetscAbsReal(theta) / 2));
  KK = PetscCeilReal(half_length / D * (1 - 1e-12));
  PetscCheck(KK <= 1e8, comm, PETSC_ERR_USER_INPUT, "wall half-length %g nm at spacing %g nm needs more than 2e8 dislocations", (double)(1e9 * half_length), (double)(1e9 * D));
  PetscCall(PetscNew(w));
  (*w)->comm  = comm;
  (*w)->type  = type;
  (*w)->D     = D;
  (*w)->K     = (PetscInt)KK;
  (*w)->nu    = nu;
  (*w)->r2add = rc * rc + 1e-12 * bmag * bmag; /* the floor keeps rc = 0 finite on the lines */
  PetscFunctionReturn(0);
}

/* one set: lines along xi with Burgers vector b through point, stacked along s (unit, perpendicular to xi) */
static PetscErrorCode WallSetUp(MPI_Comm comm, const PetscReal xi[3], const PetscReal b[3], const PetscReal s[3], const PetscReal point[3], PetscReal nu, WallSet *ws)
{
  TkIsoDislocation d;

  PetscFunctionBegin;
  PetscCall(TkIsoDislocationSetUp(comm, xi, b, point, nu, 0, &d));
  for (int i = 0; i < 3; i++) ws->xi[i] = d.xi[i], ws->ex[i] = d.ex[i], ws->ey[i] = d.ey[i], ws->p0[i] = point[i];
  ws->be = d.be;
  ws->bs = d.bs;
  ws->sx = Dot3(s, d.ex);
  ws->sy = Dot3(s, d.ey);
  PetscFunctionReturn(0);
}

PetscErrorCode TkWallCreateTilt(MPI_Comm comm, const PetscReal axis[3], const PetscReal plane_normal[3], const PetscReal point[3], PetscReal theta, PetscReal bmag, PetscReal nu, PetscReal rc, PetscReal half_length, TkWall *wall)
{
  PetscReal a[3], n[3], s[3], b[3];
  TkWall    w;

  PetscFunctionBegin;
  PetscCall(Unit(comm, "tilt axis", axis, a));
  PetscCall(Unit(comm, "boundary plane normal", plane_normal, n));
  PetscCheck(PetscAbsReal(Dot3(a, n)) <= 1e-6, comm, PETSC_ERR_USER_INPUT, "tilt axis must lie in the boundary plane (axis.normal = %g)", (double)Dot3(a, n));
  PetscCall(WallCreate(comm, TK_WALL_TILT, theta, bmag, nu, rc, half_length, &w));
  s[0] = a[1] * n[2] - a[2] * n[1]; /* stacking direction axis x n */
  s[1] = a[2] * n[0] - a[0] * n[2];
  s[2] = a[0] * n[1] - a[1] * n[0];
  for (int i = 0; i < 3; i++) b[i] = (theta > 0 ? -bmag : bmag) * n[i]; /* so that the +n side turns by +theta/2 */
  w->nset = 1;
  PetscCall(WallSetUp(comm, a, b, s, point, nu, &w->set[0]));
  *wall = w;
  PetscFunctionReturn(0);
}

PetscErrorCode TkWallCreateTwist(MPI_Comm comm, const PetscReal plane_normal[3], const PetscReal point[3], PetscReal theta, PetscReal bmag, PetscReal nu, PetscReal rc, PetscReal half_length, TkWall *wall)
{
  PetscReal n[3], e1[3], e2[3], b1[3], b2[3], c[3] = {0, 0, 0}, d;
  int       k = 0;
  TkWall    w;

  PetscFunctionBegin;
  PetscCall(Unit(comm, "boundary plane normal", plane_normal, n));
  PetscCall(WallCreate(comm, TK_WALL_TWIST, theta, bmag, nu, rc, half_length, &w));
  for (int i = 1; i < 3; i++)
    if (PetscAbsReal(n[i]) < PetscAbsReal(n[k])) k = i;
  c[k] = 1;
  d    = Dot3(c, n);
  for (int i = 0; i < 3; i++) e1[i] = c[i] - d * n[i];
  d = PetscSqrtReal(Dot3(e1, e1));
  for (int i = 0; i < 3; i++) e1[i] /= d;
  e2[0] = n[1] * e1[2] - n[2] * e1[1];
  e2[1] = n[2] * e1[0] - n[0] * e1[2];
  e2[2] = n[0] * e1[1] - n[1] * e1[0];
  /* screws with b along +line each give half of the +sin(theta/2) rotation about n on the +n side (and cancel each
     other's shear) */
  for (int i = 0; i < 3; i++) b1[i] = (theta > 0 ? bmag : -bmag) * e1[i], b2[i] = (theta > 0 ? bmag : -bmag) * e2[i];
  w->nset = 2;
  PetscCall(WallSetUp(comm, e1, b1, e2, point, nu, &w->set[0]));
  PetscCall(WallSetUp(comm, e2, b2, e1, point, nu, &w->set[1]));
  *wall = w;
  PetscFunctionReturn(0);
}

PetscErrorCode TkWallCreateGrain(MPI_Comm comm, const PetscReal plane_normal[3], const PetscReal point[3], const PetscReal axis[3], PetscReal angle, TkWall *wall)
{
  PetscReal n[3], a[3];
  TkWall    w;

  PetscFunctionBegin;
  PetscCall(Unit(comm, "grain boundary plane normal", plane_normal, n));
  PetscCall(Unit(comm, "grain rotation axis", axis, a));
  PetscCall(PetscNew(&w));
  w->comm = comm;
  w->type = TK_WALL_GRAIN;
  {
    const PetscReal c = PetscCosReal(angle), s = PetscSinReal(angle);
    const PetscReal ax[3][3] = {{0, -a[2], a[1]}, {a[2], 0, -a[0]}, {-a[1], a[0], 0}};
    /* Rodrigues: R - I = sin(angle) [a]x + (1 - cos(angle)) (a a^T - I) */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) w->RmI[i][j] = s * ax[i][j] + (1 - c) * (a[i] * a[j] - (i == j));
  }
  for (int i = 0; i < 3; i++) w->n[i] = n[i], w->x0[i] = point[i];
  *wall = w;
  PetscFunctionReturn(0);
}

PetscErrorCode TkWallGetSpacing(TkWall w, PetscReal *D, PetscInt *ndis)
{
  PetscFunctionBegin;
  if (D) *D = w->type == TK_WALL_GRAIN ? 0 : w->D;
  if (ndis) *ndis = w->type == TK_WALL_GRAIN ? 0 : w->nset * (2 * w->K + 1);
  PetscFunctionReturn(0);
}

void TkWallEvaluate(TkWall w, const PetscReal r[3], PetscReal u[3], PetscReal grad[3][3])
{
  for (int i = 0; i < 3; i++) {
    u[i] = 0;
    if (grad)
      for (int j = 0; j < 3; j++) grad[i][j] = 0;
  }
  if (w->type == TK_WALL_GRAIN) {
    const PetscReal d[3] = {r[0] - w->x0[0], r[1] - w->x0[1], r[2] - w->x0[2]};
    if (Dot3(d, w->n) <= 0) return;
    for (int i = 0; i < 3; i++) {
      u[i] = Dot3(w->RmI[i], d);
      if (grad)
        for (int j = 0; j < 3; j++) grad[i][j] = w->RmI[i][j];
    }
    return;
  }
  for (PetscInt q = 0; q < w->nset; q++) {
    const WallSet   *s    = &w->set[q];
    const PetscReal  d[3] = {r[0] - s->p0[0], r[1] - s->p0[1], r[2] - s->p0[2]};
    const PetscReal  x = Dot3(d, s->ex), y = Dot3(d, s->ey), D2 = w->D * w->D;
    const PetscReal *e[3]  = {s->ex, s->ey, s->xi};
    PetscReal        ul[3] = {0, 0, 0}, gl[3][2] = {{0, 0}, {0, 0}, {0, 0}};

    /* bipolar: +k and -k together, the farthest (smallest) pairs first, so the far field cancels pairwise */
    for (PetscInt k = w->K; k >= 0; k--) {
      for (PetscInt sg = 1; sg >= (k ? -1 : 1); sg -= 2) {
        const PetscReal o = (PetscReal)(sg * k) * w->D;
        PetscReal       uk[3], gk[3][2];
        TkIsoDislocationLocal(x - o * s->sx, y - o * s->sy, s->be, s->bs, w->nu, w->r2add, D2 * (1 + (PetscReal)k * k), uk, gk);
        for (int a = 0; a < 3; a++) ul[a] += uk[a], gl[a][0] += gk[a][0], gl[a][1] += gk[a][1];
      }
    }
    for (int i = 0; i < 3; i++) {
      u[i] += ul[0] * s->ex[i] + ul[1] * s->ey[i] + ul[2] * s->xi[i];
      if (grad)
        for (int j = 0; j < 3; j++) {
          PetscReal g = 0;
          for (int a = 0; a < 3; a++) g += e[a][i] * (gl[a][0] * s->ex[j] + gl[a][1] * s->ey[j]);
          grad[i][j] += g;
        }
    }
  }
}

PetscErrorCode TkWallDestroy(TkWall *w)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*w));
  PetscFunctionReturn(0);
}
