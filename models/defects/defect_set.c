/* Defect superposition from named option groups (see defect_set.h). Each defect keeps its own field model:
   isotropic straight dislocations (Hirth & Lothe), anisotropic ones (Stroh), polygonal loops (Barnett), tilt and
   twist walls and misoriented grains, Eshelby inclusions, and uniform strain; u and grad u are summed. */
#include "defect_set.h"
#include "elastic.h"
#include "iso_dislocation.h"
#include "stroh.h"
#include "loop.h"
#include "wall.h"
#include "inclusion.h"
#include <xraylib.h>
#include <ctype.h>
#include <stdio.h>

typedef enum { TK_DEFECT_EDGE, TK_DEFECT_SCREW, TK_DEFECT_MIXED, TK_DEFECT_LOOP, TK_DEFECT_TILT, TK_DEFECT_TWIST, TK_DEFECT_GRAIN, TK_DEFECT_SPHERE, TK_DEFECT_ELLIPSOID, TK_DEFECT_UNIFORM } TkDefectType;
static const char *const TkDefectTypes[] = {"edge", "screw", "mixed", "loop", "tilt", "twist", "grain", "sphere", "ellipsoid", "uniform", "TkDefectType", "TK_DEFECT_", NULL};

typedef enum { TK_ELASTIC_ISOTROPIC, TK_ELASTIC_ANISOTROPIC } TkElasticModel;
static const char *const TkElasticModels[] = {"isotropic", "anisotropic", "TkElasticModel", "TK_ELASTIC_", NULL};

#define TK_MAX_DEFECTS 64
#define TK_MAX_VERTICES 256

typedef struct {
  char           name[64];
  TkDefectType   type;
  TkElasticModel model;
  /* as given */
  PetscReal b[3], line[3], pos[3], normal[3], axis[3], angle, radius, half_length, semi[3], axis2[3], eps[6];
  PetscInt  sides, nvert;
  PetscReal vert[TK_MAX_VERTICES][3];
  PetscBool have_vertices, have_pos, have_half_length;
  /* set up */
  TkIsoDislocation iso;
  TkStroh          stroh;
  TkLoop           loop;
  TkWall           wall;
  TkInclusion      inclusion;
  PetscReal        uniform[3][3], center[3];
} Defect;

struct _p_TkDefectSet {
  MPI_Comm            comm;
  PetscInt            n;
  Defect              d[TK_MAX_DEFECTS];
  char                material[64];
  PetscReal           mu, nu, rcore; /* isotropic constants (Pa), core radius (m) */
  PetscReal           cubic[3];      /* user C11, C12, C44 (GPa) */
  PetscReal           cij[21];       /* user Voigt upper triangle (GPa) */
  PetscBool           have_cubic, have_cij, have_mu, have_nu;
  TkElastic           C; /* crystal frame */
  const TkBraggFrame *frame;
  char                crystal[64];
  PetscBool           have_extent; /* the evaluation box, which walls cover by default */
  PetscReal           lo[3], hi[3];
};

PetscErrorCode TkDefectSetCreate(MPI_Comm comm, TkDefectSet *s)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(s));
  (*s)->comm  = comm;
  (*s)->rcore = 0.3e-9;
  PetscFunctionReturn(0);
}

/* opt is the option without the defect's prefix ("-b"); messages name the option the user typed ("-d1_b") */
static PetscErrorCode ReadVector(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *opt, const char *help, PetscReal v[3], PetscBool *set)
{
  PetscInt  n = 3;
  PetscBool s;

  PetscFunctionBegin;
  PetscCall(PetscOptionsRealArray(opt, help, "TkDefectSetSetFromOptions", v, &n, &s));
  if (s) PetscCheck(n == 3, comm, PETSC_ERR_USER_INPUT, "-%s_%s needs three components x,y,z (got %" PetscInt_FMT ")", name, opt + 1, n);
  for (int i = 0; s && i < 3; i++) PetscCheck(!PetscIsInfOrNanReal(v[i]), comm, PETSC_ERR_USER_INPUT, "-%s_%s: component %d is not a number", name, opt + 1, i + 1);
  if (set) *set = s;
  PetscFunctionReturn(0);
}

/* A defect name becomes the option prefix -<name>_: PETSc needs a letter first, and '-', '.', ... would split or
   garble the option names. */
static PetscErrorCode CheckName(MPI_Comm comm, const char *name)
{
  size_t n;

  PetscFunctionBegin;
  PetscCall(PetscStrlen(name, &n));
  PetscCheck(n > 0 && n < 48, comm, PETSC_ERR_USER_INPUT, "-defects: the name '%s' must have 1 to 47 characters", name);
  PetscCheck(isalpha((unsigned char)name[0]), comm, PETSC_ERR_USER_INPUT, "-defects: the name '%s' must start with a letter (it becomes the option prefix -%s_)", name, name);
  for (size_t i = 0; i < n; i++) PetscCheck(isalnum((unsigned char)name[i]) || name[i] == '_', comm, PETSC_ERR_USER_INPUT, "-defects: the name '%s' may hold only letters, digits and '_' (it becomes the option prefix -%s_)", name, name);
  PetscFunctionReturn(0);
}

