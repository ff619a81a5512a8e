/* TkReconstruct: objective, gradient and the TAO driver (reconstruct.h, docs/reconstruct.md).

   Layout: the TAO vector x = (psi, rho) is distributed; inside the objective it is scattered to every rank (the
   object grid is small next to the TT grids), each rank marches its slices of every reflection and adds its share
   of the gradient into a full-size buffer, and one MPI_Allreduce sums the shares. The regularisers are split over
   the ranks by the ownership of x, so every term is counted once. */
#include "reconstruct_impl.h"
#include "regularization.h"
#include "options.h"
#include "atomic_file.h"

const char *const TkUnknownsTypes[] = {"phase", "u", "TkUnknowns", "TK_UNKNOWNS_", NULL};

PetscErrorCode TkReconstructCreate(MPI_Comm comm, TkReconstruct *rec)
{
  TkReconstruct r;

  PetscFunctionBegin;
  PetscCall(PetscNew(&r));
  r->comm           = comm;
  r->nrefl          = 1;
  r->floor_rel      = 1e-9;
  r->edge_width     = 1;
  r->tv_eps         = 1e-2;
  r->w_support      = 1;
  r->support_dilate = 1;
  r->max_it         = 20;
  r->twin_its       = 20;
  r->store_mb       = 1024;
  r->grid_refine    = 1;
  r->grid_coarsen   = 1;
  r->levels         = 1;
  PetscCallMPI(MPI_Comm_rank(comm, &r->rank));
  PetscCallMPI(MPI_Comm_size(comm, &r->size));
  *rec = r;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructSetFromOptions(TkReconstruct r)
{
  PetscBool set;

  PetscInt nextra = 0;

  PetscFunctionBegin;
  PetscOptionsBegin(r->comm, NULL, "Dynamical BCDI reconstruction", "TkReconstruct");
  PetscCall(PetscOptionsEnum("-rec_unknowns", "Unknowns besides the density: phase (psi = h.u of one reflection) or u (the displacement vector, for several reflections) [phase; u with -rec_extra_reflections]", "TkReconstructSetFromOptions",
                             TkUnknownsTypes, (PetscEnum)r->unknowns, (PetscEnum *)&r->unknowns, &set));
  PetscCall(PetscOptionsInt("-rec_extra_reflections", "Further reflections of the same crystal and set-up, each with -rec_r<k>_hkl and -rec_r<k>_data (k = 1, 2, ...) [0]", "TkReconstructSetFromOptions", nextra, &nextra, NULL));
  PetscCheck(nextra >= 0 && nextra < TK_REC_MAX_REFLECTIONS, r->comm, PETSC_ERR_USER_INPUT, "-rec_extra_reflections must lie between 0 and %d", TK_REC_MAX_REFLECTIONS - 1);
  PetscCheck(!(nextra > 0 && set && r->unknowns == TK_UNKNOWNS_PHASE), r->comm, PETSC_ERR_USER_INPUT, "several reflections see different phases h.u: use -rec_unknowns u with -rec_extra_reflections");
  if (nextra > 0) r->unknowns = TK_UNKNOWNS_U;
  r->nrefl = 1 + nextra;
  r->nf    = r->unknowns == TK_UNKNOWNS_U ? 4 : 2;
  for (PetscInt k = 1; k < r->nrefl; k++) {
    char      name[64];
    PetscInt  n = 3;
    PetscBool hs;
    PetscCall(PetscSNPrintf(name, sizeof(name), "-rec_r%" PetscInt_FMT "_hkl", k));
    PetscCall(PetscOptionsIntArray(name, "Miller indices of extra reflection k", "TkReconstructSetFromOptions", r->extra_hkl[k], &n, &hs));
    PetscCheck(hs && n == 3, r->comm, PETSC_ERR_USER_INPUT, "%s needs h,k,l (one per extra reflection)", name);
    PetscCall(PetscSNPrintf(name, sizeof(name), "-rec_r%" PetscInt_FMT "_data", k));
    PetscCall(PetscOptionsString(name, "CXI scan of extra reflection k", "TkReconstructSetFromOptions", r->extra_data[k], r->extra_data[k], sizeof(r->extra_data[k]), &hs));
    PetscCheck(hs && r->extra_data[k][0], r->comm, PETSC_ERR_USER_INPUT, "%s needs the CXI file of that reflection", name);
    n = 3;
    PetscCall(PetscSNPrintf(name, sizeof(name), "-rec_r%" PetscInt_FMT "_rocking_mrad", k));
    PetscCall(PetscOptionsRealArray(name, "Rocking scan of extra reflection k: start,stop,count (mrad) [that of -rocking_mrad]", "TkReconstructSetFromOptions", r->extra_rock[k], &n, &r->extra_has_rock[k]));
    PetscCheck(!r->extra_has_rock[k] || n == 3, r->comm, PETSC_ERR_USER_INPUT, "%s needs start,stop,count", name);
    n = 3;
    PetscCall(PetscSNPrintf(name, sizeof(name), "-rec_r%" PetscInt_FMT "_crystal_x", k));
    PetscCall(PetscOptionsRealArray(name, "Lattice direction along lab x for extra reflection k [as takagi bcdi chooses]", "TkReconstructSetFromOptions", r->extra_cx[k], &n, &r->extra_has_cx[k]));
    PetscCheck(!r->extra_has_cx[k] || n == 3, r->comm, PETSC_ERR_USER_INPUT, "%s needs u,v,w", name);
  }
  r->ninit_phases = TK_REC_MAX_REFLECTIONS;
  PetscCall(PetscOptionsStringArray("-rec_init_phases", "u unknowns: initial u and density combined from one single-reflection result (takagi reconstruct -o) per reflection, in the order of the reflections", "TkReconstructCombinePhases",
                                    r->init_phases, &r->ninit_phases, &set));
  if (!set) r->ninit_phases = 0;
  PetscCheck(!set || r->unknowns == TK_UNKNOWNS_U, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_phases needs -rec_unknowns u (several reflections)");
  PetscCheck(!set || r->ninit_phases == r->nrefl, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_phases needs one file per reflection (%" PetscInt_FMT "), got %" PetscInt_FMT, r->nrefl, r->ninit_phases);
  PetscCheck(!set || r->nrefl >= 3, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_phases needs at least 3 non-coplanar reflections to determine u");
  r->init_phases_align = PETSC_TRUE;
  PetscCall(PetscOptionsBool("-rec_init_phases_align", "-rec_init_phases: move each file onto the density of the first (sub-voxel) before combining the phases", "TkReconstructCombinePhases", r->init_phases_align, &r->init_phases_align, NULL));
  PetscCall(PetscOptionsEnum("-rec_misfit", "Data misfit: poisson (negative log-likelihood) or gaussian (weighted least squares) [poisson]", "TkReconstructSetFromOptions", TkMisfitTypes, (PetscEnum)r->misfit, (PetscEnum *)&r->misfit, NULL));
  PetscCall(
      PetscOptionsReal("-rec_poisson_floor", "Poisson: model floor, as a fraction of the largest count (keeps log finite; a floor of several counts biases the weak pixels) [1e-9]", "TkReconstructSetFromOptions", r->floor_rel, &r->floor_rel, NULL));
  PetscCall(PetscOptionsReal("-rec_scale", "Fixed global scale from model to counts [0: fitted at every evaluation]", "TkReconstructSetFromOptions", r->fixed_scale, &r->fixed_scale, NULL));
  PetscCall(PetscOptionsReal("-rec_tv_phase", "Weight of the smoothed total variation of psi = h.u (per voxel) [0]", "TkReconstructSetFromOptions", r->tv_phase, &r->tv_phase, NULL));
  PetscCall(PetscOptionsReal("-rec_tv_density", "Weight of the smoothed total variation of the density (per voxel) [0]", "TkReconstructSetFromOptions", r->tv_density, &r->tv_density, NULL));
  PetscCall(PetscOptionsReal("-rec_tv_eps", "Smoothing of the total variation (same units as the differences) [1e-2]", "TkReconstructSetFromOptions", r->tv_eps, &r->tv_eps, NULL));
  PetscCall(PetscOptionsReal("-rec_support_weight", "Weight of sum rho^2 outside the support (per voxel) [1]", "TkReconstructSetFromOptions", r->w_support, &r->w_support, NULL));
  PetscCall(PetscOptionsBool("-rec_phase_linear", "Interpolate psi linearly to the TT nodes and take its TV on plain differences (wrong across the 2 pi cut of a dislocation) [off: the phase of the interpolated e^(i psi), TV on wrapped differences]",
                             "TkReflModelSetPhaseInterpolation", r->linear_phase, &r->linear_phase, NULL));
  PetscCall(PetscOptionsBool("-rec_phase_weighted", "Node phase = arg(P (rho e^(i psi))): the phases of empty grid points do not reach the crystal's surface nodes [off: arg(P e^(i psi))]", "TkReflModelSetPhaseWeighting", r->weighted_phase,
                             &r->weighted_phase, NULL));
  PetscCall(PetscOptionsReal("-rec_density_edge",
                             "Node density = smoothstep of the interpolated density over [1/2 - w/2, 1/2 + w/2]: sharp crystal surfaces placed between grid points (the grid density acts as a level set; 0: the interpolated density itself) [1]",
                             "TkReflModelSetDensityEdge", r->edge_width, &r->edge_width, NULL));
  PetscCall(PetscOptionsInt("-rec_grid_refine", "Object grid step = the TT step / k (k^3 more unknowns; the forward model's cost is that of the TT grid) [1]", "TkReconstructSetUp", r->grid_refine, &r->grid_refine, NULL));
  PetscCall(PetscOptionsInt("-rec_grid_n", "Object grid points per axis over the default grid's extent (fewer: a coarser parameterisation, e.g. a coarse-to-fine stage) [0: the default, one point per TT step]", "TkReconstructSetUp", r->grid_n,
                            &r->grid_n, NULL));
  PetscCall(PetscOptionsInt("-rec_levels", "Coarse to fine: L stages, the object grid step 2^(L-1), ..., 2, 1 times the default, each started from the last [1]", "TkReconstructSetLevel", r->levels, &r->levels, NULL));
  r->level_its = -1;
  PetscCall(PetscOptionsInt("-rec_level_its", "Coarse to fine: TAO iterations of each coarse stage [-tao_max_it]", "TkReconstructSetLevel", r->level_its, &r->level_its, NULL));
  PetscCall(PetscOptionsInt("-rec_support_dilate", "Grow the initial support by this many voxels for the support penalty [1]", "TkReconstructSetFromOptions", r->support_dilate, &r->support_dilate, NULL));
  PetscCall(PetscOptionsString("-init", "Initial object: HDF5 grid file with phase_hu and support (takagi bcdi -object, takagi reconstruct -o) [the -shape support, psi = 0]", "TkReconstructSetUp", r->init, r->init, sizeof(r->init), NULL));
  {
    const char *const twins[] = {"no", "yes", "auto"};
    PetscCall(PetscOptionsEList("-rec_init_twin", "-init: start from the object (no), from its twin conj psi(-r) (yes), or try both (auto: -rec_init_twin_its iterations from each, the lower objective goes on; for takagi phase -object_lab results)",
                                "TkReconstructSolve", twins, 3, twins[r->init_twin], &r->init_twin, NULL));
  }
  PetscCall(PetscOptionsInt("-rec_init_twin_its", "-rec_init_twin auto: iterations from each of the two starts [20]", "TkReconstructSolve", r->twin_its, &r->twin_its, NULL));
  PetscCheck(r->twin_its >= 1, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_twin_its %" PetscInt_FMT ": give at least 1 iteration", r->twin_its);
  PetscCall(PetscOptionsReal("-rec_init_envelope", "-init: the density from the data's autocorrelation support above this fraction of its maximum (e.g. 1e-3; for crystals many extinction depths thick), the -init phase kept [0: off]",
                             "TkReconstructSetUp", r->envelope, &r->envelope, NULL));
  PetscCheck(r->envelope >= 0 && r->envelope < 1, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_envelope %g: give a fraction of the autocorrelation maximum in [0, 1) (e.g. 1e-3)", (double)r->envelope);
  PetscCheck((r->init_twin == TK_INIT_TWIN_NO && r->envelope == 0) || r->init[0], r->comm, PETSC_ERR_USER_INPUT, "-rec_init_twin and -rec_init_envelope act on the -init object: give -init (e.g. a takagi phase -object_lab file)");
  PetscCall(PetscOptionsString("-truth", "True object (takagi bcdi -object) for the phase error and the plot", "TkReconstructWrite", r->truth, r->truth, sizeof(r->truth), NULL));
  PetscCall(PetscOptionsString("-restart", "Resume from this checkpoint (same problem: data, geometry, objective options)", "TkReconstructSetUp", r->restart, r->restart, sizeof(r->restart), NULL));
  PetscCall(PetscOptionsString("-rec_checkpoint", "Checkpoint file (HDF5) [<-o without extension>.checkpoint.h5]", "TkReconstructSolve", r->checkpoint, r->checkpoint, sizeof(r->checkpoint), NULL));
  PetscCall(PetscOptionsInt("-rec_checkpoint_every", "Write a checkpoint every N iterations; the quasi-Newton memory restarts with each block of N [0: none]", "TkReconstructSolve", r->checkpoint_every, &r->checkpoint_every, NULL));
  PetscCall(PetscOptionsReal("-rec_store_mb", "Memory per rank (MB) for keeping the forward planes of all angles for the adjoint; beyond it they are marched again [1024]", "TkReflModelSetStorage", r->store_mb, &r->store_mb, NULL));
  PetscCall(PetscOptionsBool("-rec_check_gradient", "Check the gradient (Taylor test, central differences) and stop", "TkReconstructCheckGradient", r->check_gradient, &r->check_gradient, NULL));
  PetscCall(PetscOptionsBool("-progress", "Print a line per iteration [on]", "TkReconstructSolve", PETSC_TRUE, &r->progress, &set));
  if (!set) r->progress = PETSC_TRUE;
  PetscCall(PetscOptionsString("-o", "Output HDF5 (+ XDMF) of the object on the lab grid: phase_hu, density, support, strain_h", "TkReconstructWrite", r->output, r->output, sizeof(r->output), NULL));
  PetscCall(PetscOptionsString("-cxi", "Output CXI image of the object (/entry_1/image_1/data = rho e^{i psi})", "TkReconstructWrite", r->cxi, r->cxi, sizeof(r->cxi), NULL));
  PetscCall(PetscOptionsString("-plot", "PNG of central slices (truth, initial, result with -truth) and the misfit", "TkReconstructWrite", r->plot, r->plot, sizeof(r->plot), NULL));
  PetscOptionsEnd();
  PetscCheck(r->floor_rel >= 0 && !PetscIsInfOrNanReal(r->floor_rel), r->comm, PETSC_ERR_USER_INPUT, "-rec_poisson_floor must be a number >= 0");
  PetscCheck(r->fixed_scale >= 0 && !PetscIsInfOrNanReal(r->fixed_scale), r->comm, PETSC_ERR_USER_INPUT, "-rec_scale must be a number >= 0");
  PetscCheck(r->tv_phase >= 0 && r->tv_density >= 0 && r->w_support >= 0 && !PetscIsInfOrNanReal(r->tv_phase + r->tv_density + r->w_support), r->comm, PETSC_ERR_USER_INPUT,
             "regularisation weights (-rec_tv_phase, -rec_tv_density, -rec_support_weight) must be numbers >= 0");
  PetscCheck(r->edge_width >= 0 && r->edge_width <= 1, r->comm, PETSC_ERR_USER_INPUT, "-rec_density_edge must lie in [0, 1] (the smoothstep's width in density; 0: linear interpolation)");
  PetscCheck(r->tv_eps > 0 && !PetscIsInfOrNanReal(r->tv_eps), r->comm, PETSC_ERR_USER_INPUT, "-rec_tv_eps must be > 0");
  PetscCheck(r->grid_refine >= 1 && r->grid_refine <= 8, r->comm, PETSC_ERR_USER_INPUT, "-rec_grid_refine must be 1 ... 8");
  PetscCheck(r->grid_n == 0 || (r->grid_n >= 4 && r->grid_n <= 4096), r->comm, PETSC_ERR_USER_INPUT, "-rec_grid_n must lie between 4 and 4096 points per axis (0: the default grid)");
  PetscCheck(r->grid_n == 0 || r->grid_refine == 1, r->comm, PETSC_ERR_USER_INPUT, "-rec_grid_n and -rec_grid_refine both set the object grid: give one of them");
  PetscCheck(r->levels >= 1 && r->levels <= 6, r->comm, PETSC_ERR_USER_INPUT, "-rec_levels must lie between 1 and 6");
  PetscCheck(r->level_its >= -1, r->comm, PETSC_ERR_USER_INPUT, "-rec_level_its must be >= 0");
  if (r->levels > 1) {
    PetscCheck(r->output[0], r->comm, PETSC_ERR_USER_INPUT, "-rec_levels needs -o (each coarse stage writes <-o>.level<l>.h5 for the next)");
    PetscCheck(r->grid_n == 0 && r->grid_refine == 1, r->comm, PETSC_ERR_USER_INPUT, "-rec_levels sets the object grid of each stage: drop -rec_grid_n / -rec_grid_refine");
    PetscCheck(!r->restart[0] && r->checkpoint_every == 0, r->comm, PETSC_ERR_USER_INPUT, "-rec_levels does not combine with -restart or -rec_checkpoint_every (run the stages as separate runs with -init to checkpoint them)");
    PetscCheck(!r->check_gradient, r->comm, PETSC_ERR_USER_INPUT, "-rec_check_gradient checks one grid: drop -rec_levels");
  }
  PetscCheck(r->store_mb >= 0 && !PetscIsInfOrNanReal(r->store_mb), r->comm, PETSC_ERR_USER_INPUT, "-rec_store_mb must be a number >= 0");
  PetscCheck(r->checkpoint_every >= 0, r->comm, PETSC_ERR_USER_INPUT, "-rec_checkpoint_every must be >= 0");
  PetscCheck(r->support_dilate >= 0 && r->support_dilate < 100, r->comm, PETSC_ERR_USER_INPUT, "-rec_support_dilate must lie between 0 and 99");
  {
    /* the TAO options are read now so that a misspelt one is reported before any work */
    Tao tao;
    PetscCall(TaoCreate(r->comm, &tao));
    PetscCall(TaoSetType(tao, TAOBLMVM));
    PetscCall(TaoSetMaximumIterations(tao, r->max_it));
    PetscCall(TaoSetFromOptions(tao));
    PetscCall(TaoGetMaximumIterations(tao, &r->max_it));
    {
      TaoType type;
      PetscCall(TaoGetType(tao, &type));
      PetscCall(PetscStrncpy(r->tao_type, type, sizeof(r->tao_type)));
    }
    PetscCall(TaoDestroy(&tao));
    /* read by TAO only inside TaoSolve */
    PetscCall(PetscOptionsHasName(NULL, NULL, "-tao_test_gradient", &set));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-tao_test_gradient_view", &set));
  }
  /* every reflection takes the geometry options of takagi bcdi; the extra ones then their own hkl and data */
  for (PetscInt k = 0; k < r->nrefl; k++) {
    PetscCall(TkReflModelCreate(r->comm, &r->refl[k]));
    PetscCall(TkBCDIDataCreate(r->comm, &r->data[k]));
    PetscCall(TkReflModelSetFromOptions(r->refl[k]));
    PetscCall(TkBCDIDataSetFromOptions(r->data[k]));
    if (k > 0) {
      TkBCDI b;
      PetscCall(TkReflModelGetBCDI(r->refl[k], &b));
      PetscCall(TkBCDISetReflection(b, r->extra_hkl[k], r->extra_has_cx[k] ? r->extra_cx[k] : NULL, r->extra_has_rock[k] ? r->extra_rock[k] : NULL));
      PetscCall(TkBCDIDataSetFile(r->data[k], r->extra_data[k]));
    }
  }
  if (r->output[0] && !r->checkpoint[0] && r->checkpoint_every > 0) {
    char *dot;
    PetscCall(PetscStrncpy(r->checkpoint, r->output, sizeof(r->checkpoint)));
    dot = strrchr(r->checkpoint, '.');
    if (dot && !strchr(dot, '/')) *dot = 0;
    PetscCall(PetscStrlcat(r->checkpoint, ".checkpoint.h5", sizeof(r->checkpoint)));
  }
  PetscCheck(!r->plot[0] || r->output[0], r->comm, PETSC_ERR_USER_INPUT, "-plot needs -o (the plot reads the object file)");
  PetscCheck(r->checkpoint_every == 0 || r->checkpoint[0], r->comm, PETSC_ERR_USER_INPUT, "-rec_checkpoint_every needs -rec_checkpoint FILE or -o");
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructGetLevels(TkReconstruct r, PetscInt *levels, PetscInt *level_its)
{
  PetscFunctionBegin;
  *levels    = r->levels;
  *level_its = r->level_its < 0 ? r->max_it : r->level_its;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructSetLevel(TkReconstruct r, PetscInt c, const char init[], const char output[], PetscInt max_it)
{
  PetscFunctionBegin;
  PetscCheck(c >= 1, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "coarsening factor must be >= 1");
  r->grid_coarsen = c;
  if (init) {
    PetscCall(PetscStrncpy(r->init, init, sizeof(r->init)));
    r->ninit_phases = 0; /* -rec_init_phases, the twin and the envelope start the first stage only */
    r->init_twin    = TK_INIT_TWIN_NO;
    r->envelope     = 0;
  }
  if (output) {
    PetscCall(PetscStrncpy(r->output, output, sizeof(r->output)));
    r->cxi[0] = r->plot[0] = 0;
  }
  if (max_it >= 0) r->max_it = max_it;
  PetscFunctionReturn(0);
}

/* grow a 0/1 mask by one voxel along each axis, d times */
static PetscErrorCode Dilate(const TkGrid *g, unsigned char *m, PetscInt d)
{
  const PetscInt64 nx = g->nx, ny = g->ny, nz = g->nz, n = nx * ny * nz;
  unsigned char   *tmp;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &tmp));
  for (PetscInt it = 0; it < d; it++) {
    PetscCall(PetscArraycpy(tmp, m, n));
    for (PetscInt64 q = 0; q < n; q++) {
      if (tmp[q]) continue;
      const PetscInt64 ix = q % nx, iy = (q / nx) % ny, iz = q / (nx * ny);
      if ((ix > 0 && tmp[q - 1]) || (ix + 1 < nx && tmp[q + 1]) || (iy > 0 && tmp[q - nx]) || (iy + 1 < ny && tmp[q + nx]) || (iz > 0 && tmp[q - nx * ny]) || (iz + 1 < nz && tmp[q + nx * ny])) m[q] = 1;
    }
  }
  PetscCall(PetscFree(tmp));
  PetscFunctionReturn(0);
}

/* the start x and the support of the penalty (the start's density > 0.5, dilated) from fields (nf nvox, on every rank) */
static PetscErrorCode SetStart(TkReconstruct r, const PetscReal *fields)
{
  const PetscReal *rho = fields + (r->nf - 1) * r->nvox;
  PetscScalar     *xa;
  PetscInt         lo, hi;

  PetscFunctionBegin;
  for (PetscInt64 q = 0; q < r->nvox; q++) r->support[q] = rho[q] > 0.5;
  PetscCall(Dilate(&r->grid, r->support, r->support_dilate));
  PetscCall(VecGetOwnershipRange(r->x, &lo, &hi));
  PetscCall(VecGetArray(r->x, &xa));
  for (PetscInt k = lo; k < hi; k++) xa[k - lo] = fields[k];
  PetscCall(VecRestoreArray(r->x, &xa));
  PetscFunctionReturn(0);
}

/* the start becomes the twin of x0 (initial_object.c): x0, x, the support of the penalty and the fingerprint, which
   hashes that support */
PetscErrorCode TkReconstructTwinStart(TkReconstruct r)
{
  PetscReal         *fields;
  const PetscScalar *xa;

  PetscFunctionBegin;
  PetscCall(VecScatterBegin(r->toall, r->x0, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(r->toall, r->x0, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(PetscMalloc1(r->nf * r->nvox, &fields));
  PetscCall(VecGetArrayRead(r->xall, &xa));
  PetscCall(PetscArraycpy(fields, xa, r->nf * r->nvox));
  PetscCall(VecRestoreArrayRead(r->xall, &xa));
  PetscCall(TkReconstructTwinFields(r, fields));
  PetscCall(SetStart(r, fields));
  PetscCall(PetscFree(fields));
  PetscCall(VecCopy(r->x, r->x0));
  r->twinned = (PetscBool)!r->twinned;
  PetscCall(TkReconstructFingerprint(r));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructSetUp(TkReconstruct r)
{
  PetscReal *fields, *rho;
  PetscInt   lo, hi;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < r->nrefl; k++) {
    PetscCall(TkReflModelSetUp(r->refl[k]));
    PetscCall(TkReflModelSetMisfit(r->refl[k], r->misfit, r->floor_rel, r->fixed_scale));
    PetscCall(TkReflModelSetStorage(r->refl[k], r->store_mb));
    PetscCall(TkReflModelSetPhaseInterpolation(r->refl[k], r->linear_phase));
    PetscCall(TkReflModelSetDensityEdge(r->refl[k], r->edge_width));
    PetscCall(TkReflModelSetPhaseWeighting(r->refl[k], r->weighted_phase));
  }
  {
    TkBCDI b;
    PetscCall(TkReflModelGetBCDI(r->refl[0], &b));
    PetscCall(TkBCDIGetObjectGrid(b, &r->grid));
    /* -rec_grid_refine k: k - 1 more points between the TT-step points, same extent */
    r->grid.nx = (r->grid.nx - 1) * r->grid_refine + 1;
    r->grid.ny = (r->grid.ny - 1) * r->grid_refine + 1;
    r->grid.nz = (r->grid.nz - 1) * r->grid_refine + 1;
    for (int a = 0; a < 3; a++) r->grid.spacing[a] /= r->grid_refine;
    /* a coarse-to-fine stage: about (N0 - 1)/c + 1 points over the same extent */
    if (r->grid_coarsen > 1) r->grid_n = PetscMax(4, (r->grid.nx - 1 + r->grid_coarsen - 1) / r->grid_coarsen + 1);
    /* -rec_grid_n N: N points over the same extent (the corners stay, the step is extent / (N - 1)) */
    if (r->grid_n) {
      const PetscInt n[3] = {r->grid.nz, r->grid.ny, r->grid.nx};
      for (int a = 0; a < 3; a++) r->grid.spacing[a] *= (PetscReal)(n[a] - 1) / (r->grid_n - 1);
      r->grid.nx = r->grid.ny = r->grid.nz = r->grid_n;
    }
  }
  r->nvox = (PetscInt64)r->grid.nx * r->grid.ny * r->grid.nz;
  {
    /* reflection k's lab frame -> the grid's (reflection 0's lab frame): R_k = U_0 U_k^T; h_k there: R_k h_k,lab */
    const TkBraggFrame *f0;
    TkTT3D              tt;
    TkBCDI              b;
    PetscCall(TkReflModelGetBCDI(r->refl[0], &b));
    PetscCall(TkBCDIGetSolver(b, &tt, &f0));
    for (PetscInt k = 0; k < r->nrefl; k++) {
      const TkBraggFrame *fk;
      PetscCall(TkReflModelGetBCDI(r->refl[k], &b));
      PetscCall(TkBCDIGetSolver(b, &tt, &fk));
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          r->rot[k][3 * i + j] = 0;
          for (int l = 0; l < 3; l++) r->rot[k][3 * i + j] += f0->U[i][l] * fk->U[j][l];
        }
      for (int i = 0; i < 3; i++) r->gvec[k][i] = 1e-9 * (r->rot[k][3 * i] * fk->hlab[0] + r->rot[k][3 * i + 1] * fk->hlab[1] + r->rot[k][3 * i + 2] * fk->hlab[2]);
    }
  }
  for (PetscInt k = 0; k < r->nrefl; k++) {
    PetscCall(TkReflModelSetData(r->refl[k], r->data[k]));
    PetscCall(TkReflModelSetObjectGrid(r->refl[k], &r->grid, k ? r->rot[k] : NULL));
  }
  /* initial object on every rank, then the TAO vectors */
  PetscCall(PetscCalloc1(r->nf * r->nvox, &fields));
  PetscCall(PetscMalloc1(r->nvox, &r->support));
  rho = fields + (r->nf - 1) * r->nvox;
  PetscCheck(!(r->init[0] && r->ninit_phases), r->comm, PETSC_ERR_USER_INPUT, "give either -init or -rec_init_phases");
  if (r->ninit_phases)
    PetscCall(TkReconstructCombinePhases(r, fields));
  else if (r->init[0]) {
    PetscCall(TkReconstructReadInit(r, r->init, fields));
    if (r->envelope > 0) PetscCall(TkReconstructEnvelope(r, r->envelope, rho));
    if (r->init_twin == TK_INIT_TWIN_YES) PetscCall(TkReconstructTwinFields(r, fields));
  } else {
    TkBCDI  b;
    TkShape shape;
    PetscCall(TkReflModelGetBCDI(r->refl[0], &b));
    PetscCall(TkBCDIGetShape(b, &shape));
    for (PetscInt64 q = 0; q < r->nvox; q++) {
      const PetscInt64 ix = q % r->grid.nx, iy = (q / r->grid.nx) % r->grid.ny, iz = q / ((PetscInt64)r->grid.nx * r->grid.ny);
      const PetscReal  x[3] = {r->grid.origin[2] + ix * r->grid.spacing[2], r->grid.origin[1] + iy * r->grid.spacing[1], r->grid.origin[0] + iz * r->grid.spacing[0]};
      rho[q]                = TkShapeInside(shape, x) ? 1 : 0;
    }
  }
  PetscCall(VecCreateMPI(r->comm, PETSC_DECIDE, r->nf * r->nvox, &r->x));
  PetscCall(VecDuplicate(r->x, &r->xl));
  PetscCall(VecDuplicate(r->x, &r->xu));
  PetscCall(VecScatterCreateToAll(r->x, &r->toall, &r->xall));
  PetscCall(VecGetOwnershipRange(r->x, &lo, &hi));
  {
    PetscScalar *la, *ua;
    PetscCall(VecGetArray(r->xl, &la));
    PetscCall(VecGetArray(r->xu, &ua));
    for (PetscInt k = lo; k < hi; k++) {
      const PetscBool isrho = (PetscBool)(k >= (r->nf - 1) * r->nvox);
      la[k - lo]            = isrho ? 0 : PETSC_NINFINITY;
      ua[k - lo]            = isrho ? 1 : PETSC_INFINITY;
    }
    PetscCall(VecRestoreArray(r->xl, &la));
    PetscCall(VecRestoreArray(r->xu, &ua));
  }
  PetscCall(SetStart(r, fields));
  PetscCall(PetscFree(fields));
  if (r->unknowns == TK_UNKNOWNS_U) PetscCall(PetscMalloc2(r->nvox, &r->psik, r->nvox, &r->gpsik));
  PetscCall(PetscMalloc1(r->nf * r->nvox, &r->gbuf));
  PetscCall(VecDuplicate(r->x, &r->x0));
  PetscCall(VecCopy(r->x, r->x0));
  PetscCall(TkReconstructFingerprint(r));
  if (r->restart[0]) PetscCall(TkReconstructCheckpointRead(r, r->restart));
  if (r->output[0]) PetscCall(TkCheckWritable(r->comm, r->output));
  if (r->cxi[0]) PetscCall(TkCheckWritable(r->comm, r->cxi));
  if (r->plot[0]) PetscCall(TkCheckWritable(r->comm, r->plot));
  if (r->checkpoint[0]) PetscCall(TkCheckWritable(r->comm, r->checkpoint));
  PetscFunctionReturn(0);
}

void TkReconstructPhase(TkReconstruct r, PetscInt k, const PetscReal *x, PetscReal *psi)
{
  const PetscReal *g = r->gvec[k];
  if (r->unknowns == TK_UNKNOWNS_PHASE) {
    for (PetscInt64 q = 0; q < r->nvox; q++) psi[q] = x[q];
    return;
  }
  for (PetscInt64 q = 0; q < r->nvox; q++) psi[q] = g[0] * x[q] + g[1] * x[r->nvox + q] + g[2] * x[2 * r->nvox + q];
}

PetscErrorCode TkReconstructComputeObjective(TkReconstruct r, Vec x, PetscReal *J, Vec g)
{
  const PetscScalar *xa;
  PetscInt           lo, hi;
  PetscReal          sums[2] = {0, 0}; /* misfit, regularisers */
  const PetscInt64   nv      = r->nvox;

  PetscFunctionBegin;
  PetscCall(VecScatterBegin(r->toall, x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(r->toall, x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(r->xall, &xa));
  PetscCall(VecGetOwnershipRange(x, &lo, &hi));
  const PetscReal *rho  = xa + (r->nf - 1) * nv;
  PetscReal       *grho = r->gbuf + (r->nf - 1) * nv;
  if (g)
    for (PetscInt64 q = 0; q < r->nf * nv; q++) r->gbuf[q] = 0;
  r->t_forward = r->t_adjoint = 0;
  for (PetscInt k = 0; k < r->nrefl; k++) {
    PetscReal        m;
    TkReflModelStats st;
    if (r->unknowns == TK_UNKNOWNS_PHASE)
      PetscCall(TkReflModelEvaluate(r->refl[k], rho, xa, &m, g ? grho : NULL, g ? r->gbuf : NULL));
    else {
      /* psi_k = h_k . u, and back: g_u += h_k g_psi_k */
      TkReconstructPhase(r, k, xa, r->psik);
      if (g)
        for (PetscInt64 q = 0; q < nv; q++) r->gpsik[q] = 0;
      PetscCall(TkReflModelEvaluate(r->refl[k], rho, r->psik, &m, g ? grho : NULL, g ? r->gpsik : NULL));
      if (g)
        for (int c = 0; c < 3; c++)
          for (PetscInt64 q = 0; q < nv; q++) r->gbuf[c * nv + q] += r->gvec[k][c] * r->gpsik[q];
    }
    PetscCall(TkReflModelGetStats(r->refl[k], &st));
    r->t_forward += st.t_forward;
    r->t_adjoint += st.t_adjoint;
    sums[0] += m; /* identical on every rank */
  }
  {
    /* this rank's share of the regularisers: voxels of its ownership range of x, normalised per voxel; the phase
       (or each u component, in nm) and the density */
    const PetscReal per = 1.0 / (PetscReal)nv;
    PetscReal       reg = 0;
    for (PetscInt f = 0; f < r->nf; f++) {
      const PetscInt64 q0 = PetscMax(lo, f * nv) - f * nv, q1 = PetscMin(hi, (f + 1) * nv) - f * nv;
      if (q1 <= q0) continue;
      if (f < r->nf - 1)
        reg += TkTotalVariationPeriodic(&r->grid, xa + f * nv, r->unknowns == TK_UNKNOWNS_PHASE && !r->linear_phase ? 2 * PETSC_PI : 0, r->tv_eps, r->tv_phase * per, q0, q1, g ? r->gbuf + f * nv : NULL);
      else {
        reg += TkTotalVariation(&r->grid, rho, r->tv_eps, r->tv_density * per, q0, q1, g ? grho : NULL);
        reg += TkSupportPenalty(&r->grid, rho, r->support, r->w_support * per, q0, q1, g ? grho : NULL);
      }
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &reg, 1, MPIU_REAL, MPI_SUM, r->comm));
    sums[1] = reg;
  }
  PetscCall(VecRestoreArrayRead(r->xall, &xa));
  if (g) {
    PetscScalar *ga;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, r->gbuf, (PetscMPIInt)(r->nf * nv), MPIU_REAL, MPI_SUM, r->comm));
    PetscCall(VecGetArray(g, &ga));
    for (PetscInt k = lo; k < hi; k++) ga[k - lo] = r->gbuf[k];
    PetscCall(VecRestoreArray(g, &ga));
  }
  r->misfit_sum = sums[0];
  r->reg_sum    = sums[1];
  r->J          = sums[0] + sums[1];
  r->nevals++;
  *J = r->J;
  PetscFunctionReturn(0);
}

static PetscErrorCode FormFunctionGradient(Tao tao, Vec x, PetscReal *f, Vec g, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(TkReconstructComputeObjective((TkReconstruct)ctx, x, f, g));
  PetscFunctionReturn(0);
}

static PetscErrorCode FormFunction(Tao tao, Vec x, PetscReal *f, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(TkReconstructComputeObjective((TkReconstruct)ctx, x, f, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode Monitor(Tao tao, void *ctx)
{
  TkReconstruct      r = (TkReconstruct)ctx;
  PetscInt           it;
  PetscReal          f, gnorm, cnorm, xdiff;
  TaoConvergedReason reason;
  PetscLogDouble     now;

  PetscFunctionBegin;
  PetscCall(TaoGetSolutionStatus(tao, &it, &f, &gnorm, &cnorm, &xdiff, &reason));
  r->gnorm = gnorm;
  if (it == 0 && r->it_offset > 0) PetscFunctionReturn(0); /* the first point of a later block is the last of the previous */
  PetscCall(PetscTime(&now));
  if (r->progress) {
    const PetscInt  done = r->it_run + it, left = r->max_it - r->it_offset - it + r->it_extra;
    const PetscReal per     = done > 0 ? (now - r->t_start) / done : 0;
    char            err[96] = "";
    if (r->truth[0]) {
      const PetscReal *xa;
      Vec              x;
      PetscReal        es, ei;
      PetscCall(TaoGetSolution(tao, &x));
      PetscCall(VecScatterBegin(r->toall, x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(r->toall, x, r->xall, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecGetArrayRead(r->xall, &xa));
      PetscCall(TkReconstructTruthError(r, xa, &es, &ei));
      PetscCall(VecRestoreArrayRead(r->xall, &xa));
      PetscCall(PetscSNPrintf(err, sizeof(err), "  phase error %.4f (interior %.4f) rad", (double)es, (double)ei));
    }
    PetscCall(PetscPrintf(r->comm, "reconstruct: it %3" PetscInt_FMT "  J %.10e  misfit %.6e  |g| %.3e  %.1f s  ETA %.0f s%s\n", r->it_offset + it, (double)f, (double)r->misfit_sum, (double)gnorm, now - r->t_start, (double)(per * left), err));
  }
  r->t_last = now;
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateTao(TkReconstruct r, PetscInt max_it, Tao *tao)
{
  PetscFunctionBegin;
  PetscCall(TaoCreate(r->comm, tao));
  PetscCall(TaoSetType(*tao, TAOBLMVM));
  PetscCall(TaoSetSolution(*tao, r->x));
  PetscCall(TaoSetObjective(*tao, FormFunction, r)); /* line searches and finite differences need no gradient */
  PetscCall(TaoSetObjectiveAndGradient(*tao, NULL, FormFunctionGradient, r));
  PetscCall(TaoSetVariableBounds(*tao, r->xl, r->xu));
  PetscCall(TaoSetMonitor(*tao, Monitor, r, NULL));
  PetscCall(TaoSetMaximumIterations(*tao, max_it));
  PetscCall(TaoSetFromOptions(*tao));
  PetscCall(TaoSetMaximumIterations(*tao, max_it)); /* the block length, whatever -tao_max_it (the total) says */
  PetscFunctionReturn(0);
}

/* -rec_init_twin auto: -rec_init_twin_its iterations from the start and as many from its twin; the lower objective
   goes on (its iterations count). The objective at the start does not decide: the misfit of the kinematic start is
   dominated by what kinematic retrieval gets wrong, not by the twin (docs/reconstruct.md, "Starting from takagi
   phase"). */
static PetscErrorCode TwinTrial(TkReconstruct r)
{
  const PetscInt n = PetscMin(r->twin_its, r->max_it);
  PetscReal      J[2], gnorm, cnorm, xdiff;
  PetscInt       its[2];
  Vec            xd;

  PetscFunctionBegin;
  for (int c = 0; c < 2; c++) {
    Tao                tao;
    TaoConvergedReason reason;
    PetscCall(PetscPrintf(r->comm, "Twin trial (-rec_init_twin auto): %" PetscInt_FMT " iterations from %s\n", n, c ? "its twin" : "the -init object"));
    r->it_extra = c ? 0 : n; /* the ETA: the twin's trial is still to come */
    if (c) {
      PetscCall(VecDuplicate(r->x, &xd));
      PetscCall(VecCopy(r->x, xd));
      PetscCall(TkReconstructTwinStart(r));
    }
    PetscCall(CreateTao(r, n, &tao));
    PetscCall(TaoSolve(tao));
    PetscCall(TaoGetSolutionStatus(tao, &its[c], &J[c], &gnorm, &cnorm, &xdiff, &reason));
    PetscCall(TaoDestroy(&tao));
    r->it_run += its[c];
  }
  if (J[0] <= J[1]) {
    PetscCall(TkReconstructTwinStart(r)); /* back to the -init object, then its iterate */
    PetscCall(VecCopy(xd, r->x));
  }
  PetscCall(VecDestroy(&xd));
  r->it_offset += its[J[0] <= J[1] ? 0 : 1];
  PetscCall(PetscPrintf(r->comm, "Twin trial: objective after %" PetscInt_FMT " iterations %.8e from the -init object, %.8e from its twin (ratio %.3f): continuing from the %s\n", n, (double)J[0], (double)J[1], (double)(J[1] / J[0]),
                        J[0] <= J[1] ? "-init object" : "twin"));
  if (r->checkpoint_every > 0) PetscCall(TkReconstructCheckpointWrite(r, r->it_offset));
  PetscFunctionReturn(0);
}

/* Iterations run in blocks of -rec_checkpoint_every (one block without it), each a fresh TaoSolve from the current x:
   a restart from a block's checkpoint repeats the remaining blocks exactly. */
PetscErrorCode TkReconstructSolve(TkReconstruct r)
{
  PetscFunctionBegin;
  PetscCall(PetscTime(&r->t_start));
  r->it_offset = r->it_done;
  r->it_run = r->it_extra = 0;
  r->reason               = TAO_CONTINUE_ITERATING;
  if (r->init_twin == TK_INIT_TWIN_AUTO && r->it_done == 0 && r->max_it > 0) PetscCall(TwinTrial(r));
  while (r->it_offset < r->max_it) {
    const PetscInt block = r->checkpoint_every > 0 ? PetscMin(r->checkpoint_every, r->max_it - r->it_offset) : r->max_it - r->it_offset;
    Tao            tao;
    PetscInt       its;
    PetscCall(CreateTao(r, block, &tao));
    PetscCall(TaoSolve(tao));
    PetscCall(TaoGetIterationNumber(tao, &its));
    PetscCall(TaoGetConvergedReason(tao, &r->reason));
    PetscCall(TaoDestroy(&tao));
    r->it_offset += its;
    r->it_run += its;
    if (r->checkpoint_every > 0) PetscCall(TkReconstructCheckpointWrite(r, r->it_offset));
    if (r->reason != TAO_DIVERGED_MAXITS || its == 0) break;
  }
  r->it_done = r->it_offset;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructCheckGradient(TkReconstruct r, PetscBool *done)
{
  Vec       g, d, xp;
  PetscReal J0, gd, Jp;
  PetscInt  lo, hi;

  PetscFunctionBegin;
  *done = r->check_gradient;
  if (!r->check_gradient) PetscFunctionReturn(0);
  PetscCall(VecDuplicate(r->x, &g));
  PetscCall(VecDuplicate(r->x, &d));
  PetscCall(VecDuplicate(r->x, &xp));
  /* a reproducible direction whatever the number of ranks: a hash of the global index */
  PetscCall(VecGetOwnershipRange(d, &lo, &hi));
  {
    PetscScalar *da;
    PetscCall(VecGetArray(d, &da));
    for (PetscInt k = lo; k < hi; k++) {
      unsigned long long h = 1469598103934665603ULL ^ (unsigned long long)k;
      h *= 1099511628211ULL, h ^= h >> 29, h *= 0xbf58476d1ce4e5b9ULL, h ^= h >> 32;
      da[k - lo] = (PetscReal)(h % 2000001) / 1000000.0 - 1.0;
    }
    PetscCall(VecRestoreArray(d, &da));
  }
  PetscCall(TkReconstructComputeObjective(r, r->x, &J0, g));
  PetscCall(PetscPrintf(r->comm, "check: J %.17e misfit %.17e  (forward %.3g s, adjoint %.3g s, adjoint/forward %.2f)\n", (double)J0, (double)r->misfit_sum, r->t_forward, r->t_adjoint, r->t_adjoint / r->t_forward));
  {
    PetscReal gn;
    PetscCall(VecNorm(g, NORM_2, &gn));
    PetscCall(PetscPrintf(r->comm, "check: gradient norm %.17e\n", (double)gn));
  }
  PetscCall(VecDot(g, d, &gd));
  for (int e = 1; e <= 8; e++) {
    const PetscReal eps = PetscPowReal(10.0, -e);
    PetscCall(VecWAXPY(xp, eps, d, r->x));
    PetscCall(TkReconstructComputeObjective(r, xp, &Jp, NULL));
    PetscCall(PetscPrintf(r->comm, "taylor: eps %.1e  |dJ| %.6e  |dJ - eps g.d| %.6e\n", (double)eps, (double)PetscAbsReal(Jp - J0), (double)PetscAbsReal(Jp - J0 - eps * gd)));
  }
  /* central differences of a few components: psi at the grid centre and its neighbours; rho at the centre and at the
     support's edge along the central x row (where -rec_density_edge leaves a density gradient) */
  {
    const PetscInt64 c = (r->grid.nz / 2 * (PetscInt64)r->grid.ny + r->grid.ny / 2) * r->grid.nx + r->grid.nx / 2;
    const PetscInt64 R = (r->nf - 1) * r->nvox, L = (r->nf - 2) * r->nvox; /* the density, the last phase/u field */
    PetscInt64       e = c;
    while (e + 1 < c - r->grid.nx / 2 + r->grid.nx && r->support[e + 1]) e++;
    const PetscInt64 comp[6] = {c, L + c + 1, L + c + r->grid.nx + 2, R + c, R + e - 1, R + e};
    const PetscReal  h       = 1e-4;
    for (int k = 0; k < 6; k++) {
      PetscReal Jm, gk = 0;
      PetscCall(VecCopy(r->x, xp));
      if (comp[k] >= lo && comp[k] < hi) PetscCall(VecSetValue(xp, comp[k], h, ADD_VALUES));
      PetscCall(VecAssemblyBegin(xp));
      PetscCall(VecAssemblyEnd(xp));
      PetscCall(TkReconstructComputeObjective(r, xp, &Jp, NULL));
      PetscCall(VecCopy(r->x, xp));
      if (comp[k] >= lo && comp[k] < hi) PetscCall(VecSetValue(xp, comp[k], -h, ADD_VALUES));
      PetscCall(VecAssemblyBegin(xp));
      PetscCall(VecAssemblyEnd(xp));
      PetscCall(TkReconstructComputeObjective(r, xp, &Jm, NULL));
      if (comp[k] >= lo && comp[k] < hi) {
        const PetscScalar *ga;
        PetscCall(VecGetArrayRead(g, &ga));
        gk = ga[comp[k] - lo];
        PetscCall(VecRestoreArrayRead(g, &ga));
      }
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &gk, 1, MPIU_REAL, MPI_SUM, r->comm));
      PetscCall(PetscPrintf(r->comm, "fd: %s voxel %lld  adjoint %.10e  central difference %.10e  rel. diff %.2e\n",
                            comp[k] >= R                       ? "rho"
                            : r->unknowns == TK_UNKNOWNS_PHASE ? "psi"
                            : comp[k] < r->nvox                ? "u_x"
                            : comp[k] < 2 * r->nvox            ? "u_y"
                                                               : "u_z",
                            (long long)(comp[k] % r->nvox), (double)gk, (double)((Jp - Jm) / (2 * h)), (double)(PetscAbsReal(gk - (Jp - Jm) / (2 * h)) / PetscMax(PetscAbsReal(gk), 1e-300))));
    }
  }
  {
    /* TAO's own comparison with finite differences of every component when -tao_test_gradient is given */
    Tao tao;
    PetscCall(CreateTao(r, 1, &tao));
    PetscCall(TaoComputeGradient(tao, r->x, g));
    PetscCall(TaoDestroy(&tao));
  }
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&d));
  PetscCall(VecDestroy(&xp));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructView(TkReconstruct r, PetscViewer v)
{
  PetscFunctionBegin;
  if (r->nevals == 0) {
    for (PetscInt k = 0; k < r->nrefl; k++) PetscCall(TkReflModelView(r->refl[k], v));
    PetscCall(PetscViewerASCIIPrintf(v, "Object grid %" PetscInt_FMT "^3, %.3g nm voxels: %lld unknowns (%s and density) for %" PetscInt_FMT " reflection(s); support %s\n", r->grid.nx, 1e9 * r->grid.spacing[0], (long long)(r->nf * r->nvox),
                                     r->unknowns == TK_UNKNOWNS_PHASE ? "phase h.u" : "displacement u", r->nrefl,
                                     r->init[0]        ? r->init
                                     : r->ninit_phases ? "from -rec_init_phases"
                                                       : "from -shape"));
    if (r->unknowns == TK_UNKNOWNS_U)
      for (PetscInt k = 0; k < r->nrefl; k++) PetscCall(PetscViewerASCIIPrintf(v, "  reflection %" PetscInt_FMT ": h in the grid's frame (%.6f, %.6f, %.6f) 1/nm\n", k, (double)r->gvec[k][0], (double)r->gvec[k][1], (double)r->gvec[k][2]));
    if (r->it_done > 0) PetscCall(PetscViewerASCIIPrintf(v, "Restarted from '%s' after %" PetscInt_FMT " iterations\n", r->restart, r->it_done));
  } else {
    PetscCall(PetscViewerASCIIPrintf(v, "Reconstruction: %" PetscInt_FMT " iterations, %" PetscInt_FMT " evaluations, J %.6e (misfit %.6e, regularisers %.3e), |g| %.3e, %s\n", r->it_done, r->nevals, (double)r->J, (double)r->misfit_sum,
                                     (double)r->reg_sum, (double)r->gnorm, TaoConvergedReasons[r->reason]));
    PetscCall(PetscViewerASCIIPrintf(v, "Last evaluation: forward %.3g s, adjoint %.3g s (adjoint/forward %.2f)\n", r->t_forward, r->t_adjoint, r->t_forward > 0 ? r->t_adjoint / r->t_forward : 0.0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructWrite(TkReconstruct r)
{
  PetscFunctionBegin;
  PetscCall(TkReconstructWriteOutputs(r));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructDestroy(TkReconstruct *rec)
{
  TkReconstruct r = *rec;

  PetscFunctionBegin;
  if (!r) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < r->nrefl; k++) {
    PetscCall(TkReflModelDestroy(&r->refl[k]));
    PetscCall(TkBCDIDataDestroy(&r->data[k]));
  }
  PetscCall(VecDestroy(&r->x));
  PetscCall(VecDestroy(&r->x0));
  PetscCall(VecDestroy(&r->xl));
  PetscCall(VecDestroy(&r->xu));
  PetscCall(VecDestroy(&r->xall));
  PetscCall(VecScatterDestroy(&r->toall));
  PetscCall(PetscFree(r->gbuf));
  PetscCall(PetscFree(r->support));
  PetscCall(PetscFree2(r->truth_psi, r->truth_sup));
  PetscCall(PetscFree2(r->psik, r->gpsik));
  for (PetscInt k = 0; k < r->ninit_phases; k++) PetscCall(PetscFree(r->init_phases[k]));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}
