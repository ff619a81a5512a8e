/* Minimal check harness for validation programs: every check prints its value, reference, tolerance and
   source, and the program exits non-zero if any check fails. */
#pragma once
#include <petscsys.h>
#include <math.h>

static int tk_checks_failed = 0, tk_checks_run = 0;

/* |got - want| <= tol * |want| */
#define TkCheckRel(what, got, want, tol, source)                                                                                                                                                                                                         \
  do {                                                                                                                                                                                                                                                   \
    const double g_ = (double)(got), w_ = (double)(want), t_ = (double)(tol);                                                                                                                                                                            \
    const double e_  = fabs(g_ - w_) / (fabs(w_) > 0 ? fabs(w_) : 1.0);                                                                                                                                                                                  \
    const int    ok_ = e_ <= t_ && isfinite(g_);                                                                                                                                                                                                         \
    tk_checks_run++;                                                                                                                                                                                                                                     \
    if (!ok_) tk_checks_failed++;                                                                                                                                                                                                                        \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %-58s got %.8g want %.8g rel.err %.2e tol %.1e [%s]\n", ok_ ? "PASS" : "FAIL", what, g_, w_, e_, t_, source));                                                                                           \
  } while (0)

/* |got - want| <= tol */
#define TkCheckAbs(what, got, want, tol, source)                                                                                                                                                                                                         \
  do {                                                                                                                                                                                                                                                   \
    const double g_ = (double)(got), w_ = (double)(want), t_ = (double)(tol);                                                                                                                                                                            \
    const double e_  = fabs(g_ - w_);                                                                                                                                                                                                                    \
    const int    ok_ = e_ <= t_ && isfinite(g_);                                                                                                                                                                                                         \
    tk_checks_run++;                                                                                                                                                                                                                                     \
    if (!ok_) tk_checks_failed++;                                                                                                                                                                                                                        \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %-58s got %.8g want %.8g abs.err %.2e tol %.1e [%s]\n", ok_ ? "PASS" : "FAIL", what, g_, w_, e_, t_, source));                                                                                           \
  } while (0)

/* a condition with a description */
#define TkCheckTrue(what, cond, source)                                                                                                                                                                                                                  \
  do {                                                                                                                                                                                                                                                   \
    const int ok_ = (cond);                                                                                                                                                                                                                              \
    tk_checks_run++;                                                                                                                                                                                                                                     \
    if (!ok_) tk_checks_failed++;                                                                                                                                                                                                                        \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s [%s]\n", ok_ ? "PASS" : "FAIL", what, source));                                                                                                                                                       \
  } while (0)

#define TkCheckSummary()                                                                                                                                                                                                                                 \
  do {                                                                                                                                                                                                                                                   \
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", tk_checks_run - tk_checks_failed, tk_checks_failed));                                                                                                                              \
  } while (0)