/* "0.25,0,0" (C's %g; PETSc's printf would write "0.25,0.,0.") */
static void FormatVector(const PetscReal v[3], PetscReal scale, char *buf, size_t len) { snprintf(buf, len, "%g,%g,%g", (double)(scale * v[0]), (double)(scale * v[1]), (double)(scale * v[2])); }

/* "x,y,z;x,y,z;..." in nm */
static PetscErrorCode ParseVertices(MPI_Comm comm, const char *name, const char *spec, Defect *d)
{
  char buf[8192], *save = NULL, *tok;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, spec, sizeof(buf)));
  d->nvert = 0;
  for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    double v[3];
    PetscCheck(sscanf(tok, " %lf , %lf , %lf", &v[0], &v[1], &v[2]) == 3, comm, PETSC_ERR_USER_INPUT, "-%s_vertices_nm: '%s' is not x,y,z (vertices separated by ';')", name, tok);
    PetscCheck(d->nvert < TK_MAX_VERTICES, comm, PETSC_ERR_USER_INPUT, "-%s_vertices_nm: at most %d vertices", name, TK_MAX_VERTICES);
    for (int i = 0; i < 3; i++) d->vert[d->nvert][i] = 1e-9 * v[i];
    d->nvert++;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkDefectSetSetFromOptions(TkDefectSet s)
{
  char     *names[TK_MAX_DEFECTS];
  PetscInt  n = TK_MAX_DEFECTS;
  PetscBool set;
  PetscReal rc = s->rcore * 1e9, mu = 0;

  PetscFunctionBegin;
  PetscOptionsBegin(s->comm, NULL, "Defects", "TkDefectSet");
  PetscCall(PetscOptionsStringArray("-defects", "Names of the defects to superpose; each is set by -<name>_type and its own options", "TkDefectSetSetFromOptions", names, &n, &set));
  PetscCall(PetscOptionsString("-material", "Elastic constants by name (Au, Pt, Cu, Fe, Al, Si, SrTiO3) [the crystal's]", "TkDefectSetSetFromOptions", s->material, s->material, sizeof(s->material), NULL));
  {
    PetscInt k = 3;
    PetscCall(PetscOptionsRealArray("-elastic_cubic_GPa", "Cubic elastic constants C11,C12,C44 (GPa)", "TkDefectSetSetFromOptions", s->cubic, &k, &s->have_cubic));
    PetscCheck(!s->have_cubic || k == 3, s->comm, PETSC_ERR_USER_INPUT, "-elastic_cubic_GPa needs C11,C12,C44");
    k = 21;
    PetscCall(PetscOptionsRealArray("-elastic_cij_GPa", "Full Voigt stiffness, 21 values C11..C16,C22..C26,...,C66 (GPa), crystal frame", "TkDefectSetSetFromOptions", s->cij, &k, &s->have_cij));
    PetscCheck(!s->have_cij || k == 21, s->comm, PETSC_ERR_USER_INPUT, "-elastic_cij_GPa needs 21 values (upper triangle of the 6x6 Voigt matrix, row by row); got %" PetscInt_FMT, k);
  }
  PetscCall(PetscOptionsReal("-shear_modulus_GPa", "Isotropic shear modulus (GPa) [Hill average of the crystal's constants]", "TkDefectSetSetFromOptions", mu, &mu, &s->have_mu));
  PetscCall(PetscOptionsReal("-poisson", "Isotropic Poisson ratio [Hill average of the crystal's constants]", "TkDefectSetSetFromOptions", s->nu, &s->nu, &s->have_nu));
  PetscCall(PetscOptionsReal("-core_radius_nm", "Core regularisation radius (nm): no NaN or infinity on a core line [0.3]", "TkDefectSetSetFromOptions", rc, &rc, NULL));
  PetscOptionsEnd();
  s->mu    = 1e9 * mu;
  s->rcore = 1e-9 * rc;
  PetscCheck(s->rcore > 0, s->comm, PETSC_ERR_USER_INPUT, "-core_radius_nm must be positive");
  PetscCheck(!(s->have_cubic && s->have_cij), s->comm, PETSC_ERR_USER_INPUT, "give -elastic_cubic_GPa or -elastic_cij_GPa, not both");
  if (!set) n = 0;
  s->n = n;
  for (PetscInt q = 0; q < n; q++) {
    Defect   *d = &s->d[q];
    char      prefix[80], verts[8192] = "";
    PetscBool setv;
    PetscCall(PetscStrncpy(d->name, names[q], sizeof(d->name)));
    PetscCall(PetscFree(names[q]));
    PetscCall(CheckName(s->comm, d->name));
    for (PetscInt p = 0; p < q; p++) { /* options are matched without regard to case: d1 and D1 would share them */
      PetscBool same, exact;
      PetscCall(PetscStrcasecmp(d->name, s->d[p].name, &same));
      PetscCall(PetscStrcmp(d->name, s->d[p].name, &exact));
      PetscCheck(!exact, s->comm, PETSC_ERR_USER_INPUT, "-defects names '%s' twice", d->name);
      PetscCheck(!same, s->comm, PETSC_ERR_USER_INPUT, "-defects names '%s' and '%s', which differ only in case: option names ignore case, so they would share their options; rename one", s->d[p].name, d->name);
    }
    PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", d->name));
    /* defaults: an a/2<1-10> edge dislocation on a <11-2> line through the origin */
    d->type  = TK_DEFECT_EDGE;
    d->model = TK_ELASTIC_ISOTROPIC;
    d->b[0] = 0.5, d->b[1] = -0.5, d->b[2] = 0;
    d->line[0] = 1, d->line[1] = 1, d->line[2] = -2;
    d->normal[0] = 1, d->normal[1] = 1, d->normal[2] = 1;
    d->axis[0] = 0, d->axis[1] = 0, d->axis[2] = 1;
    d->axis2[0] = 1, d->axis2[1] = 0, d->axis2[2] = 0;
    d->radius = 50e-9, d->sides = 32, d->angle = 1, d->half_length = 0;
    d->semi[0] = d->semi[1] = d->semi[2] = 50e-9;
    PetscOptionsBegin(s->comm, prefix, "Defect", "TkDefectSet");
    {
      PetscReal r_nm = d->radius * 1e9, hl_nm = 0, semi_nm[3] = {50, 50, 50}, pos_nm[3] = {0, 0, 0};
      PetscInt  k;
      PetscBool sb = PETSC_FALSE, sl = PETSC_FALSE, sset = PETSC_FALSE;
      PetscCall(PetscOptionsEnum("-type", "Defect type", "TkDefectSetSetFromOptions", TkDefectTypes, (PetscEnum)d->type, (PetscEnum *)&d->type, &sset));
      PetscCheck(sset, s->comm, PETSC_ERR_USER_INPUT, "defect '%s' needs -%s_type (edge, screw, mixed, loop, tilt, twist, grain, sphere, ellipsoid, uniform)", d->name, d->name);
      PetscCall(PetscOptionsEnum("-model", "Elasticity of a straight dislocation: isotropic (Hirth-Lothe) or anisotropic (Stroh)", "TkDefectSetSetFromOptions", TkElasticModels, (PetscEnum)d->model, (PetscEnum *)&d->model, NULL));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-b", "Burgers vector in lattice units, e.g. 0.5,-0.5,0 = a/2[1-10]", d->b, &sb));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-line", "Line direction as a lattice direction u,v,w", d->line, &sl));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-pos_nm", "A point of the defect (line point, loop/inclusion centre, boundary point), lab x,y,z (nm)", pos_nm, &d->have_pos));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-normal", "Plane normal as Miller indices h,k,l (loop plane, boundary plane)", d->normal, NULL));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-axis", "Rotation axis as a lattice direction (tilt wall, grain) or ellipsoid axis 1", d->axis, NULL));
      PetscCall(ReadVector(PetscOptionsObject, s->comm, d->name, "-axis2", "Ellipsoid axis 2 as a lattice direction (made perpendicular to axis 1)", d->axis2, NULL));
      PetscCall(PetscOptionsReal("-angle_deg", "Misorientation (tilt, twist, grain), degrees", "TkDefectSetSetFromOptions", d->angle, &d->angle, NULL));
      PetscCall(PetscOptionsReal("-radius_nm", "Loop radius (regular polygon) or sphere radius (nm)", "TkDefectSetSetFromOptions", r_nm, &r_nm, NULL));
      PetscCall(PetscOptionsInt("-sides", "Sides of a regular polygonal loop", "TkDefectSetSetFromOptions", d->sides, &d->sides, NULL));
      PetscCall(PetscOptionsString("-vertices_nm", "Loop vertices x,y,z;x,y,z;... in the lab (nm), in the sense of the line direction", "TkDefectSetSetFromOptions", verts, verts, sizeof(verts), &setv));
      PetscCall(PetscOptionsReal("-half_length_nm", "Half-length of a tilt or twist wall (nm) [20 x the largest distance from -pos_nm to a grid corner: looks infinite on the grid]", "TkDefectSetSetFromOptions", hl_nm, &hl_nm, &d->have_half_length));
      k = 3;
      PetscCall(PetscOptionsRealArray("-semi_axes_nm", "Ellipsoid semi-axes along axis, axis2 and their cross product (nm)", "TkDefectSetSetFromOptions", semi_nm, &k, NULL));
      k = 6;
      PetscCall(PetscOptionsRealArray("-eigenstrain", "Eigenstrain (inclusions) or strain (uniform), lab frame: one value (dilatation) or xx,yy,zz,yz,xz,xy", "TkDefectSetSetFromOptions", d->eps, &k, &sset));
      if (sset) {
        PetscCheck(k == 1 || k == 6, s->comm, PETSC_ERR_USER_INPUT, "-%s_eigenstrain needs 1 value (dilatation) or 6 (xx,yy,zz,yz,xz,xy)", d->name);
        if (k == 1) d->eps[1] = d->eps[2] = d->eps[0], d->eps[3] = d->eps[4] = d->eps[5] = 0;
        for (int i = 0; i < 6; i++) PetscCheck(!PetscIsInfOrNanReal(d->eps[i]), s->comm, PETSC_ERR_USER_INPUT, "-%s_eigenstrain holds a value that is not a number", d->name);
      }
      d->radius      = 1e-9 * r_nm;
      d->half_length = 1e-9 * hl_nm;
      for (int i = 0; i < 3; i++) d->semi[i] = 1e-9 * semi_nm[i], d->pos[i] = 1e-9 * pos_nm[i];
      if (d->type == TK_DEFECT_SCREW && !sl)
        for (int i = 0; i < 3; i++) d->line[i] = d->b[i]; /* a screw lies along b */
      (void)sb;
    }
    PetscOptionsEnd();
    if (setv) {
      PetscCall(ParseVertices(s->comm, d->name, verts, d));
      d->have_vertices = PETSC_TRUE;
    }
  }
  PetscFunctionReturn(0);
}

