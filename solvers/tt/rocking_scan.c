/* A rocking curve: the depth-profile TT solution at each point of an angle or energy scan.
   Points are independent, so rank r computes points r, r+P, r+2P, ...; the curve is then summed over ranks
   (each point has exactly one non-zero contribution, so the result does not depend on P). */
#include "rocking_scan.h"
#include "closed_forms.h"
#include "curve_output.h"
#include "atomic_file.h"
#include "options.h"
#include "plot.h"

static PetscClassId  TK_CLASSID;
static PetscLogEvent TK_EVENT_POINT;

struct _p_TkRocking {
  MPI_Comm           comm;
  TkReflection       refl;
  TkPlateDeformation deform;
  TkDepthTT          tt;
  TkScanType         type;
  PetscReal          scan[3];     /* start, stop (urad or meV), count */
  PetscBool          auto_scan;   /* range from the Darwin width and thickness */
  PetscReal          energy_keV;  /* angle scan: photon energy */
  PetscReal          theta_fixed; /* energy scan: glancing angle, rad */
  PetscReal          energy_center_keV;
  char               output[PETSC_MAX_PATH_LEN], plot[PETSC_MAX_PATH_LEN];
  PetscBool          progress;
  TkTwoBeam          center; /* two-beam case at the scan centre (kinematic Bragg condition) */
  PetscInt           n;
  PetscReal         *x, *R, *T;
  PetscInt           steps; /* depth steps over the whole scan, all ranks */
  PetscLogDouble     seconds;
};

