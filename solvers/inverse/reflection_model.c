/* One reflection's forward model, misfit and adjoint (reflection_model.h; docs/reconstruct.md, "Adjoint").

   Forward, per angle: nodes = P obj; per slice the real-field TT march -> exit field Dh, times the rocking ramp;
   padded FFTs -> amplitude A on rank 0. Then I = c |A|^2 for all angles, the misfit J(s I) on rank 0.
   Adjoint, per angle: g_A = 2 c (dJ/dI) A; the far-field adjoint (inverse FFTs, cropped) -> g_exit per slice; the
   ramp's conjugate; the planes D0, Dh of the slice (kept from the forward march when all angles fit -rec_store_mb,
   32 bytes per node and angle, else marched again: 2 Nm Nn complex) and the reverse sweep -> g_rho, g_phi at the
   nodes; P^T -> the grid. */
#include "reflection_model.h"
#include "object_map.h"

static PetscClassId  TK_REFL_CLASSID;
static PetscLogEvent TK_EVENT_FWD, TK_EVENT_ADJ, TK_EVENT_FFT, TK_EVENT_FFT_ADJ;

struct _p_TkReflModel {
  MPI_Comm         comm;
  PetscMPIInt      rank;
  TkBCDI           bcdi;
  TkTT3D           tt;
  TkFarField       ff;
  TkTT3DGrid       g;
  PetscReal        det_scale; /* frame = det_scale |A|^2 */
  PetscInt         nangles, N1, N2;
  TkObjectMap      map;
  PetscBool        linear_phase;   /* psi interpolated linearly (else the phase of the interpolated e^{i psi}) */
  PetscBool        weighted_phase; /* the node phase weights the grid phases by their density */
  PetscReal        edge_width;     /* > 0: node density = smoothstep of the interpolated density (a level set) */
  PetscReal       *node_rho, *node_phi, *g_node_rho, *g_node_phi;
  PetscReal       *node_drho; /* d(node density)/d(interpolated density), with edge_width > 0 */
  double complex  *exit, *g_exit, *planes;
  double complex  *store; /* the planes of every angle and slice, when they fit the budget: no second march */
  PetscReal        store_mb;
  double complex  *amp;          /* rank 0: nangles x N1 x N2 */
  PetscReal       *inten, *dJdI; /* rank 0: model frames (unscaled) and dJ/dI */
  PetscReal       *counts;       /* rank 0: measured */
  unsigned char   *mask;         /* rank 0 */
  PetscReal       *model;        /* rank 0: s I */
  PetscReal        total, floor_abs;
  TkMisfitType     type;
  PetscReal        floor_rel, fixed_scale;
  TkReflModelStats stats;
};