/* Is b (lattice units) a lattice translation? It must join atom 0 to an atom of the same kind, modulo whole cells. */
static PetscErrorCode CheckLatticeTranslation(TkDefectSet s, const Defect *d)
{
  Crystal_Struct *x  = Crystal_GetCrystal(s->crystal, NULL, NULL);
  PetscBool       ok = PETSC_FALSE;

  PetscFunctionBegin;
  if (!x) PetscFunctionReturn(0);
  for (int j = 0; j < x->n_atom && !ok; j++) {
    if (x->atom[j].Zatom != x->atom[0].Zatom) continue;
    const PetscReal t[3] = {x->atom[j].x - x->atom[0].x, x->atom[j].y - x->atom[0].y, x->atom[j].z - x->atom[0].z};
    PetscReal       e    = 0;
    for (int i = 0; i < 3; i++) {
      const PetscReal f = d->b[i] - t[i];
      e += PetscAbsReal(f - PetscFloorReal(f + 0.5));
    }
    ok = (PetscBool)(e < 1e-6);
  }
  Crystal_Free(x);
  if (!ok) {
    char b[96];
    FormatVector(d->b, 1, b, sizeof(b));
    PetscCall(PetscFPrintf(s->comm, PETSC_STDERR, "takagi strain: warning: Burgers vector %s of '%s' is not a lattice translation of %s (a partial dislocation: its cut carries a stacking-fault phase 2 pi g.b)\n", b, d->name, s->crystal));
  }
  PetscFunctionReturn(0);
}

