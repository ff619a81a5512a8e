/* TkCXIWrite and TkGridFieldsWrite (io/cxi.h): write a small synthetic rocking scan (as float64 and as float32) and a
   small grid with a scalar and a 3-vector field into a fresh directory, check the failures (unwritable path, bad
   field names or component counts) leave nothing behind, then let tests/test_cxi.py read everything with h5py as a
   PyNX/silx/ParaView user would. Runs on any number of ranks: only rank 0 holds the data, the others pass NULL.
   usage: test_cxi [-check_python <python3 with numpy, h5py> -check_script <tests/test_cxi.py>] [-keep]
   The values written here are recomputed in test_cxi.py: change both together. */
#include "cxi.h"
#include "tk_test.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NA 5
#define NY 6
#define NX 7
#define GZ 4
#define GY 5
#define GX 6

/* R = Rz(30 deg) Rx(10 deg), row major: crystal Cartesian -> lab */
static void Orientation(PetscReal R[9])
{
  const PetscReal a = 30 * PETSC_PI / 180, b = 10 * PETSC_PI / 180, ca = PetscCosReal(a), sa = PetscSinReal(a), cb = PetscCosReal(b), sb = PetscSinReal(b);
  const PetscReal Rz[9] = {ca, -sa, 0, sa, ca, 0, 0, 0, 1}, Rx[9] = {1, 0, 0, 0, cb, -sb, 0, sb, cb};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      R[3 * i + j] = 0;
      for (int k = 0; k < 3; k++) R[3 * i + j] += Rz[3 * i + k] * Rx[3 * k + j];
    }
}

/* names in dir that contain part (NULL: any entry); rank 0 only */
static int CountEntries(const char *dir, const char *part)
{
  DIR           *dp = opendir(dir);
  struct dirent *e;
  int            n = 0;
  if (!dp) return -1;
  while ((e = readdir(dp)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!part || strstr(e->d_name, part))) n++;
  closedir(dp);
  return n;
}

