/* BCDI forward model (docs/theory.md, "3D solver" and "Far field"). Ranks form angle groups; within a group the
   slices of constant t are split over the ranks. Each angle's frame is made on its group's first rank and the
   frames are summed onto rank 0 (one non-zero contribution each, so the stack does not depend on the layout). */
#include "bcdi_forward.h"
#include "closed_forms.h"
#include "cxi.h"
#include "options.h"
#include "atomic_file.h"
#include "plot.h"
#include "exit_fields.h"

const char *const TkBCDIModes[] = {"dynamical", "kinematic", "both", "TkBCDIMode", "TK_BCDI_", NULL};

static PetscClassId  TK_BCDI_CLASSID;
static PetscLogEvent TK_EVENT_MARCH, TK_EVENT_FARFIELD;

struct _p_TkBCDI {
  MPI_Comm        comm, group; /* world, slice group */
  PetscInt        ngroups, mygroup;
  TkReflection    refl;
  TkShape         shape;
  TkDisplacement  disp;
  TkBraggFrame    frame;
  TkTT3D          tt;
  TkFarField      ff;
  TkBCDIMode      mode;
  TkPolarization  pol;
  PetscReal       energy_keV, voxel, distance, pixel, chi0_scale;
  PetscInt        N1, N2, N1pad, N2pad;
  PetscReal       rock[3]; /* start, stop (mrad), count */
  PetscInt        nangles;
  PetscReal      *angles;    /* rad from the kinematic Bragg angle */
  PetscReal      *frames[2]; /* dynamical, kinematic: nangles x N1 x N2 on rank 0 */
  PetscReal       photons;
  PetscInt        seed;
  PetscReal       crystal_x[3], orientation[9];
  PetscBool       has_crystal_x, has_orientation, progress;
  PetscBool       geometry_only; /* the inverse layer: no output or noise options */
  char            output[PETSC_MAX_PATH_LEN], object[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  PetscLogDouble  seconds;
  TkChi           chi;
  PetscReal       ramp_sign; /* sign of the rocking shear ramp (validated in bcdi_models) */
  PetscBool       have[2];   /* which models are computed */
  char            exit_path[PETSC_MAX_PATH_LEN];
  double complex *exits[2]; /* nangles x Nt x Np on rank 0 and group roots, with -exit_fields */
};

PetscErrorCode TkBCDICreate(MPI_Comm comm, TkBCDI *b)
{
  TkBCDI s;

  PetscFunctionBegin;
  if (!TK_BCDI_CLASSID) {
    PetscCall(PetscClassIdRegister("TakagiBCDI", &TK_BCDI_CLASSID));
    PetscCall(PetscLogEventRegister("TkTT3DMarch", TK_BCDI_CLASSID, &TK_EVENT_MARCH));
    PetscCall(PetscLogEventRegister("TkFarField", TK_BCDI_CLASSID, &TK_EVENT_FARFIELD));
  }
  PetscCall(PetscNew(&s));
  s->comm       = comm;
  s->energy_keV = 9;
  s->voxel      = 10e-9;
  s->distance   = 1.5;
  s->pixel      = 55e-6;
  s->N1 = s->N2 = 128;
  s->rock[0]    = -2;
  s->rock[1]    = 2;
  s->rock[2]    = 64;
  s->chi0_scale = 1;
  s->ngroups    = 1;
  s->seed       = 1;
  s->ramp_sign  = 1;
  PetscCall(TkReflectionCreate(comm, &s->refl));
  PetscCall(TkReflectionSetCrystal(s->refl, "Au"));
  PetscCall(TkShapeCreate(comm, &s->shape));
  PetscCall(TkDisplacementCreate(comm, &s->disp));
  *b = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDISetFromOptions(TkBCDI b)
{
  PetscReal v[9] = {0};
  PetscInt  n;
  PetscBool set;
  PetscReal px_um = b->pixel * 1e6, vox_nm = b->voxel * 1e9;

  PetscFunctionBegin;
  PetscCall(TkReflectionSetFromOptions(b->refl));
  PetscCall(TkShapeSetFromOptions(b->shape));
  if (!b->geometry_only) PetscCall(TkDisplacementSetFromOptions(b->disp));
  PetscOptionsBegin(b->comm, NULL, "BCDI forward model", "TkBCDI");
  PetscCall(PetscOptionsReal("-energy_keV", "Photon energy (keV)", "TkBCDISetFromOptions", b->energy_keV, &b->energy_keV, NULL));
  PetscCall(PetscOptionsEnum("-polarization", "Polarization of the incident beam", "TkBCDISetFromOptions", TkPolarizations, (PetscEnum)b->pol, (PetscEnum *)&b->pol, NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsEnum("-mode", "Forward model: dynamical (3D Takagi-Taupin), kinematic (first Born), or both", "TkBCDISetFromOptions", TkBCDIModes, (PetscEnum)b->mode, (PetscEnum *)&b->mode, NULL));
  n = 3;
  PetscCall(PetscOptionsRealArray("-crystal_x", "Lattice direction u,v,w put along lab x (normal to the scattering plane) [the crystal axis least parallel to h]", "TkBraggFrameSetUp", b->crystal_x, &n, &b->has_crystal_x));
  PetscCheck(!b->has_crystal_x || n == 3, b->comm, PETSC_ERR_USER_INPUT, "-crystal_x needs u,v,w");
  n = 9;
  PetscCall(PetscOptionsRealArray("-orientation", "Crystal Cartesian -> lab rotation, 9 values row by row; must put h along the Bragg direction", "TkBraggFrameSetUp", b->orientation, &n, &b->has_orientation));
  PetscCheck(!b->has_orientation || n == 9, b->comm, PETSC_ERR_USER_INPUT, "-orientation needs 9 values (a 3x3 rotation, row by row)");
  PetscCheck(!(b->has_orientation && b->has_crystal_x), b->comm, PETSC_ERR_USER_INPUT, "give -orientation or -crystal_x, not both");
  n = 3;
  for (int i = 0; i < 3; i++) v[i] = b->rock[i]; /* -help shows the defaults */
  PetscCall(PetscOptionsRealArray("-rocking_mrad", "Rocking scan start,stop,count: rotation about lab x from the kinematic Bragg angle (mrad) [-2,2,64]", "TkBCDISetFromOptions", v, &n, &set));
  if (set) {
    PetscCheck(n == 3 && !PetscIsInfOrNanReal(v[0]) && !PetscIsInfOrNanReal(v[1]) && v[2] >= 1 && v[2] <= 100000 && v[2] == PetscFloorReal(v[2]) && (v[2] == 1 || v[1] > v[0]), b->comm, PETSC_ERR_USER_INPUT,
               "-rocking_mrad needs start,stop,count with stop > start and a whole count of 1 to 100000, e.g. -rocking_mrad -2,2,64");
    for (int i = 0; i < 3; i++) b->rock[i] = v[i];
  }
  PetscCall(PetscOptionsReal("-detector_distance_m", "Sample-detector distance (m) [1.5]", "TkBCDISetFromOptions", b->distance, &b->distance, NULL));
  PetscCall(PetscOptionsReal("-pixel_um", "Detector pixel size (um) [55]", "TkBCDISetFromOptions", px_um, &px_um, NULL));
  n = 2;
  {
    PetscInt fr[2] = {b->N1, b->N2};
    PetscCall(PetscOptionsIntArray("-frame_px", "Detector frame rows,columns (pixels) [128,128]", "TkBCDISetFromOptions", fr, &n, &set));
    if (set) {
      PetscCheck(n == 2 || n == 1, b->comm, PETSC_ERR_USER_INPUT, "-frame_px needs rows,columns");
      b->N1 = fr[0];
      b->N2 = n == 2 ? fr[1] : fr[0];
    }
  }
  PetscCall(PetscOptionsReal("-voxel_nm", "Target TT step along m and t (nm); the exact steps follow from the detector sampling [10]", "TkBCDISetFromOptions", vox_nm, &vox_nm, NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsReal("-photons", "Total photon count of each simulated scan for Poisson noise [0: noise-free]", "TkBCDISetFromOptions", b->photons, &b->photons, NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsInt("-seed", "Seed of the Poisson noise [1]", "TkBCDISetFromOptions", b->seed, &b->seed, NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsInt("-angle_groups", "Rank groups that solve different rocking angles at once [1]", "TkBCDISetFromOptions", b->ngroups, &b->ngroups, NULL));
  PetscCall(PetscOptionsReal("-chi0_scale", "Scale chi0 (validation: 0 removes refraction and absorption) [1]", "TkBCDISetFromOptions", b->chi0_scale, &b->chi0_scale, NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsString("-o", "Output CXI file of the simulated scan (with -mode both the kinematic scan goes to <name>_kinematic.cxi)", "TkBCDIWrite", b->output, b->output, sizeof(b->output), NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsString("-object", "Output HDF5 (+ XDMF) of the object on the lab grid: support, h.u, u", "TkBCDIWrite", b->object, b->object, sizeof(b->object), NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsString("-plot", "PNG comparing central detector slices and integrated rocking curves", "TkBCDIWrite", b->plot, b->plot, sizeof(b->plot), NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsString("-exit_fields", "Output HDF5 of the exit fields Dh (on the plane perpendicular to sh) at every angle", "TkBCDIWrite", b->exit_path, b->exit_path, sizeof(b->exit_path), NULL));
  if (!b->geometry_only) PetscCall(PetscOptionsBool("-progress", "Print progress per rocking angle [on after 2 s]", "TkBCDISolve", b->progress, &b->progress, NULL));
  PetscOptionsEnd();
  b->pixel = 1e-6 * px_um;
  b->voxel = 1e-9 * vox_nm;
  PetscCheck(b->distance > 0 && b->pixel > 0 && b->voxel > 0, b->comm, PETSC_ERR_USER_INPUT, "detector distance, pixel size and voxel size must be positive");
  PetscCheck(b->N1 >= 2 && b->N2 >= 2 && b->N1 <= 8192 && b->N2 <= 8192, b->comm, PETSC_ERR_USER_INPUT, "-frame_px %" PetscInt_FMT ",%" PetscInt_FMT " must lie between 2 and 8192", b->N1, b->N2);
  PetscCheck(b->photons >= 0 && !PetscIsInfOrNanReal(b->photons), b->comm, PETSC_ERR_USER_INPUT, "-photons must be a number >= 0");
  PetscCheck(!PetscIsInfOrNanReal(b->chi0_scale) && b->chi0_scale >= 0, b->comm, PETSC_ERR_USER_INPUT, "-chi0_scale must be a number >= 0");
  PetscCheck(!PetscIsInfOrNanReal(b->energy_keV) && !PetscIsInfOrNanReal(b->distance) && !PetscIsInfOrNanReal(b->pixel) && !PetscIsInfOrNanReal(b->voxel), b->comm, PETSC_ERR_USER_INPUT, "energy, distance, pixel and voxel sizes must be numbers");
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDISetUp(TkBCDI b)
{
  PetscMPIInt size, rank;
  PetscReal   lam, radius, dm, dt;
  TkTwoBeam   tb;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(b->comm, &size));
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  PetscCheck(b->ngroups >= 1 && size % b->ngroups == 0, b->comm, PETSC_ERR_USER_INPUT, "-angle_groups %" PetscInt_FMT " must divide the number of ranks (%d)", b->ngroups, size);
  b->mygroup = rank / (size / b->ngroups);
  PetscCallMPI(MPI_Comm_split(b->comm, (int)b->mygroup, rank, &b->group));
  PetscCall(TkReflectionComputeChi(b->refl, b->energy_keV, &b->chi)); /* checks energy and reachability */
  PetscCall(TkBraggFrameSetUp(b->refl, b->energy_keV, b->has_crystal_x ? b->crystal_x : NULL, b->has_orientation ? b->orientation : NULL, &b->frame));
  PetscCall(TkShapeSetUp(b->shape, &b->frame));
  PetscCall(TkDisplacementSetReflection(b->disp, b->refl));
  PetscCall(TkDisplacementSetUp(b->disp, &b->frame));
  /* TT steps from the detector: the padded FFT lengths make the far-field sampling equal to the pixels */
  lam      = b->chi.wavelength;
  b->N1pad = (PetscInt)PetscCeilReal(lam * b->distance / (b->pixel * b->voxel * PetscSinReal(b->frame.thetaB)));
  b->N2pad = (PetscInt)PetscCeilReal(lam * b->distance / (b->pixel * b->voxel));
  b->N1pad = PetscMax(b->N1pad, b->N1);
  b->N2pad = PetscMax(b->N2pad, b->N2);
  dm       = lam * b->distance / (b->pixel * b->N1pad * PetscSinReal(b->frame.thetaB));
  dt       = lam * b->distance / (b->pixel * b->N2pad);
  radius   = TkShapeBoundingRadius(b->shape);
  PetscCall(TkTT3DCreate(b->group, &b->tt));
  PetscCall(TkTT3DSetGrid(b->tt, &b->frame, dm, dt, radius));
  {
    TkTT3DGrid g;
    PetscCall(TkTT3DGetGrid(b->tt, &g));
    PetscCheck(g.Np <= b->N1pad && g.Nt <= b->N2pad, b->comm, PETSC_ERR_USER_INPUT,
               "the detector cannot sample this crystal: its extent (%.3g x %.3g um across the exit beam) exceeds lambda L / px = %.3g um; use smaller pixels, a longer distance or a smaller crystal", (double)(1e6 * g.Np * g.drho),
               (double)(1e6 * g.Nt * g.dt), (double)(1e6 * lam * b->distance / b->pixel));
  }
  PetscCall(TkTwoBeamSetUp(b->comm, b->refl, b->energy_keV, b->frame.thetaB, 0, b->pol, &tb));
  PetscCall(TkTT3DSetCoupling(b->tt, &b->chi, tb.C, b->chi0_scale));
  PetscCall(TkTT3DSetObject(b->tt, b->shape, b->disp));
  {
    PetscInt nv;
    PetscCall(TkTT3DGetCrystalVoxels(b->tt, NULL, &nv));
    PetscCheck(nv > 0, b->comm, PETSC_ERR_USER_INPUT, "the crystal has no voxels on the TT grid; make it larger than -voxel_nm");
  }
  /* the path step against the extinction length (notes: <= 1e-3 needs ds well below lambda/(pi |C chih|)) */
  {
    const PetscReal ds = dm / PetscCosReal(b->frame.thetaB), ext = lam / (PETSC_PI * PetscAbsReal(tb.C) * cabs(b->chi.chih));
    if (ds > ext / 10)
      PetscCall(PetscFPrintf(b->comm, PETSC_STDERR, "takagi bcdi: warning: path step %.3g nm is coarse against the extinction length %.3g nm (want < %.3g nm): refine -voxel_nm or use smaller pixels\n", (double)(1e9 * ds), (double)(1e9 * ext),
                             (double)(1e8 * ext)));
  }
  /* rocking angles; the step must resolve the crystal's fringes along h: h dw D < pi */
  b->nangles = (PetscInt)b->rock[2];
  PetscCall(PetscFree(b->angles));
  PetscCall(PetscMalloc1(b->nangles, &b->angles));
  for (PetscInt a = 0; a < b->nangles; a++) b->angles[a] = 1e-3 * (b->nangles == 1 ? b->rock[0] : b->rock[0] + (b->rock[1] - b->rock[0]) * a / (b->nangles - 1));
  if (b->nangles > 1) {
    const PetscReal step = b->angles[1] - b->angles[0];
    PetscCheck(b->frame.h * step * 2 * radius < PETSC_PI, b->comm, PETSC_ERR_USER_INPUT, "the rocking step %.3g urad cannot sample the fringes of a %.3g um crystal (needs < %.3g urad); use more angles", (double)(1e6 * step), (double)(2e6 * radius),
               (double)(1e6 * PETSC_PI / (b->frame.h * 2 * radius)));
  }
  PetscCheck(PetscAbsReal(b->angles[0]) < b->frame.thetaB && PetscAbsReal(b->angles[b->nangles - 1]) < b->frame.thetaB, b->comm, PETSC_ERR_USER_INPUT, "rocking range exceeds the Bragg angle");
  PetscCall(TkFarFieldCreate(b->group, b->N1, b->N2, b->N1pad, b->N2pad, &b->ff));
  {
    /* the stack lives on rank 0 (and the frames of its angles on each group's first rank) */
    const double bytes = 8.0 * b->nangles * b->N1 * b->N2 * (b->mode == TK_BCDI_BOTH ? 2 : 1);
    PetscCheck(bytes < 16e9 && (double)b->nangles * b->N1 * b->N2 < 2e9, b->comm, PETSC_ERR_USER_INPUT, "the frame stack (%g angles x %" PetscInt_FMT " x %" PetscInt_FMT ") needs %.3g GB of memory on rank 0; reduce -frame_px or the number of angles",
               (double)b->nangles, b->N1, b->N2, bytes / 1e9);
  }
  {
    PetscMPIInt grank;
    PetscCallMPI(MPI_Comm_rank(b->group, &grank));
    for (int k = 0; k < 2; k++) {
      PetscCall(PetscFree(b->frames[k]));
      b->have[k] = (PetscBool) !((k == 0 && b->mode == TK_BCDI_KINEMATIC) || (k == 1 && b->mode == TK_BCDI_DYNAMICAL));
      if (b->have[k] && (rank == 0 || grank == 0)) PetscCall(PetscCalloc1((size_t)b->nangles * b->N1 * b->N2, &b->frames[k]));
    }
  }
  if (b->output[0]) PetscCall(TkCheckWritable(b->comm, b->output));
  if (b->object[0]) PetscCall(TkCheckWritable(b->comm, b->object));
  if (b->plot[0]) PetscCall(TkCheckWritable(b->comm, b->plot));
  if (b->exit_path[0]) {
    PetscMPIInt grank;
    TkTT3DGrid  g;
    PetscCall(TkCheckWritable(b->comm, b->exit_path));
    PetscCall(TkTT3DGetGrid(b->tt, &g));
    const double bytes = 16.0 * b->nangles * g.Nt * g.Np * (b->mode == TK_BCDI_BOTH ? 2 : 1);
    PetscCheck(bytes < 8e9, b->comm, PETSC_ERR_USER_INPUT, "-exit_fields would need %.3g GB on rank 0; use fewer angles or a coarser grid", bytes / 1e9);
    PetscCallMPI(MPI_Comm_rank(b->group, &grank));
    for (int k = 0; k < 2; k++)
      if (b->have[k] && (rank == 0 || grank == 0)) PetscCall(PetscCalloc1((size_t)b->nangles * g.Nt * g.Np, &b->exits[k]));
  }
  PetscFunctionReturn(0);
}

/* Poisson deviates: multiplication method for small means, Hoermann's PTRS transformed rejection otherwise. */
static PetscErrorCode PoissonSample(PetscRandom rnd, PetscReal mu, PetscReal *k)
{
  PetscReal u, v;

  PetscFunctionBegin;
  if (mu <= 0) {
    *k = 0;
    PetscFunctionReturn(0);
  }
  if (mu < 10) {
    PetscReal L = PetscExpReal(-mu), p = 1;
    PetscInt  n = -1;
    do {
      PetscCall(PetscRandomGetValueReal(rnd, &u));
      p *= u;
      n++;
    } while (p > L);
    *k = (PetscReal)n;
    PetscFunctionReturn(0);
  }
  const PetscReal slam = PetscSqrtReal(mu), loglam = PetscLogReal(mu), bb = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * bb, invalpha = 1.1239 + 1.1328 / (bb - 3.4), vr = 0.9277 - 3.6224 / (bb - 2);
  for (;;) {
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    PetscCall(PetscRandomGetValueReal(rnd, &v));
    u -= 0.5;
    const PetscReal us = 0.5 - PetscAbsReal(u), kk = PetscFloorReal((2 * a / us + bb) * u + mu + 0.43);
    if (us >= 0.07 && v <= vr) {
      *k = kk;
      break;
    }
    if (kk < 0 || (us < 0.013 && v > us)) continue;
    if (PetscLogReal(v) + PetscLogReal(invalpha) - PetscLogReal(a / (us * us) + bb) <= -mu + kk * loglam - PetscLGamma(kk + 1)) {
      *k = kk;
      break;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDISolve(TkBCDI b)
{
  TkTT3DGrid      g;
  double complex *exit;
  PetscMPIInt     grank, rank;
  PetscLogDouble  t0, t1, last = 0;
  const PetscReal k = b->chi.k, scale = PetscSqr(k / (2 * PETSC_PI)) * PetscSqr(b->pixel / b->distance); /* photons per pixel per incident photon/m^2 */
  PetscInt        done = 0, mine = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(b->group, &grank));
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  PetscCall(TkTT3DGetGrid(b->tt, &g));
  PetscCall(PetscMalloc1((size_t)PetscMax(g.nlt, 1) * g.Np, &exit));
  for (PetscInt a = b->mygroup; a < b->nangles; a += b->ngroups) mine++;
  PetscCall(PetscTime(&t0));
  for (PetscInt a = b->mygroup; a < b->nangles; a += b->ngroups) {
    const PetscReal beta = b->frame.h * (PetscSinReal(b->frame.thetaB + b->angles[a]) - PetscSinReal(b->frame.thetaB));
    /* Rocking turns h about x: along sh that is beta, across sh (along e1) it moves q by kappa, which the frozen-direction
       march leaves out; a phase ramp e^{i kappa rho} on the exit plane puts it back (frames shear by 2 dw sin^2 thetaB). */
    const PetscReal kappa = b->frame.h * (PetscCosReal(b->frame.thetaB) - PetscCosReal(b->frame.thetaB + b->angles[a]));
    for (int kin = 0; kin < 2; kin++) {
      if (!b->have[kin]) continue;
      PetscCall(PetscLogEventBegin(TK_EVENT_MARCH, 0, 0, 0, 0));
      for (PetscInt l = 0; l < g.nlt; l++) {
        double complex *ex = exit + (size_t)l * g.Np;
        PetscCall(TkTT3DMarchSlice(b->tt, beta, (PetscBool)kin, l, ex, NULL));
        if (kappa != 0)
          for (PetscInt p = 0; p < g.Np; p++) ex[p] *= cexp(I * b->ramp_sign * kappa * p * g.drho);
      }
      PetscCall(PetscLogEventEnd(TK_EVENT_MARCH, 0, 0, 0, 0));
      if (b->exit_path[0]) { /* gather this angle's exit planes on the group's first rank */
        PetscMPIInt gsize, *counts = NULL, *displs = NULL, mine = (PetscMPIInt)(2 * g.nlt * g.Np);
        PetscCallMPI(MPI_Comm_size(b->group, &gsize));
        if (grank == 0) PetscCall(PetscMalloc2(gsize, &counts, gsize, &displs));
        PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, b->group));
        if (grank == 0) {
          displs[0] = 0;
          for (PetscMPIInt r = 1; r < gsize; r++) displs[r] = displs[r - 1] + counts[r - 1];
        }
        PetscCallMPI(MPI_Gatherv(exit, mine, MPI_DOUBLE, grank == 0 ? (double *)(b->exits[kin] + (size_t)a * g.Nt * g.Np) : NULL, counts, displs, MPI_DOUBLE, 0, b->group));
        if (grank == 0) PetscCall(PetscFree2(counts, displs));
      }
      PetscCall(PetscLogEventBegin(TK_EVENT_FARFIELD, 0, 0, 0, 0));
      PetscCall(TkFarFieldFrame(b->ff, g.Np, g.nlt, exit, g.drho, g.dt, scale, grank == 0 ? b->frames[kin] + (size_t)a * b->N1 * b->N2 : NULL));
      PetscCall(PetscLogEventEnd(TK_EVENT_FARFIELD, 0, 0, 0, 0));
    }
    done++;
    PetscCall(PetscTime(&t1));
    if (rank == 0 && (b->progress || t1 - t0 > 2) && (t1 - last > 1 || done == mine)) {
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, stdout, "bcdi: angle %" PetscInt_FMT "/%" PetscInt_FMT " of group 0, %.1f s elapsed, ETA %.1f s\n", done, mine, t1 - t0, (t1 - t0) / done * (mine - done)));
      last = t1;
    }
  }
  PetscCall(PetscFree(exit));
  /* frames live on each group's first rank: send them to rank 0 */
  {
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(b->comm, &size));
    const PetscMPIInt per = size / (PetscMPIInt)b->ngroups, n = (PetscMPIInt)(b->N1 * b->N2);
    for (int kin = 0; kin < 2; kin++) {
      if (!b->have[kin]) continue;
      for (PetscInt a = 0; a < b->nangles; a++) {
        const PetscMPIInt owner = (PetscMPIInt)(a % b->ngroups) * per;
        if (owner == 0) continue;
        if (rank == owner) PetscCallMPI(MPI_Send(b->frames[kin] + (size_t)a * n, n, MPIU_REAL, 0, (int)(2 * a + kin), b->comm));
        if (rank == 0) PetscCallMPI(MPI_Recv(b->frames[kin] + (size_t)a * n, n, MPIU_REAL, owner, (int)(2 * a + kin), b->comm, MPI_STATUS_IGNORE));
        if (b->exit_path[0]) {
          const PetscMPIInt ne = (PetscMPIInt)(2 * g.Nt * g.Np);
          if (rank == owner) PetscCallMPI(MPI_Send((double *)(b->exits[kin] + (size_t)a * g.Nt * g.Np), ne, MPI_DOUBLE, 0, (int)(2 * a + kin), b->comm));
          if (rank == 0) PetscCallMPI(MPI_Recv((double *)(b->exits[kin] + (size_t)a * g.Nt * g.Np), ne, MPI_DOUBLE, owner, (int)(2 * a + kin), b->comm, MPI_STATUS_IGNORE));
        }
      }
    }
  }
  PetscCall(PetscTime(&t1));
  b->seconds = t1 - t0;
  /* Poisson noise at a total photon count, on rank 0 with a seeded generator */
  if (b->photons > 0 && rank == 0) {
    PetscRandom rnd;
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetSeed(rnd, (unsigned long)b->seed));
    PetscCall(PetscRandomSeed(rnd));
    for (int kin = 0; kin < 2; kin++) {
      PetscReal    total = 0;
      const size_t n     = (size_t)b->nangles * b->N1 * b->N2;
      if (!b->have[kin]) continue;
      for (size_t q = 0; q < n; q++) total += b->frames[kin][q];
      for (size_t q = 0; q < n; q++) PetscCall(PoissonSample(rnd, b->frames[kin][q] * b->photons / total, &b->frames[kin][q]));
    }
    PetscCall(PetscRandomDestroy(&rnd));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetFrames(TkBCDI b, PetscBool kinematic, PetscInt *nangles, PetscInt *N1, PetscInt *N2, const PetscReal **frames, const PetscReal **angles)
{
  PetscFunctionBegin;
  if (nangles) *nangles = b->nangles;
  if (N1) *N1 = b->N1;
  if (N2) *N2 = b->N2;
  if (frames) *frames = b->frames[kinematic ? 1 : 0];
  if (angles) *angles = b->angles;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDISetGeometryOnly(TkBCDI b, PetscBool flg)
{
  PetscFunctionBegin;
  b->geometry_only = flg;
  PetscFunctionReturn(0);
}

/* another reflection of the same crystal and set-up (the inverse layer's extra reflections): call after
   TkBCDISetFromOptions, before TkBCDISetUp; crystal_x and rocking may be NULL (keep the options' values) */
PetscErrorCode TkBCDISetReflection(TkBCDI b, const PetscInt hkl[3], const PetscReal crystal_x[3], const PetscReal rocking[3])
{
  PetscFunctionBegin;
  PetscCheck(!b->has_orientation, b->comm, PETSC_ERR_USER_INPUT, "-orientation fits one reflection only; give -crystal_x (and per reflection) for several reflections");
  PetscCall(TkReflectionSetHKL(b->refl, hkl[0], hkl[1], hkl[2]));
  if (crystal_x) {
    for (int i = 0; i < 3; i++) b->crystal_x[i] = crystal_x[i];
    b->has_crystal_x = PETSC_TRUE;
  }
  if (rocking) {
    PetscCheck(!PetscIsInfOrNanReal(rocking[0]) && !PetscIsInfOrNanReal(rocking[1]) && rocking[2] >= 1 && rocking[2] <= 100000 && rocking[2] == PetscFloorReal(rocking[2]) && (rocking[2] == 1 || rocking[1] > rocking[0]), b->comm, PETSC_ERR_USER_INPUT,
               "a rocking scan needs start,stop,count with stop > start and a whole count of 1 to 100000");
    for (int i = 0; i < 3; i++) b->rock[i] = rocking[i];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetFarField(TkBCDI b, TkFarField *ff, PetscReal *scale)
{
  PetscFunctionBegin;
  if (ff) *ff = b->ff;
  if (scale) *scale = PetscSqr(b->chi.k / (2 * PETSC_PI)) * PetscSqr(b->pixel / b->distance);
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetAngle(TkBCDI b, PetscInt a, PetscReal *beta, PetscReal *ramp)
{
  PetscFunctionBegin;
  PetscCheck(a >= 0 && a < b->nangles, b->comm, PETSC_ERR_ARG_OUTOFRANGE, "angle %" PetscInt_FMT " out of range", a);
  *beta = b->frame.h * (PetscSinReal(b->frame.thetaB + b->angles[a]) - PetscSinReal(b->frame.thetaB));
  *ramp = b->ramp_sign * b->frame.h * (PetscCosReal(b->frame.thetaB) - PetscCosReal(b->frame.thetaB + b->angles[a]));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetReflection(TkBCDI b, TkReflection *refl)
{
  PetscFunctionBegin;
  *refl = b->refl;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetShape(TkBCDI b, TkShape *shape)
{
  PetscFunctionBegin;
  *shape = b->shape;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetCoupling(TkBCDI b, TkChi *chi, PetscInt *polarization, PetscReal *chi0_scale, PetscReal rocking_mrad[3])
{
  PetscFunctionBegin;
  if (chi) *chi = b->chi;
  if (polarization) *polarization = (PetscInt)b->pol;
  if (chi0_scale) *chi0_scale = b->chi0_scale;
  if (rocking_mrad)
    for (int i = 0; i < 3; i++) rocking_mrad[i] = b->rock[i];
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetDetector(TkBCDI b, PetscReal *energy_keV, PetscReal *distance, PetscReal *pixel, PetscReal *wavelength)
{
  PetscFunctionBegin;
  if (energy_keV) *energy_keV = b->energy_keV;
  if (distance) *distance = b->distance;
  if (pixel) *pixel = b->pixel;
  if (wavelength) *wavelength = b->chi.wavelength;
  PetscFunctionReturn(0);
}

/* cubic lab grid (z, y, x) at the transverse step, covering the bounding sphere */
PetscErrorCode TkBCDIGetObjectGrid(TkBCDI b, TkGrid *grid)
{
  TkTT3DGrid g;

  PetscFunctionBegin;
  PetscCall(TkTT3DGetGrid(b->tt, &g));
  const PetscReal h = g.dt, R = TkShapeBoundingRadius(b->shape);
  const PetscInt  N = 2 * (PetscInt)PetscCeilReal(R / h) + 3;
  grid->nz = grid->ny = grid->nx = N;
  for (int i = 0; i < 3; i++) grid->spacing[i] = h, grid->origin[i] = -0.5 * (N - 1) * h;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIGetSolver(TkBCDI b, TkTT3D *tt, const TkBraggFrame **f)
{
  PetscFunctionBegin;
  if (tt) *tt = b->tt;
  if (f) *f = &b->frame;
  PetscFunctionReturn(0);
}

/* "<base>_kinematic.cxi" from "<base>.cxi" */
static PetscErrorCode KinematicName(const char *path, char *out, size_t len)
{
  char  *dot;
  size_t n;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(out, path, len));
  dot    = strrchr(out, '.');
  n      = dot && !strchr(dot, '/') ? (size_t)(dot - out) : strlen(out);
  out[n] = 0;
  PetscCall(PetscStrlcat(out, "_kinematic", len));
  if (dot && !strchr(path + n, '/')) PetscCall(PetscStrlcat(out, path + n, len));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteObject(TkBCDI b)
{
  PetscMPIInt rank;
  TkGrid      grid;
  PetscReal  *support = NULL, *phase = NULL, *u = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  PetscCall(TkBCDIGetObjectGrid(b, &grid));
  const PetscReal h = grid.spacing[0];
  const PetscInt  N = grid.nz;
  if (rank == 0) {
    const size_t n = (size_t)N * N * N;
    PetscCall(PetscMalloc3(n, &support, n, &phase, 3 * n, &u));
    for (PetscInt iz = 0; iz < N; iz++)
      for (PetscInt iy = 0; iy < N; iy++)
        for (PetscInt ix = 0; ix < N; ix++) {
          const size_t    q     = ((size_t)iz * N + iy) * N + ix;
          const PetscReal r[3]  = {grid.origin[2] + ix * h, grid.origin[1] + iy * h, grid.origin[0] + iz * h};
          const PetscBool in    = TkShapeInside(b->shape, r);
          PetscReal       uu[3] = {0, 0, 0};
          if (in) TkDisplacementEvaluate(b->disp, r, uu);
          support[q] = in ? 1 : 0;
          phase[q]   = in ? TkDisplacementPhase(b->disp, r) : 0;
          /* vector components in (x, y, z) order, as ParaView's XDMF reader takes them */
          u[3 * q + 0] = uu[0], u[3 * q + 1] = uu[1], u[3 * q + 2] = uu[2];
        }
  }
  const TkGridField fields[] = {
      {"support", "1", 1, support},
      {"phase_hu", "rad", 1, phase},
      {"u", "m", 3, u},
  };
  PetscCall(TkGridFieldsWrite(b->comm, b->object, &grid, 3, fields));
  PetscCall(PetscFree3(support, phase, u));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIWrite(TkBCDI b)
{
  const char     *crystal;
  const PetscInt *hkl;
  char           *options = NULL, name[128], program[64];
  char            kin_path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(TkReflectionGetName(b->refl, &crystal, &hkl));
  PetscCall(TkOptionsGetAll(&options));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s(%" PetscInt_FMT "%" PetscInt_FMT "%" PetscInt_FMT ")", crystal, hkl[0], hkl[1], hkl[2]));
  PetscCall(PetscSNPrintf(program, sizeof(program), "takagi bcdi %s", TAKAGI_VERSION));
  if (b->output[0]) {
    for (int kin = 0; kin < 2; kin++) {
      if (!b->have[kin]) continue;
      TkCXIData d;
      PetscCall(PetscMemzero(&d, sizeof(d)));
      d.nangles         = b->nangles;
      d.ny              = b->N1;
      d.nx              = b->N2;
      d.data            = b->frames[kin];
      d.data_units      = b->photons > 0 ? "photons" : "photons per pixel per incident photon/m^2";
      d.rocking_angle   = b->angles;
      d.bragg_angle     = b->frame.thetaB;
      d.energy_J        = b->energy_keV * 1.602176634e-16;
      d.wavelength_m    = b->chi.wavelength;
      d.distance_m      = b->distance;
      d.x_pixel_size_m  = b->pixel;
      d.y_pixel_size_m  = b->pixel;
      d.detector_2theta = 2 * b->frame.thetaB;
      for (int i = 0; i < 9; i++) d.orientation[i] = b->frame.U[i / 3][i % 3];
      d.sample_name = name;
      d.program     = program;
      d.command     = options ? options : "";
      d.model       = kin ? "kinematic (first Born approximation)" : "dynamical (3D Takagi-Taupin)";
      if (kin && b->mode == TK_BCDI_BOTH) PetscCall(KinematicName(b->output, kin_path, sizeof(kin_path)));
      PetscCall(TkCXIWrite(b->comm, kin && b->mode == TK_BCDI_BOTH ? kin_path : b->output, &d));
    }
  }
  if (b->object[0]) PetscCall(WriteObject(b));
  if (b->exit_path[0]) {
    TkTT3DGrid   g;
    TkExitFields e;
    PetscCall(TkTT3DGetGrid(b->tt, &g));
    e.nangles       = b->nangles;
    e.nt            = g.Nt;
    e.np            = g.Np;
    e.dt            = g.dt;
    e.drho          = g.drho;
    e.rocking_angle = b->angles;
    e.field[0]      = b->exits[0];
    e.field[1]      = b->exits[1];
    PetscCall(TkExitFieldsWrite(b->comm, b->exit_path, &e));
  }
  if (b->plot[0]) {
    TkAtomicFile   png;
    PetscErrorCode ierr;
    PetscCheck(b->output[0], b->comm, PETSC_ERR_USER_INPUT, "-plot needs -o (the plot reads the CXI files)");
    PetscCall(TkAtomicFileBegin(b->comm, b->plot, &png));
    if (b->mode == TK_BCDI_BOTH) PetscCall(KinematicName(b->output, kin_path, sizeof(kin_path)));
    const char *const args[] = {b->output, b->mode == TK_BCDI_BOTH ? kin_path : "", png.tmp_path};
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkPlotRun(b->comm, "plot_bcdi.py", 3, args);
    PetscCall(PetscPopErrorHandler());
    if (ierr) PetscCall(TkAtomicFileAbort(&png));
    PetscCheck(!ierr, b->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see above); the CXI data was written", b->plot);
    PetscCall(TkAtomicFileCommit(b->comm, &png));
  }
  PetscCall(PetscFree(options));
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIView(TkBCDI b, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionView(b->refl, v));
  PetscCall(PetscViewerASCIIPrintf(v, "E = %g keV, thetaB = %.4f deg, %s polarization, mode %s\n", (double)b->energy_keV, (double)(b->frame.thetaB * 180 / PETSC_PI), TkPolarizations[b->pol], TkBCDIModes[b->mode]));
  PetscCall(TkShapeView(b->shape, v));
  PetscCall(TkDisplacementView(b->disp, v));
  PetscCall(TkTT3DView(b->tt, v));
  PetscCall(
      PetscViewerASCIIPrintf(v, "Detector %" PetscInt_FMT " x %" PetscInt_FMT " pixels of %g um at %g m (transforms padded to %" PetscInt_FMT " x %" PetscInt_FMT "); %" PetscInt_FMT " rocking angles %g to %g mrad; %" PetscInt_FMT " angle group(s)\n",
                             b->N1, b->N2, (double)(1e6 * b->pixel), (double)b->distance, b->N1pad, b->N2pad, b->nangles, (double)(1e3 * b->angles[0]), (double)(1e3 * b->angles[b->nangles - 1]), b->ngroups));
  if (b->seconds > 0) {
    TkTT3DGrid g;
    PetscCall(TkTT3DGetGrid(b->tt, &g));
    const double updates = (double)g.Nm * g.Nn * g.Nt * b->nangles * ((b->have[0] ? 1 : 0) + (b->have[1] ? 1 : 0));
    PetscCall(PetscViewerASCIIPrintf(v, "Solved in %.3g s: %.3g voxel-angle updates per second\n", b->seconds, updates / b->seconds));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkBCDIDestroy(TkBCDI *b)
{
  PetscFunctionBegin;
  if (!*b) PetscFunctionReturn(0);
  PetscCall(TkFarFieldDestroy(&(*b)->ff));
  PetscCall(TkTT3DDestroy(&(*b)->tt));
  PetscCall(TkDisplacementDestroy(&(*b)->disp));
  PetscCall(TkShapeDestroy(&(*b)->shape));
  PetscCall(TkReflectionDestroy(&(*b)->refl));
  PetscCall(PetscFree((*b)->angles));
  PetscCall(PetscFree((*b)->frames[0]));
  PetscCall(PetscFree((*b)->exits[0]));
  PetscCall(PetscFree((*b)->exits[1]));
  PetscCall(PetscFree((*b)->frames[1]));
  if ((*b)->group != MPI_COMM_NULL && (*b)->group) PetscCallMPI(MPI_Comm_free(&(*b)->group));
  PetscCall(PetscFree(*b));
  PetscFunctionReturn(0);
}
