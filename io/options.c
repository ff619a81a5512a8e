/* An option that no object read is almost always a typo: stop before any work is done and name it. */
#include "options.h"

PetscErrorCode TkOptionsHelpRequested(PetscBool *help)
{
  PetscBool h1 = PETSC_FALSE, h2 = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &h1));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-h", &h2));
  *help = (PetscBool)(h1 || h2);
  PetscFunctionReturn(0);
}

/* PETSc's own options read only at PetscFinalize (after this check): not unknown */
static PetscBool ReadAtFinalize(const char *name)
{
  static const char *const later[] = {"options_view", "options_left", "log_view", "malloc_dump", "malloc_view", "memory_view"};
  for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
    PetscBool same = PETSC_FALSE;
    PetscCallAbort(PETSC_COMM_SELF, PetscStrcasecmp(name, later[i], &same));
    if (same) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

PetscErrorCode TkOptionsCheckUnused(MPI_Comm comm, const char command[])
{
  PetscInt  n, nleft;
  char    **names, **values, list[1024] = "";
  PetscBool allow = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-allow_unused_options", &allow, NULL));
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  nleft = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (ReadAtFinalize(names[i])) continue;
    if (nleft++) PetscCall(PetscStrlcat(list, ", ", sizeof(list)));
    PetscCall(PetscStrlcat(list, "-", sizeof(list)));
    PetscCall(PetscStrlcat(list, names[i], sizeof(list)));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (nleft && allow) PetscCall(PetscPrintf(comm, "takagi %s: warning: unused option(s) %s\n", command, list));
  PetscCheck(!nleft || allow, comm, PETSC_ERR_USER_INPUT, "unknown option(s) %s for 'takagi %s' (misspelt?); 'takagi %s -help' lists the options, -allow_unused_options accepts them", list, command, command);
  PetscFunctionReturn(0);
}

/* Every option in the database as one string, for provenance attributes in output files. */
PetscErrorCode TkOptionsGetAll(char **all)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, all));
  PetscFunctionReturn(0);
}
