/* Check macros for the unit tests: every check prints what it compares, the value, the reference, the
   tolerance and where the reference comes from; main() returns non-zero if any check failed. */
#pragma once
#include <petscsys.h>
#include <math.h>

static int tk_test_failed = 0, tk_test_run = 0;

/* |got - want| <= tol |want| */
#define TK_TEST_REL(what, got, want, tol, source)                                                                                                                                                                                                        \
  do {                                                                                                                                                                                                                                                   \
    const double g_ = (double)(got), w_ = (double)(want), t_ = (double)(tol);                                                                                                                                                                            \
    const double e_  = fabs(g_ - w_) / (w_ != 0 ? fabs(w_) : 1.0);                                                                                                                                                                                       \
    const int    ok_ = isfinite(g_) && e_ <= t_;                                                                                                                                                                                                         \
    tk_test_run++;                                                                                                                                                                                                                                       \
    if (!ok_) tk_test_failed++;                                                                                                                                                                                                                          \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %-60s got %.10g want %.10g rel.err %.2e tol %.1e [%s]\n", ok_ ? "PASS" : "FAIL", what, g_, w_, e_, t_, source));                                                                                         \
  } while (0)

/* a measured error against a bound */
#define TK_TEST_ERR(what, err, tol, source)                                                                                                                                                                                                              \
  do {                                                                                                                                                                                                                                                   \
    const double e_ = (double)(err), t_ = (double)(tol);                                                                                                                                                                                                 \
    const int    ok_ = isfinite(e_) && e_ <= t_;                                                                                                                                                                                                         \
    tk_test_run++;                                                                                                                                                                                                                                       \
    if (!ok_) tk_test_failed++;                                                                                                                                                                                                                          \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %-60s err %.2e tol %.1e [%s]\n", ok_ ? "PASS" : "FAIL", what, e_, t_, source));                                                                                                                          \
  } while (0)

#define TK_TEST_TRUE(what, cond, source)                                                                                                                                                                                                                 \
  do {                                                                                                                                                                                                                                                   \
    const int ok_ = (cond);                                                                                                                                                                                                                              \
    tk_test_run++;                                                                                                                                                                                                                                       \
    if (!ok_) tk_test_failed++;                                                                                                                                                                                                                          \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s [%s]\n", ok_ ? "PASS" : "FAIL", what, source));                                                                                                                                                       \
  } while (0)

/* Runs a call that must fail: PETSc's return handler keeps it quiet, and the error code is checked. */
#define TK_TEST_FAILS(what, call, source)                                                                                                                                                                                                                \
  do {                                                                                                                                                                                                                                                   \
    PetscErrorCode ierr_;                                                                                                                                                                                                                                \
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));                                                                                                                                                                                     \
    ierr_ = (call);                                                                                                                                                                                                                                      \
    PetscCall(PetscPopErrorHandler());                                                                                                                                                                                                                   \
    tk_test_run++;                                                                                                                                                                                                                                       \
    if (!ierr_) tk_test_failed++;                                                                                                                                                                                                                        \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s: error code %d (want non-zero) [%s]\n", ierr_ ? "PASS" : "FAIL", what, (int)ierr_, source));                                                                                                          \
  } while (0)

#define TK_TEST_SUMMARY() PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", tk_test_run - tk_test_failed, tk_test_failed)
