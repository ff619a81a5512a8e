/* The displacement of the solved strain field (TkSpectralGetDisplacement): the affine part of the mean strain plus
   the periodic fluctuation integrated in Fourier space (docs/deform.md, "Displacement"). */
#include "spectral_impl.h"

/* u_hat = -i (2 eps_hat k / |k|^2 - (k.eps_hat.k) k / |k|^4), the compatible field's displacement, with the wave
   vector of the scheme that produced eps; zero on Nyquist planes, where the sign of k is undefined */
PetscErrorCode TkSpectralGetDisplacement(TkSpectral s, PetscReal *u)
{
  const PetscInt    Nx = s->N[0], Ny = s->N[1], Nz = s->N[2], Nc = s->Nc;
  const PetscReal   Ntot = (PetscReal)Nx * Ny * Nz;
  const TkGreenKind kind = s->type_used == TK_SPECTRAL_KRYLOV ? TK_GREEN_WILLOT : TK_GREEN_CONTINUOUS;
  PetscReal         E[6];

  PetscFunctionBegin;
  PetscCall(TkSpectralGetAverages(s, E, NULL));
  for (PetscInt z = 0; z < s->nz; z++)
    for (PetscInt y = 0; y < Ny; y++) PetscCall(PetscArraycpy(s->rbuf + TkSpectralRealIndex(s, z, y, 0), s->eps + 6 * (z * Ny + y) * Nx, 6 * Nx));
  PetscCall(TkSpectralFFTForward(s));
  for (PetscInt j = 0; j < s->nky; j++)
    for (PetscInt kz = 0; kz < Nz; kz++)
      for (PetscInt kx = 0; kx < Nc; kx++) {
        double   *v = (double *)s->cbuf + ((size_t)(j * Nz + kz) * Nc + kx) * 12;
        PetscReal k[3], kk, out[2][3];
        PetscBool nyq;
        TkSpectralWaveVector(s, kind, j, kz, kx, k, &nyq);
        kk = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
        for (int p = 0; p < 2; p++) {
          const PetscReal t0 = v[0 + p] * k[0] + v[10 + p] * k[1] + v[8 + p] * k[2];
          const PetscReal t1 = v[10 + p] * k[0] + v[2 + p] * k[1] + v[6 + p] * k[2];
          const PetscReal t2 = v[8 + p] * k[0] + v[6 + p] * k[1] + v[4 + p] * k[2];
          const PetscReal a  = k[0] * t0 + k[1] * t1 + k[2] * t2;
          out[p][0]          = (nyq || kk == 0) ? 0 : (2 * t0 / kk - a * k[0] / (kk * kk)) / Ntot;
          out[p][1]          = (nyq || kk == 0) ? 0 : (2 * t1 / kk - a * k[1] / (kk * kk)) / Ntot;
          out[p][2]          = (nyq || kk == 0) ? 0 : (2 * t2 / kk - a * k[2] / (kk * kk)) / Ntot;
        }
        for (int d = 0; d < 3; d++) { /* times -i */
          v[2 * d + 0]       = out[1][d];
          v[2 * d + 1]       = -out[0][d];
          v[2 * (3 + d) + 0] = v[2 * (3 + d) + 1] = 0;
        }
      }
  PetscCall(TkSpectralFFTBackward(s));
  for (PetscInt z = 0; z < s->nz; z++)
    for (PetscInt y = 0; y < Ny; y++)
      for (PetscInt x = 0; x < Nx; x++) {
        const double   *r    = s->rbuf + TkSpectralRealIndex(s, z, y, x);
        const PetscReal p[3] = {(x + 0.5 - 0.5 * Nx) * s->h[0], (y + 0.5 - 0.5 * Ny) * s->h[1], (s->z0 + z + 0.5 - 0.5 * Nz) * s->h[2]};
        PetscReal      *o    = u + 3 * ((z * Ny + y) * Nx + x);
        o[0]                 = r[0] + E[0] * p[0] + E[5] * p[1] + E[4] * p[2];
        o[1]                 = r[1] + E[5] * p[0] + E[1] * p[1] + E[3] * p[2];
        o[2]                 = r[2] + E[4] * p[0] + E[3] * p[1] + E[2] * p[2];
      }
  PetscFunctionReturn(0);
}
