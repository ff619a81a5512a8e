/* Smoothed total variation and the support penalty (regularization.h). */
#include "regularization.h"

/* the difference b - a, wrapped to [-period/2, period/2) when period > 0 */
static inline PetscReal Diff(PetscReal b, PetscReal a, PetscReal period)
{
  const PetscReal d = b - a;
  return period > 0 ? d - period * PetscFloorReal(d / period + 0.5) : d;
}

PetscReal TkTotalVariation(const TkGrid *grid, const PetscReal *f, PetscReal eps, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g) { return TkTotalVariationPeriodic(grid, f, 0, eps, weight, q0, q1, g); }

PetscReal TkTotalVariationPeriodic(const TkGrid *grid, const PetscReal *f, PetscReal period, PetscReal eps, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g)
{
  const PetscInt64 nx = grid->nx, ny = grid->ny, nz = grid->nz;
  PetscReal        sum = 0;

  if (weight == 0) return 0;
  for (PetscInt64 q = q0; q < q1; q++) {
    const PetscInt64 ix = q % nx, iy = (q / nx) % ny, iz = q / (nx * ny);
    const PetscReal  dx = ix + 1 < nx ? Diff(f[q + 1], f[q], period) : 0, dy = iy + 1 < ny ? Diff(f[q + nx], f[q], period) : 0, dz = iz + 1 < nz ? Diff(f[q + nx * ny], f[q], period) : 0;
    const PetscReal  r = PetscSqrtReal(dx * dx + dy * dy + dz * dz + eps * eps);
    sum += r - eps;
    if (g) {
      const PetscReal w = weight / r;
      if (ix + 1 < nx) g[q + 1] += w * dx, g[q] -= w * dx;
      if (iy + 1 < ny) g[q + nx] += w * dy, g[q] -= w * dy;
      if (iz + 1 < nz) g[q + nx * ny] += w * dz, g[q] -= w * dz;
    }
  }
  return weight * sum;
}

PetscReal TkSupportPenalty(const TkGrid *grid, const PetscReal *rho, const unsigned char *support, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g)
{
  PetscReal sum = 0;

  (void)grid;
  if (weight == 0) return 0;
  for (PetscInt64 q = q0; q < q1; q++) {
    if (support[q]) continue;
    sum += rho[q] * rho[q];
    if (g) g[q] += 2 * weight * rho[q];
  }
  return weight * sum;
}
