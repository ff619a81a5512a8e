/* Smoothed total variation and the support penalty (regularization.h). */
#include "regularization.h"

PetscReal TkTotalVariation(const TkGrid *grid, const PetscReal *f, PetscReal eps, PetscReal weight, PetscInt64 q0, PetscInt64 q1, PetscReal *g)
{
  const PetscInt64 nx = grid->nx, ny = grid->ny, nz = grid->nz;
  PetscReal        sum = 0;

  if (weight == 0) return 0;
  for (PetscInt64 q = q0; q < q1; q++) {
    const PetscInt64 ix = q % nx, iy = (q / nx) % ny, iz = q / (nx * ny);
    const PetscReal  dx = ix + 1 < nx ? f[q + 1] - f[q] : 0, dy = iy + 1 < ny ? f[q + nx] - f[q] : 0, dz = iz + 1 < nz ? f[q + nx * ny] - f[q] : 0;
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
