/* takagi strain: displacement and strain fields of dislocations, loops, boundaries and inclusions, on the lab grid
   (the format takagi bcdi reads) or at points. */
#include "commands.h"
#include "strain_field.h"
#include "options.h"

PetscErrorCode TkCommandStrain(MPI_Comm comm)
{
  TkStrainField s;
  PetscBool     help;
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("Strain field", &stage));
  PetscCall(TkStrainFieldCreate(comm, &s));
  PetscCall(TkStrainFieldSetFromOptions(s));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkStrainFieldDestroy(&s));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "strain"));
  PetscCall(TkStrainFieldSetUp(s));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkStrainFieldCompute(s));
  PetscCall(PetscLogStagePop());
  PetscCall(TkStrainFieldView(s, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(TkStrainFieldWrite(s));
  PetscCall(TkStrainFieldDestroy(&s));
  PetscFunctionReturn(0);
}
