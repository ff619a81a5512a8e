/* Analytic displacement fields; see displacement_field.h for the conventions. */
#include "displacement_field.h"
#include "grid_read.h"
#include "defect_set.h"

#define TK_MAX_DISLOCATIONS 16

typedef struct {
  PetscReal line_uvw[3], burgers_uvw[3], pos[3], nu;
  PetscReal xi[3], ex[3], ey[3]; /* dislocation frame in the lab: z' = line, x' along the edge component */
  PetscReal be, bs;              /* edge and screw components of b, m */
} Dislocation;

struct _p_TkDisplacement {
  MPI_Comm            comm;
  PetscReal           strain;  /* uniform normal strain along h */
  PetscReal           ramp[3]; /* phase gradient, rad/m (lab) */
  PetscInt            ndis;
  Dislocation         dis[TK_MAX_DISLOCATIONS];
  PetscReal           rcore;   /* core regularisation radius, m */
  TkGrid              ugrid;   /* u from a file (0 outside its grid) */
  PetscReal          *u;       /* its nodes' u (m), interpolated trilinearly for TkDisplacementEvaluate */
  PetscReal          *uphase;  /* its nodes' h.u (rad), interpolated as a phase for TkDisplacementPhase */
  TkDefectSet         defects; /* any defects of takagi strain, given with -defects */
  PetscBool           has_defects;
  TkReflection        refl;
  const TkBraggFrame *frame;
};

