/* takagi deform: drives the elasto-plastic nanoglass model and writes what a user looks at.
   Outputs, all named from the -o prefix P (each written under a temporary name and renamed):
     P_microstructure.h5 (+.xdmf)  phase and grain id
     P_curve.csv                   one row per step: strain, stress after and at the start of the step (over the
                                   solid: for a pillar, axial force / pillar section), plastic
                                   strain, transformations, solves, solver iterations
     P_fields_NNNNN.h5, P_fields_final.h5 (+.xdmf)  plastic strain (equivalent and tensor), von Mises total strain
     P_fields.xdmf                 all field snapshots as one XDMF time series over the load strain
     P_localisation.csv, P_bands.csv   shear-band statistics at the same steps
     P_u.h5 (+.xdmf)               final displacement, dataset u (m), the grid format of takagi bcdi -u_file
     P_isf.csv, P_isf_fit.csv      self intermediate scattering function and its KWW fit (with -xpcs_every)
     P_checkpoint.h5               every -checkpoint_every steps; -restart continues from it
     P_curve.png, P_slices.png     with -plot */
#include "deform.h"
#include "plasticity.h"
#include "band_stats.h"
#include "isf.h"
#include "deform_checkpoint.h"
#include "grid_write_parallel.h"
#include "atomic_file.h"
#include "plot.h"
#include <fftw3-mpi.h>

typedef enum { TK_DRIVE_QUASISTATIC, TK_DRIVE_RATE, TK_DRIVE_HOLD } TkDriveType;
static const char *const TkDriveTypes[] = {"quasistatic", "rate", "hold", "TkDriveType", "TK_DRIVE_", NULL};

#define TK_MAX_FIELD_STEPS 64

struct _p_TkDeform {
  MPI_Comm         comm;
  TkMicrostructure micro;
  TkSpectral       solver;
  TkPlasticity     plast;
  TkLoadMode       mode;
  TkDriveType      drive;
  PetscInt         nsteps, step, start_step;
  PetscReal        max_strain, dstrain, strain_rate;
  PetscReal        hold_stress;  /* Pa over the solid, -load_driving hold */
  PetscBool        holding;      /* the hold stress was reached at the last step */
  PetscBool        xpcs_at_hold; /* ISF reference at the first step of the hold (no -xpcs_start given) */
  char             prefix[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN], checkpoint[PETSC_MAX_PATH_LEN];
  PetscBool        plot, progress;
  PetscInt         field_steps[TK_MAX_FIELD_STEPS], nfield_steps, fields_every, checkpoint_every;
  PetscReal        band_sigmas;
  PetscInt         band_min_voxels;
  PetscInt         xpcs_every, xpcs_start;
  PetscReal        xpcs_q, xpcs_dir[3];
  /* layout */
  PetscInt       N[3], z0, nzl;
  size_t         n;
  PetscInt      *solid;
  PetscReal      solid_fraction; /* solid voxels / all voxels: cell-mean stress -> stress on the solid section */
  TkGrid         grid;
  PetscReal     *isf_ref, *work;
  TkTable        curve, loc, bands, isf;
  TkIsfFit       fit;
  TkBandStats    last_bands;
  PetscInt       bands_step; /* step of last_bands (-1: none yet in this run) */
  PetscBool      final_row;  /* the last localisation row came from the final write (no numbered file at its step) */
  PetscLogDouble seconds;
};

PetscErrorCode TkDeformCreate(MPI_Comm comm, TkDeform *dd)
{
  TkDeform d;

  PetscFunctionBegin;
  PetscCall(PetscNew(&d));
  d->comm            = comm;
  d->nsteps          = 100;
  d->dstrain         = 1e-3;
  d->strain_rate     = 1e-4;
  d->band_sigmas     = 2;
  d->band_min_voxels = 8;
  d->bands_step      = -1;
  d->xpcs_q          = 26e9; /* 2.6 / Angstrom: the first diffraction peak of a metallic glass */
  d->xpcs_dir[0]     = 1;
  PetscCall(PetscStrncpy(d->prefix, "deform", sizeof(d->prefix)));
  PetscCall(TkMicrostructureCreate(comm, &d->micro));
  PetscCall(TkTableInit(&d->curve, "curve", "step,strain,stress_GPa,stress_peak_GPa,plastic_strain,events,solves,iterations"));
  PetscCall(TkTableInit(&d->loc, "localisation", "step,strain,threshold,components,bands,largest_band_fraction,top10_fraction,participation_ratio,cv"));
  PetscCall(TkTableInit(&d->bands, "bands", "step,strain,band,voxels,plastic_fraction,normal_x,normal_y,normal_z,angle_to_z_deg,spanning"));
  PetscCall(TkTableInit(&d->isf, "isf", "step,strain,time_s,Fs"));
  *dd = d;
  PetscFunctionReturn(0);
}