static void RemoveTree(const char *dir)
{
  DIR           *dp = opendir(dir);
  struct dirent *e;
  char           p[PETSC_MAX_PATH_LEN];
  if (!dp) return;
  while ((e = readdir(dp)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
      unlink(p);
    }
  closedir(dp);
  rmdir(dir);
}

int main(int argc, char **argv)
{
  char        dir[PETSC_MAX_PATH_LEN] = "", python[PETSC_MAX_PATH_LEN] = "", check[PETSC_MAX_PATH_LEN] = "", path[PETSC_MAX_PATH_LEN], x[PETSC_MAX_PATH_LEN];
  PetscBool   keep = PETSC_FALSE;
  PetscMPIInt rank;
  PetscReal  *frames = NULL, *angles = NULL, *support = NULL, *u = NULL;
  TkCXIData   d;
  TkGrid      g = {GZ, GY, GX, {1e-8, 2e-8, 3e-8}, {-1.5e-8, -4e-8, -7.5e-8}};
  TkGridField f[2];
  int         n;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of TkCXIWrite and TkGridFieldsWrite"));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-check_python", python, sizeof(python), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-check_script", check, sizeof(check), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-keep", &keep, NULL));
  if (rank == 0) {
    PetscCall(PetscStrncpy(dir, "/tmp/takagi-test-cxi.XXXXXX", sizeof(dir)));
    PetscCheck(mkdtemp(dir), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create a temporary directory in /tmp");
  }
  PetscCallMPI(MPI_Bcast(dir, sizeof(dir), MPI_CHAR, 0, PETSC_COMM_WORLD));

  /* the scan: frame a, pixel (i, j) = 1000 + 100 a + 10 i + j + 0.25 (exact in float32) */
  if (rank == 0) {
    PetscCall(PetscMalloc2(NA * NY * NX, &frames, NA, &angles));
    for (int a = 0; a < NA; a++) {
      angles[a] = (a - 2) * 2.5e-4;
      for (int i = 0; i < NY; i++)
        for (int j = 0; j < NX; j++) frames[(a * NY + i) * NX + j] = 1000 + 100 * a + 10 * i + j + 0.25;
    }
  }
  PetscCall(PetscMemzero(&d, sizeof(d)));
  d.nangles = NA, d.ny = NY, d.nx = NX;
  d.data = frames, d.data_units = "photons", d.rocking_angle = angles;
  d.bragg_angle = 0.19, d.detector_2theta = 0.38;
  d.energy_J = 9000 * 1.602176634e-19, d.wavelength_m = 6.62607015e-34 * 299792458 / d.energy_J;
  d.distance_m = 1.25, d.x_pixel_size_m = 55e-6, d.y_pixel_size_m = 75e-6;
  Orientation(d.orientation);
  d.sample_name = "Au(111)", d.program = "takagi test_cxi", d.command = "test_cxi -a 1 -b two", d.model = "dynamical (Takagi-Taupin)";

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/scan.cxi", dir));
  PetscCall(TkCXIWrite(PETSC_COMM_WORLD, path, &d));
  d.float32 = PETSC_TRUE;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/scan32.cxi", dir));
  PetscCall(TkCXIWrite(PETSC_COMM_WORLD, path, &d));

  /* the grid: support = 100 z + 10 y + x; u component c = 1000 (100 z + 10 y + x) + c */
  if (rank == 0) {
    PetscCall(PetscMalloc2(GZ * GY * GX, &support, 3 * GZ * GY * GX, &u));
    for (int z = 0; z < GZ; z++)
      for (int y = 0; y < GY; y++)
        for (int xx = 0; xx < GX; xx++) {
          const int k = (z * GY + y) * GX + xx;
          support[k]  = 100 * z + 10 * y + xx;
          for (int c = 0; c < 3; c++) u[3 * k + c] = 1000 * support[k] + c;
        }
  }
  f[0] = (TkGridField){"support", "1", 1, support};
  f[1] = (TkGridField){"u", "m", 3, u};
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/fields.h5", dir));
  PetscCall(TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, f));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/fields_noext.hdf", dir));
  PetscCall(TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, f));

  /* sidecar names */
  {
    const char *const cases[][2] = {
        {"a/b.h5", "a/b.xdmf"}, {"b.H5", "b.xdmf"}, {"c.hdf5", "c.xdmf"}, {"d.hdf", "d.hdf.xdmf"}, {"e", "e.xdmf"}, {"f.h5.bak", "f.h5.bak.xdmf"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      char what[256];
      PetscCall(TkGridFieldsXdmfPath(cases[i][0], x, sizeof(x)));
      PetscCall(PetscSNPrintf(what, sizeof(what), "XDMF sidecar of '%s' is '%s' (got '%s')", cases[i][0], cases[i][1], x));
      TK_TEST_TRUE(what, !strcmp(x, cases[i][1]), "io/cxi.h");
    }
  }

  /* failures: an error code, one message, nothing left behind (the directory listing is checked below) */
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/no_such_dir/scan.cxi", dir));
  TK_TEST_FAILS("TkCXIWrite into a missing directory fails", TkCXIWrite(PETSC_COMM_WORLD, path, &d), "io/cxi.c");
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/no_such_dir/fields.h5", dir));
  TK_TEST_FAILS("TkGridFieldsWrite into a missing directory fails", TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, f), "io/cxi.c");
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/bad.h5", dir));
  {
    TkGridField bad[2] = {f[0], f[1]};
    bad[1].name        = "u/x";
    TK_TEST_FAILS("a field name with '/' is rejected", TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, bad), "io/cxi.c");
    bad[1].name = "support";
    TK_TEST_FAILS("a field name given twice is rejected", TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, bad), "io/cxi.c");
    bad[1] = (TkGridField){"uv", "m", 2, u};
    TK_TEST_FAILS("a 2-component field is rejected", TkGridFieldsWrite(PETSC_COMM_WORLD, path, &g, 2, bad), "io/cxi.c");
  }
  {
    TkGrid bad     = g;
    bad.spacing[1] = 0;
    TK_TEST_FAILS("a zero grid spacing is rejected", TkGridFieldsWrite(PETSC_COMM_WORLD, path, &bad, 2, f), "io/cxi.c");
  }

  n = rank == 0 ? CountEntries(dir, ".part-") : 0;
  PetscCallMPI(MPI_Bcast(&n, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  TK_TEST_TRUE("no *.part-* file is left in the output directory", n == 0, "io/atomic_file.h");
  n = rank == 0 ? CountEntries(dir, NULL) : 0;
  PetscCallMPI(MPI_Bcast(&n, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  TK_TEST_TRUE("exactly 6 files written (2 CXI, 2 HDF5 + 2 XDMF)", n == 6, "this test");

  /* the files as a user reads them */
  if (python[0] && check[0]) {
    char cmd[3 * PETSC_MAX_PATH_LEN + 16];
    int  rc = 0;
    PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", python, check, dir));
    if (rank == 0) {
      fflush(stdout);
      rc = system(cmd);
    }
    PetscCallMPI(MPI_Bcast(&rc, 1, MPI_INT, 0, PETSC_COMM_WORLD));
    TK_TEST_TRUE("tests/test_cxi.py: every dataset, attribute, link and the XDMF sidecars as PyNX/silx/ParaView expect", rc == 0, "tests/test_cxi.py");
  } else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "SKIP h5py checks (give -check_python <python3> -check_script tests/test_cxi.py; -python is PETSc's)\n"));

  TK_TEST_SUMMARY();
  if (rank == 0) {
    if (keep || tk_test_failed)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "files kept in %s\n", dir));
    else
      RemoveTree(dir);
  }
  PetscCall(PetscFree2(frames, angles));
  PetscCall(PetscFree2(support, u));
  {
    const int failed = tk_test_failed;
    PetscCall(PetscFinalize());
    return failed ? 1 : 0;
  }
}