PetscErrorCode TkDisplacementCreate(MPI_Comm comm, TkDisplacement *d)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(d));
  (*d)->comm  = comm;
  (*d)->rcore = 0.3e-9;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementSetUniformStrain(TkDisplacement d, PetscReal e)
{
  PetscFunctionBegin;
  d->strain = e;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementSetPhaseRamp(TkDisplacement d, const PetscReal g[3])
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) d->ramp[i] = g[i];
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementAddDislocation(TkDisplacement d, const PetscReal line[3], const PetscReal b[3], const PetscReal pos[3], PetscReal nu)
{
  PetscFunctionBegin;
  PetscCheck(d->ndis < TK_MAX_DISLOCATIONS, d->comm, PETSC_ERR_USER_INPUT, "at most %d dislocations", TK_MAX_DISLOCATIONS);
  PetscCheck(nu > -1 && nu < 0.5, d->comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  PetscCheck(line[0] || line[1] || line[2], d->comm, PETSC_ERR_USER_INPUT, "dislocation line direction is 0,0,0");
  PetscCheck(b[0] || b[1] || b[2], d->comm, PETSC_ERR_USER_INPUT, "Burgers vector is 0,0,0");
  for (int i = 0; i < 3; i++) d->dis[d->ndis].line_uvw[i] = line[i], d->dis[d->ndis].burgers_uvw[i] = b[i], d->dis[d->ndis].pos[i] = pos[i];
  d->dis[d->ndis].nu = nu;
  d->ndis++;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementSetFromOptions(TkDisplacement d)
{
  PetscReal v[3] = {0, 0, 0}, b[3] = {0.5, -0.5, 0}, line[3] = {1, 1, -2}, pos[3] = {0, 0, 0}, nu = 0.44, rc = d->rcore * 1e9;
  PetscInt  n = 3;
  PetscBool set, setb, setl;
  char      type[32] = "", ufile[PETSC_MAX_PATH_LEN] = "";
  PetscBool setu;

  PetscFunctionBegin;
  PetscOptionsBegin(d->comm, NULL, "Displacement field", "TkDisplacement");
  PetscCall(PetscOptionsReal("-strain", "Uniform normal strain along h (a lattice expansion moves the peak to lower angle) [0]", "TkDisplacementSetUniformStrain", d->strain, &d->strain, NULL));
  PetscCall(PetscOptionsRealArray("-phase_ramp", "Linear phase gradient gx,gy,gz in the lab frame (rad/um): phi = g.r [0,0,0]", "TkDisplacementSetPhaseRamp", v, &n, &set));
  if (set) {
    PetscCheck(n == 3, d->comm, PETSC_ERR_USER_INPUT, "-phase_ramp needs gx,gy,gz (rad/um)");
    for (int i = 0; i < 3; i++) d->ramp[i] = 1e6 * v[i];
  }
  PetscCall(PetscOptionsString("-dislocation", "Add one straight dislocation: edge, screw or mixed (b and line as given)", "TkDisplacementAddDislocation", type, type, sizeof(type), &set));
  n = 3;
  PetscCall(PetscOptionsRealArray("-dislocation_b", "Burgers vector in lattice units (e.g. 0.5,-0.5,0 = a/2[1-10]) [0.5,-0.5,0]", "TkDisplacementAddDislocation", b, &n, &setb));
  PetscCheck(!setb || n == 3, d->comm, PETSC_ERR_USER_INPUT, "-dislocation_b needs three components");
  n = 3;
  PetscCall(PetscOptionsRealArray("-dislocation_line", "Line direction as a lattice direction u,v,w [1,1,-2]", "TkDisplacementAddDislocation", line, &n, &setl));
  PetscCheck(!setl || n == 3, d->comm, PETSC_ERR_USER_INPUT, "-dislocation_line needs three components");
  n = 3;
  PetscCall(PetscOptionsRealArray("-dislocation_pos_nm", "A point on the line, lab frame x,y,z (nm) [0,0,0]", "TkDisplacementAddDislocation", pos, &n, NULL));
  PetscCall(PetscOptionsReal("-poisson", "Poisson ratio of the isotropic dislocation field [0.44, Au]", "TkDisplacementAddDislocation", nu, &nu, NULL));
  PetscCall(PetscOptionsString("-u_file", "Displacement field u (m) from an HDF5 grid file (dataset u (nz, ny, nx, 3), /grid spacing and origin: the format takagi strain writes)", "TkDisplacementSetFromOptions", ufile, ufile, sizeof(ufile), &setu));
  PetscCall(PetscOptionsReal("-core_radius_nm", "Core regularisation radius r0: r^2 -> r^2 + r0^2 in the non-angular terms [0.3]", "TkDisplacementSetFromOptions", rc, &rc, NULL));
  PetscOptionsEnd();
  d->rcore = 1e-9 * rc;
  PetscCheck(!PetscIsInfOrNanReal(d->strain), d->comm, PETSC_ERR_USER_INPUT, "-strain is not a number");
  PetscCheck(rc > 0 && !PetscIsInfOrNanReal(rc), d->comm, PETSC_ERR_USER_INPUT, "-core_radius_nm must be a positive number of nm");
  for (int i = 0; i < 3; i++) {
    PetscCheck(!PetscIsInfOrNanReal(d->ramp[i]), d->comm, PETSC_ERR_USER_INPUT, "-phase_ramp component %d is not a number", i + 1);
    PetscCheck(!PetscIsInfOrNanReal(pos[i]) && !PetscIsInfOrNanReal(b[i]) && !PetscIsInfOrNanReal(line[i]), d->comm, PETSC_ERR_USER_INPUT, "-dislocation_pos_nm, -dislocation_b and -dislocation_line must be numbers");
  }
  PetscCheck(nu > -1 && nu < 0.5, d->comm, PETSC_ERR_USER_INPUT, "-poisson %g must lie in (-1, 0.5)", (double)nu);
  PetscCall(PetscOptionsHasName(NULL, NULL, "-defects", &d->has_defects));
  if (d->has_defects) {
    PetscCall(TkDefectSetCreate(d->comm, &d->defects));
    PetscCall(TkDefectSetSetFromOptions(d->defects));
  }
  if (setu) {
    PetscCall(PetscFree(d->u));
    PetscCall(TkGridFieldRead(d->comm, ufile, "u", 3, &d->ugrid, &d->u));
  }
  if (set) {
    PetscBool edge, screw, mixed;
    PetscCall(PetscStrcmp(type, "edge", &edge));
    PetscCall(PetscStrcmp(type, "screw", &screw));
    PetscCall(PetscStrcmp(type, "mixed", &mixed));
    PetscCheck(edge || screw || mixed, d->comm, PETSC_ERR_USER_INPUT, "-dislocation %s: choose edge, screw or mixed", type);
    if (screw && !setl) {
      for (int i = 0; i < 3; i++) line[i] = b[i]; /* screw: line along b */
    }
    for (int i = 0; i < 3; i++) pos[i] *= 1e-9;
    PetscCall(TkDisplacementAddDislocation(d, line, b, pos, nu));
    if (edge || screw) { /* check the character the user asked for */
      PetscReal dot = 0, nb = 0, nl = 0;
      for (int i = 0; i < 3; i++) dot += b[i] * line[i], nb += b[i] * b[i], nl += line[i] * line[i];
      /* exact for cubic lattices; the set-up recomputes the split in Cartesian coordinates for any lattice */
      PetscCheck(!edge || PetscAbsReal(dot) < 1e-9 * PetscSqrtReal(nb * nl), d->comm, PETSC_ERR_USER_INPUT, "-dislocation edge: b is not perpendicular to the line (b.line = %g); use -dislocation mixed or change -dislocation_line", (double)dot);
      PetscCheck(!screw || PetscAbsReal(PetscAbsReal(dot) - PetscSqrtReal(nb * nl)) < 1e-9 * PetscSqrtReal(nb * nl), d->comm, PETSC_ERR_USER_INPUT, "-dislocation screw: b is not along the line; use -dislocation mixed");
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementSetReflection(TkDisplacement d, TkReflection refl)
{
  PetscFunctionBegin;
  d->refl = refl;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementSetUp(TkDisplacement d, const TkBraggFrame *f)
{
  PetscFunctionBegin;
  d->frame = f;
  PetscCall(PetscFree(d->uphase));
  if (d->u) {
    const size_t n = (size_t)d->ugrid.nz * d->ugrid.ny * d->ugrid.nx;
    PetscCall(PetscMalloc1(n, &d->uphase));
    for (size_t q = 0; q < n; q++) d->uphase[q] = f->hlab[0] * d->u[3 * q] + f->hlab[1] * d->u[3 * q + 1] + f->hlab[2] * d->u[3 * q + 2];
  }
  if (d->has_defects) {
    PetscCheck(d->refl, d->comm, PETSC_ERR_ORDER, "TkDisplacementSetReflection() first");
    PetscCall(TkDefectSetSetUp(d->defects, d->refl, f));
  }
  for (PetscInt q = 0; q < d->ndis; q++) {
    Dislocation *D = &d->dis[q];
    PetscReal    bl[3], l, bs = 0, be = 0;
    TkBraggFrameCrystalDirection(f, D->line_uvw, D->xi);
    TkBraggFrameCrystalDirection(f, D->burgers_uvw, bl);
    l = PetscSqrtReal(D->xi[0] * D->xi[0] + D->xi[1] * D->xi[1] + D->xi[2] * D->xi[2]);
    for (int i = 0; i < 3; i++) D->xi[i] /= l;
    for (int i = 0; i < 3; i++) bs += bl[i] * D->xi[i];
    for (int i = 0; i < 3; i++) D->ex[i] = bl[i] - bs * D->xi[i];
    be = PetscSqrtReal(D->ex[0] * D->ex[0] + D->ex[1] * D->ex[1] + D->ex[2] * D->ex[2]);
    if (be > 1e-6 * PetscAbsReal(bs) && be > 0) {
      for (int i = 0; i < 3; i++) D->ex[i] /= be;
    } else { /* pure screw: any x' perpendicular to the line */
      const PetscReal a[3] = {PetscAbsReal(D->xi[0]) < 0.9 ? 1 : 0, PetscAbsReal(D->xi[0]) < 0.9 ? 0 : 1, 0};
      PetscReal       dd   = a[0] * D->xi[0] + a[1] * D->xi[1];
      for (int i = 0; i < 3; i++) D->ex[i] = a[i] - dd * D->xi[i];
      l = PetscSqrtReal(D->ex[0] * D->ex[0] + D->ex[1] * D->ex[1] + D->ex[2] * D->ex[2]);
      for (int i = 0; i < 3; i++) D->ex[i] /= l;
      be = 0;
    }
    /* y' = z' x x' */
    D->ey[0] = D->xi[1] * D->ex[2] - D->xi[2] * D->ex[1];
    D->ey[1] = D->xi[2] * D->ex[0] - D->xi[0] * D->ex[2];
    D->ey[2] = D->xi[0] * D->ex[1] - D->xi[1] * D->ex[0];
    D->be    = be;
    D->bs    = bs;
  }
  PetscFunctionReturn(0);
}

PetscBool TkDisplacementIsZero(TkDisplacement d) { return (PetscBool)(d->strain == 0 && d->ramp[0] == 0 && d->ramp[1] == 0 && d->ramp[2] == 0 && d->ndis == 0 && !d->u && !d->has_defects); }

/* Hirth & Lothe eq. 3-45, edge dislocation along z with b along x; r^2 regularised by the core radius. */
void TkEdgeDislocationIsotropic(PetscReal b, PetscReal nu, PetscReal rcore, PetscReal x, PetscReal y, PetscReal u[2])
{
  const PetscReal r2 = x * x + y * y + rcore * rcore, th = PetscAtan2Real(y, x);
  u[0] = b / (2 * PETSC_PI) * (th + x * y / (2 * (1 - nu) * r2));
  u[1] = -b / (2 * PETSC_PI) * ((1 - 2 * nu) / (4 * (1 - nu)) * PetscLogReal(r2) + (x * x - y * y) / (4 * (1 - nu) * r2));
}

/* every source of u except the -u_file grid */
static void EvaluateModels(TkDisplacement d, const PetscReal r[3], PetscReal u[3])
{
  const TkBraggFrame *f = d->frame;
  const PetscReal     s = d->strain * (r[0] * f->n[0] + r[1] * f->n[1] + r[2] * f->n[2]);

  for (int i = 0; i < 3; i++) u[i] = s * f->n[i];
  if (d->has_defects) {
    PetscReal ud[3], g[3][3];
    TkDefectSetEvaluate(d->defects, r, ud, g);
    for (int i = 0; i < 3; i++) u[i] += ud[i];
  }
  for (PetscInt q = 0; q < d->ndis; q++) {
    const Dislocation *D    = &d->dis[q];
    PetscReal          p[3] = {r[0] - D->pos[0], r[1] - D->pos[1], r[2] - D->pos[2]}, ue[2] = {0, 0};
    const PetscReal    x = p[0] * D->ex[0] + p[1] * D->ex[1] + p[2] * D->ex[2], y = p[0] * D->ey[0] + p[1] * D->ey[1] + p[2] * D->ey[2];
    const PetscReal    uz = D->bs / (2 * PETSC_PI) * PetscAtan2Real(y, x); /* Hirth & Lothe eq. 3-2 */
    if (D->be > 0) TkEdgeDislocationIsotropic(D->be, D->nu, d->rcore, x, y, ue);
    for (int i = 0; i < 3; i++) u[i] += ue[0] * D->ex[i] + ue[1] * D->ey[i] + uz * D->xi[i];
  }
}

void TkDisplacementEvaluate(TkDisplacement d, const PetscReal r[3], PetscReal u[3])
{
  EvaluateModels(d, r, u);
  if (d->u)
    for (int i = 0; i < 3; i++) u[i] += TkGridInterpolate(&d->ugrid, 3, d->u, i, r);
}

/* The solver needs only e^{-i h.u}: the grid's h.u is interpolated as a phase, so a dislocation's cut in the file
   (a jump of h.b = 2 pi n between nodes) leaves e^{-i h.u} smooth and the error second order in the grid spacing;
   interpolating u itself would spread the jump over a cell, a first-order error along the whole cut. */
PetscReal TkDisplacementPhase(TkDisplacement d, const PetscReal r[3])
{
  const TkBraggFrame *f = d->frame;
  PetscReal           u[3], phi;

  EvaluateModels(d, r, u);
  phi = f->hlab[0] * u[0] + f->hlab[1] * u[1] + f->hlab[2] * u[2] + d->ramp[0] * r[0] + d->ramp[1] * r[1] + d->ramp[2] * r[2];
  if (d->uphase) phi += TkGridInterpolatePhase(&d->ugrid, d->uphase, r);
  return phi;
}

PetscErrorCode TkDisplacementView(TkDisplacement d, PetscViewer v)
{
  PetscFunctionBegin;
  if (d->has_defects) PetscCall(TkDefectSetView(d->defects, v));
  if (d->strain != 0) PetscCall(PetscViewerASCIIPrintf(v, "Uniform strain along h: %g\n", (double)d->strain));
  if (d->ramp[0] != 0 || d->ramp[1] != 0 || d->ramp[2] != 0) PetscCall(PetscViewerASCIIPrintf(v, "Phase ramp (rad/um): %g, %g, %g\n", (double)(1e-6 * d->ramp[0]), (double)(1e-6 * d->ramp[1]), (double)(1e-6 * d->ramp[2])));
  for (PetscInt q = 0; q < d->ndis; q++)
    PetscCall(PetscViewerASCIIPrintf(v, "Dislocation: line [%g %g %g], b = [%g %g %g] (edge %.3f nm, screw %.3f nm), at (%g, %g, %g) nm\n", (double)d->dis[q].line_uvw[0], (double)d->dis[q].line_uvw[1], (double)d->dis[q].line_uvw[2],
                                     (double)d->dis[q].burgers_uvw[0], (double)d->dis[q].burgers_uvw[1], (double)d->dis[q].burgers_uvw[2], (double)(1e9 * d->dis[q].be), (double)(1e9 * d->dis[q].bs), (double)(1e9 * d->dis[q].pos[0]),
                                     (double)(1e9 * d->dis[q].pos[1]), (double)(1e9 * d->dis[q].pos[2])));
  PetscFunctionReturn(0);
}

PetscErrorCode TkDisplacementDestroy(TkDisplacement *d)
{
  PetscFunctionBegin;
  if (*d) PetscCall(PetscFree((*d)->u));
  if (*d) PetscCall(PetscFree((*d)->uphase));
  if (*d && (*d)->defects) PetscCall(TkDefectSetDestroy(&(*d)->defects));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(0);
}
