/* takagi reconstruct: dynamical BCDI strain reconstruction. TAO fits the phase h.u and the density of a crystal on
   the lab grid to a measured rocking scan through the 3D Takagi-Taupin forward model of takagi bcdi, with gradients
   from its exact discrete adjoint (docs/reconstruct.md). */
#include "commands.h"
#include "reconstruct.h"
#include "options.h"

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
