/* Crystal shapes: box (edges along the crystal axes), sphere, cylinder (axis along a lattice direction), faceted
   polyhedron (families of {hkl} planes at given distances from the centre, expanded by the cubic point group for
   cubic crystals), and the slab used for validation (normal along h). */
#include "crystal_shape.h"
#include "grid_read.h"

const char *const TkShapeTypes[] = {"box", "sphere", "cylinder", "polyhedron", "slab", "mask", "TkShapeType", "TK_SHAPE_", NULL};

#define TK_MAX_FACETS 512

struct _p_TkShape {
  MPI_Comm    comm;
  TkShapeType type;
  PetscReal   size[3];     /* box: edges a,b,c; sphere: diameter; cylinder: diameter, height; slab: thickness, length, width (m) */
  PetscReal   axis_uvw[3]; /* cylinder axis, lattice direction */
  PetscInt    nfamilies;
  PetscReal   family[32][4]; /* h, k, l, distance (m) */
  /* set up */
  const TkBraggFrame *frame;
  PetscReal           axis[3]; /* cylinder axis, lab unit vector */
  PetscInt            nfacets;
  PetscReal           normal[TK_MAX_FACETS][3], dist[TK_MAX_FACETS]; /* lab unit normals, m */
  PetscReal           radius;
  PetscBool           slab_laue; /* slab normal along m (Laue) instead of n (Bragg) */
  TkGrid              mgrid;     /* mask from a file: support > 0.5 at the nearest grid point */
  PetscReal          *mask;
};

PetscErrorCode TkShapeCreate(MPI_Comm comm, TkShape *s)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(s));
  (*s)->comm        = comm;
  (*s)->type        = TK_SHAPE_SPHERE;
  (*s)->size[0]     = 500e-9;
  (*s)->axis_uvw[2] = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode TkShapeSetSlab(TkShape s, PetscReal thickness, PetscReal length, PetscReal width, PetscBool laue)
{
  PetscFunctionBegin;
  s->slab_laue = laue;
  s->type      = TK_SHAPE_SLAB;
  s->size[0]   = thickness;
  s->size[1]   = length;
  s->size[2]   = width;
  PetscFunctionReturn(0);
}

/* "h,k,l,d_nm;h,k,l,d_nm;..." */
static PetscErrorCode ParseFacets(TkShape s, const char *spec)
{
  char  buf[1024], *save = NULL;
  char *tok;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, spec, sizeof(buf)));
  s->nfamilies = 0;
  for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    double v[4];
    int    n = sscanf(tok, " %lf , %lf , %lf , %lf", &v[0], &v[1], &v[2], &v[3]);
    PetscCheck(n == 4, s->comm, PETSC_ERR_USER_INPUT, "-facets: '%s' is not h,k,l,distance_nm (families separated by ';', e.g. -facets \"1,1,1,400;1,0,0,450\")", tok);
    PetscCheck(v[3] > 0, s->comm, PETSC_ERR_USER_INPUT, "-facets: distance %g nm must be positive", v[3]);
    PetscCheck(v[0] || v[1] || v[2], s->comm, PETSC_ERR_USER_INPUT, "-facets: 0,0,0 is not a plane");
    PetscCheck(s->nfamilies < 32, s->comm, PETSC_ERR_USER_INPUT, "-facets: at most 32 families");
    for (int i = 0; i < 3; i++) s->family[s->nfamilies][i] = v[i];
    s->family[s->nfamilies][3] = 1e-9 * v[3];
    s->nfamilies++;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkShapeSetFromOptions(TkShape s)
{
  PetscReal   size[3] = {0, 0, 0};
  PetscInt    n       = 3;
  PetscBool   set;
  char        facets[1024] = "1,1,1,400;1,0,0,450", mfile[PETSC_MAX_PATH_LEN] = "";
  PetscBool   setm;
  TkShapeType type = s->type;

  PetscFunctionBegin;
  PetscOptionsBegin(s->comm, NULL, "Crystal shape", "TkShape");
  PetscCall(PetscOptionsEnum("-shape", "Crystal shape", "TkShapeSetFromOptions", TkShapeTypes, (PetscEnum)type, (PetscEnum *)&type, NULL));
  s->type = type;
  PetscCall(PetscOptionsRealArray("-size_nm", "Size (nm): box a,b,c edges along the crystal axes; sphere diameter; cylinder diameter,height; slab thickness,length,width [sphere 500]", "TkShapeSetFromOptions", size, &n, &set));
  if (set) {
    for (PetscInt i = 0; i < n; i++) PetscCheck(size[i] > 0 && PetscIsNormalReal(size[i]), s->comm, PETSC_ERR_USER_INPUT, "-size_nm: value %g must be a positive number of nm", (double)size[i]);
    for (PetscInt i = n; i < 3; i++) size[i] = size[n - 1]; /* box 500 -> cube */
    for (int i = 0; i < 3; i++) s->size[i] = 1e-9 * size[i];
  } else if (s->type == TK_SHAPE_BOX || s->type == TK_SHAPE_CYLINDER)
    s->size[0] = s->size[1] = s->size[2] = 500e-9;
  n = 3;
  PetscCall(PetscOptionsRealArray("-shape_axis", "Cylinder axis as a lattice direction u,v,w [0,0,1]", "TkShapeSetFromOptions", s->axis_uvw, &n, NULL));
  PetscCall(PetscOptionsString("-facets", "Polyhedron: facet families h,k,l,distance_nm separated by ';' (cubic crystals: expanded by symmetry)", "TkShapeSetFromOptions", facets, facets, sizeof(facets), NULL));
  PetscCall(PetscOptionsString("-mask_file", "Shape from an HDF5 grid file: dataset support (nz, ny, nx), > 0.5 inside, with /grid spacing and origin (lab frame, m)", "TkShapeSetFromOptions", mfile, mfile, sizeof(mfile), &setm));
  PetscOptionsEnd();
  if (s->type == TK_SHAPE_POLYHEDRON) PetscCall(ParseFacets(s, facets));
  PetscCheck(s->type != TK_SHAPE_MASK || setm, s->comm, PETSC_ERR_USER_INPUT, "-shape mask needs -mask_file FILE.h5");
  PetscCheck(!setm || s->type == TK_SHAPE_MASK, s->comm, PETSC_ERR_USER_INPUT, "-mask_file needs -shape mask");
  if (setm) {
    PetscCall(PetscFree(s->mask));
    PetscCall(TkGridFieldRead(s->comm, mfile, "support", 1, &s->mgrid, &s->mask));
  }
  PetscFunctionReturn(0);
}

