/* takagi bcdi: the coherent diffraction pattern of a finite strained crystal, dynamical (3D Takagi-Taupin) and
   kinematic, as a detector records it over a rocking scan. */
#include "commands.h"
#include "bcdi_forward.h"
#include "options.h"

PetscErrorCode TkCommandBCDI(MPI_Comm comm)
{
  TkBCDI        b;
  PetscBool     help;
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("BCDI forward", &stage));
  PetscCall(TkBCDICreate(comm, &b));
  PetscCall(TkBCDISetFromOptions(b));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkBCDIDestroy(&b));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "bcdi"));
  PetscCall(TkBCDISetUp(b));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkBCDISolve(b));
  PetscCall(PetscLogStagePop());
  PetscCall(TkBCDIView(b, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(TkBCDIWrite(b));
  PetscCall(TkBCDIDestroy(&b));
  PetscFunctionReturn(0);
}
