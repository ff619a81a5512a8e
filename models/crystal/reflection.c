/* Crystal lattice and structure factors from xraylib; susceptibilities in the takagi sign convention. */
#include "reflection.h"
#include <xraylib.h>
#include <string.h>

struct _p_TkReflection {
  MPI_Comm        comm;
  char            crystal[64]; /* xraylib name after alias resolution */
  PetscInt        hkl[3];
  PetscReal       debye_waller; /* multiplies chi_h and chi_hbar */
  PetscReal       chih_scale;   /* validation knob: scales chi_h and chi_hbar (1 = physical) */
  PetscBool       absorption;   /* PETSC_FALSE drops Im chi (textbook non-absorbing limit) */
  Crystal_Struct *xtal;
  PetscReal       d;      /* m */
  PetscReal       volume; /* unit-cell volume, m^3 */
  PetscBool       setup;
};

/* Element symbols and common names users type, mapped to xraylib's crystal names. */
static const char *const aliases[][2] = {{"Au", "Gold"},   {"Pt", "Platinum"},        {"Cu", "Copper"},  {"Fe", "Iron"},      {"Al", "Aluminum"},       {"Ti", "Titanium"},
                                         {"C", "Diamond"}, {"Aluminium", "Aluminum"}, {"Silicon", "Si"}, {"Germanium", "Ge"}, {"Quartz", "AlphaQuartz"}};