PetscErrorCode TkDeformSetFromOptions(TkDeform d)
{
  PetscInt  n;
  PetscReal qnm = d->xpcs_q * 1e-9, hold_GPa = d->hold_stress / 1e9;
  PetscBool set, hold_set = PETSC_FALSE, xpcs_start_set = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(TkMicrostructureSetFromOptions(d->micro));
  PetscOptionsBegin(d->comm, NULL, "Deformation run", "TkDeform");
  PetscCall(PetscOptionsEnum("-load_mode", "Loading: uniaxial compression along z (lateral stresses free) or simple shear xz", "TkPlasticitySetLoadMode", TkLoadModes, (PetscEnum)d->mode, (PetscEnum *)&d->mode, NULL));
  PetscCall(PetscOptionsEnum("-load_driving", "quasistatic: load to the weakest voxel, relax the avalanche; rate: fixed strain steps, one round of transformations per step; hold: rate steps up to -load_hold_GPa, then that stress held (creep)",
                             "TkDeformRun", TkDriveTypes, (PetscEnum)d->drive, (PetscEnum *)&d->drive, NULL));
  PetscCall(PetscOptionsReal("-load_hold_GPa", "Stress held with -load_driving hold (GPa, over the solid section)", "TkPlasticityStepHold", hold_GPa, &hold_GPa, &hold_set));
  PetscCall(PetscOptionsInt("-load_steps", "Driving steps (0: write the microstructure only)", "TkDeformRun", d->nsteps, &d->nsteps, NULL));
  PetscCall(PetscOptionsReal("-load_max_strain", "Stop when the load strain reaches this (0: no limit)", "TkDeformRun", d->max_strain, &d->max_strain, NULL));
  PetscCall(PetscOptionsReal("-load_strain_step", "Strain per step with -load_driving rate", "TkPlasticityStepRate", d->dstrain, &d->dstrain, NULL));
  PetscCall(PetscOptionsReal("-load_strain_rate", "Nominal strain rate (1/s) that converts strain into time for the ISF", "TkDeformRun", d->strain_rate, &d->strain_rate, NULL));
  PetscCall(PetscOptionsBool("-load_progress", "Print every step (else at most once a second)", "TkDeformRun", d->progress, &d->progress, NULL));
  PetscCall(PetscOptionsString("-o", "Output prefix: P_curve.csv, P_fields_*.h5, P_u.h5, ... (see docs/deform.md)", "TkDeformRun", d->prefix, d->prefix, sizeof(d->prefix), NULL));
  PetscCall(PetscOptionsBool("-plot", "PNGs of the stress-strain curve and plastic-strain slices", "TkDeformRun", d->plot, &d->plot, NULL));
  n = TK_MAX_FIELD_STEPS;
  PetscCall(PetscOptionsIntArray("-fields_steps", "Steps after which fields and band statistics are written (the final state always is)", "TkDeformRun", d->field_steps, &n, &set));
  d->nfield_steps = set ? n : 0;
  PetscCall(PetscOptionsInt("-fields_every", "Also write fields every this many steps (0: never)", "TkDeformRun", d->fields_every, &d->fields_every, NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "Checkpoint every this many steps (0: never)", "TkDeformRun", d->checkpoint_every, &d->checkpoint_every, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "Checkpoint file [P_checkpoint.h5]", "TkDeformRun", d->checkpoint, d->checkpoint, sizeof(d->checkpoint), NULL));
  PetscCall(PetscOptionsString("-restart", "Continue the run saved in this checkpoint (same options; -load_steps counts from the start)", "TkDeformSetUp", d->restart, d->restart, sizeof(d->restart), NULL));
  PetscCall(PetscOptionsReal("-band_sigmas", "A voxel is in a band if its plastic strain exceeds mean + this many standard deviations", "TkBandStatsCompute", d->band_sigmas, &d->band_sigmas, NULL));
  PetscCall(PetscOptionsInt("-band_min_voxels", "Smallest connected cluster counted as a band", "TkBandStatsCompute", d->band_min_voxels, &d->band_min_voxels, NULL));
  PetscCall(PetscOptionsInt("-xpcs_every", "ISF snapshot every this many steps (0: no ISF)", "TkIsfEvaluate", d->xpcs_every, &d->xpcs_every, NULL));
  PetscCall(PetscOptionsInt("-xpcs_start", "Step of the reference snapshot [0; with -load_driving hold, the first step at the held stress]", "TkIsfEvaluate", d->xpcs_start, &d->xpcs_start, &xpcs_start_set));
  PetscCall(PetscOptionsReal("-xpcs_q_per_nm", "Scattering vector magnitude (1/nm)", "TkIsfEvaluate", qnm, &qnm, NULL));
  n = 3;
  PetscCall(PetscOptionsRealArray("-xpcs_direction", "Direction of q, x,y,z", "TkIsfEvaluate", d->xpcs_dir, &n, &set));
  PetscCheck(!set || n == 3, d->comm, PETSC_ERR_USER_INPUT, "-xpcs_direction needs x,y,z");
  PetscOptionsEnd();
  PetscCheck(d->nsteps >= 0, d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-load_steps must be >= 0, got %" PetscInt_FMT, d->nsteps);
  PetscCheck(d->max_strain >= 0 && PetscIsNormalReal(d->max_strain + 1), d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-load_max_strain must be >= 0");
  PetscCheck(d->dstrain > 0 && d->dstrain < 0.1, d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-load_strain_step must lie in (0, 0.1), got %g", (double)d->dstrain);
  PetscCheck(d->strain_rate > 0 && PetscIsNormalReal(d->strain_rate), d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-load_strain_rate must be positive");
  PetscCheck(d->fields_every >= 0 && d->checkpoint_every >= 0 && d->xpcs_every >= 0 && d->xpcs_start >= 0, d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fields_every, -checkpoint_every, -xpcs_every and -xpcs_start must be >= 0");
  PetscCheck(d->band_sigmas >= 0 && d->band_min_voxels >= 1, d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-band_sigmas must be >= 0 and -band_min_voxels >= 1");
  PetscCheck(qnm > 0 && PetscIsNormalReal(qnm), d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-xpcs_q_per_nm must be positive");
  PetscCheck(d->drive != TK_DRIVE_HOLD || (hold_set && hold_GPa > 0 && PetscIsNormalReal(hold_GPa)), d->comm, PETSC_ERR_USER_INPUT, "-load_driving hold needs -load_hold_GPa S > 0 (the stress to hold)");
  PetscCheck(d->drive == TK_DRIVE_HOLD || !hold_set, d->comm, PETSC_ERR_USER_INPUT, "-load_hold_GPa applies to -load_driving hold only");
  d->hold_stress      = d->drive == TK_DRIVE_HOLD ? hold_GPa * 1e9 : 0;
  d->xpcs_at_hold     = (PetscBool)(d->drive == TK_DRIVE_HOLD && !xpcs_start_set);
  d->xpcs_q           = qnm * 1e9;
  const PetscReal len = PetscSqrtReal(d->xpcs_dir[0] * d->xpcs_dir[0] + d->xpcs_dir[1] * d->xpcs_dir[1] + d->xpcs_dir[2] * d->xpcs_dir[2]);
  PetscCheck(len > 0 && PetscIsNormalReal(len), d->comm, PETSC_ERR_ARG_OUTOFRANGE, "-xpcs_direction must be a non-zero vector");
  for (int a = 0; a < 3; a++) d->xpcs_dir[a] /= len;
  PetscCheck(d->prefix[0], d->comm, PETSC_ERR_USER_INPUT, "-o needs an output prefix");
  if (!d->checkpoint[0]) PetscCall(PetscSNPrintf(d->checkpoint, sizeof(d->checkpoint), "%s_checkpoint.h5", d->prefix));
  PetscCall(TkMicrostructureGetGridSize(d->micro, d->N, &d->grid.spacing[0]));
  { /* created even for -load_steps 0, so that their options are read */
    const PetscInt  Nxyz[3] = {d->N[2], d->N[1], d->N[0]};
    const PetscReal h = d->grid.spacing[0], hxyz[3] = {h, h, h};
    PetscCall(TkSpectralCreate(d->comm, &d->solver));
    PetscCall(TkSpectralSetGrid(d->solver, Nxyz, hxyz));
    PetscCall(TkSpectralSetFromOptions(d->solver));
    PetscCall(TkPlasticityCreate(d->comm, d->micro, d->solver, &d->plast));
    PetscCall(TkPlasticitySetFromOptions(d->plast));
    PetscCall(TkPlasticitySetLoadMode(d->plast, d->mode));
  }
  PetscFunctionReturn(0);
}

/* every option that changes the trajectory */
static PetscErrorCode Fingerprint(TkDeform d, unsigned long long *fp)
{
  PetscReal eps0 = 0;

  PetscFunctionBegin;
  PetscCall(TkMicrostructureGetFingerprint(d->micro, fp));
  if (d->plast) PetscCall(TkPlasticityGetEps0(d->plast, &eps0));
  const PetscReal v[7] = {(PetscReal)d->mode, (PetscReal)d->drive, eps0, d->drive != TK_DRIVE_QUASISTATIC ? d->dstrain : 0, (PetscReal)d->xpcs_start, d->hold_stress, (PetscReal)d->xpcs_at_hold};
  for (int i = 0; i < 7; i++) {
    unsigned long long b;
    memcpy(&b, &v[i], sizeof(b));
    *fp ^= b + 0x9e3779b97f4a7c15ULL + (*fp << 6) + (*fp >> 2);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckpointFields(TkDeform d, TkCheckpointField f[5])
{
  PetscReal *eps_p, *eta, *thr, *draws;

  PetscFunctionBegin;
  PetscCall(TkPlasticityGetState(d->plast, &eps_p, &eta, &thr, &draws));
  f[0] = (TkCheckpointField){"eps_p", 6, eps_p};
  f[1] = (TkCheckpointField){"eta", 1, eta};
  f[2] = (TkCheckpointField){"threshold", 1, thr};
  f[3] = (TkCheckpointField){"draws", 1, draws};
  f[4] = (TkCheckpointField){"isf_reference", 1, d->isf_ref};
  PetscFunctionReturn(0);
}

/* A checkpoint whose fingerprint matches can still hold damaged contents: refuse them before they drive a run. */
static PetscErrorCode CheckpointValidate(TkDeform d, const TkCheckpointHeader *hd)
{
  PetscReal *eps_p, *eta, *thr, *draws;
  PetscInt   bad[4] = {0, 0, 0, 0}; /* non-finite, eta < 0, threshold <= 0 or NaN, draws not a count >= 1 */

  PetscFunctionBegin;
  PetscCall(TkPlasticityGetState(d->plast, &eps_p, &eta, &thr, &draws));
  for (size_t q = 0; q < d->n; q++) {
    PetscBool finite = (PetscBool)(PetscIsNormalReal(eta[q] + 1) && PetscIsNormalReal(d->isf_ref[q] + 1));
    for (int k = 0; k < 6; k++) finite = (PetscBool)(finite && PetscIsNormalReal(eps_p[6 * q + k] + 1));
    bad[0] += !finite;
    bad[1] += eta[q] < 0;
    bad[2] += !(thr[q] > 0);
    bad[3] += !(draws[q] >= 1 && draws[q] == PetscFloorReal(draws[q]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, bad, 4, MPIU_INT, MPI_SUM, d->comm));
  PetscCheck(!bad[0], d->comm, PETSC_ERR_FILE_UNEXPECTED, "the checkpoint '%s' is damaged: %" PetscInt_FMT " voxels hold non-finite strains; restart from an earlier checkpoint or from scratch", d->restart, bad[0]);
  PetscCheck(!bad[1], d->comm, PETSC_ERR_FILE_UNEXPECTED, "the checkpoint '%s' is damaged: %" PetscInt_FMT " voxels hold a negative accumulated plastic strain", d->restart, bad[1]);
  PetscCheck(!bad[2], d->comm, PETSC_ERR_FILE_UNEXPECTED, "the checkpoint '%s' is damaged: %" PetscInt_FMT " voxels hold a yield threshold that is not positive", d->restart, bad[2]);
  PetscCheck(!bad[3], d->comm, PETSC_ERR_FILE_UNEXPECTED, "the checkpoint '%s' is damaged: %" PetscInt_FMT " voxels hold a threshold draw count that is not a whole number >= 1", d->restart, bad[3]);
  PetscCheck(d->curve.nrows == hd->step, d->comm, PETSC_ERR_FILE_UNEXPECTED, "the checkpoint '%s' is damaged: it is at step %" PetscInt_FMT " but its stress-strain table holds %" PetscInt_FMT " rows", d->restart, hd->step, d->curve.nrows);
  PetscCheck(hd->step <= d->nsteps, d->comm, PETSC_ERR_USER_INPUT, "the checkpoint '%s' is at step %" PetscInt_FMT ", beyond -load_steps %" PetscInt_FMT "; give -load_steps above %" PetscInt_FMT " to continue it", d->restart, hd->step, d->nsteps,
             hd->step);
  PetscFunctionReturn(0);
}

PetscErrorCode TkDeformSetUp(TkDeform d)
{
  ptrdiff_t nl, z0;

  PetscFunctionBegin;
  fftw_mpi_init();
  (void)fftw_mpi_local_size_3d(d->N[0], d->N[1], d->N[2] / 2 + 1, d->comm, &nl, &z0);
  d->z0  = (PetscInt)z0;
  d->nzl = (PetscInt)nl;
  if (d->nsteps > 0) {
    PetscCall(TkSpectralSetUp(d->solver));
    PetscCall(TkSpectralGetLocalPlanes(d->solver, &d->z0, &d->nzl));
  }
  d->n = (size_t)d->nzl * d->N[1] * d->N[2];
  PetscCall(TkMicrostructureSetUp(d->micro, d->z0, d->nzl));
  PetscCall(TkMicrostructureGetGrid(d->micro, &d->grid));
  const PetscInt *phase;
  PetscCall(TkMicrostructureGetLocal(d->micro, NULL, NULL, &phase, NULL));
  PetscCall(PetscMalloc3(d->n, &d->solid, d->n, &d->isf_ref, 6 * d->n, &d->work));
  for (size_t q = 0; q < d->n; q++) d->solid[q] = phase[q] != TK_PHASE_VACUUM, d->isf_ref[q] = 0;
  {
    /* A pillar's axial force is the same through every z plane, so the cell mean of sigma_zz (or sigma_xz) is the
       force over the cell section; over the solid section (the same in every plane) it is the pillar's stress. */
    PetscReal ns = 0, nall = (PetscReal)d->N[0] * d->N[1] * d->N[2];
    for (size_t q = 0; q < d->n; q++) ns += (PetscReal)d->solid[q];
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ns, 1, MPIU_REAL, MPI_SUM, d->comm));
    PetscCheck(ns > 0, d->comm, PETSC_ERR_USER_INPUT, "the microstructure holds no solid voxel");
    d->solid_fraction = ns / nall;
  }
  if (d->nsteps > 0) PetscCall(TkPlasticitySetUp(d->plast));
  if (d->restart[0]) {
    PetscCheck(d->nsteps > 0, d->comm, PETSC_ERR_USER_INPUT, "-restart needs -load_steps > 0");
    TkCheckpointField  f[5];
    TkCheckpointHeader hd;
    TkTable *const     tables[4] = {&d->curve, &d->loc, &d->bands, &d->isf};
    unsigned long long fp;
    PetscCall(Fingerprint(d, &fp));
    PetscCall(CheckpointFields(d, f));
    PetscCall(TkDeformCheckpointRead(d->comm, d->restart, d->N, d->z0, d->nzl, fp, &hd, 5, f, 4, tables));
    PetscCall(CheckpointValidate(d, &hd));
    d->step = d->start_step = hd.step;
    PetscCall(TkPlasticitySetLoad(d->plast, hd.load));
    PetscCall(TkPlasticityResolve(d->plast));
  }
  /* fail before computing if an output cannot be written */
  char path[PETSC_MAX_PATH_LEN];
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s_curve.csv", d->prefix));
  PetscCall(TkCheckWritable(d->comm, path));
  PetscFunctionReturn(0);
}

static PetscErrorCode Path(TkDeform d, const char *suffix, char path[PETSC_MAX_PATH_LEN])
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, PETSC_MAX_PATH_LEN, "%s_%s", d->prefix, suffix));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFields(TkDeform d, const char *tag)
{
  char            path[PETSC_MAX_PATH_LEN], suffix[64];
  PetscReal      *eps_p, *eta, *vm = d->work, *ph = d->work + d->n, *eps_x;
  const PetscInt *phase;
  TkBandStats     bs;
  PetscReal       strain;

  PetscFunctionBegin;
  PetscCall(TkPlasticityGetState(d->plast, &eps_p, &eta, NULL, NULL));
  PetscCall(TkPlasticityGetEquivalentStrain(d->plast, vm));
  PetscCall(TkMicrostructureGetLocal(d->micro, NULL, NULL, &phase, NULL));
  for (size_t q = 0; q < d->n; q++) ph[q] = (PetscReal)phase[q];
  /* the state is Voigt-ordered (xx, yy, zz, yz, xz, xy); files carry the XDMF Tensor6 order (xx, xy, xz, yy, yz, zz) */
  static const int voigt_of_xdmf[6] = {0, 5, 4, 1, 3, 2};
  PetscCall(PetscMalloc1(6 * d->n, &eps_x));
  for (size_t q = 0; q < d->n; q++)
    for (int k = 0; k < 6; k++) eps_x[6 * q + k] = eps_p[6 * q + voigt_of_xdmf[k]];
  const TkGridField fields[] = {
      {"plastic_strain", "1 (accumulated von Mises equivalent plastic strain)", 1, eta},
      {"eps_p", "1 (plastic eigenstrain, tensor shears)", 6, eps_x},
      {"vm_strain", "1 (von Mises equivalent total strain, sqrt(2/3 e':e'))", 1, vm},
      {"phase", "1 (0 glass, 1 interface, 2 crystal, 3 vacuum)", 1, ph},
  };
  PetscCall(PetscSNPrintf(suffix, sizeof(suffix), "fields_%s.h5", tag));
  PetscCall(Path(d, suffix, path));
  PetscCall(TkGridFieldsWriteParallel(d->comm, path, &d->grid, d->z0, d->nzl, 4, fields));
  PetscCall(PetscFree(eps_x));
  /* shear bands at the same step, once per step (the final state may also have been a -fields_steps step) */
  if (d->bands_step == d->step) PetscFunctionReturn(0);
  PetscCall(TkBandStatsCompute(d->comm, d->N, d->z0, d->nzl, eta, d->solid, d->band_sigmas, d->band_min_voxels, &bs));
  PetscCall(TkPlasticityGetLoad(d->plast, &strain));
  const PetscReal row[9] = {(PetscReal)d->step, strain, bs.threshold, (PetscReal)bs.ncomponents, (PetscReal)bs.nbands, bs.largest_fraction, bs.top10_fraction, bs.participation, bs.cv};
  PetscCall(TkTableAppend(&d->loc, row));
  for (PetscInt k = 0; k < bs.nreported; k++) {
    const TkBand   *b     = &bs.band[k];
    const PetscReal r[10] = {(PetscReal)d->step, strain, (PetscReal)k, (PetscReal)b->voxels, b->plastic_fraction, b->normal[0], b->normal[1], b->normal[2], b->angle_deg, (PetscReal)b->spanning};
    PetscCall(TkTableAppend(&d->bands, r));
  }
  d->last_bands = bs;
  d->bands_step = d->step;
  d->final_row  = (PetscBool)!strcmp(tag, "final");
  PetscFunctionReturn(0);
}

/* P_fields.xdmf: every field snapshot of the run (this one and, after a restart, the earlier one) as a time series
   over the load strain, so that ParaView shows the bands growing with one file and a time slider */
static PetscErrorCode WriteFieldSeries(TkDeform d)
{
  const PetscInt nt = d->loc.nrows;
  char         **names, path[PETSC_MAX_PATH_LEN], suffix[64];
  PetscReal     *times;

  PetscFunctionBegin;
  if (!nt) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(nt, &names, nt, &times));
  for (PetscInt k = 0; k < nt; k++) {
    const PetscReal *row = &d->loc.values[k * d->loc.ncols];
    if (k == nt - 1 && d->final_row)
      PetscCall(PetscSNPrintf(suffix, sizeof(suffix), "fields_final.h5"));
    else
      PetscCall(PetscSNPrintf(suffix, sizeof(suffix), "fields_%05" PetscInt_FMT ".h5", (PetscInt)row[0]));
    PetscCall(Path(d, suffix, path));
    PetscCall(PetscStrallocpy(path, &names[k]));
    times[k] = row[1];
  }
  const TkGridField fields[] = {{"plastic_strain", NULL, 1, NULL}, {"eps_p", NULL, 6, NULL}, {"vm_strain", NULL, 1, NULL}, {"phase", NULL, 1, NULL}};
  PetscCall(Path(d, "fields.xdmf", path));
  PetscCall(TkGridXdmfSeriesWrite(d->comm, path, &d->grid, nt, (const char *const *)names, times, 4, fields));
  for (PetscInt k = 0; k < nt; k++) PetscCall(PetscFree(names[k]));
  PetscCall(PetscFree2(names, times));
  PetscFunctionReturn(0);
}

/* d.(u - E.x) per local voxel into p */
static PetscErrorCode NonAffineProjection(TkDeform d, PetscReal *p)
{
  PetscReal *u = d->work, E[6], S[6];

  PetscFunctionBegin;
  PetscCall(TkSpectralGetDisplacement(d->solver, u));
  PetscCall(TkSpectralGetAverages(d->solver, E, S));
  const PetscReal Et[3][3] = {{E[0], E[5], E[4]}, {E[5], E[1], E[3]}, {E[4], E[3], E[2]}};
  for (size_t q = 0; q < d->n; q++) {
    const PetscInt  ix = (PetscInt)(q % d->N[2]), iy = (PetscInt)((q / d->N[2]) % d->N[1]), iz = d->z0 + (PetscInt)(q / ((size_t)d->N[2] * d->N[1]));
    const PetscReal x[3] = {d->grid.origin[2] + ix * d->grid.spacing[2], d->grid.origin[1] + iy * d->grid.spacing[1], d->grid.origin[0] + iz * d->grid.spacing[0]};
    PetscReal       s    = 0;
    for (int a = 0; a < 3; a++) s += d->xpcs_dir[a] * (u[3 * q + a] - (Et[a][0] * x[0] + Et[a][1] * x[1] + Et[a][2] * x[2]));
    p[q] = s;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode IsfSnapshot(TkDeform d)
{
  PetscReal strain, Fs = 1;

  PetscFunctionBegin;
  if (!d->xpcs_every) PetscFunctionReturn(0);
  /* reference: the first row of the table once taken; before, -xpcs_start or the first step of a stress hold */
  const PetscBool first = (PetscBool)(d->isf.nrows == 0);
  if (first && (d->xpcs_at_hold ? !d->holding : d->step != d->xpcs_start)) PetscFunctionReturn(0);
  const PetscInt step0 = first ? d->step : (PetscInt)d->isf.values[0];
  if ((d->step - step0) % d->xpcs_every) PetscFunctionReturn(0);
  PetscCall(TkPlasticityGetLoad(d->plast, &strain));
  if (first)
    PetscCall(NonAffineProjection(d, d->isf_ref));
  else {
    PetscReal *p = d->work + 3 * d->n;
    PetscCall(NonAffineProjection(d, p));
    PetscCall(TkIsfEvaluate(d->comm, d->n, d->isf_ref, p, d->solid, d->xpcs_q, &Fs));
  }
  /* time: a rate or hold step lasts load_strain_step / load_strain_rate; quasistatic steps are timed by the strain */
  const PetscReal strain0 = first ? strain : d->isf.values[1];
  const PetscReal t       = d->drive == TK_DRIVE_QUASISTATIC ? (strain - strain0) / d->strain_rate : (d->step - step0) * d->dstrain / d->strain_rate;
  const PetscReal row[4]  = {(PetscReal)d->step, strain, t, Fs};
  PetscCall(TkTableAppend(&d->isf, row));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCheckpoint(TkDeform d)
{
  TkCheckpointField  f[5];
  TkCheckpointHeader hd;
  TkTable *const     tables[4] = {&d->curve, &d->loc, &d->bands, &d->isf};

  PetscFunctionBegin;
  PetscCall(Fingerprint(d, &hd.fingerprint));
  hd.step = d->step;
  PetscCall(TkPlasticityGetLoad(d->plast, &hd.load));
  PetscCall(CheckpointFields(d, f));
  PetscCall(TkDeformCheckpointWrite(d->comm, d->checkpoint, d->N, d->z0, d->nzl, &hd, 5, f, 4, tables));
  PetscFunctionReturn(0);
}

static PetscErrorCode Plot(TkDeform d, const char *mode, const char *input, const char *suffix)
{
  char           png[PETSC_MAX_PATH_LEN];
  TkAtomicFile   f;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(Path(d, suffix, png));
  PetscCall(TkAtomicFileBegin(d->comm, png, &f));
  const char *const args[] = {mode, input, f.tmp_path};
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TkPlotRun(d->comm, "plot_deform.py", 3, args);
  PetscCall(PetscPopErrorHandler());
  if (ierr) PetscCall(TkAtomicFileAbort(&f));
  PetscCheck(!ierr, d->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see above); the data files were written", png);
  PetscCall(TkAtomicFileCommit(d->comm, &f));
  PetscFunctionReturn(0);
}

static PetscBool FieldStep(TkDeform d)
{
  for (PetscInt i = 0; i < d->nfield_steps; i++)
    if (d->field_steps[i] == d->step) return PETSC_TRUE;
  return (PetscBool)(d->fields_every > 0 && d->step % d->fields_every == 0);
}

PetscErrorCode TkDeformRun(TkDeform d)
{
  char           path[PETSC_MAX_PATH_LEN];
  PetscLogDouble t0, t1, last = 0;
  PetscMPIInt    rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(d->comm, &rank));
  PetscCall(Path(d, "microstructure.h5", path));
  PetscCall(TkMicrostructureWrite(d->micro, path));
  if (d->nsteps == 0) PetscFunctionReturn(0);
  PetscCall(PetscTime(&t0));
  if (d->step == 0) PetscCall(IsfSnapshot(d));
  while (d->step < d->nsteps) {
    TkPlasticityStep st;
    PetscReal        strain;
    PetscCall(TkPlasticityGetLoad(d->plast, &strain));
    if (d->max_strain > 0 && strain >= d->max_strain) break;
    if (d->drive == TK_DRIVE_QUASISTATIC)
      PetscCall(TkPlasticityStepQuasiStatic(d->plast, &st));
    else if (d->drive == TK_DRIVE_RATE)
      PetscCall(TkPlasticityStepRate(d->plast, d->dstrain, &st));
    else
      PetscCall(TkPlasticityStepHold(d->plast, d->hold_stress * d->solid_fraction, d->dstrain, &st, &d->holding));
    d->step++;
    const PetscReal row[8] = {(PetscReal)d->step, st.strain, st.stress / (1e9 * d->solid_fraction), st.stress_peak / (1e9 * d->solid_fraction), st.plastic, (PetscReal)st.events, (PetscReal)st.rounds, (PetscReal)st.iterations};
    PetscCall(TkTableAppend(&d->curve, row));
    if (FieldStep(d)) {
      char tag[32];
      PetscCall(PetscSNPrintf(tag, sizeof(tag), "%05" PetscInt_FMT, d->step));
      PetscCall(WriteFields(d, tag));
    }
    PetscCall(IsfSnapshot(d));
    if (d->checkpoint_every && d->step % d->checkpoint_every == 0) PetscCall(WriteCheckpoint(d));
    PetscCall(PetscTime(&t1));
    if (rank == 0 && (d->progress || t1 - last > 1 || d->step == d->nsteps)) {
      const PetscReal done = (PetscReal)(d->step - d->start_step) / PetscMax(1, d->nsteps - d->start_step);
      const PetscReal fs   = d->max_strain > 0 ? PetscMax(done, st.strain / d->max_strain) : done;
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, stdout, "deform: step %" PetscInt_FMT "/%" PetscInt_FMT ", strain %.5f, stress %.4g GPa, %" PetscInt_FMT " transformations, %" PetscInt_FMT " solves, %.1f s elapsed, ETA %.1f s\n", d->step, d->nsteps,
                             (double)st.strain, (double)(st.stress / (1e9 * d->solid_fraction)), st.events, st.rounds, t1 - t0, fs > 0 ? (t1 - t0) * (1 - fs) / fs : 0.0));
      last = t1;
    }
  }
  PetscCall(PetscTime(&t1));
  d->seconds = t1 - t0;
  /* final state */
  PetscCall(WriteFields(d, "final"));
  PetscCall(WriteFieldSeries(d));
  {
    PetscReal *u = d->work;
    PetscCall(TkSpectralGetDisplacement(d->solver, u));
    for (size_t q = 0; q < d->n; q++) d->work[3 * d->n + q] = (PetscReal)d->solid[q];
    const TkGridField fields[] = {
        {"u", "m", 3, u},
        {"support", "1 (1 solid, 0 vacuum)", 1, d->work + 3 * d->n},
    };
    PetscCall(Path(d, "u.h5", path));
    PetscCall(TkGridFieldsWriteParallel(d->comm, path, &d->grid, d->z0, d->nzl, 2, fields));
  }
  PetscCall(Path(d, "curve.csv", path));
  PetscCall(TkTableWriteCSV(d->comm, &d->curve, path));
  PetscCall(Path(d, "localisation.csv", path));
  PetscCall(TkTableWriteCSV(d->comm, &d->loc, path));
  PetscCall(Path(d, "bands.csv", path));
  PetscCall(TkTableWriteCSV(d->comm, &d->bands, path));
  if (d->xpcs_every) {
    TkTable fit;
    PetscCall(Path(d, "isf.csv", path));
    PetscCall(TkTableWriteCSV(d->comm, &d->isf, path));
    PetscCall(TkIsfFitKWW(&d->isf, 2, 3, &d->fit));
    PetscCall(TkTableInit(&fit, "fit", "q_per_nm,direction_x,direction_y,direction_z,tau_s,beta,points"));
    const PetscReal row[7] = {d->xpcs_q * 1e-9, d->xpcs_dir[0], d->xpcs_dir[1], d->xpcs_dir[2], d->fit.tau, d->fit.beta, (PetscReal)d->fit.npoints};
    PetscCall(TkTableAppend(&fit, row));
    PetscCall(Path(d, "isf_fit.csv", path));
    PetscCall(TkTableWriteCSV(d->comm, &fit, path));
    PetscCall(TkTableDestroy(&fit));
  }
  if (d->plot) {
    char in[PETSC_MAX_PATH_LEN];
    PetscCall(Path(d, "curve.csv", in));
    PetscCall(Plot(d, "curve", in, "curve.png"));
    PetscCall(Path(d, "fields_final.h5", in));
    PetscCall(Plot(d, "slices", in, "slices.png"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkDeformView(TkDeform d, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(TkMicrostructureView(d->micro, v));
  if (d->nsteps == 0) PetscFunctionReturn(0);
  PetscCall(TkPlasticityView(d->plast, v));
  PetscCall(TkSpectralView(d->solver, v));
  if (d->curve.nrows) {
    PetscReal peak = 0, flow = 0, last = d->curve.values[(d->curve.nrows - 1) * d->curve.ncols + 1];
    PetscInt  nflow = 0;
    for (PetscInt i = 0; i < d->curve.nrows; i++) {
      const PetscReal *r = &d->curve.values[i * d->curve.ncols];
      peak               = PetscMax(peak, PetscMax(r[2], r[3]));
      if (r[1] >= 0.5 * last) flow += r[2], nflow++;
    }
    PetscCall(PetscViewerASCIIPrintf(v, "Loading: %s, %s driving, %" PetscInt_FMT " steps to strain %.4f in %.3g s\n", TkLoadModes[d->mode], TkDriveTypes[d->drive], d->step, (double)last, d->seconds));
    PetscCall(PetscViewerASCIIPrintf(v, "  peak stress %.4g GPa, flow stress (second half of the strain) %.4g GPa\n", (double)peak, (double)(nflow ? flow / nflow : 0)));
    if (d->solid_fraction < 1) PetscCall(PetscViewerASCIIPrintf(v, "  stresses over the solid section (%.4f of the cell): cell mean / %.4f\n", (double)d->solid_fraction, (double)d->solid_fraction));
    const TkBandStats *b = &d->last_bands;
    PetscCall(PetscViewerASCIIPrintf(v, "  final state: %" PetscInt_FMT " shear bands (>= %" PetscInt_FMT " voxels above mean + %g sd), largest carries %.3f of the banded plastic strain; top-10%% share %.3f, participation ratio %.3f\n", b->nbands,
                                     d->band_min_voxels, (double)d->band_sigmas, (double)b->largest_fraction, (double)b->top10_fraction, (double)b->participation));
  }
  if (d->xpcs_every) PetscCall(PetscViewerASCIIPrintf(v, "  ISF at q = %g /nm: tau %.4g s, beta %.3g (%" PetscInt_FMT " points)\n", (double)(d->xpcs_q * 1e-9), (double)d->fit.tau, (double)d->fit.beta, d->fit.npoints));
  PetscFunctionReturn(0);
}

PetscErrorCode TkDeformDestroy(TkDeform *dd)
{
  PetscFunctionBegin;
  if (!*dd) PetscFunctionReturn(0);
  TkDeform d = *dd;
  PetscCall(TkPlasticityDestroy(&d->plast));
  if (d->solver) PetscCall(TkSpectralDestroy(&d->solver));
  PetscCall(TkMicrostructureDestroy(&d->micro));
  PetscCall(PetscFree3(d->solid, d->isf_ref, d->work));
  PetscCall(TkTableDestroy(&d->curve));
  PetscCall(TkTableDestroy(&d->loc));
  PetscCall(TkTableDestroy(&d->bands));
  PetscCall(TkTableDestroy(&d->isf));
  PetscCall(PetscFree(d));
  *dd = NULL;
  PetscFunctionReturn(0);
}
