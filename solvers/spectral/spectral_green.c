/* Green operators of the periodic cell for an isotropic reference medium (lam0, mu0), applied in Fourier space:
     Gamma0[tau]_ij = (n_i t_j + n_j t_i) / (2 mu0) - (lam0 + mu0) / (mu0 (lam0 + 2 mu0)) n_i n_j (n.tau.n),
     t = tau.n, n = k/|k|
   (Mura 1987; Moulinec & Suquet, CMAME 157, 69, 1998). With lam0 = 0, mu0 = 1/2 it is the orthogonal projection onto
   compatible strain fields.
   Wave vectors: continuous, k_j = 2 pi m_j / (N_j h_j); or Willot's rotated finite differences (C. R. Mecanique 343,
   232, 2015), k_j = (2/h_j) sin(theta_j/2) prod_{l != j} cos(theta_l/2), theta_j = 2 pi m_j / N_j, whose common phase
   cancels in Gamma0. Gamma0 is even in k, so a Nyquist component (m_j = N_j/2 for even N_j) is unambiguous when it is
   the only non-zero one; combined with other components its sign is not defined, and (as in DAMASK) it is set to
   zero. Willot's operator needs no such rule: cos(pi/2) = 0 leaves only the Nyquist direction. */
#include "spectral_impl.h"

/* per-axis tables (index m along the axis; y and z: all N, x: the Nx/2 + 1 of the r2c half spectrum):
   [5 m + 0] continuous k (rad/m), [1] sin(theta/2), [2] cos(theta/2) (0 on the Nyquist plane), [3] Nyquist flag,
   [4] non-zero flag */
