/* TkReflection (models/crystal/reflection.h): susceptibilities from xraylib in the takagi convention
   (waves e^{i(k.r - wt)}, Im chi0 > 0), forbidden and unreachable reflections, crystal-name aliases.
   References: /work/shared/notes/tt_methods.md section 3.1 (xraylib 4.0.0, sigma, DW = 1). */
#include "reflection.h"
#include "tk_test.h"
#include <string.h>

static const char *const table = "notes/tt_methods.md 3.1";

static PetscErrorCode Chi(const char *crystal, PetscInt h, PetscInt k, PetscInt l, PetscReal E, TkChi *chi)
{
  TkReflection r;

  PetscFunctionBegin;
  PetscCall(TkReflectionCreate(PETSC_COMM_SELF, &r));
  PetscCall(TkReflectionSetCrystal(r, crystal));
  PetscCall(TkReflectionSetHKL(r, h, k, l));
  PetscCall(TkReflectionComputeChi(r, E, chi));
  PetscCall(TkReflectionDestroy(&r));
  PetscFunctionReturn(0);
}

/* ComputeChi on a reflection that must be refused; the object is destroyed whatever happens. */
static PetscErrorCode ChiMustFail(const char *crystal, PetscInt h, PetscInt k, PetscInt l, PetscReal E, PetscErrorCode *ierr)
{
  TkReflection r;
  TkChi        chi;

  PetscFunctionBegin;
  PetscCall(TkReflectionCreate(PETSC_COMM_SELF, &r));
  PetscCall(TkReflectionSetCrystal(r, crystal));
  PetscCall(TkReflectionSetHKL(r, h, k, l));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  *ierr = TkReflectionComputeChi(r, E, &chi);
  PetscCall(PetscPopErrorHandler());
  PetscCall(TkReflectionDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  TkChi          si, au, gold;
  TkReflection   r;
  PetscErrorCode ierr;
  const char    *name;
  PetscReal      d;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "unit test of TkReflection"));

  /* Si(111) at 8.048 keV (Cu K-alpha) */
  PetscCall(Chi("Si", 1, 1, 1, 8.048, &si));
  TK_TEST_TRUE("Si 8.048 keV: Im chi0 > 0 (absorption in the e^{i(k.r - wt)} convention)", cimag(si.chi0) > 0, "docs/theory convention, design.md");
  TK_TEST_REL("Si 8.048 keV: absorption length 1/(k Im chi0) in um", 1e6 / (si.k * cimag(si.chi0)), 68.6, 2e-3, table);
  TK_TEST_REL("Si 8.048 keV: Re chi0", creal(si.chi0), -1.5159e-5, 1e-3, table);
  TK_TEST_REL("Si(111) 8.048 keV: Re chi_h", creal(si.chih), -5.9165e-6, 1e-3, table);
  TK_TEST_REL("Si(111) 8.048 keV: Im chi_h", cimag(si.chih), -5.5590e-6, 1e-3, table);
  TK_TEST_REL("Si(111) 8.048 keV: |chi_hbar| = |chi_h| (centrosymmetric)", cabs(si.chihbar), cabs(si.chih), 1e-10, "Friedel pair, no anomalous phase difference in |F|");
  TK_TEST_REL("Si 8.048 keV: wavelength (A)", 1e10 * si.wavelength, 12.398419843320026 / 8.048, 1e-12, "hc = 12.3984198 keV A (CODATA)");

  PetscCall(TkReflectionCreate(PETSC_COMM_SELF, &r));
  PetscCall(TkReflectionSetCrystal(r, "Si"));
  PetscCall(TkReflectionSetHKL(r, 1, 1, 1));
  PetscCall(TkReflectionGetDSpacing(r, &d));
  TK_TEST_REL("Si(111) d-spacing (A)", 1e10 * d, 5.4309 / PetscSqrtReal(3.0), 2e-4, "a = 5.4309 A, d = a/sqrt(3)");
  {
    PetscReal theta;
    PetscCall(TkReflectionGetBraggAngle(r, 8.048, &theta));
    TK_TEST_REL("Si(111) 8.048 keV: Bragg angle (deg)", theta * 180 / PETSC_PI, 14.2215, 1e-4, table);
  }
  PetscCall(TkReflectionDestroy(&r));

  /* refused reflections */
  PetscCall(ChiMustFail("Si", 2, 2, 2, 8.048, &ierr));
  TK_TEST_TRUE("Si(222) is forbidden: ComputeChi returns an error", ierr != 0, "diamond structure: h+k+l = 4n+2 extinct");
  PetscCall(ChiMustFail("Si", 1, 0, 0, 8.048, &ierr));
  TK_TEST_TRUE("Si(100) is forbidden: ComputeChi returns an error", ierr != 0, "FCC: mixed parity extinct");
  PetscCall(ChiMustFail("Si", 4, 4, 4, 2.0, &ierr));
  TK_TEST_TRUE("Si(444) at 2 keV (lambda 6.2 A > 2d = 1.57 A) returns an error", ierr != 0, "Bragg's law needs lambda < 2d");
  PetscCall(ChiMustFail("Si", 1, 1, 1, -5.0, &ierr));
  TK_TEST_TRUE("negative photon energy returns an error", ierr != 0, "input check");
  PetscCall(ChiMustFail("Unobtainium", 1, 1, 1, 8.048, &ierr));
  TK_TEST_TRUE("unknown crystal name returns an error", ierr != 0, "xraylib crystal list");

  /* aliases: Au -> Gold, same numbers */
  PetscCall(TkReflectionCreate(PETSC_COMM_SELF, &r));
  PetscCall(TkReflectionSetCrystal(r, "Au"));
  PetscCall(TkReflectionGetName(r, &name, NULL));
  TK_TEST_TRUE("alias 'Au' resolves to xraylib's 'Gold'", !strcmp(name, "Gold"), "models/crystal/reflection.c alias table");
  PetscCall(TkReflectionDestroy(&r));
  PetscCall(Chi("Au", 1, 1, 1, 9.0, &au));
  PetscCall(Chi("Gold", 1, 1, 1, 9.0, &gold));
  TK_TEST_TRUE("Au(111) and Gold(111) give identical chi0, chi_h, chi_hbar", au.chi0 == gold.chi0 && au.chih == gold.chih && au.chihbar == gold.chihbar, "alias");

  /* Au(111) at 9 keV */
  TK_TEST_REL("Au 9 keV: Re chi0", creal(au.chi0), -7.4261e-5, 1e-3, table);
  TK_TEST_REL("Au 9 keV: Im chi0", cimag(au.chi0), 6.282e-6, 1e-3, table);
  TK_TEST_REL("Au(111) 9 keV: Re chi_h", creal(au.chih), -6.1347e-5, 1e-3, table);
  TK_TEST_REL("Au(111) 9 keV: absorption length 1/(k Im chi0) in um", 1e6 / (au.k * cimag(au.chi0)), 3.49, 2e-3, table);

  TK_TEST_SUMMARY();
  {
    const int failed = tk_test_failed;
    PetscCall(PetscFinalize());
    return failed ? 1 : 0;
  }
}
