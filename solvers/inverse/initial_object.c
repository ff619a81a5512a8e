/* Starts built from a kinematic result (takagi phase -object_lab; docs/reconstruct.md, "Starting from takagi
   phase").

   The twin. conj psi(-r) fits kinematic data exactly as well as psi (phase retrieval cannot tell them apart); on the
   lab grid it is the point reflection r -> -r with h.u -> -h.u (u -> -u), the density reflected. Dynamical
   diffraction is not centrosymmetric (the beam enters through one face, extinction and absorption act along its
   path), so the dynamical misfit can choose: -rec_init_twin auto evaluates both and starts from the lower.

   The envelope. A crystal many extinction depths thick gives a kinematic support that covers only part of it, but
   the fringes of the data still carry its full extent: the autocorrelation |F^-1(I)| is supported on S - S, which is
   2S for a centrosymmetric crystal (a superset of a translate of S otherwise). -rec_init_envelope t takes its support
   above t max, scaled by 1/2 onto the object grid, as the density, placed by the integer (circular) shift that best
   overlaps the -init support; the -init phase is kept. */
#include "reconstruct_impl.h"
#include "bcdi_data.h"
#include <complex.h>
#include <fftw3.h>

/* the object grid must be symmetric about the lab origin for r -> -r to map voxels onto voxels */
static PetscErrorCode CheckCentred(TkReconstruct r)
{
  const PetscInt n[3] = {r->grid.nz, r->grid.ny, r->grid.nx};

  PetscFunctionBegin;
  for (int a = 0; a < 3; a++) PetscCheck(PetscAbsReal(r->grid.origin[a] + 0.5 * (n[a] - 1) * r->grid.spacing[a]) <= 1e-6 * r->grid.spacing[a], r->comm, PETSC_ERR_SUP, "-rec_init_twin needs an object grid centred on the lab origin");
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructTwinFields(TkReconstruct r, PetscReal *fields)
{
  const PetscInt64 nv = r->nvox;

  PetscFunctionBegin;
  PetscCall(CheckCentred(r));
  for (PetscInt f = 0; f < r->nf; f++) {
    PetscReal      *v    = fields + f * nv;
    const PetscReal sign = f < r->nf - 1 ? -1 : 1; /* the phase (or u) changes sign, the density does not */
    /* index reversal along every axis is the reversal of the linear index */
    for (PetscInt64 q = 0, p = nv - 1; q <= p; q++, p--) {
      const PetscReal a = v[q], b = v[p];
      v[q] = sign * b, v[p] = sign * a;
    }
  }
  PetscFunctionReturn(0);
}

/* the integer circular shift s (z, y, x) maximising sum a(n) b(n - s): FFT cross-correlation (serial) */
static PetscErrorCode BestShift(const TkGrid *g, const unsigned char *a, const unsigned char *b, PetscInt s[3])
{
  const size_t  nv = (size_t)g->nx * g->ny * g->nz;
  fftw_complex *fa, *fb;
  fftw_plan     fwd, bwd;
  double        best = -1;

  PetscFunctionBegin;
  fa = fftw_alloc_complex(nv), fb = fftw_alloc_complex(nv);
  PetscCheck(fa && fb, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the envelope's placement");
  fwd = fftw_plan_dft_3d((int)g->nz, (int)g->ny, (int)g->nx, fa, fa, FFTW_FORWARD, FFTW_ESTIMATE);
  bwd = fftw_plan_dft_3d((int)g->nz, (int)g->ny, (int)g->nx, fa, fa, FFTW_BACKWARD, FFTW_ESTIMATE);
  for (size_t q = 0; q < nv; q++) fa[q] = a[q], fb[q] = b[q];
  fftw_execute_dft(fwd, fa, fa);
  fftw_execute_dft(fwd, fb, fb);
  for (size_t q = 0; q < nv; q++) fa[q] *= conj(fb[q]);
  fftw_execute_dft(bwd, fa, fa);
  s[0] = s[1] = s[2] = 0;
  for (size_t q = 0; q < nv; q++) {
    const double c = rint(creal(fa[q]) / nv); /* an overlap count: an integer, ties to the first in C order */
    if (c > best) best = c, s[0] = (PetscInt)(q / ((size_t)g->nx * g->ny)), s[1] = (PetscInt)((q / g->nx) % g->ny), s[2] = (PetscInt)(q % g->nx);
  }
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(bwd);
  fftw_free(fa);
  fftw_free(fb);
  PetscFunctionReturn(0);
}

PetscErrorCode TkReconstructEnvelope(TkReconstruct r, PetscReal threshold, PetscReal *rho)
{
  const PetscInt64 nv = r->nvox;
  TkBCDIDataInfo   info;
  PetscInt         N[3], s[3] = {0, 0, 0};
  PetscInt64       nenv = 0, ninit = 0;
  unsigned char   *env;
  PetscLogDouble   t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscCall(TkBCDIDataGetInfo(r->data[0], &info));
  PetscCheck(info.takagi, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_envelope needs the geometry of a takagi bcdi CXI file");
  PetscCall(TkBCDIDataGetShape(r->data[0], N));
  PetscCall(PetscMalloc1(nv, &env));
  {
    const size_t   nd     = (size_t)N[0] * N[1] * N[2];
    PetscReal     *counts = NULL;
    unsigned char *mask   = NULL;
    if (!r->rank) PetscCall(PetscMalloc2(nd, &counts, nd, &mask));
    PetscCall(TkBCDIDataRead(r->data[0], 0, r->rank ? 0 : N[0], counts, mask)); /* collective; rank 0 reads all */
    if (!r->rank) {
      double          A[3][3], B[3][3], amax = 0;
      fftw_complex   *ac = fftw_alloc_complex(nd);
      fftw_plan       plan;
      unsigned char  *init;
      const PetscInt  c[3]  = {r->grid.nz / 2, r->grid.ny / 2, r->grid.nx / 2};
      const PetscReal xc[3] = {r->grid.origin[2] + c[2] * r->grid.spacing[2], r->grid.origin[1] + c[1] * r->grid.spacing[1], r->grid.origin[0] + c[0] * r->grid.spacing[0]};
      PetscCheck(ac, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the autocorrelation");
      PetscCall(TkBCDIDataConjugateBasis(&info, N, A, B));
      plan = fftw_plan_dft_3d((int)N[0], (int)N[1], (int)N[2], ac, ac, FFTW_BACKWARD, FFTW_ESTIMATE);
      for (size_t q = 0; q < nd; q++) ac[q] = mask[q] ? 0 : counts[q];
      fftw_execute(plan);
      fftw_destroy_plan(plan);
      for (size_t q = 0; q < nd; q++) amax = PetscMax(amax, cabs(ac[q]));
      /* object voxel at r (relative to the grid's centre voxel) -> lag 2r on the conjugate grid, nearest point */
      for (PetscInt64 q = 0; q < nv; q++) {
        const PetscInt64 ix = q % r->grid.nx, iy = (q / r->grid.nx) % r->grid.ny, iz = q / ((PetscInt64)r->grid.nx * r->grid.ny);
        const double     x[3] = {2 * (r->grid.origin[2] + ix * r->grid.spacing[2] - xc[0]), 2 * (r->grid.origin[1] + iy * r->grid.spacing[1] - xc[1]), 2 * (r->grid.origin[0] + iz * r->grid.spacing[0] - xc[2])};
        PetscInt         i[3];
        PetscBool        ok = PETSC_TRUE;
        for (int j = 0; j < 3; j++) {
          i[j] = (PetscInt)rint(N[j] / 2 + N[j] * (B[0][j] * x[0] + B[1][j] * x[1] + B[2][j] * x[2]) / (2 * PETSC_PI));
          if (i[j] < 0 || i[j] >= N[j]) ok = PETSC_FALSE;
          i[j] = ((i[j] - N[j] / 2) % N[j] + N[j]) % N[j]; /* lag 0 sits at index 0 of the unshifted transform */
        }
        env[q] = ok && cabs(ac[((size_t)i[0] * N[1] + i[1]) * N[2] + i[2]]) > threshold * amax;
      }
      fftw_free(ac);
      PetscCall(PetscMalloc1(nv, &init));
      for (PetscInt64 q = 0; q < nv; q++) init[q] = rho[q] > 0.5, ninit += init[q];
      PetscCall(BestShift(&r->grid, init, env, s));
      for (PetscInt64 q = 0; q < nv; q++) { /* init keeps the envelope, rolled by s */
        const PetscInt64 ix = q % r->grid.nx, iy = (q / r->grid.nx) % r->grid.ny, iz = q / ((PetscInt64)r->grid.nx * r->grid.ny);
        const PetscInt64 jz = (iz - s[0] + r->grid.nz) % r->grid.nz, jy = (iy - s[1] + r->grid.ny) % r->grid.ny, jx = (ix - s[2] + r->grid.nx) % r->grid.nx;
        init[q] = env[(jz * r->grid.ny + jy) * r->grid.nx + jx];
        nenv += init[q];
      }
      PetscCall(PetscArraycpy(env, init, nv));
      PetscCall(PetscFree(init));
    }
    if (!r->rank) PetscCall(PetscFree2(counts, mask));
  }
  PetscCallMPI(MPI_Bcast(env, (PetscMPIInt)nv, MPI_UNSIGNED_CHAR, 0, r->comm));
  PetscCallMPI(MPI_Bcast(s, 3, MPIU_INT, 0, r->comm));
  PetscCallMPI(MPI_Bcast(&nenv, 1, MPIU_INT64, 0, r->comm));
  PetscCallMPI(MPI_Bcast(&ninit, 1, MPIU_INT64, 0, r->comm));
  {
    const PetscInt n[3] = {r->grid.nz, r->grid.ny, r->grid.nx};
    for (int a = 0; a < 3; a++) s[a] = s[a] > n[a] / 2 ? s[a] - n[a] : s[a]; /* circular: the signed shift */
  }
  PetscCheck(nenv > 0, r->comm, PETSC_ERR_USER_INPUT, "-rec_init_envelope %g: the autocorrelation is nowhere above that fraction of its maximum on the object grid (lower it)", (double)threshold);
  for (PetscInt64 q = 0; q < nv; q++) rho[q] = env[q];
  PetscCall(PetscFree(env));
  PetscCall(PetscPrintf(r->comm,
                        "Envelope (autocorrelation > %g max, half scale): %" PetscInt64_FMT " voxels, shifted by (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") voxels (z, y, x) onto the -init support of %" PetscInt64_FMT " (%.2f s)\n",
                        (double)threshold, nenv, s[0], s[1], s[2], ninit, (double)(MPI_Wtime() - t0)));
  PetscFunctionReturn(0);
}
