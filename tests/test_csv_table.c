/* TkCsvTableRead (io/csv_table.h) on good and bad files from tests/data: good files give the values written in
   them (comments, blank lines, spaces and CRLF allowed); every malformed file gives a non-zero error code.
   usage: test_csv_table -data <tests/data directory> */
#include "csv_table.h"
#include "tk_test.h"

static const char *const cols[] = {"depth_um", "strain"};

static PetscErrorCode ReadFile(const char *dir, const char *name, TkCsvTable *t)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir, name));
  PetscCall(TkCsvTableRead(PETSC_COMM_SELF, path, 2, cols, t));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char       dir[PETSC_MAX_PATH_LEN] = "";
  TkCsvTable t;
  PetscBool  set;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of TkCsvTableRead"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data", dir, sizeof(dir), &set));
  PetscCheck(set, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "give -data <tests/data directory>");

  /* strain_good.csv: header, a comment, a blank line, 3 rows (one with a space after the comma) */
  PetscCall(ReadFile(dir, "strain_good.csv", &t));
  TK_TEST_TRUE("strain_good.csv: 2 columns, 3 rows (comment and blank line skipped)", t.ncols == 2 && t.nrows == 3, "tests/data/strain_good.csv");
  if (t.nrows == 3) {
    TK_TEST_REL("strain_good.csv row 2 depth_um", t.values[2], 0.5, 0, "tests/data/strain_good.csv");
    TK_TEST_REL("strain_good.csv row 2 strain (' 2.5e-4', leading space)", t.values[3], 2.5e-4, 0, "tests/data/strain_good.csv");
    TK_TEST_REL("strain_good.csv row 3 strain", t.values[5], -3e-5, 0, "tests/data/strain_good.csv");
  }
  PetscCall(TkCsvTableDestroy(&t));
  PetscCall(ReadFile(dir, "strain_good_crlf.csv", &t));
  TK_TEST_TRUE("strain_good_crlf.csv (Windows line ends): 2 rows", t.nrows == 2, "tests/data/strain_good_crlf.csv");
  if (t.nrows == 2) TK_TEST_REL("strain_good_crlf.csv row 2 strain", t.values[3], 2e-4, 0, "tests/data/strain_good_crlf.csv");
  PetscCall(TkCsvTableDestroy(&t));

  /* malformed files: each must return an error (the error handler is PetscReturnErrorHandler, so no output) */
  {
    const char *const bad[][2] = {
        {"strain_bad_header.csv", "header 'depth,strain' instead of 'depth_um,strain'"},
        {"strain_nonnumeric.csv", "'abc' in a number column"},
        {"strain_extra_column.csv", "a row with 3 values"},
        {"strain_missing_column.csv", "a row with 1 value"},
        {"strain_nan.csv", "'nan' value"},
        {"strain_inf.csv", "'1e999' overflows to inf"},
        {"strain_header_only.csv", "header but no data rows"},
        {"strain_empty.csv", "empty file"},
        {"no_such_file.csv", "missing file"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      char what[256];
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s (%s) is rejected", bad[i][0], bad[i][1]));
      TK_TEST_FAILS(what, ReadFile(dir, bad[i][0], &t), "tests/data");
      PetscCall(TkCsvTableDestroy(&t)); /* safe after a failed read */
    }
  }
  /* the wrong number of expected columns is a header mismatch too */
  {
    static const char *const three[] = {"depth_um", "strain", "extra"};
    char                     path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/strain_good.csv", dir));
    TK_TEST_FAILS("strain_good.csv read as 3 columns is rejected", TkCsvTableRead(PETSC_COMM_SELF, path, 3, three, &t), "tests/data/strain_good.csv");
    PetscCall(TkCsvTableDestroy(&t));
  }

  TK_TEST_SUMMARY();
  {
    const int failed = tk_test_failed;
    PetscCall(PetscFinalize());
    return failed ? 1 : 0;
  }
}