static PetscBool IsCubic(const TkBraggFrame *f)
{
  const PetscReal a = f->A[0][0];
  return (PetscBool)(PetscAbsReal(f->A[1][1] - a) < 1e-6 * a && PetscAbsReal(f->A[2][2] - a) < 1e-6 * a && PetscAbsReal(f->A[0][1]) < 1e-6 * a && PetscAbsReal(f->A[0][2]) < 1e-6 * a && PetscAbsReal(f->A[1][2]) < 1e-6 * a);
}

static PetscErrorCode AddFacet(TkShape s, const PetscReal hkl[3], PetscReal d)
{
  PetscReal nrm[3];

  PetscFunctionBegin;
  TkBraggFramePlaneNormal(s->frame, hkl, nrm);
  for (PetscInt i = 0; i < s->nfacets; i++)
    if (PetscAbsReal(s->normal[i][0] - nrm[0]) + PetscAbsReal(s->normal[i][1] - nrm[1]) + PetscAbsReal(s->normal[i][2] - nrm[2]) < 1e-9) PetscFunctionReturn(0);
  PetscCheck(s->nfacets < TK_MAX_FACETS, s->comm, PETSC_ERR_USER_INPUT, "too many facets");
  for (int i = 0; i < 3; i++) s->normal[s->nfacets][i] = nrm[i];
  s->dist[s->nfacets++] = d;
  PetscFunctionReturn(0);
}