/* The field models (loop.c, wall.c, inclusion.c, ...) do not know which defect they build: their input errors are
   caught and raised again naming the defect and the options that set it. */
static PetscErrorCode CaptureMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file;
  if (p == PETSC_ERROR_INITIAL && mess) PetscStrncpy((char *)ctx, mess, 512);
  return n;
}

/* opts: option suffixes separated by spaces, e.g. "axis normal" -> "check -d1_axis, -d1_normal" */
static PetscErrorCode RaiseNamed(TkDefectSet s, const Defect *d, const char *opts, PetscErrorCode ierr, const char *mess)
{
  char hint[512] = "", buf[256], *save = NULL, *tok;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, opts, sizeof(buf)));
  for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    char one[96];
    PetscCall(PetscSNPrintf(one, sizeof(one), "%s-%s_%s", hint[0] ? ", " : "", d->name, tok));
    PetscCall(PetscStrlcat(hint, one, sizeof(hint)));
  }
  SETERRQ(s->comm, ierr, "defect '%s': %s; check %s", d->name, mess, hint);
}

#define DefectCall(s, d, opts, call)                                                                                                                                                                                                                     \
  do {                                                                                                                                                                                                                                                   \
    char           mess_[512] = "";                                                                                                                                                                                                                      \
    PetscErrorCode ierr_;                                                                                                                                                                                                                                \
    PetscCall(PetscPushErrorHandler(CaptureMessage, mess_));                                                                                                                                                                                             \
    ierr_ = (call);                                                                                                                                                                                                                                      \
    PetscCall(PetscPopErrorHandler());                                                                                                                                                                                                                   \
    if (ierr_) PetscCall(RaiseNamed(s, d, opts, ierr_, mess_));                                                                                                                                                                                          \
  } while (0)

/* Default wall half-length: 20 times the largest distance rho from the wall's point to a corner of the evaluation box.
   A finite wall of half-length L misses, at in-plane distance t from its centre and distance h from it, about
   (h/(L - t) + h/(L + t))/pi of the infinite wall's rotation (the two missing ends seen under small angles); with
   t^2 + h^2 <= rho^2 and L = 20 rho that is at most 2.3 % anywhere in the box. Cost: L/D dislocations per side. */