PetscErrorCode TkReflModelCreate(MPI_Comm comm, TkReflModel *rm)
{
  TkReflModel r;

  PetscFunctionBegin;
  if (!TK_REFL_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiReconstruct", &TK_REFL_CLASSID));
    PetscCall(PetscLogEventRegister("TkRecMarch", TK_REFL_CLASSID, &TK_EVENT_FWD));
    PetscCall(PetscLogEventRegister("TkRecMarchAdj", TK_REFL_CLASSID, &TK_EVENT_ADJ));
    PetscCall(PetscLogEventRegister("TkRecFarField", TK_REFL_CLASSID, &TK_EVENT_FFT));
    PetscCall(PetscLogEventRegister("TkRecFarFieldAdj", TK_REFL_CLASSID, &TK_EVENT_FFT_ADJ));
  }
  PetscCall(PetscNew(&r));
  r->comm      = comm;
  r->floor_rel = 1e-9;
  r->store_mb  = 1024;
  PetscCallMPI(MPI_Comm_rank(comm, &r->rank));
  PetscCall(TkBCDICreate(comm, &r->bcdi));
  PetscCall(TkBCDISetGeometryOnly(r->bcdi, PETSC_TRUE));
  *rm = r;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetFromOptions(TkReflModel r)
{
  PetscFunctionBegin;
  PetscCall(TkBCDISetFromOptions(r->bcdi));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetUp(TkReflModel r)
{
  const TkBraggFrame *f;

  PetscFunctionBegin;
  PetscCall(TkBCDISetUp(r->bcdi));
  PetscCall(TkBCDIGetSolver(r->bcdi, &r->tt, &f));
  PetscCall(TkBCDIGetFarField(r->bcdi, &r->ff, &r->det_scale));
  PetscCall(TkBCDIGetFrames(r->bcdi, PETSC_FALSE, &r->nangles, &r->N1, &r->N2, NULL, NULL));
  PetscCall(TkTT3DGetGrid(r->tt, &r->g));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelGetBCDI(TkReflModel r, TkBCDI *b)
{
  PetscFunctionBegin;
  *b = r->bcdi;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelGetFrameShape(TkReflModel r, PetscInt *nangles, PetscInt *N1, PetscInt *N2)
{
  PetscFunctionBegin;
  if (nangles) *nangles = r->nangles;
  if (N1) *N1 = r->N1;
  if (N2) *N2 = r->N2;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetMisfit(TkReflModel r, TkMisfitType type, PetscReal floor_rel, PetscReal fixed_scale)
{
  PetscFunctionBegin;
  r->type        = type;
  r->floor_rel   = floor_rel;
  r->fixed_scale = fixed_scale;
  PetscFunctionReturn(0);
}

/* The data are read plane by plane over the ranks (TkBCDIData checks counts: negative or NaN is an error) and
   gathered on rank 0, where the misfit lives. */
PetscErrorCode TkReflModelSetData(TkReflModel r, TkBCDIData d)
{
  PetscInt       N[3], z0 = 0, nz = PETSC_DECIDE;
  PetscMPIInt    size;
  const size_t   fr = (size_t)r->N1 * r->N2;
  PetscReal     *c;
  unsigned char *m;
  const char    *path;

  PetscFunctionBegin;
  PetscCall(TkBCDIDataSetUp(d));
  PetscCall(TkBCDIDataGetShape(d, N));
  PetscCall(TkBCDIDataGetPath(d, &path));
  PetscCheck(N[0] == r->nangles && N[1] == r->N1 && N[2] == r->N2, r->comm, PETSC_ERR_USER_INPUT,
             "'%s' holds %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " frames but the geometry gives %" PetscInt_FMT " angles x %" PetscInt_FMT " x %" PetscInt_FMT " pixels; match -rocking_mrad and -frame_px to the data", path, N[0],
             N[1], N[2], r->nangles, r->N1, r->N2);
  PetscCallMPI(MPI_Comm_size(r->comm, &size));
  PetscCall(PetscSplitOwnership(r->comm, &nz, &N[0]));
  PetscCallMPI(MPI_Exscan(&nz, &z0, 1, MPIU_INT, MPI_SUM, r->comm));
  if (r->rank == 0) z0 = 0;
  PetscCall(PetscMalloc2(PetscMax(nz, 1) * fr, &c, PetscMax(nz, 1) * fr, &m));
  PetscCall(TkBCDIDataRead(d, z0, nz, c, m));
  {
    PetscMPIInt *counts = NULL, *displs = NULL, mine = (PetscMPIInt)(nz * fr);
    if (r->rank == 0) {
      PetscCall(PetscMalloc2(size, &counts, size, &displs));
      PetscCall(PetscMalloc2((size_t)r->nangles * fr, &r->counts, (size_t)r->nangles * fr, &r->mask));
    }
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, r->comm));
    if (r->rank == 0) {
      displs[0] = 0;
      for (PetscMPIInt k = 1; k < size; k++) displs[k] = displs[k - 1] + counts[k - 1];
    }
    PetscCallMPI(MPI_Gatherv(c, mine, MPIU_REAL, r->counts, counts, displs, MPIU_REAL, 0, r->comm));
    PetscCallMPI(MPI_Gatherv(m, mine, MPI_UNSIGNED_CHAR, r->mask, counts, displs, MPI_UNSIGNED_CHAR, 0, r->comm));
    if (r->rank == 0) PetscCall(PetscFree2(counts, displs));
  }
  PetscCall(PetscFree2(c, m));
  {
    PetscReal mx = 0, tot = 0;
    if (r->rank == 0)
      for (size_t q = 0; q < r->nangles * fr; q++)
        if (!r->mask[q]) tot += r->counts[q], mx = PetscMax(mx, r->counts[q]);
    PetscCallMPI(MPI_Bcast(&tot, 1, MPIU_REAL, 0, r->comm));
    PetscCallMPI(MPI_Bcast(&mx, 1, MPIU_REAL, 0, r->comm));
    r->total     = tot;
    r->floor_abs = r->floor_rel * mx;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetStorage(TkReflModel r, PetscReal megabytes)
{
  PetscFunctionBegin;
  r->store_mb = megabytes;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetPhaseInterpolation(TkReflModel r, PetscBool linear)
{
  PetscFunctionBegin;
  r->linear_phase = linear;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetPhaseWeighting(TkReflModel r, PetscBool weighted)
{
  PetscFunctionBegin;
  r->weighted_phase = weighted;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelSetDensityEdge(TkReflModel r, PetscReal width)
{
  PetscFunctionBegin;
  PetscCheck(width >= 0 && width <= 1, r->comm, PETSC_ERR_USER_INPUT, "the density edge width must lie in [0, 1] (0: linear interpolation)");
  r->edge_width = width;
  PetscFunctionReturn(0);
}

/* A crystal's density is 0 or 1 and its surface is sharp; trilinear interpolation of grid values smears it over one
   grid step, which a scan resolves at its high-q fringes. With width w the node density is the C2 smoothstep
   6t^5 - 15t^4 + 10t^3 of t = (s - 1/2)/w + 1/2, s the interpolated value, clamped to [0, 1]: the grid density becomes a
   level-set function whose 1/2 contour (placed between grid points by the values on either side) is the surface.
   Keeps the derivative for the adjoint. */
static void DensityEdge(size_t n, PetscReal w, PetscReal *rho, PetscReal *drho)
{
  for (size_t q = 0; q < n; q++) {
    const PetscReal t = (rho[q] - 0.5) / w + 0.5;
    if (t <= 0)
      rho[q] = drho[q] = 0;
    else if (t >= 1) {
      rho[q]  = 1;
      drho[q] = 0;
    } else {
      rho[q]  = t * t * t * (10 + t * (6 * t - 15));
      drho[q] = 30 * t * t * (1 - t) * (1 - t) / w;
    }
  }
}

PetscErrorCode TkReflModelSetObjectGrid(TkReflModel r, const TkGrid *grid, const PetscReal *rotation)
{
  const size_t nn = (size_t)r->g.nlt * r->g.Nm * r->g.Nn, fr = (size_t)r->N1 * r->N2;
  const double store_bytes = 32.0 * nn * r->nangles;

  PetscFunctionBegin;
  if (store_bytes > 0 && store_bytes <= 1e6 * r->store_mb) PetscCall(PetscMalloc1(2 * nn * r->nangles, &r->store));
  PetscCall(TkObjectMapCreate(r->tt, grid, rotation, &r->map));
  PetscCall(PetscMalloc4(PetscMax(nn, 1), &r->node_rho, PetscMax(nn, 1), &r->node_phi, PetscMax(nn, 1), &r->g_node_rho, PetscMax(nn, 1), &r->g_node_phi));
  if (r->edge_width > 0) PetscCall(PetscMalloc1(PetscMax(nn, 1), &r->node_drho));
  PetscCall(PetscMalloc3((size_t)PetscMax(r->g.nlt, 1) * r->g.Np, &r->exit, (size_t)PetscMax(r->g.nlt, 1) * r->g.Np, &r->g_exit, 2 * (size_t)r->g.Nm * r->g.Nn, &r->planes));
  if (r->rank == 0) PetscCall(PetscMalloc4(r->nangles * fr, &r->amp, r->nangles * fr, &r->inten, r->nangles * fr, &r->dJdI, r->nangles * fr, &r->model));
  PetscFunctionReturn(0);
}

static void Ramp(const TkTT3DGrid *g, PetscReal ramp, PetscReal sign, double complex *ex)
{
  if (ramp == 0) return;
  for (PetscInt p = 0; p < g->Np; p++) ex[p] *= cexp(I * sign * ramp * p * g->drho);
}

PetscErrorCode TkReflModelEvaluate(TkReflModel r, const PetscReal *rho, const PetscReal *psi, PetscReal *misfit, PetscReal *g_rho, PetscReal *g_psi)
{
  const TkTT3DGrid *g  = &r->g;
  const size_t      fr = (size_t)r->N1 * r->N2, nn = (size_t)g->nlt * g->Nm * g->Nn;
  PetscLogDouble    t0, t1, t2;
  PetscReal         J = 0;

  PetscFunctionBegin;
  PetscCheck(r->map, r->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkReflModelSetObjectGrid() first");
  PetscCall(PetscTime(&t0));
  PetscCall(TkObjectMapApply(r->map, rho, r->node_rho));
  if (r->edge_width > 0) DensityEdge(nn, r->edge_width, r->node_rho, r->node_drho);
  if (r->linear_phase)
    PetscCall(TkObjectMapApply(r->map, psi, r->node_phi));
  else
    PetscCall(TkObjectMapApplyPhase(r->map, psi, r->weighted_phase ? rho : NULL, r->node_phi));
  PetscCall(TkTT3DSetObjectFields(r->tt, r->node_rho, r->node_phi));
  for (PetscInt a = 0; a < r->nangles; a++) {
    PetscReal beta, ramp;
    PetscCall(TkBCDIGetAngle(r->bcdi, a, &beta, &ramp));
    PetscCall(PetscLogEventBegin(TK_EVENT_FWD, 0, 0, 0, 0));
    for (PetscInt l = 0; l < g->nlt; l++) {
      double complex *keep = r->store && g_rho ? r->store + 2 * ((size_t)a * g->nlt + l) * g->Nm * g->Nn : NULL;
      PetscCall(TkTT3DMarchSliceFields(r->tt, beta, l, r->exit + (size_t)l * g->Np, keep));
      Ramp(g, ramp, 1, r->exit + (size_t)l * g->Np);
    }
    PetscCall(PetscLogEventEnd(TK_EVENT_FWD, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(TK_EVENT_FFT, 0, 0, 0, 0));
    PetscCall(TkFarFieldAmplitude(r->ff, g->Np, g->nlt, r->exit, g->drho, g->dt, r->rank == 0 ? r->amp + a * fr : NULL));
    PetscCall(PetscLogEventEnd(TK_EVENT_FFT, 0, 0, 0, 0));
  }
  if (r->rank == 0) {
    for (size_t q = 0; q < r->nangles * fr; q++) r->inten[q] = r->det_scale * (creal(r->amp[q]) * creal(r->amp[q]) + cimag(r->amp[q]) * cimag(r->amp[q]));
    PetscCall(TkMisfitEvaluate(r->type, r->nangles * fr, r->inten, r->counts, r->mask, r->floor_abs, r->fixed_scale, &r->stats.scale, &J, r->dJdI));
    for (size_t q = 0; q < r->nangles * fr; q++) r->model[q] = r->stats.scale * r->inten[q];
    J /= r->total;
  }
  PetscCallMPI(MPI_Bcast(&J, 1, MPIU_REAL, 0, r->comm));
  PetscCallMPI(MPI_Bcast(&r->stats.scale, 1, MPIU_REAL, 0, r->comm));
  r->stats.misfit = J;
  *misfit         = J;
  PetscCall(PetscTime(&t1));
  r->stats.t_forward = t1 - t0;
  r->stats.t_adjoint = 0;
  if (!g_rho) PetscFunctionReturn(0);
  for (size_t q = 0; q < nn; q++) r->g_node_rho[q] = r->g_node_phi[q] = 0;
  for (PetscInt a = 0; a < r->nangles; a++) {
    PetscReal beta, ramp;
    PetscCall(TkBCDIGetAngle(r->bcdi, a, &beta, &ramp));
    if (r->rank == 0) /* reuse amp[a] for g_A = 2 c (dJ/dI) A / total */
      for (size_t q = 0; q < fr; q++) r->amp[a * fr + q] *= 2 * r->det_scale * r->dJdI[a * fr + q] / r->total;
    PetscCall(PetscLogEventBegin(TK_EVENT_FFT_ADJ, 0, 0, 0, 0));
    PetscCall(TkFarFieldAmplitudeAdjoint(r->ff, g->Np, g->nlt, r->rank == 0 ? r->amp + a * fr : NULL, g->drho, g->dt, r->g_exit));
    PetscCall(PetscLogEventEnd(TK_EVENT_FFT_ADJ, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(TK_EVENT_ADJ, 0, 0, 0, 0));
    for (PetscInt l = 0; l < g->nlt; l++) {
      double complex *planes = r->store ? r->store + 2 * ((size_t)a * g->nlt + l) * g->Nm * g->Nn : r->planes;
      Ramp(g, ramp, -1, r->g_exit + (size_t)l * g->Np);
      if (!r->store) PetscCall(TkTT3DMarchSliceFields(r->tt, beta, l, NULL, r->planes));
      PetscCall(TkTT3DAdjointSliceFields(r->tt, beta, l, r->g_exit + (size_t)l * g->Np, planes, r->g_node_rho, r->g_node_phi));
    }
    PetscCall(PetscLogEventEnd(TK_EVENT_ADJ, 0, 0, 0, 0));
  }
  if (r->edge_width > 0)
    for (size_t q = 0; q < nn; q++) r->g_node_rho[q] *= r->node_drho[q];
  PetscCall(TkObjectMapApplyTranspose(r->map, r->g_node_rho, g_rho));
  if (r->linear_phase)
    PetscCall(TkObjectMapApplyTranspose(r->map, r->g_node_phi, g_psi));
  else
    PetscCall(TkObjectMapApplyPhaseTranspose(r->map, psi, r->weighted_phase ? rho : NULL, r->g_node_phi, g_psi, g_rho));
  PetscCall(PetscTime(&t2));
  r->stats.t_adjoint = t2 - t1;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelGetStats(TkReflModel r, TkReflModelStats *s)
{
  PetscFunctionBegin;
  *s = r->stats;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelGetFrames(TkReflModel r, const PetscReal **model, const PetscReal **data, const unsigned char **mask)
{
  PetscFunctionBegin;
  if (model) *model = r->model;
  if (data) *data = r->counts;
  if (mask) *mask = r->mask;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelView(TkReflModel r, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(TkBCDIView(r->bcdi, v));
  PetscCall(PetscViewerASCIIPrintf(v, "Adjoint: forward planes %s (%.3g MB per rank for all angles; -rec_store_mb %g)\n", r->store ? "kept from the forward march" : "recomputed slice by slice", 32.0 * r->g.nlt * r->g.Nm * r->g.Nn * r->nangles / 1e6,
                                   (double)r->store_mb));
  PetscCall(PetscViewerASCIIPrintf(v, "Data: %.6g counts in %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " frames; misfit %s\n", (double)r->total, r->nangles, r->N1, r->N2, TkMisfitTypes[r->type]));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflModelDestroy(TkReflModel *rm)
{
  TkReflModel r = *rm;

  PetscFunctionBegin;
  if (!r) PetscFunctionReturn(0);
  PetscCall(TkObjectMapDestroy(&r->map));
  PetscCall(PetscFree4(r->node_rho, r->node_phi, r->g_node_rho, r->g_node_phi));
  PetscCall(PetscFree(r->node_drho));
  PetscCall(PetscFree3(r->exit, r->g_exit, r->planes));
  PetscCall(PetscFree(r->store));
  PetscCall(PetscFree4(r->amp, r->inten, r->dJdI, r->model));
  PetscCall(PetscFree2(r->counts, r->mask));
  PetscCall(TkBCDIDestroy(&r->bcdi));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}