PetscErrorCode TkShapeSetUp(TkShape s, const TkBraggFrame *f)
{
  PetscFunctionBegin;
  s->frame   = f;
  s->nfacets = 0;
  switch (s->type) {
  case TK_SHAPE_BOX:
    s->radius = 0.5 * PetscSqrtReal(s->size[0] * s->size[0] + s->size[1] * s->size[1] + s->size[2] * s->size[2]);
    break;
  case TK_SHAPE_SPHERE:
    s->radius = 0.5 * s->size[0];
    break;
  case TK_SHAPE_CYLINDER:
    TkBraggFrameCrystalDirection(f, s->axis_uvw, s->axis);
    {
      const PetscReal a = PetscSqrtReal(s->axis[0] * s->axis[0] + s->axis[1] * s->axis[1] + s->axis[2] * s->axis[2]);
      PetscCheck(a > 0, s->comm, PETSC_ERR_USER_INPUT, "-shape_axis must not be 0,0,0");
      for (int i = 0; i < 3; i++) s->axis[i] /= a;
    }
    s->radius = 0.5 * PetscSqrtReal(s->size[0] * s->size[0] + s->size[1] * s->size[1]);
    break;
  case TK_SHAPE_SLAB:
    s->radius = 0.5 * PetscSqrtReal(s->size[0] * s->size[0] + s->size[1] * s->size[1] + s->size[2] * s->size[2]);
    break;
  case TK_SHAPE_MASK: {
    const TkGrid *g = &s->mgrid;
    PetscInt      n = 0;
    s->radius       = 0;
    for (PetscInt iz = 0; iz < g->nz; iz++)
      for (PetscInt iy = 0; iy < g->ny; iy++)
        for (PetscInt ix = 0; ix < g->nx; ix++)
          if (s->mask[((size_t)iz * g->ny + iy) * g->nx + ix] > 0.5) {
            const PetscReal z = g->origin[0] + iz * g->spacing[0], y = g->origin[1] + iy * g->spacing[1], x = g->origin[2] + ix * g->spacing[2];
            s->radius = PetscMax(s->radius, PetscSqrtReal(x * x + y * y + z * z));
            n++;
          }
    PetscCheck(n > 0, s->comm, PETSC_ERR_USER_INPUT, "the mask file's support is empty (no value > 0.5)");
    s->radius += 0.5 * PetscSqrtReal(g->spacing[0] * g->spacing[0] + g->spacing[1] * g->spacing[1] + g->spacing[2] * g->spacing[2]);
  } break;
  case TK_SHAPE_POLYHEDRON: {
    const PetscBool cubic = IsCubic(f);
    PetscReal       dmax  = 0;
    for (PetscInt q = 0; q < s->nfamilies; q++) {
      const PetscReal *F = s->family[q];
      dmax               = PetscMax(dmax, F[3]);
      if (!cubic) {
        const PetscReal p[3] = {F[0], F[1], F[2]}, m[3] = {-F[0], -F[1], -F[2]};
        PetscCall(AddFacet(s, p, F[3]));
        PetscCall(AddFacet(s, m, F[3]));
        continue;
      }
      static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
      for (int pi = 0; pi < 6; pi++)
        for (int sg = 0; sg < 8; sg++) {
          const PetscReal v[3] = {F[perm[pi][0]] * ((sg & 1) ? -1 : 1), F[perm[pi][1]] * ((sg & 2) ? -1 : 1), F[perm[pi][2]] * ((sg & 4) ? -1 : 1)};
          PetscCall(AddFacet(s, v, F[3]));
        }
    }
    /* bounded? every lattice direction must meet a facet */
    for (int i = -1; i <= 1; i++)
      for (int j = -1; j <= 1; j++)
        for (int l = -1; l <= 1; l++) {
          if (!i && !j && !l) continue;
          PetscReal d[3] = {(PetscReal)i, (PetscReal)j, (PetscReal)l};
          PetscBool hit  = PETSC_FALSE;
          for (PetscInt q = 0; q < s->nfacets; q++) hit = (PetscBool)(hit || s->normal[q][0] * d[0] + s->normal[q][1] * d[1] + s->normal[q][2] * d[2] > 1e-9);
          PetscCheck(hit, s->comm, PETSC_ERR_USER_INPUT, "-facets do not enclose the crystal (open along a lattice direction); add facet families");
        }
    /* bounding radius: the farthest vertex, vertices being the feasible intersections of three facet planes */
    s->radius = 0;
    for (PetscInt a = 0; a < s->nfacets; a++)
      for (PetscInt b = a + 1; b < s->nfacets; b++)
        for (PetscInt c = b + 1; c < s->nfacets; c++) {
          const PetscReal *na = s->normal[a], *nb = s->normal[b], *nc = s->normal[c];
          const PetscReal  det = na[0] * (nb[1] * nc[2] - nb[2] * nc[1]) - na[1] * (nb[0] * nc[2] - nb[2] * nc[0]) + na[2] * (nb[0] * nc[1] - nb[1] * nc[0]);
          if (PetscAbsReal(det) < 1e-9) continue;
          PetscReal x[3], bxc[3], cxa[3], axb[3];
          bxc[0] = nb[1] * nc[2] - nb[2] * nc[1], bxc[1] = nb[2] * nc[0] - nb[0] * nc[2], bxc[2] = nb[0] * nc[1] - nb[1] * nc[0];
          cxa[0] = nc[1] * na[2] - nc[2] * na[1], cxa[1] = nc[2] * na[0] - nc[0] * na[2], cxa[2] = nc[0] * na[1] - nc[1] * na[0];
          axb[0] = na[1] * nb[2] - na[2] * nb[1], axb[1] = na[2] * nb[0] - na[0] * nb[2], axb[2] = na[0] * nb[1] - na[1] * nb[0];
          for (int k = 0; k < 3; k++) x[k] = (s->dist[a] * bxc[k] + s->dist[b] * cxa[k] + s->dist[c] * axb[k]) / det;
          PetscBool in = PETSC_TRUE;
          for (PetscInt q = 0; q < s->nfacets && in; q++) in = (PetscBool)(s->normal[q][0] * x[0] + s->normal[q][1] * x[1] + s->normal[q][2] * x[2] <= s->dist[q] * (1 + 1e-9));
          if (in) s->radius = PetscMax(s->radius, PetscSqrtReal(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]));
        }
    PetscCheck(s->radius > 0, s->comm, PETSC_ERR_USER_INPUT, "-facets do not enclose a crystal");
    (void)dmax;
  } break;
  }
  PetscFunctionReturn(0);
}

