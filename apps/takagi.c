/* takagi: X-ray dynamical diffraction from strained crystals. One driver, one subcommand per task. */
#include "commands.h"
#include "error_handler.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const TkCommand commands[] = {
    {"rocking", "rocking curves of perfect, depth-strained and bent plates (depth-profile Takagi-Taupin)", TkCommandRocking},
    {"bcdi", "3D Takagi-Taupin forward model of finite strained crystals and the BCDI far field", TkCommandBCDI},
    {"strain", "displacement and strain fields of dislocations, loops, boundaries and inclusions", TkCommandStrain},
    {"deform", "mesoscale deformation of metallic glasses and nanoglasses (shear-transformation plasticity on FFT elasticity)", TkCommandDeform},
    {"phase", "kinematic phase retrieval of BCDI data (ER, HIO, RAAR, shrink-wrap; CXI or raw 34-ID-C input)", TkCommandPhase},
    {"reconstruct", "dynamical strain reconstruction with TAO (3D Takagi-Taupin model, exact adjoint)", TkCommandReconstruct},
};
static const int ncommands = (int)(sizeof(commands) / sizeof(commands[0]));

static void Usage(FILE *fp)
{
  fprintf(fp, "takagi %s: X-ray dynamical diffraction from strained crystals\n\n", TAKAGI_VERSION);
  fprintf(fp, "usage: takagi <command> [-option value ...] [-options_file f] [-options_file_yaml deck.yaml]\n");
  fprintf(fp, "       mpiexec -n <ranks> takagi <command> ...\n\ncommands:\n");
  for (int i = 0; i < ncommands; i++) fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf(fp, "\n'takagi <command> -help' lists a command's options with units and defaults.\n");
}

int main(int argc, char **argv)
{
  const TkCommand *cmd = NULL;
  PetscErrorCode   ierr;

  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    Usage(stdout);
    return argc < 2 ? 1 : 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-version")) {
    printf("takagi %s\n", TAKAGI_VERSION);
    return 0;
  }
  for (int i = 0; i < ncommands; i++)
    if (!strcmp(argv[1], commands[i].name)) cmd = &commands[i];
  /* before MPI starts every rank runs this; only the first of a job speaks (Open MPI, MPICH, Slurm rank variables) */
  const char *rank = getenv("OMPI_COMM_WORLD_RANK");
  if (!rank) rank = getenv("PMI_RANK");
  const int quiet = rank && strcmp(rank, "0");
  if (!cmd) {
    if (!quiet) fprintf(stderr, "takagi: error: unknown command '%s'; 'takagi --help' lists the commands\n", argv[1]);
    return 1;
  }
  if (!cmd->run) {
    if (!quiet) fprintf(stderr, "takagi: error: command '%s' is not available in this version yet\n", cmd->name);
    return 1;
  }
  /* PETSc sees the command's options only: argv[1] is the command name */
  argv[1] = argv[0];
  argc--;
  argv++;
  /* -help is taken out before PetscInitialize, which would print the options of all of PETSc, and put back so
     that each object lists its own options with units and defaults */
  int help = 0, n = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
      help = 1;
    else
      argv[n++] = argv[i];
  }
  argc = n;
  ierr = PetscInitialize(&argc, &argv, NULL, NULL);
  if (ierr) return (int)ierr;
  signal(SIGPIPE, SIG_DFL); /* `takagi ... | head` ends quietly, like any Unix tool */
  if (help) {
    printf("takagi %s: %s\n\nusage: takagi %s [-option value ...] [-options_file_yaml deck.yaml]\n\n", cmd->name, cmd->summary, cmd->name);
    ierr = PetscOptionsSetValue(NULL, "-help", NULL);
  }
  ierr = TkPushErrorHandler(cmd->name);
  if (!ierr) ierr = cmd->run(PETSC_COMM_WORLD);
  if (ierr && !TkErrorIsUserError(ierr)) MPI_Abort(PETSC_COMM_WORLD, (int)ierr); /* internal error: traceback printed */
  PetscFinalize();
  return ierr ? 1 : 0;
}
