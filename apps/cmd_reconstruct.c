/* takagi reconstruct: dynamical BCDI strain reconstruction. TAO fits the phase h.u and the density of a crystal on
   the lab grid to a measured rocking scan through the 3D Takagi-Taupin forward model of takagi bcdi, with gradients
   from its exact discrete adjoint (docs/reconstruct.md). */
#include "commands.h"
#include "reconstruct.h"
#include "options.h"
#include <string.h>

/* -rec_levels L: stage l = 0 ... L - 1 on an object grid 2^(L-1-l) times coarser than the default, each started from
   the result of the one before (written to <-o stem>.level<l>.h5), the last with the options' own grid and outputs */
static PetscErrorCode RunLevels(MPI_Comm comm, PetscLogStage stage, PetscInt levels, PetscInt level_its)
{
  char prev[PETSC_MAX_PATH_LEN] = "", cur[PETSC_MAX_PATH_LEN], stem[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", stem, sizeof(stem), NULL));
  {
    char *dot = strrchr(stem, '.');
    if (dot && !strchr(dot, '/')) *dot = 0;
  }
  for (PetscInt l = 0; l < levels; l++) {
    const PetscBool last = (PetscBool)(l == levels - 1);
    const PetscInt  c    = (PetscInt)1 << (levels - 1 - l);
    TkReconstruct   r;
    PetscCall(PetscSNPrintf(cur, sizeof(cur), "%s.level%" PetscInt_FMT ".h5", stem, l));
    PetscCall(PetscPrintf(comm, "Coarse to fine: stage %" PetscInt_FMT " of %" PetscInt_FMT ", object grid step %" PetscInt_FMT " x the default%s%s\n", l + 1, levels, c, l ? ", from " : "", l ? prev : ""));
    PetscCall(TkReconstructCreate(comm, &r));
    PetscCall(TkReconstructSetFromOptions(r));
    PetscCall(TkReconstructSetLevel(r, c, l ? prev : NULL, last ? NULL : cur, last ? -1 : level_its));
    PetscCall(TkReconstructSetUp(r));
    PetscCall(TkReconstructView(r, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(PetscLogStagePush(stage));
    PetscCall(TkReconstructSolve(r));
    PetscCall(PetscLogStagePop());
    PetscCall(TkReconstructView(r, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(TkReconstructWrite(r));
    PetscCall(TkReconstructDestroy(&r));
    PetscCall(PetscStrncpy(prev, cur, sizeof(prev)));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkCommandReconstruct(MPI_Comm comm)
{
  TkReconstruct r;
  PetscBool     help, checked;
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("Reconstruct", &stage));
  PetscCall(TkReconstructCreate(comm, &r));
  PetscCall(TkReconstructSetFromOptions(r));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkReconstructDestroy(&r));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "reconstruct"));
  {
    PetscInt levels, level_its;
    PetscCall(TkReconstructGetLevels(r, &levels, &level_its));
    if (levels > 1) {
      PetscCall(TkReconstructDestroy(&r));
      PetscCall(RunLevels(comm, stage, levels, level_its));
      PetscFunctionReturn(0);
    }
  }
  PetscCall(TkReconstructSetUp(r));
  PetscCall(TkReconstructView(r, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkReconstructCheckGradient(r, &checked));
  if (!checked) PetscCall(TkReconstructSolve(r));
  PetscCall(PetscLogStagePop());
  if (!checked) {
    PetscCall(TkReconstructView(r, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(TkReconstructWrite(r));
  }
  PetscCall(TkReconstructDestroy(&r));
  PetscFunctionReturn(0);
}
