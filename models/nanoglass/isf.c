/* Self intermediate scattering function (notes/nanoglass_models.md 3.4): tracer-free form on the voxel grid, one
   scattering vector q d. Compressed exponentials (beta > 1) are the XPCS signature of metallic glasses; the fit is
   a straight line in ln(-ln F) against ln t. */
#include "isf.h"
#include <math.h>

PetscErrorCode TkIsfEvaluate(MPI_Comm comm, size_t n, const PetscReal *p0, const PetscReal *p, const PetscInt *solid, PetscReal q, PetscReal *Fs)
{
  PetscReal s[3] = {0, 0, 0}; /* count, sum of d, sum of cos */

  PetscFunctionBegin;
  for (size_t i = 0; i < n; i++)
    if (solid[i]) s[0] += 1, s[1] += p[i] - p0[i];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPI_SUM, comm));
  const PetscReal drift = s[0] > 0 ? s[1] / s[0] : 0;
  for (size_t i = 0; i < n; i++)
    if (solid[i]) s[2] += PetscCosReal(q * (p[i] - p0[i] - drift));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s[2], 1, MPIU_REAL, MPI_SUM, comm));
  *Fs = s[0] > 0 ? s[2] / s[0] : 1;
  PetscFunctionReturn(0);
}

PetscErrorCode TkIsfFitKWW(const TkTable *t, PetscInt tc, PetscInt fc, TkIsfFit *fit)
{
  PetscReal sx = 0, sy = 0, sxx = 0, sxy = 0;
  PetscInt  m = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < t->nrows; i++) {
    const PetscReal tt = t->values[(size_t)i * t->ncols + tc], F = t->values[(size_t)i * t->ncols + fc];
    if (!(tt > 0 && F > 0.02 && F < 0.98)) continue;
    const PetscReal x = PetscLogReal(tt), y = PetscLogReal(-PetscLogReal(F));
    sx += x, sy += y, sxx += x * x, sxy += x * y, m++;
  }
  fit->npoints = m;
  fit->tau = fit->beta = (PetscReal)NAN;
  if (m >= 2 && m * sxx - sx * sx > 0) {
    const PetscReal beta = (m * sxy - sx * sy) / (m * sxx - sx * sx), c = (sy - beta * sx) / m;
    if (beta > 0) fit->beta = beta, fit->tau = PetscExpReal(-c / beta);
  }
  PetscFunctionReturn(0);
}