static PetscErrorCode WallHalfLength(TkDefectSet s, const Defect *d, PetscReal *L)
{
  PetscReal rho = 0;

  PetscFunctionBegin;
  if (d->have_half_length) {
    *L = d->half_length;
    PetscFunctionReturn(0);
  }
  PetscCheck(s->have_extent, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': a %s wall here needs -%s_half_length_nm (there is no grid for it to cover)", d->name, TkDefectTypes[d->type], d->name);
  for (int c = 0; c < 8; c++) {
    PetscReal r2 = 0;
    for (int i = 0; i < 3; i++) {
      const PetscReal x = ((c >> i) & 1 ? s->hi[i] : s->lo[i]) - d->pos[i];
      r2 += x * x;
    }
    rho = PetscMax(rho, PetscSqrtReal(r2));
  }
  *L = 20 * rho;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDefectSetSetExtent(TkDefectSet s, const PetscReal lo[3], const PetscReal hi[3])
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) {
    PetscCheck(!PetscIsInfOrNanReal(lo[i]) && !PetscIsInfOrNanReal(hi[i]) && lo[i] <= hi[i], s->comm, PETSC_ERR_ARG_OUTOFRANGE, "evaluation box component %d: %g .. %g is not an interval", i, (double)lo[i], (double)hi[i]);
    s->lo[i] = lo[i], s->hi[i] = hi[i];
  }
  s->have_extent = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscReal Norm(const PetscReal v[3]) { return PetscSqrtReal(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

PetscErrorCode TkDefectSetSetUp(TkDefectSet s, TkReflection refl, const TkBraggFrame *f)
{
  const char *crystal;
  PetscReal   mu_h, nu_h;

  PetscFunctionBegin;
  s->frame = f;
  PetscCall(TkReflectionGetName(refl, &crystal, NULL));
  PetscCall(PetscStrncpy(s->crystal, crystal, sizeof(s->crystal)));
  /* elastic constants: user tensor, user cubic, named material, or the crystal's own */
  if (s->have_cij) {
    PetscReal c[21];
    for (int i = 0; i < 21; i++) c[i] = 1e9 * s->cij[i];
    PetscCall(TkElasticFromVoigt(s->comm, c, &s->C));
  } else if (s->have_cubic)
    PetscCall(TkElasticFromCubic(s->comm, 1e9 * s->cubic[0], 1e9 * s->cubic[1], 1e9 * s->cubic[2], &s->C));
  else
    PetscCall(TkElasticCubic(s->comm, s->material[0] ? s->material : crystal, &s->C));
  PetscCall(TkElasticCheck(s->comm, &s->C));
  PetscCall(TkElasticIsotropicHill(&s->C, &mu_h, &nu_h));
  if (!s->have_mu) s->mu = mu_h;
  if (!s->have_nu) s->nu = nu_h;
  PetscCheck(s->mu > 0 && s->nu > -1 && s->nu < 0.5, s->comm, PETSC_ERR_USER_INPUT, "isotropic constants out of range: shear modulus %g GPa, Poisson ratio %g", (double)(1e-9 * s->mu), (double)s->nu);
  for (PetscInt q = 0; q < s->n; q++) {
    Defect   *d = &s->d[q];
    PetscReal b[3], xi[3], nrm[3], ax[3];
    TkBraggFrameCrystalDirection(f, d->b, b);
    TkBraggFrameCrystalDirection(f, d->line, xi);
    TkBraggFramePlaneNormal(f, d->normal, nrm);
    TkBraggFrameCrystalDirection(f, d->axis, ax);
    switch (d->type) {
    case TK_DEFECT_EDGE:
    case TK_DEFECT_SCREW:
    case TK_DEFECT_MIXED: {
      const PetscReal lb = Norm(b), lx = Norm(xi);
      PetscCheck(lb > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': Burgers vector is zero", d->name);
      PetscCheck(lx > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': line direction is zero", d->name);
      const PetscReal c = (b[0] * xi[0] + b[1] * xi[1] + b[2] * xi[2]) / (lb * lx);
      PetscCheck(d->type != TK_DEFECT_EDGE || PetscAbsReal(c) < 1e-6, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': an edge dislocation needs b perpendicular to the line (cos = %.4f); use type mixed", d->name, (double)c);
      PetscCheck(d->type != TK_DEFECT_SCREW || PetscAbsReal(PetscAbsReal(c) - 1) < 1e-6, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': a screw dislocation needs b along the line; use type mixed", d->name);
      PetscCall(CheckLatticeTranslation(s, d));
      if (d->model == TK_ELASTIC_ISOTROPIC)
        DefectCall(s, d, "b line", TkIsoDislocationSetUp(s->comm, xi, b, d->pos, s->nu, s->rcore, &d->iso));
      else {
        /* cut direction m: the edge direction of the slip plane containing b and the line (or any perpendicular for a screw) */
        PetscReal m[3], t[3] = {xi[0] / lx, xi[1] / lx, xi[2] / lx}, bp[3], lbp;
        for (int i = 0; i < 3; i++) bp[i] = b[i] - c * lb * t[i];
        lbp = Norm(bp);
        if (lbp > 1e-6 * lb)
          for (int i = 0; i < 3; i++) m[i] = bp[i] / lbp;
        else {
          const PetscReal a[3] = {PetscAbsReal(t[0]) < 0.9 ? 1 : 0, PetscAbsReal(t[0]) < 0.9 ? 0 : 1, 0}, dd = a[0] * t[0] + a[1] * t[1];
          for (int i = 0; i < 3; i++) m[i] = a[i] - dd * t[i];
          const PetscReal lm = Norm(m);
          for (int i = 0; i < 3; i++) m[i] /= lm;
        }
        DefectCall(s, d, "b line model", TkStrohCreate(s->comm, &s->C, f->U, xi, b, m, &d->stroh));
      }
    } break;
    case TK_DEFECT_LOOP:
      PetscCheck(Norm(b) > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': Burgers vector is zero", d->name);
      PetscCall(CheckLatticeTranslation(s, d));
      if (d->have_vertices)
        DefectCall(s, d, "vertices_nm", TkLoopCreate(s->comm, d->nvert, (const PetscReal(*)[3])d->vert, b, s->nu, s->rcore, &d->loop));
      else {
        PetscCheck(d->radius > 0 && d->sides >= 3, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': a loop needs -%s_radius_nm > 0 and -%s_sides >= 3, or -%s_vertices_nm", d->name, d->name, d->name, d->name);
        DefectCall(s, d, "normal radius_nm sides", TkLoopCreateRegular(s->comm, d->pos, nrm, d->radius, d->sides, b, s->nu, s->rcore, &d->loop));
      }
      break;
    case TK_DEFECT_TILT:
    case TK_DEFECT_TWIST: {
      const PetscReal bm = Norm(b);
      PetscReal       L;
      PetscCheck(bm > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': Burgers vector is zero; set -%s_b", d->name, d->name);
      PetscCheck(d->angle > 0 && d->angle < 15, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': a low-angle boundary needs 0 < -%s_angle_deg < 15 (use type grain above)", d->name, d->name);
      PetscCall(WallHalfLength(s, d, &L));
      d->half_length = L;
      if (d->type == TK_DEFECT_TILT)
        DefectCall(s, d, "axis normal", TkWallCreateTilt(s->comm, ax, nrm, d->pos, d->angle * PETSC_PI / 180, bm, s->nu, s->rcore, L, &d->wall));
      else
        DefectCall(s, d, "normal", TkWallCreateTwist(s->comm, nrm, d->pos, d->angle * PETSC_PI / 180, bm, s->nu, s->rcore, L, &d->wall));
    } break;
    case TK_DEFECT_GRAIN:
      DefectCall(s, d, "normal axis", TkWallCreateGrain(s->comm, nrm, d->pos, ax, d->angle * PETSC_PI / 180, &d->wall));
      break;
    case TK_DEFECT_SPHERE:
    case TK_DEFECT_ELLIPSOID: {
      const PetscReal e[3][3] = {{d->eps[0], d->eps[5], d->eps[4]}, {d->eps[5], d->eps[1], d->eps[3]}, {d->eps[4], d->eps[3], d->eps[2]}};
      if (d->type == TK_DEFECT_SPHERE)
        DefectCall(s, d, "radius_nm eigenstrain", TkInclusionCreateSphere(s->comm, d->pos, d->radius, e, s->mu, s->nu, &d->inclusion));
      else {
        PetscReal a1[3], a2[3], a3[3], R[3][3], l, dd;
        TkBraggFrameCrystalDirection(f, d->axis, a1);
        TkBraggFrameCrystalDirection(f, d->axis2, a2);
        /* directions only: both are unit vectors before the parallel test (the lattice vectors are ~1e-10 m long) */
        l = Norm(a1);
        PetscCheck(l > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': -%s_axis is zero", d->name, d->name);
        for (int i = 0; i < 3; i++) a1[i] /= l;
        l = Norm(a2);
        PetscCheck(l > 0, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': -%s_axis2 is zero", d->name, d->name);
        for (int i = 0; i < 3; i++) a2[i] /= l;
        dd = a1[0] * a2[0] + a1[1] * a2[1] + a1[2] * a2[2];
        for (int i = 0; i < 3; i++) a2[i] -= dd * a1[i];
        l = Norm(a2);
        PetscCheck(l > 1e-6, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': -%s_axis2 is parallel to -%s_axis; give a direction across it", d->name, d->name, d->name);
        for (int i = 0; i < 3; i++) a2[i] /= l;
        a3[0] = a1[1] * a2[2] - a1[2] * a2[1], a3[1] = a1[2] * a2[0] - a1[0] * a2[2], a3[2] = a1[0] * a2[1] - a1[1] * a2[0];
        for (int i = 0; i < 3; i++) R[i][0] = a1[i], R[i][1] = a2[i], R[i][2] = a3[i];
        DefectCall(s, d, "semi_axes_nm eigenstrain", TkInclusionCreateEllipsoid(s->comm, d->pos, d->semi, (const PetscReal(*)[3])R, e, s->mu, s->nu, &d->inclusion));
      }
    } break;
    case TK_DEFECT_UNIFORM: {
      const PetscReal e[3][3] = {{d->eps[0], d->eps[5], d->eps[4]}, {d->eps[5], d->eps[1], d->eps[3]}, {d->eps[4], d->eps[3], d->eps[2]}};
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) d->uniform[i][j] = e[i][j];
    } break;
    }
  }
  PetscFunctionReturn(0);
}

/* A defect outside the grid is almost always a unit or sign mistake: dislocation lines must cross the box, loops and
   inclusions must have their centre in it (boundaries and uniform fields are unbounded). */
PetscErrorCode TkDefectSetCheckInside(TkDefectSet s, const PetscReal lo[3], const PetscReal hi[3])
{
  PetscFunctionBegin;
  for (PetscInt q = 0; q < s->n; q++) {
    const Defect *d = &s->d[q];
    PetscReal     c[3], half = 0, dist;
    for (int i = 0; i < 3; i++) c[i] = 0.5 * (lo[i] + hi[i]), half += 0.25 * (hi[i] - lo[i]) * (hi[i] - lo[i]);
    half = PetscSqrtReal(half);
    switch (d->type) {
    case TK_DEFECT_EDGE:
    case TK_DEFECT_SCREW:
    case TK_DEFECT_MIXED: {
      PetscReal xi[3], p[3], l, t;
      TkBraggFrameCrystalDirection(s->frame, d->line, xi);
      l = Norm(xi);
      for (int i = 0; i < 3; i++) xi[i] /= l, p[i] = c[i] - d->pos[i];
      t = p[0] * xi[0] + p[1] * xi[1] + p[2] * xi[2];
      for (int i = 0; i < 3; i++) p[i] -= t * xi[i];
      dist = Norm(p);
      PetscCheck(dist <= half, s->comm, PETSC_ERR_USER_INPUT, "defect '%s': the dislocation line passes %.4g nm from the grid centre, outside the grid (half-diagonal %.4g nm); check -%s_pos_nm (nm)", d->name, (double)(1e9 * dist),
                 (double)(1e9 * half), d->name);
    } break;
    case TK_DEFECT_LOOP:
    case TK_DEFECT_SPHERE:
    case TK_DEFECT_ELLIPSOID: {
      const PetscReal *p  = d->have_vertices ? d->vert[0] : d->pos;
      PetscBool        in = PETSC_TRUE;
      for (int i = 0; i < 3; i++) in = (PetscBool)(in && p[i] >= lo[i] && p[i] <= hi[i]);
      PetscCheck(in, s->comm, PETSC_ERR_USER_INPUT, "defect '%s' at (%g, %g, %g) nm lies outside the grid (%g..%g, %g..%g, %g..%g nm)", d->name, (double)(1e9 * p[0]), (double)(1e9 * p[1]), (double)(1e9 * p[2]), (double)(1e9 * lo[0]),
                 (double)(1e9 * hi[0]), (double)(1e9 * lo[1]), (double)(1e9 * hi[1]), (double)(1e9 * lo[2]), (double)(1e9 * hi[2]));
    } break;
    default:
      break;
    }
  }
  PetscFunctionReturn(0);
}

void TkDefectSetEvaluate(TkDefectSet s, const PetscReal r[3], PetscReal u[3], PetscReal g[3][3])
{
  for (int i = 0; i < 3; i++) {
    u[i] = 0;
    for (int j = 0; j < 3; j++) g[i][j] = 0;
  }
  for (PetscInt q = 0; q < s->n; q++) {
    Defect *d = &s->d[q];
    if (d->model == TK_ELASTIC_ISOTROPIC && (d->type == TK_DEFECT_EDGE || d->type == TK_DEFECT_SCREW || d->type == TK_DEFECT_MIXED)) {
      TkIsoDislocationAdd(&d->iso, r, u, g); /* the common case, summed in place */
      continue;
    }
    PetscReal du[3] = {0, 0, 0}, dg[3][3] = {{0}};
    switch (d->type) {
    case TK_DEFECT_EDGE:
    case TK_DEFECT_SCREW:
    case TK_DEFECT_MIXED:
      if (d->model == TK_ELASTIC_ISOTROPIC)
        TkIsoDislocationEvaluate(&d->iso, r, du, dg);
      else {
        const PetscReal p[3] = {r[0] - d->pos[0], r[1] - d->pos[1], r[2] - d->pos[2]};
        TkStrohEvaluate(d->stroh, p, s->rcore, du, dg);
      }
      break;
    case TK_DEFECT_LOOP:
      TkLoopEvaluate(d->loop, r, du, dg);
      break;
    case TK_DEFECT_TILT:
    case TK_DEFECT_TWIST:
    case TK_DEFECT_GRAIN:
      TkWallEvaluate(d->wall, r, du, dg);
      break;
    case TK_DEFECT_SPHERE:
    case TK_DEFECT_ELLIPSOID:
      TkInclusionEvaluate(d->inclusion, r, du, dg);
      break;
    case TK_DEFECT_UNIFORM:
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) dg[i][j] = d->uniform[i][j], du[i] += d->uniform[i][j] * r[j];
      break;
    }
    for (int i = 0; i < 3; i++) {
      u[i] += du[i];
      for (int j = 0; j < 3; j++) g[i][j] += dg[i][j];
    }
  }
}

PetscInt TkDefectSetGetCount(TkDefectSet s, PetscInt *nlines)
{
  PetscInt n = 0;
  for (PetscInt q = 0; q < s->n; q++) n += s->d[q].type <= TK_DEFECT_MIXED;
  if (nlines) *nlines = n;
  return s->n;
}

/* One line per defect with the parameters its type uses (lattice vectors as given, positions in nm). */
PetscErrorCode TkDefectSetView(TkDefectSet s, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Elasticity: isotropic shear modulus %.4g GPa, Poisson ratio %.4g (for isotropic models); core radius %.3g nm\n", (double)(1e-9 * s->mu), (double)s->nu, (double)(1e9 * s->rcore)));
  for (PetscInt q = 0; q < s->n; q++) {
    const Defect *d = &s->d[q];
    char          b[96], line[96], pos[96], nrm[96], ax[96], what[1024] = "";
    FormatVector(d->b, 1, b, sizeof(b));
    FormatVector(d->line, 1, line, sizeof(line));
    FormatVector(d->pos, 1e9, pos, sizeof(pos));
    FormatVector(d->normal, 1, nrm, sizeof(nrm));
    FormatVector(d->axis, 1, ax, sizeof(ax));
    switch (d->type) {
    case TK_DEFECT_EDGE:
    case TK_DEFECT_SCREW:
    case TK_DEFECT_MIXED:
      if (d->model == TK_ELASTIC_ISOTROPIC)
        snprintf(what, sizeof(what), "isotropic (Hirth-Lothe), b = %s, line %s, through (%s) nm", b, line, pos);
      else {
        TkStrohMethod m = TK_STROH_AUTO;
        if (d->stroh) PetscCall(TkStrohGetMethod(d->stroh, &m));
        snprintf(what, sizeof(what), "anisotropic (Stroh, %s), b = %s, line %s, through (%s) nm", TkStrohMethods[m], b, line, pos);
      }
      break;
    case TK_DEFECT_LOOP:
      if (d->have_vertices)
        snprintf(what, sizeof(what), "b = %s, %" PetscInt_FMT " vertices", b, d->nvert);
      else
        snprintf(what, sizeof(what), "b = %s, %" PetscInt_FMT "-gon of radius %g nm on (%s), centre (%s) nm", b, d->sides, (double)(1e9 * d->radius), nrm, pos);
      break;
    case TK_DEFECT_TILT:
    case TK_DEFECT_TWIST: {
      PetscReal D  = 0;
      PetscInt  nd = 0;
      if (d->wall) PetscCall(TkWallGetSpacing(d->wall, &D, &nd));
      snprintf(what, sizeof(what), "%g deg on (%s)%s%s through (%s) nm, |b| of %s; spacing %.4g nm, half-length %.4g nm%s, %" PetscInt_FMT " dislocations", (double)d->angle, nrm, d->type == TK_DEFECT_TILT ? ", axis " : "",
               d->type == TK_DEFECT_TILT ? ax : "", pos, b, (double)(1e9 * D), (double)(1e9 * d->half_length), d->have_half_length ? "" : " (covers the grid)", nd);
    } break;
    case TK_DEFECT_GRAIN:
      snprintf(what, sizeof(what), "rotated %g deg about %s beyond the plane (%s) through (%s) nm", (double)d->angle, ax, nrm, pos);
      break;
    case TK_DEFECT_SPHERE:
      snprintf(what, sizeof(what), "radius %g nm, centre (%s) nm, eigenstrain %g,%g,%g,%g,%g,%g", (double)(1e9 * d->radius), pos, (double)d->eps[0], (double)d->eps[1], (double)d->eps[2], (double)d->eps[3], (double)d->eps[4], (double)d->eps[5]);
      break;
    case TK_DEFECT_ELLIPSOID: {
      char a2[96];
      FormatVector(d->axis2, 1, a2, sizeof(a2));
      snprintf(what, sizeof(what), "semi-axes %g,%g,%g nm along %s, %s, centre (%s) nm, eigenstrain %g,%g,%g,%g,%g,%g", (double)(1e9 * d->semi[0]), (double)(1e9 * d->semi[1]), (double)(1e9 * d->semi[2]), ax, a2, pos, (double)d->eps[0],
               (double)d->eps[1], (double)d->eps[2], (double)d->eps[3], (double)d->eps[4], (double)d->eps[5]);
    } break;
    case TK_DEFECT_UNIFORM:
      snprintf(what, sizeof(what), "strain %g,%g,%g,%g,%g,%g (xx,yy,zz,yz,xz,xy)", (double)d->eps[0], (double)d->eps[1], (double)d->eps[2], (double)d->eps[3], (double)d->eps[4], (double)d->eps[5]);
      break;
    }
    PetscCall(PetscViewerASCIIPrintf(v, "Defect %s: %s, %s\n", d->name, TkDefectTypes[d->type], what));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkDefectSetDestroy(TkDefectSet *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  for (PetscInt q = 0; q < (*s)->n; q++) {
    Defect *d = &(*s)->d[q];
    if (d->stroh) PetscCall(TkStrohDestroy(&d->stroh));
    if (d->loop) PetscCall(TkLoopDestroy(&d->loop));
    if (d->wall) PetscCall(TkWallDestroy(&d->wall));
    if (d->inclusion) PetscCall(TkInclusionDestroy(&d->inclusion));
  }
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