PetscErrorCode TkCrystalListNames(char *buf, size_t len)
{
  int    n;
  char **names;

  PetscFunctionBegin;
  names  = Crystal_GetCrystalsList(NULL, &n, NULL);
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    if (i) PetscCall(PetscStrlcat(buf, ", ", len));
    PetscCall(PetscStrlcat(buf, names[i], len));
    xrlFree(names[i]);
  }
  xrlFree(names);
  PetscCall(PetscStrlcat(buf, " (aliases: Au, Pt, Cu, Fe, Al, Ti, C)", len));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionCreate(MPI_Comm comm, TkReflection *r)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(r));
  (*r)->comm         = comm;
  (*r)->debye_waller = 1.0;
  (*r)->chih_scale   = 1.0;
  (*r)->absorption   = PETSC_TRUE;
  (*r)->hkl[0] = (*r)->hkl[1] = (*r)->hkl[2] = 1;
  PetscCall(PetscStrncpy((*r)->crystal, "Si", sizeof((*r)->crystal)));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetCrystal(TkReflection r, const char name[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(r->crystal, name, sizeof(r->crystal)));
  for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
    PetscBool same;
    PetscCall(PetscStrcasecmp(name, aliases[i][0], &same));
    if (same) PetscCall(PetscStrncpy(r->crystal, aliases[i][1], sizeof(r->crystal)));
  }
  r->setup = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetHKL(TkReflection r, PetscInt h, PetscInt k, PetscInt l)
{
  PetscFunctionBegin;
  r->hkl[0] = h;
  r->hkl[1] = k;
  r->hkl[2] = l;
  r->setup  = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetDebyeWaller(TkReflection r, PetscReal f)
{
  PetscFunctionBegin;
  PetscCheck(f > 0 && f <= 1, r->comm, PETSC_ERR_USER_INPUT, "-debye_waller %g is outside (0, 1]: give the factor exp(-M) that multiplies chi_h", (double)f);
  r->debye_waller = f;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetChihScale(TkReflection r, PetscReal s)
{
  PetscFunctionBegin;
  PetscCheck(s >= 0, r->comm, PETSC_ERR_USER_INPUT, "-chih_scale %g must be >= 0", (double)s);
  r->chih_scale = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetAbsorption(TkReflection r, PetscBool on)
{
  PetscFunctionBegin;
  r->absorption = on;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetFromOptions(TkReflection r)
{
  char      name[64];
  PetscInt  hkl[3] = {r->hkl[0], r->hkl[1], r->hkl[2]}, n = 3;
  PetscBool set, no_abs                                   = (PetscBool)!r->absorption;
  PetscReal dw = r->debye_waller, s = r->chih_scale;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(name, r->crystal, sizeof(name)));
  PetscOptionsBegin(r->comm, NULL, "Crystal and reflection", "TkReflection");
  PetscCall(PetscOptionsString("-crystal", "Crystal by xraylib name (Si, Ge, Diamond, Gold, Platinum, Copper, GaAs, ...; Au, Pt, Cu also accepted)", "TkReflectionSetCrystal", name, name, sizeof(name), &set));
  if (set) PetscCall(TkReflectionSetCrystal(r, name));
  PetscCall(PetscOptionsIntArray("-hkl", "Miller indices h,k,l of the reflection", "TkReflectionSetHKL", hkl, &n, &set));
  if (set) {
    PetscCheck(n == 3, r->comm, PETSC_ERR_USER_INPUT, "-hkl needs three integers h,k,l (got %" PetscInt_FMT "), e.g. -hkl 1,1,1", n);
    PetscCall(TkReflectionSetHKL(r, hkl[0], hkl[1], hkl[2]));
  }
  PetscCall(PetscOptionsReal("-debye_waller", "Debye-Waller factor exp(-M) multiplying chi_h and chi_hbar [1]", "TkReflectionSetDebyeWaller", dw, &dw, &set));
  if (set) PetscCall(TkReflectionSetDebyeWaller(r, dw));
  PetscCall(PetscOptionsBool("-no_absorption", "Drop the imaginary parts of chi (textbook non-absorbing crystal)", "TkReflectionSetAbsorption", no_abs, &no_abs, NULL));
  PetscCall(TkReflectionSetAbsorption(r, (PetscBool)!no_abs));
  PetscCall(PetscOptionsReal("-chih_scale", "Scale chi_h and chi_hbar (validation of the kinematic limit) [1]", "TkReflectionSetChihScale", s, &s, &set));
  if (set) PetscCall(TkReflectionSetChihScale(r, s));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionSetUp(TkReflection r)
{
  xrl_error *err = NULL;
  char       list[1024];

  PetscFunctionBegin;
  if (r->setup) PetscFunctionReturn(0);
  if (r->xtal) Crystal_Free(r->xtal);
  r->xtal = Crystal_GetCrystal(r->crystal, NULL, &err);
  if (!r->xtal) {
    if (err) xrl_error_free(err);
    PetscCall(TkCrystalListNames(list, sizeof(list)));
    SETERRQ(r->comm, PETSC_ERR_USER_INPUT, "unknown crystal '%s'; valid names: %s", r->crystal, list);
  }
  PetscCheck(r->hkl[0] || r->hkl[1] || r->hkl[2], r->comm, PETSC_ERR_USER_INPUT, "-hkl 0,0,0 is the forward beam, not a reflection");
  r->d      = 1e-10 * Crystal_dSpacing(r->xtal, (int)r->hkl[0], (int)r->hkl[1], (int)r->hkl[2], NULL);
  r->volume = 1e-30 * r->xtal->volume;
  r->setup  = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionGetDSpacing(TkReflection r, PetscReal *d)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionSetUp(r));
  *d = r->d;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionGetName(TkReflection r, const char **crystal, const PetscInt **hkl)
{
  PetscFunctionBegin;
  if (crystal) *crystal = r->crystal;
  if (hkl) *hkl = r->hkl;
  PetscFunctionReturn(0);
}

/* Energy must lie in xraylib's tabulated range and reach the reflection: lambda <= 2d. */
PetscErrorCode TkReflectionCheckEnergy(TkReflection r, PetscReal energy_keV)
{
  PetscReal  lambda;
  xrl_error *err = NULL;

  PetscFunctionBegin;
  PetscCall(TkReflectionSetUp(r));
  PetscCheck(PetscIsNormalReal(energy_keV) && energy_keV > 0, r->comm, PETSC_ERR_USER_INPUT, "photon energy %g keV must be a positive finite number of keV", (double)energy_keV);
  lambda = 1e-10 * TK_HC_KEV_ANGSTROM / energy_keV;
  PetscCheck(lambda < 2 * r->d, r->comm, PETSC_ERR_USER_INPUT, "reflection %" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT " of %s is unreachable at %g keV: lambda = %.4f A > 2d = %.4f A; use an energy above %.3f keV", r->hkl[0], r->hkl[1],
             r->hkl[2], r->crystal, (double)energy_keV, 1e10 * lambda, 2e10 * r->d, TK_HC_KEV_ANGSTROM / (2e10 * r->d));
  (void)Crystal_F_H_StructureFactor(r->xtal, energy_keV, 0, 0, 0, 1.0, 1.0, &err);
  if (err) {
    xrl_error_free(err);
    SETERRQ(r->comm, PETSC_ERR_USER_INPUT, "photon energy %g keV is outside xraylib's anomalous-scattering tables; use 1 to 1000 keV", (double)energy_keV);
  }
  PetscCheck(energy_keV <= 1000, r->comm, PETSC_ERR_USER_INPUT, "photon energy %g keV is above the supported 1000 keV", (double)energy_keV);
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionGetBraggAngle(TkReflection r, PetscReal energy_keV, PetscReal *theta)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionCheckEnergy(r, energy_keV));
  *theta = PetscAsinReal(1e-10 * TK_HC_KEV_ANGSTROM / energy_keV / (2 * r->d));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionGetBraggEnergy(TkReflection r, PetscReal theta, PetscReal *energy_keV)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionSetUp(r));
  PetscCheck(theta > 0 && theta < PETSC_PI / 2, r->comm, PETSC_ERR_USER_INPUT, "Bragg angle %g deg must lie in (0, 90)", (double)(theta * 180 / PETSC_PI));
  *energy_keV = 1e-10 * TK_HC_KEV_ANGSTROM / (2 * r->d * PetscSinReal(theta));
  PetscFunctionReturn(0);
}

/* With absorption off the f'' term is dropped, keeping the geometric phase of the structure factor. */
static double complex StructureFactor(TkReflection r, PetscReal energy_keV, int h, int k, int l)
{
  xrlComplex F = Crystal_F_H_StructureFactor_Partial(r->xtal, energy_keV, h, k, l, 1.0, 1.0, 2, 2, r->absorption ? 2 : 0, NULL);
  return F.re + I * F.im;
}

/* chi_g = conj(-r_e lambda^2 F_g / (pi V)): xraylib's F_g carries +i f'' (Im F_0 > 0) and e^{+2 pi i g.x},
   the crystallographic convention; its conjugate is the e^{i(k.r - wt)} convention with Im chi_0 > 0. */
PetscErrorCode TkReflectionComputeChi(TkReflection r, PetscReal energy_keV, TkChi *chi)
{
  const int      h = (int)r->hkl[0], k = (int)r->hkl[1], l = (int)r->hkl[2];
  double         lambda, pref;
  double complex F0, Fh, Fhb;

  PetscFunctionBegin;
  PetscCall(TkReflectionCheckEnergy(r, energy_keV));
  lambda = 1e-10 * TK_HC_KEV_ANGSTROM / energy_keV;
  pref   = -TK_R_ELECTRON * lambda * lambda / (PETSC_PI * r->volume);
  F0     = StructureFactor(r, energy_keV, 0, 0, 0);
  Fh     = StructureFactor(r, energy_keV, h, k, l);
  Fhb    = StructureFactor(r, energy_keV, -h, -k, -l);
  PetscCheck(cabs(Fh) > 1e-6 * cabs(F0), r->comm, PETSC_ERR_USER_INPUT, "reflection %d,%d,%d of %s is forbidden (|F_h| = %.2e, |F_0| = %.1f); choose an allowed reflection", h, k, l, r->crystal, cabs(Fh), cabs(F0));
  chi->chi0       = conj(pref * F0);
  chi->chih       = conj(pref * Fh) * r->debye_waller * r->chih_scale;
  chi->chihbar    = conj(pref * Fhb) * r->debye_waller * r->chih_scale;
  chi->wavelength = lambda;
  chi->k          = 2 * PETSC_PI / lambda;
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionView(TkReflection r, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(TkReflectionSetUp(r));
  PetscCall(PetscViewerASCIIPrintf(v, "Reflection %s (%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "): d = %.6f A, Debye-Waller %g%s\n", r->crystal, r->hkl[0], r->hkl[1], r->hkl[2], 1e10 * r->d, (double)r->debye_waller,
                                   r->absorption ? "" : ", absorption off"));
  PetscFunctionReturn(0);
}

PetscErrorCode TkReflectionDestroy(TkReflection *r)
{
  PetscFunctionBegin;
  if (!*r) PetscFunctionReturn(0);
  if ((*r)->xtal) Crystal_Free((*r)->xtal);
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(0);
}
