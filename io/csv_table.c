/* Reads a CSV file whose header names the columns; every value must be a finite number. */
#include "csv_table.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void Trim(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
  size_t i = 0;
  while (s[i] == ' ' || s[i] == '\t') i++;
  if (i) memmove(s, s + i, n - i + 1);
}

/* Splits a line at commas in place; returns the number of fields. */
static int Split(char *line, char **fields, int max)
{
  int   n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *c     = strchr(p, ',');
    if (!c) break;
    *c = 0;
    p  = c + 1;
  }
  for (int i = 0; i < n; i++) Trim(fields[i]);
  return (strchr(p, ',') ? max + 1 : n);
}

PetscErrorCode TkCsvTableRead(MPI_Comm comm, const char path[], PetscInt ncols, const char *const names[], TkCsvTable *t)
{
  FILE    *fp;
  char     line[4096], *fields[64];
  PetscInt cap = 64, lineno = 1;
  char     expected[512] = "";

  PetscFunctionBegin;
  PetscCheck(ncols <= 64, comm, PETSC_ERR_SUP, "too many columns");
  PetscCall(PetscMemzero(t, sizeof(*t)));
  for (PetscInt j = 0; j < ncols; j++) {
    if (j) PetscCall(PetscStrlcat(expected, ",", sizeof(expected)));
    PetscCall(PetscStrlcat(expected, names[j], sizeof(expected)));
  }
  fp = fopen(path, "r");
  PetscCheck(fp, comm, PETSC_ERR_FILE_OPEN, "cannot read '%s': %s", path, strerror(errno));
  if (!fgets(line, sizeof(line), fp)) {
    fclose(fp);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is empty; expected a header line '%s' and data rows", path, expected);
  }
  if ((unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF) memmove(line, line + 3, strlen(line + 3) + 1); /* UTF-8 byte-order mark */
  int       nf = Split(line, fields, 64);
  PetscBool ok = (PetscBool)(nf == ncols);
  for (PetscInt j = 0; ok && j < ncols; j++) ok = (PetscBool)(strcmp(fields[j], names[j]) == 0);
  if (!ok) {
    fclose(fp);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' line 1: header must be '%s'", path, expected);
  }
  t->ncols = ncols;
  PetscCall(PetscMalloc1(cap * ncols, &t->values));
  while (fgets(line, sizeof(line), fp)) {
    lineno++;
    if (!strchr(line, '\n') && !feof(fp)) {
      fclose(fp);
      PetscCall(TkCsvTableDestroy(t));
      SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' line %" PetscInt_FMT " is longer than %d characters", path, lineno, (int)sizeof(line) - 2);
    }
    Trim(line);
    if (!line[0] || line[0] == '#') continue;
    nf = Split(line, fields, 64);
    if (nf != ncols) {
      fclose(fp);
      PetscCall(TkCsvTableDestroy(t));
      SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' line %" PetscInt_FMT ": expected %" PetscInt_FMT " comma-separated values (%s), found %d", path, lineno, ncols, expected, nf);
    }
    if (t->nrows == cap) {
      PetscReal *v;
      PetscCall(PetscMalloc1(2 * cap * ncols, &v));
      PetscCall(PetscArraycpy(v, t->values, cap * ncols));
      PetscCall(PetscFree(t->values));
      t->values = v;
      cap *= 2;
    }
    for (PetscInt j = 0; j < ncols; j++) {
      char  *end;
      double v = strtod(fields[j], &end);
      if (end == fields[j] || *end || !isfinite(v)) {
        fclose(fp);
        PetscCall(TkCsvTableDestroy(t));
        SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' line %" PetscInt_FMT ", column %s: '%s' is not a finite number", path, lineno, names[j], fields[j]);
      }
      t->values[t->nrows * ncols + j] = v;
    }
    t->nrows++;
  }
  fclose(fp);
  PetscCheck(t->nrows > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has a header but no data rows", path);
  PetscFunctionReturn(0);
}

PetscErrorCode TkCsvTableDestroy(TkCsvTable *t)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(t->values));
  t->nrows = t->ncols = 0;
  PetscFunctionReturn(0);
}