PetscReal TkShapeBoundingRadius(TkShape s) { return s->radius; }

PetscBool TkShapeInside(TkShape s, const PetscReal r[3])
{
  PetscReal rc[3];

  switch (s->type) {
  case TK_SHAPE_SPHERE:
    return (PetscBool)(r[0] * r[0] + r[1] * r[1] + r[2] * r[2] <= 0.25 * s->size[0] * s->size[0]);
  case TK_SHAPE_BOX:
    TkBraggFrameLabToCrystal(s->frame, r, rc);
    return (PetscBool)(PetscAbsReal(rc[0]) <= 0.5 * s->size[0] && PetscAbsReal(rc[1]) <= 0.5 * s->size[1] && PetscAbsReal(rc[2]) <= 0.5 * s->size[2]);
  case TK_SHAPE_CYLINDER: {
    const PetscReal a = r[0] * s->axis[0] + r[1] * s->axis[1] + r[2] * s->axis[2];
    const PetscReal q = r[0] * r[0] + r[1] * r[1] + r[2] * r[2] - a * a;
    return (PetscBool)(PetscAbsReal(a) <= 0.5 * s->size[1] && q <= 0.25 * s->size[0] * s->size[0]);
  }
  case TK_SHAPE_SLAB: { /* Bragg: thickness along n (h), length along m; Laue: the other way round; width along t */
    const TkBraggFrame *f = s->frame;
    PetscReal           n = r[0] * f->n[0] + r[1] * f->n[1] + r[2] * f->n[2], m = r[0] * f->m[0] + r[1] * f->m[1] + r[2] * f->m[2];
    if (s->slab_laue) {
      const PetscReal tmp = n;
      n = m, m = tmp;
    }
    return (PetscBool)(PetscAbsReal(n) <= 0.5 * s->size[0] && PetscAbsReal(m) <= 0.5 * s->size[1] && PetscAbsReal(r[0]) <= 0.5 * s->size[2]);
  }
  case TK_SHAPE_MASK: {
    const TkGrid  *g  = &s->mgrid;
    const PetscInt iz = (PetscInt)PetscFloorReal((r[2] - g->origin[0]) / g->spacing[0] + 0.5), iy = (PetscInt)PetscFloorReal((r[1] - g->origin[1]) / g->spacing[1] + 0.5), ix = (PetscInt)PetscFloorReal((r[0] - g->origin[2]) / g->spacing[2] + 0.5);
    if (iz < 0 || iy < 0 || ix < 0 || iz >= g->nz || iy >= g->ny || ix >= g->nx) return PETSC_FALSE;
    return (PetscBool)(s->mask[((size_t)iz * g->ny + iy) * g->nx + ix] > 0.5);
  }
  case TK_SHAPE_POLYHEDRON:
    for (PetscInt q = 0; q < s->nfacets; q++)
      if (s->normal[q][0] * r[0] + s->normal[q][1] * r[1] + s->normal[q][2] * r[2] > s->dist[q]) return PETSC_FALSE;
    return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

PetscErrorCode TkShapeView(TkShape s, PetscViewer v)
{
  PetscFunctionBegin;
  if (s->type == TK_SHAPE_POLYHEDRON)
    PetscCall(PetscViewerASCIIPrintf(v, "Shape polyhedron with %" PetscInt_FMT " facets from %" PetscInt_FMT " families, circumradius %g nm\n", s->nfacets, s->nfamilies, (double)(1e9 * s->radius)));
  else if (s->type == TK_SHAPE_MASK)
    PetscCall(PetscViewerASCIIPrintf(v, "Shape from a mask file, bounding radius %g nm\n", (double)(1e9 * s->radius)));
  else
    PetscCall(PetscViewerASCIIPrintf(v, "Shape %s, size %g x %g x %g nm, bounding radius %g nm\n", TkShapeTypes[s->type], (double)(1e9 * s->size[0]), (double)(1e9 * s->size[1]), (double)(1e9 * s->size[2]), (double)(1e9 * s->radius)));
  PetscFunctionReturn(0);
}

PetscErrorCode TkShapeDestroy(TkShape *s)
{
  PetscFunctionBegin;
  if (*s) PetscCall(PetscFree((*s)->mask));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
