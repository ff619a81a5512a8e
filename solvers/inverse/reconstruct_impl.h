/* Private state of TkReconstruct, shared by reconstruct.c (objective, TAO), reconstruct_checkpoint.c and
   reconstruct_output.c. */
#pragma once
#include "reconstruct.h"

#define TK_REC_MAX_REFLECTIONS 8

typedef enum { TK_UNKNOWNS_PHASE, TK_UNKNOWNS_U } TkUnknowns;
typedef enum { TK_INIT_TWIN_NO, TK_INIT_TWIN_YES, TK_INIT_TWIN_AUTO } TkInitTwin;
PETSC_EXTERN const char *const TkUnknownsTypes[];

struct _p_TkReconstruct {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  PetscInt    nrefl;
  TkReflModel refl[TK_REC_MAX_REFLECTIONS];
  TkBCDIData  data[TK_REC_MAX_REFLECTIONS];
  TkGrid      grid; /* object grid (z, y, x), that of reflection 0, in its lab frame */
  PetscInt64  nvox;
  /* unknowns: nf fields of nvox values, the density last: (psi, rho) or (u_x, u_y, u_z in nm, rho) */
  TkUnknowns     unknowns;
  PetscInt       nf;
  PetscReal      rot[TK_REC_MAX_REFLECTIONS][9];  /* reflection k's lab frame -> the grid's frame */
  PetscReal      gvec[TK_REC_MAX_REFLECTIONS][3]; /* h_k in the grid's frame, 1/nm */
  PetscReal     *psik, *gpsik;                    /* u unknowns: one reflection's phase and its gradient, nvox */
  PetscInt       extra_hkl[TK_REC_MAX_REFLECTIONS][3];
  PetscReal      extra_rock[TK_REC_MAX_REFLECTIONS][3], extra_cx[TK_REC_MAX_REFLECTIONS][3];
  PetscBool      extra_has_rock[TK_REC_MAX_REFLECTIONS], extra_has_cx[TK_REC_MAX_REFLECTIONS];
  char           extra_data[TK_REC_MAX_REFLECTIONS][PETSC_MAX_PATH_LEN];
  char          *init_phases[TK_REC_MAX_REFLECTIONS]; /* -rec_init_phases: single-reflection results, one per reflection */
  PetscInt       ninit_phases;
  PetscBool      init_phases_align;   /* -rec_init_phases_align: move the files onto the first one's density */
  PetscInt       init_twin;           /* -rec_init_twin: a TkInitTwin */
  PetscInt       twin_its;            /* -rec_init_twin_its */
  PetscBool      twinned;             /* the twin trial chose the twin: x0 is the twin of the -init object (kept in checkpoints) */
  PetscReal      envelope;            /* -rec_init_envelope: autocorrelation threshold of the density start (0: off) */
  Vec            x, x0, xl, xu, xall; /* TAO solution (the nf fields), initial guess, bounds, replicated copy */
  VecScatter     toall;
  PetscReal     *gbuf;    /* nf nvox, gradient before the sum over ranks */
  unsigned char *support; /* nvox: the support of the penalty */
  /* objective options */
  TkMisfitType misfit;
  PetscReal    floor_rel, fixed_scale, tv_phase, tv_density, tv_eps, w_support, store_mb;
  PetscInt     support_dilate, grid_refine, grid_n, grid_coarsen;
  PetscInt     levels, level_its;     /* -rec_levels, -rec_level_its: the coarse-to-fine schedule the driver runs */
  PetscBool    linear_phase;          /* -rec_phase_linear: psi interpolated linearly to the TT nodes, TV on unwrapped differences */
  PetscBool    weighted_phase;        /* -rec_phase_weighted: node phase arg(P (rho e^{i psi})) */
  PetscReal    edge_width;            /* -rec_density_edge: smoothstep width of the node density (0: linear) */
  PetscReal   *truth_psi, *truth_sup; /* -truth on the grid, read at the first monitor call (NULL before) */
  /* run options */
  char      init[PETSC_MAX_PATH_LEN], truth[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN];
  char      checkpoint[PETSC_MAX_PATH_LEN], output[PETSC_MAX_PATH_LEN], cxi[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  PetscInt  checkpoint_every, max_it, it_done, it_offset;
  PetscInt  it_run, it_extra; /* the ETA: iterations run by this process before the current TaoSolve, and those still to run beyond -tao_max_it (the twin trial) */
  PetscBool check_gradient, progress;
  char      fingerprint[4096];
  char      tao_type[64]; /* what -tao_type chose: part of the fingerprint (the trajectory depends on it) */
  /* last evaluation */
  PetscReal          J, misfit_sum, reg_sum, gnorm;
  PetscInt           nevals;
  PetscLogDouble     t_forward, t_adjoint, t_start, t_last;
  TaoConvergedReason reason;
};

PETSC_INTERN PetscErrorCode TkReconstructFingerprint(TkReconstruct);
PETSC_INTERN PetscErrorCode TkReconstructCheckpointWrite(TkReconstruct, PetscInt iteration);
PETSC_INTERN PetscErrorCode TkReconstructCheckpointRead(TkReconstruct, const char path[]);
/* fields[f] (nvox each): psi or u_x, u_y, u_z (nm), then rho */
PETSC_INTERN PetscErrorCode TkReconstructReadInit(TkReconstruct, const char path[], PetscReal *fields);
/* u unknowns: u (nm) and rho from one single-reflection result per reflection (phase_hu, density): per voxel the u
   whose phases g_k.u match the phases modulo 2 pi, branches chosen from a neighbour (docs/reconstruct.md) */
/* initial_object.c: the twin of fields in place (r -> -r, phase or u negated, density kept); the envelope of
   reflection 0's data as the density rho, placed on the support rho > 0.5 it replaces */
PETSC_INTERN PetscErrorCode TkReconstructTwinFields(TkReconstruct, PetscReal *fields);
PETSC_INTERN PetscErrorCode TkReconstructEnvelope(TkReconstruct, PetscReal threshold, PetscReal *rho);
/* the start becomes the twin of x0 (x0, x, the penalty's support, the fingerprint); twice is the identity */
PETSC_INTERN PetscErrorCode TkReconstructTwinStart(TkReconstruct);
PETSC_INTERN PetscErrorCode TkReconstructCombinePhases(TkReconstruct, PetscReal *fields);
/* the phase error of reflection 0 against -truth (RMS, wrapped, best constant removed) over the true support, and
   over its interior (eroded by one voxel); x replicated on every rank */
PETSC_INTERN PetscErrorCode TkReconstructTruthError(TkReconstruct, const PetscReal *x, PetscReal *support_rms, PetscReal *interior_rms);
/* the phase of reflection k on the grid: psi itself, or h_k . u */
PETSC_INTERN void           TkReconstructPhase(TkReconstruct, PetscInt k, const PetscReal *x, PetscReal *psi);
PETSC_INTERN PetscErrorCode TkReconstructWriteOutputs(TkReconstruct);
