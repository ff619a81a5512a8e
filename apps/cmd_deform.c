/* takagi deform: mesoscale deformation of metallic glasses, nanoglasses and nanoglass-nanocrystal composites
   (Voronoi microstructure, shear-transformation plasticity on the spectral elasticity solver). docs/deform.md. */
#include "commands.h"
#include "deform.h"
#include "options.h"

PetscErrorCode TkCommandDeform(MPI_Comm comm)
{
  TkDeform      d;
  PetscBool     help;
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscCall(PetscLogStageRegister("Deformation", &stage));
  PetscCall(TkDeformCreate(comm, &d));
  PetscCall(TkDeformSetFromOptions(d));
  PetscCall(TkOptionsHelpRequested(&help));
  if (help) {
    PetscCall(TkDeformDestroy(&d));
    PetscFunctionReturn(0);
  }
  PetscCall(TkOptionsCheckUnused(comm, "deform"));
  PetscCall(TkDeformSetUp(d));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(TkDeformRun(d));
  PetscCall(PetscLogStagePop());
  PetscCall(TkDeformView(d, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(TkDeformDestroy(&d));
  PetscFunctionReturn(0);
}
