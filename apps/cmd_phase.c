/* takagi phase: kinematic phase retrieval of a BCDI scan (a CXI file from takagi bcdi or PyNX, or the raw APS 34-ID-C
   file) with ER, HIO, RAAR and shrink-wrap on a distributed 3D FFT (docs/phase.md). */
#include "commands.h"
#include "phasing.h"
#include "options.h"
#include "atomic_file.h"

PetscErrorCode TkCommandPhase(MPI_Comm comm)
{
  TkBCDIData    d;
  TkPhasing     p;
  PetscBool     help;
  PetscLogStage stage;
  char          path[PETSC_MAX_PATH_LEN];
  PetscBool     set;

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("Phase retrieval", &stage));
  PetscCall(TkBCDIDataCreate(comm, &d));
  PetscCall(TkBCDIDataSetFromOptions(d));
  PetscCall(TkPhasingCreate(comm, &p));
  PetscCall(TkPhasingSetFromOptions(p));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkPhasingDestroy(&p));
    PetscCall(TkBCDIDataDestroy(&d));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "phase"));
  /* every output path is checked before any work */
  const char *const outs[] = {"-o", "-object", "-plot", "-object_lab"};
  for (int i = 0; i < 4; i++) {
    PetscCall(PetscOptionsGetString(NULL, NULL, outs[i], path, sizeof(path), &set));
    if (set && path[0]) PetscCall(TkCheckWritable(comm, path));
    if (set && path[0] && i == 3) { /* and the twin's file */
      char twin[PETSC_MAX_PATH_LEN];
      PetscCall(TkPhaseLabTwinPath(path, twin, sizeof(twin)));
      PetscCall(TkCheckWritable(comm, twin));
    }
  }
  PetscCall(TkPhasingSetData(p, d));
  PetscCall(TkPhasingSetUp(p));
  PetscCall(TkPhasingView(p, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkPhasingSolve(p));
  PetscCall(PetscLogStagePop());
  PetscCall(TkPhasingView(p, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(TkPhasingWrite(p));
  PetscCall(TkPhasingDestroy(&p));
  PetscCall(TkBCDIDataDestroy(&d));
  PetscFunctionReturn(0);
}