PetscErrorCode TkSpectralGreenSetUp(TkSpectral s)
{
  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) {
    const PetscInt n = d == 0 ? s->Nc : s->N[d];
    PetscCall(PetscMalloc1(5 * n, &s->ftab[d]));
    for (PetscInt m = 0; m < n; m++) {
      PetscInt        md  = (d > 0 && 2 * m > s->N[d]) ? m - s->N[d] : m;
      const PetscBool nyq = (PetscBool)(s->N[d] % 2 == 0 && 2 * md == s->N[d]);
      const PetscReal th  = 2 * PETSC_PI * (PetscReal)md / (PetscReal)s->N[d];
      PetscReal      *t   = s->ftab[d] + 5 * m;
      t[0]                = th / s->h[d];
      t[1]                = PetscSinReal(th / 2);
      t[2]                = nyq ? 0 : PetscCosReal(th / 2);
      t[3]                = nyq;
      t[4]                = md != 0;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkSpectralGreenDestroy(TkSpectral s)
{
  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) PetscCall(PetscFree(s->ftab[d]));
  PetscFunctionReturn(0);
}

static inline void WaveVector(TkSpectral s, TkGreenKind kind, PetscInt j, PetscInt kz, PetscInt kx, PetscReal k[3], PetscBool *nyquist)
{
  const PetscReal *t[3] = {s->ftab[0] + 5 * kx, s->ftab[1] + 5 * (s->ky0 + j), s->ftab[2] + 5 * kz};

  *nyquist = (PetscBool)(t[0][3] != 0 || t[1][3] != 0 || t[2][3] != 0);
  if (kind == TK_GREEN_CONTINUOUS) {
    const PetscBool several = (PetscBool)(t[0][4] + t[1][4] + t[2][4] > 1);
    for (int d = 0; d < 3; d++) k[d] = (t[d][3] != 0 && several) ? 0 : t[d][0];
  } else {
    k[0] = 2 / s->h[0] * t[0][1] * t[1][2] * t[2][2];
    k[1] = 2 / s->h[1] * t[1][1] * t[0][2] * t[2][2];
    k[2] = 2 / s->h[2] * t[2][1] * t[0][2] * t[1][2];
  }
}

void TkSpectralWaveVector(TkSpectral s, TkGreenKind kind, PetscInt j, PetscInt kz, PetscInt kx, PetscReal k[3], PetscBool *nyquist) { WaveVector(s, kind, j, kz, kx, k, nyquist); }

double *TkSpectralZeroFrequency(TkSpectral s) { return (s->ky0 == 0 && s->nky > 0) ? (double *)s->cbuf : NULL; }

/* out = scale (c1 (n t + t n) - c2 n n a) for one real 6-vector (Voigt, tensor shear) */
static inline void GreenKernel(const PetscReal n[3], PetscReal c1, PetscReal c2, PetscReal scale, const PetscReal in[6], PetscReal out[6])
{
  const PetscReal t0 = in[0] * n[0] + in[5] * n[1] + in[4] * n[2];
  const PetscReal t1 = in[5] * n[0] + in[1] * n[1] + in[3] * n[2];
  const PetscReal t2 = in[4] * n[0] + in[3] * n[1] + in[2] * n[2];
  const PetscReal a  = (n[0] * t0 + n[1] * t1 + n[2] * t2) * c2;

  out[0] = scale * (2 * c1 * n[0] * t0 - a * n[0] * n[0]);
  out[1] = scale * (2 * c1 * n[1] * t1 - a * n[1] * n[1]);
  out[2] = scale * (2 * c1 * n[2] * t2 - a * n[2] * n[2]);
  out[3] = scale * (c1 * (n[1] * t2 + n[2] * t1) - a * n[1] * n[2]);
  out[4] = scale * (c1 * (n[0] * t2 + n[2] * t0) - a * n[0] * n[2]);
  out[5] = scale * (c1 * (n[0] * t1 + n[1] * t0) - a * n[0] * n[1]);
}

/* One pass over the local spectrum: with res, accumulates the equilibrium criterion of the transformed stress
   (sqrt(sum |k.sigma_hat|^2 / sum |sigma_hat|^2), k in radians per voxel), its RMS and mean; with apply, replaces
   every k != 0 entry by scale Gamma0[entry]. Fusing both saves one sweep of the spectrum per iteration. */
PetscErrorCode TkSpectralGreenPass(TkSpectral s, TkGreenKind kind, PetscReal lam0, PetscReal mu0, PetscReal scale, PetscBool apply, PetscReal *res, PetscReal *rms, PetscReal mean[6])
{
  const PetscReal c1 = 1 / (2 * mu0), c2 = (lam0 + mu0) / (mu0 * (lam0 + 2 * mu0));
  const PetscInt  Nx = s->N[0], Nz = s->N[2], Nc = s->Nc;
  const PetscReal hbar = PetscCbrtReal(s->h[0] * s->h[1] * s->h[2]), Ntot = (PetscReal)s->N[0] * s->N[1] * s->N[2];
  PetscReal       loc[8] = {0}, glob[8];
  double         *z;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(s->ev_green, 0, 0, 0, 0));
  z = TkSpectralZeroFrequency(s);
  if (z && res)
    for (int c = 0; c < 6; c++) loc[2 + c] = z[2 * c] / Ntot;
  for (PetscInt j = 0; j < s->nky; j++)
    for (PetscInt kz = 0; kz < Nz; kz++)
      for (PetscInt kx = 0; kx < Nc; kx++) {
        double   *v = (double *)s->cbuf + ((size_t)(j * Nz + kz) * Nc + kx) * 12;
        PetscReal k[3], kk;
        PetscBool nyq;

        WaveVector(s, kind, j, kz, kx, k, &nyq);
        if (res) {
          const PetscReal w = (kx == 0 || 2 * kx == Nx) ? 1 : 2; /* the r2c half spectrum */
          for (int p = 0; p < 2; p++) {
            const PetscReal t0 = v[0 + p] * k[0] + v[10 + p] * k[1] + v[8 + p] * k[2];
            const PetscReal t1 = v[10 + p] * k[0] + v[2 + p] * k[1] + v[6 + p] * k[2];
            const PetscReal t2 = v[8 + p] * k[0] + v[6 + p] * k[1] + v[4 + p] * k[2];
            loc[0] += w * hbar * hbar * (t0 * t0 + t1 * t1 + t2 * t2);
            for (int c = 0; c < 6; c++) loc[1] += w * (c < 3 ? 1 : 2) * v[2 * c + p] * v[2 * c + p];
          }
        }
        if (!apply || (s->ky0 + j == 0 && kz == 0 && kx == 0)) continue; /* the mean: the caller's business */
        kk = PetscSqrtReal(k[0] * k[0] + k[1] * k[1] + k[2] * k[2]);
        if (kk == 0) {
          for (int c = 0; c < 12; c++) v[c] = 0;
        } else {
          PetscReal n[3], re[6], im[6], ore[6], oim[6];
          for (int d = 0; d < 3; d++) n[d] = k[d] / kk;
          for (int c = 0; c < 6; c++) re[c] = v[2 * c], im[c] = v[2 * c + 1];
          GreenKernel(n, c1, c2, scale, re, ore);
          GreenKernel(n, c1, c2, scale, im, oim);
          for (int c = 0; c < 6; c++) v[2 * c] = ore[c], v[2 * c + 1] = oim[c];
        }
      }
  if (apply) PetscCall(PetscLogFlops(140.0 * s->nky * Nz * Nc));
  if (res) {
    PetscCall(MPIU_Allreduce(loc, glob, 8, MPIU_REAL, MPIU_SUM, s->comm));
    *res = glob[1] > 0 ? PetscSqrtReal(glob[0] / glob[1]) : 0;
    *rms = PetscSqrtReal(glob[1]) / Ntot; /* Parseval */
    for (int c = 0; c < 6; c++) mean[c] = glob[2 + c];
  }
  PetscCall(PetscLogEventEnd(s->ev_green, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
