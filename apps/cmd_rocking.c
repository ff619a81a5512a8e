/* takagi rocking: rocking curves of plates from the depth-profile Takagi-Taupin equations. */
#include "commands.h"
#include "rocking_scan.h"
#include "options.h"

PetscErrorCode TkCommandRocking(MPI_Comm comm)
{
  TkRocking     r;
  PetscBool     help;
  PetscLogStage stage;
  char          out[PETSC_MAX_PATH_LEN] = "", plot[PETSC_MAX_PATH_LEN] = "";

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("Rocking curve", &stage));
  PetscCall(TkRockingCreate(comm, &r));
  PetscCall(TkRockingSetFromOptions(r));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkRockingDestroy(&r));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "rocking"));
  PetscCall(TkRockingSetUp(r));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkRockingSolve(r));
  PetscCall(PetscLogStagePop());
  PetscCall(TkRockingView(r, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(TkRockingWrite(r));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof(out), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-plot", plot, sizeof(plot), NULL));
  if (out[0]) PetscCall(PetscPrintf(comm, "curve: %s\n", out));
  if (plot[0]) PetscCall(PetscPrintf(comm, "plot:  %s\n", plot));
  PetscCall(TkRockingDestroy(&r));
  PetscFunctionReturn(0);
}