PetscErrorCode TkRockingCreate(MPI_Comm comm, TkRocking *r)
{
  PetscFunctionBegin;
  if (!TK_CLASSID) {
    PetscCall(PetscClassIdRegister("Takagi", &TK_CLASSID));
    PetscCall(PetscLogEventRegister("TkRockingPoint", TK_CLASSID, &TK_EVENT_POINT));
  }
  PetscCall(PetscNew(r));
  (*r)->comm       = comm;
  (*r)->energy_keV = 8.048;
  (*r)->auto_scan  = PETSC_TRUE;
  (*r)->scan[2]    = 401;
  PetscCall(TkReflectionCreate(comm, &(*r)->refl));
  PetscCall(TkPlateDeformationCreate(comm, &(*r)->deform));
  PetscCall(TkDepthTTCreate(comm, &(*r)->tt));
  PetscCall(TkDepthTTSetReflection((*r)->tt, (*r)->refl));
  PetscCall(TkDepthTTSetDeformation((*r)->tt, (*r)->deform));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadScan(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, PetscReal scan[3], PetscBool *set)
{
  PetscInt  n = 4;
  PetscReal v[4];

  PetscFunctionBegin;
  PetscCall(PetscOptionsRealArray(name, help, "TkRockingSetFromOptions", v, &n, set));
  if (!*set) PetscFunctionReturn(0);
  PetscCheck(n == 3, comm, PETSC_ERR_USER_INPUT, "%s needs start,stop,count (got %" PetscInt_FMT " values), e.g. %s -50,150,401", name, n, name);
  for (int i = 0; i < 3; i++) PetscCheck(!PetscIsInfOrNanReal(v[i]), comm, PETSC_ERR_USER_INPUT, "%s: value %d is not a finite number", name, i + 1);
  PetscCheck(v[2] >= 1 && v[2] == PetscFloorReal(v[2]) && v[2] <= 1e7, comm, PETSC_ERR_USER_INPUT, "%s: count %g must be a whole number between 1 and 1e7", name, (double)v[2]);
  PetscCheck(v[2] == 1 || v[1] > v[0], comm, PETSC_ERR_USER_INPUT, "%s: stop %g must be greater than start %g", name, (double)v[1], (double)v[0]);
  for (int i = 0; i < 3; i++) scan[i] = v[i];
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingSetFromOptions(TkRocking r)
{
  PetscBool set_angle, set_energy, set_E, set_theta;
  PetscReal bragg_deg = 0;

  PetscFunctionBegin;
  PetscCall(TkReflectionSetFromOptions(r->refl));
  PetscCall(TkDepthTTSetFromOptions(r->tt));
  PetscCall(TkPlateDeformationSetFromOptions(r->deform));
  PetscOptionsBegin(r->comm, NULL, "Rocking curve scan", "TkRocking");
  PetscCall(PetscOptionsReal("-energy_keV", "Photon energy for angle scans (keV)", "TkRockingSetFromOptions", r->energy_keV, &r->energy_keV, &set_E));
  PetscCall(ReadScan(PetscOptionsObject, r->comm, "-scan_urad", "Angle scan start,stop,count: deviation from the kinematic Bragg angle (urad) [auto: Darwin band and thickness fringes, 401 points]", r->scan, &set_angle));
  PetscCall(ReadScan(PetscOptionsObject, r->comm, "-scan_meV", "Energy scan start,stop,count: offset from the Bragg energy of -bragg_deg (meV)", r->scan, &set_energy));
  PetscCall(PetscOptionsReal("-bragg_deg", "Fixed glancing angle for energy scans (deg) [kinematic Bragg angle at -energy_keV]", "TkRockingSetFromOptions", bragg_deg, &bragg_deg, &set_theta));
  PetscCall(PetscOptionsString("-o", "Output curve: .csv (scan variable, reflectivity, transmission) or .h5 (HDF5 with every parameter)", "TkRockingWrite", r->output, r->output, sizeof(r->output), NULL));
  PetscCall(PetscOptionsString("-plot", "PNG plot of the curve with the Darwin band marked", "TkRockingWrite", r->plot, r->plot, sizeof(r->plot), NULL));
  PetscCall(PetscOptionsBool("-progress", "Print progress (points done, ETA) [on for scans longer than 2 s]", "TkRockingSolve", r->progress, &r->progress, NULL));
  PetscOptionsEnd();
  PetscCheck(!(set_angle && set_energy), r->comm, PETSC_ERR_USER_INPUT, "give either -scan_urad (angle scan) or -scan_meV (energy scan), not both");
  PetscCheck(!(set_theta && set_angle), r->comm, PETSC_ERR_USER_INPUT, "-bragg_deg fixes the angle of an energy scan; with -scan_urad give -energy_keV instead");
  PetscCheck(!(set_theta && set_E), r->comm, PETSC_ERR_USER_INPUT, "an energy scan is centred on the Bragg energy of -bragg_deg; give -bragg_deg or -energy_keV, not both");
  r->type      = (set_energy || set_theta) ? TK_SCAN_ENERGY : TK_SCAN_ANGLE;
  r->auto_scan = (PetscBool) !(set_angle || set_energy);
  if (r->type == TK_SCAN_ENERGY) {
    if (set_theta) {
      PetscCheck(bragg_deg > 0 && bragg_deg < 90, r->comm, PETSC_ERR_USER_INPUT, "-bragg_deg %g must lie in (0, 90)", (double)bragg_deg);
      r->theta_fixed = bragg_deg * PETSC_PI / 180;
    } else
      r->theta_fixed = 0; /* from -energy_keV in SetUp */
  }
  PetscFunctionReturn(0);
}

/* Scan variable -> (energy, glancing angle) of one point. */
static void PointOf(TkRocking r, PetscReal x, PetscReal *E, PetscReal *theta)
{
  if (r->type == TK_SCAN_ANGLE) {
    *E     = r->energy_keV;
    *theta = r->center.thetaB + 1e-6 * x;
  } else {
    *E     = r->energy_center_keV + 1e-6 * x;
    *theta = r->theta_fixed;
  }
}

PetscErrorCode TkRockingSetUp(TkRocking r)
{
  PetscReal theta, E, t;

  PetscFunctionBegin;
  PetscCall(TkDepthTTSetUp(r->tt));
  if (r->type == TK_SCAN_ANGLE) {
    PetscCall(TkReflectionGetBraggAngle(r->refl, r->energy_keV, &theta));
    E = r->energy_keV;
  } else {
    if (r->theta_fixed == 0) PetscCall(TkReflectionGetBraggAngle(r->refl, r->energy_keV, &r->theta_fixed));
    theta = r->theta_fixed;
    PetscCall(TkReflectionGetBraggEnergy(r->refl, theta, &E));
    r->energy_center_keV = E;
  }
  PetscCall(TkDepthTTGetTwoBeam(r->tt, E, theta, &r->center));
  PetscCall(TkDepthTTGetThickness(r->tt, &t));
  if (r->auto_scan) {
    /* Darwin band around the refraction shift, widened to show several thickness fringes of thin plates */
    const PetscReal fringe = r->center.chi.wavelength * PetscAbsReal(r->center.gammah) / (t * PetscSinReal(2 * r->center.thetaB));
    const PetscReal width  = r->center.geometry == TK_BRAGG ? TkDarwinWidth(&r->center) : 2 * r->center.chi.wavelength * PetscAbsReal(r->center.gammah) / (TkExtinctionLength(&r->center) * PetscSinReal(2 * r->center.thetaB));
    const PetscReal half = 4 * PetscMax(width, PetscMin(fringe, 10 * width)), c = TkRefractionShift(&r->center);
    PetscReal       unit = 1e-6, wmin, wmax;                              /* rad per urad */
    if (r->type == TK_SCAN_ENERGY) unit = 1e-6 / E * PetscTanReal(theta); /* rad per meV: dtheta = tan(theta) dE/E */
    /* strain and bending move the reflection by -w/(k sin 2thetaB) */
    PetscCall(TkDepthTTGetDeviationRange(r->tt, &r->center, &wmin, &wmax));
    const PetscReal kk = r->center.chi.k * PetscSinReal(2 * r->center.thetaB);
    r->scan[0]         = (c - half - wmax / kk) / unit;
    r->scan[1]         = (c + half - wmin / kk) / unit;
  }
  r->n = (PetscInt)r->scan[2];
  PetscCall(PetscFree3(r->x, r->R, r->T));
  PetscCall(PetscCalloc3(r->n, &r->x, r->n, &r->R, r->n, &r->T));
  for (PetscInt i = 0; i < r->n; i++) r->x[i] = r->n == 1 ? r->scan[0] : r->scan[0] + (r->scan[1] - r->scan[0]) * i / (r->n - 1);
  /* every rank checks every point, so that bad input fails collectively and before any output */
  for (PetscInt i = 0; i < r->n; i++) {
    TkTwoBeam tb;
    PointOf(r, r->x[i], &E, &theta);
    PetscCheck(theta > 0 && theta < PETSC_PI / 2, r->comm, PETSC_ERR_USER_INPUT, "scan point %g leaves the range of glancing angles (0, 90) deg; narrow the scan", (double)r->x[i]);
    PetscCall(TkReflectionCheckEnergy(r->refl, E));
    PetscCall(TkDepthTTGetTwoBeam(r->tt, E, theta, &tb));
    PetscCheck(tb.geometry == r->center.geometry, r->comm, PETSC_ERR_USER_INPUT, "the scan crosses from %s to %s geometry at point %g (exit beam parallel to the surface); narrow the scan or change -asymmetry_deg",
               r->center.geometry == TK_BRAGG ? "Bragg" : "Laue", tb.geometry == TK_BRAGG ? "Bragg" : "Laue", (double)r->x[i]);
  }
  if (r->output[0]) PetscCall(TkCheckWritable(r->comm, r->output));
  if (r->plot[0]) PetscCall(TkCheckWritable(r->comm, r->plot));
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingSolve(TkRocking r)
{
  PetscMPIInt    rank, size;
  PetscLogDouble t0, t1, last = 0;
  PetscInt       steps = 0, done = 0, mine;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  PetscCallMPI(MPI_Comm_size(r->comm, &size));
  mine = (r->n - rank + size - 1) / size;
  PetscCall(PetscArrayzero(r->R, r->n)); /* the sum over ranks below needs zeros where others compute */
  PetscCall(PetscArrayzero(r->T, r->n));
  PetscCall(PetscTime(&t0));
  for (PetscInt i = rank; i < r->n; i += size) {
    TkTwoBeam       tb;
    TkDepthTTResult res;
    PetscReal       E, theta;
    PetscCall(PetscLogEventBegin(TK_EVENT_POINT, 0, 0, 0, 0));
    PointOf(r, r->x[i], &E, &theta);
    PetscCall(TkDepthTTGetTwoBeam(r->tt, E, theta, &tb));
    PetscCall(TkDepthTTSolve(r->tt, &tb, &res));
    r->R[i] = res.reflectivity;
    r->T[i] = res.transmission;
    steps += res.steps;
    PetscCall(PetscLogEventEnd(TK_EVENT_POINT, 0, 0, 0, 0));
    done++;
    PetscCall(PetscTime(&t1));
    if (rank == 0 && (r->progress || t1 - t0 > 2) && (t1 - last > 1 || done == mine)) {
      const PetscLogDouble eta = (t1 - t0) / done * (mine - done);
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, stdout, "rocking: point %" PetscInt_FMT "/%" PetscInt_FMT " on rank 0, %.1f s elapsed, ETA %.1f s\n", done, mine, t1 - t0, eta));
      last = t1;
    }
  }
  PetscCall(PetscTime(&t1));
  r->seconds = t1 - t0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, r->R, (PetscMPIInt)r->n, MPIU_REAL, MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, r->T, (PetscMPIInt)r->n, MPIU_REAL, MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(&steps, &r->steps, 1, MPIU_INT, MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &r->seconds, 1, MPI_DOUBLE, MPI_MAX, r->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingGetCurve(TkRocking r, TkScanType *type, PetscInt *n, const PetscReal **x, const PetscReal **R, const PetscReal **T)
{
  PetscFunctionBegin;
  if (type) *type = r->type;
  if (n) *n = r->n;
  if (x) *x = r->x;
  if (R) *R = r->R;
  if (T) *T = r->T;
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingGetSolver(TkRocking r, TkDepthTT *tt, TkReflection *refl, TkPlateDeformation *pd)
{
  PetscFunctionBegin;
  if (tt) *tt = r->tt;
  if (refl) *refl = r->refl;
  if (pd) *pd = r->deform;
  PetscFunctionReturn(0);
}

/* Darwin band (centre, width) in the units of the scan variable. */
static void DarwinBand(TkRocking r, PetscReal *c, PetscReal *w)
{
  PetscReal unit = 1e-6;
  if (r->type == TK_SCAN_ENERGY) unit = 1e-6 / r->energy_center_keV * PetscTanReal(r->theta_fixed);
  *c = TkRefractionShift(&r->center) / unit;
  *w = r->center.geometry == TK_BRAGG ? TkDarwinWidth(&r->center) / unit : 0;
}

PetscErrorCode TkRockingWrite(TkRocking r)
{
  const char     *crystal, *profile;
  const PetscInt *hkl;
  char            hkl_s[64], *options = NULL;
  PetscReal       t, phi, Rx, Ry, nu, dc, dw;
  TkPolarization  pol;

  PetscFunctionBegin;
  PetscCall(TkReflectionGetName(r->refl, &crystal, &hkl));
  PetscCall(PetscSNPrintf(hkl_s, sizeof(hkl_s), "%" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT, hkl[0], hkl[1], hkl[2]));
  PetscCall(TkDepthTTGetThickness(r->tt, &t));
  PetscCall(TkDepthTTGetAsymmetry(r->tt, &phi));
  PetscCall(TkDepthTTGetPolarization(r->tt, &pol));
  PetscCall(TkPlateDeformationGetBending(r->deform, &Rx, &Ry, &nu));
  PetscCall(TkPlateDeformationGetProfilePath(r->deform, &profile));
  PetscCall(TkOptionsGetAll(&options));
  DarwinBand(r, &dc, &dw);
  if (r->output[0]) {
    const TkAttribute attr[] = {
        {"program", "takagi rocking " TAKAGI_VERSION, 0},
        {"crystal", crystal, 0},
        {"hkl", hkl_s, 0},
        {"scan", r->type == TK_SCAN_ANGLE ? "angle" : "energy", 0},
        {"energy_keV", NULL, r->type == TK_SCAN_ANGLE ? r->energy_keV : r->energy_center_keV},
        {"bragg_deg", NULL, r->center.thetaB * 180 / PETSC_PI},
        {"thickness_um", NULL, t * 1e6},
        {"asymmetry_deg", NULL, phi * 180 / PETSC_PI},
        {"polarization", TkPolarizations[pol], 0},
        {"geometry", r->center.geometry == TK_BRAGG ? "Bragg" : "Laue", 0},
        {"bend_radius_m", NULL, Rx},
        {"bend_radius_y_m", NULL, Ry},
        {"poisson", NULL, nu},
        {"strain_profile", profile, 0},
        {"chi0_re", NULL, creal(r->center.chi.chi0)},
        {"chi0_im", NULL, cimag(r->center.chi.chi0)},
        {"chih_re", NULL, creal(r->center.chi.chih)},
        {"chih_im", NULL, cimag(r->center.chi.chih)},
        {"chihbar_re", NULL, creal(r->center.chi.chihbar)},
        {"chihbar_im", NULL, cimag(r->center.chi.chihbar)},
        {"darwin_width", NULL, dw},
        {"refraction_shift", NULL, dc},
        {"options", options ? options : "", 0},
    };
    const TkCurve c = {r->type == TK_SCAN_ANGLE ? "angle_urad" : "energy_meV", r->n, r->x, r->R, r->T, (PetscInt)(sizeof(attr) / sizeof(attr[0])), attr};
    PetscCall(TkCurveWrite(r->comm, r->output, &c));
  }
  if (r->plot[0]) {
    /* the plot helper reads a private CSV copy of the curve and writes the PNG under a temporary name */
    TkAtomicFile  png, csv;
    char          title[512], band[64], width[64];
    const TkCurve c = {r->type == TK_SCAN_ANGLE ? "angle_urad" : "energy_meV", r->n, r->x, r->R, r->T, 0, NULL};
    PetscCall(TkAtomicFileBegin(r->comm, r->plot, &png));
    PetscCall(PetscStrncpy(csv.tmp_path, png.tmp_path, sizeof(csv.tmp_path)));
    PetscCall(PetscStrlcat(csv.tmp_path, ".csv", sizeof(csv.tmp_path)));
    {
      PetscMPIInt    rank;
      PetscErrorCode werr = 0;
      PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
      if (rank == 0) {
        PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
        werr = TkCurveWriteCSV(csv.tmp_path, &c);
        PetscCall(PetscPopErrorHandler());
        if (werr) PetscCall(TkAtomicFileAbort(&csv));
      }
      PetscCallMPI(MPI_Bcast(&werr, 1, MPI_INT, 0, r->comm));
      PetscCheck(!werr, r->comm, PETSC_ERR_FILE_WRITE, "cannot write the plot's data next to '%s' (disk full?)", r->plot);
    }
    PetscCall(PetscSNPrintf(title, sizeof(title), "%s(%s) %.4g keV, t = %g um, %s, phi = %g deg, %s%s%s", crystal, hkl_s, (double)(r->type == TK_SCAN_ANGLE ? r->energy_keV : r->energy_center_keV), (double)(t * 1e6),
                            r->center.geometry == TK_BRAGG ? "Bragg" : "Laue", (double)(phi * 180 / PETSC_PI), TkPolarizations[pol], profile[0] ? ", strain profile" : "", Rx == 0 && Ry == 0 ? "" : ", bent"));
    PetscCall(PetscSNPrintf(band, sizeof(band), "%.10g", (double)dc));
    PetscCall(PetscSNPrintf(width, sizeof(width), "%.10g", (double)dw));
    const char *const args[] = {csv.tmp_path, png.tmp_path, title, band, width};
    PetscErrorCode    ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TkPlotRun(r->comm, "plot_rocking.py", 5, args);
    PetscCall(PetscPopErrorHandler());
    PetscCall(TkAtomicFileAbort(&csv));
    if (ierr) PetscCall(TkAtomicFileAbort(&png));
    PetscCheck(!ierr, r->comm, PETSC_ERR_FILE_WRITE, "the plot '%s' could not be made (see the message above; plots need python3 with matplotlib, or TAKAGI_PYTHON naming such an interpreter); the curve data was written", r->plot);
    PetscCall(TkAtomicFileCommit(r->comm, &png));
  }
  PetscCall(PetscFree(options));
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingView(TkRocking r, PetscViewer v)
{
  PetscReal   dc, dw;
  const char *u = r->type == TK_SCAN_ANGLE ? "urad" : "meV";

  PetscFunctionBegin;
  DarwinBand(r, &dc, &dw);
  PetscCall(TkReflectionView(r->refl, v));
  PetscCall(TkDepthTTView(r->tt, v));
  PetscCall(PetscViewerASCIIPrintf(v, "%s geometry, b = %.4f; %s scan %g to %g %s, %" PetscInt_FMT " points at %s\n", r->center.geometry == TK_BRAGG ? "Bragg" : "Laue", (double)r->center.b, r->type == TK_SCAN_ANGLE ? "angle" : "energy",
                                   (double)r->scan[0], (double)r->scan[1], u, r->n, r->type == TK_SCAN_ANGLE ? "fixed energy" : "fixed angle"));
  PetscCall(PetscViewerASCIIPrintf(v, "E = %.6g keV, theta_B = %.5f deg, chi0 = %.4e%+.4ei, chih = %.4e%+.4ei\n", (double)r->center.energy_keV, (double)(r->center.thetaB * 180 / PETSC_PI), creal(r->center.chi.chi0), cimag(r->center.chi.chi0),
                                   creal(r->center.chi.chih), cimag(r->center.chi.chih)));
  if (r->center.geometry == TK_BRAGG)
    PetscCall(PetscViewerASCIIPrintf(v, "Darwin width %.4g %s centred at %.4g %s (refraction shift); extinction length %.4g um\n", (double)dw, u, (double)dc, u, (double)(TkExtinctionLength(&r->center) * 1e6)));
  else
    PetscCall(PetscViewerASCIIPrintf(v, "Pendelloesung length %.4g um\n", (double)(TkExtinctionLength(&r->center) * 1e6)));
  if (r->seconds > 0) PetscCall(PetscViewerASCIIPrintf(v, "Solved %" PetscInt_FMT " points (%" PetscInt_FMT " depth steps) in %.3g s\n", r->n, r->steps, r->seconds));
  PetscFunctionReturn(0);
}

PetscErrorCode TkRockingDestroy(TkRocking *r)
{
  PetscFunctionBegin;
  if (!*r) PetscFunctionReturn(0);
  PetscCall(TkDepthTTDestroy(&(*r)->tt));
  PetscCall(TkPlateDeformationDestroy(&(*r)->deform));
  PetscCall(TkReflectionDestroy(&(*r)->refl));
  PetscCall(PetscFree3((*r)->x, (*r)->R, (*r)->T));
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(0);
}
