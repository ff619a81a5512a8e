/* Shear-band statistics.
   Labelling: each rank runs union-find on its planes (26-neighbours, periodic in x and y), numbers its components
   in scan order and offsets them by the components of the lower ranks, so component ids follow the global index of
   each component's first voxel. The last plane of each rank is then matched with the first plane of the next rank
   (cyclically: periodic in z); the matched id pairs go to rank 0, which merges them with a second union-find and
   relabels each merged band by its smallest component id, i.e. by its first voxel — the same labels at any rank
   count. Orientation: the normal of a band that wraps around the box along some axis is the reciprocal-lattice
   direction m (|m_i| <= 2) of the strongest Fourier mode of its indicator (a periodic planar band of normal m has
   |sum exp(2 pi i m.x / N)| ~ its size); a compact band's normal is the axis of least extent of its inertia tensor
   (positions unwrapped about the circular mean). Localisation: participation ratio (sum eta)^2 / (N sum eta^2), the
   share of plastic strain carried by the top 10 % voxels, and the coefficient of variation (notes 2.4). */
#include "band_stats.h"
#include <petscblaslapack.h>
#include <math.h>

static PetscInt Find(PetscInt *parent, PetscInt a)
{
  while (parent[a] != a) {
    parent[a] = parent[parent[a]];
    a         = parent[a];
  }
  return a;
}

static void Union(PetscInt *parent, PetscInt a, PetscInt b)
{
  a = Find(parent, a), b = Find(parent, b);
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

static int ComparePair(const void *a, const void *b)
{
  const long long *x = (const long long *)a, *y = (const long long *)b;
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1];
}

typedef struct {
  PetscInt label, count;
} LabelCount;

static int CompareBand(const void *a, const void *b)
{
  const LabelCount *x = (const LabelCount *)a, *y = (const LabelCount *)b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->label < y->label ? -1 : x->label > y->label;
}

/* Global labels (>= 0) of the mask voxels, -1 elsewhere; *nlabels on every rank. */
static PetscErrorCode Label(MPI_Comm comm, const PetscInt N[3], PetscInt z0, PetscInt nzl, const PetscBool *mask, PetscInt *label, PetscInt *nlabels)
{
  const PetscInt nx = N[2], ny = N[1], nz = N[0], np = nx * ny;
  const size_t   n = (size_t)nzl * np;
  PetscInt      *parent, ncomp = 0, offset = 0, total;
  PetscMPIInt    rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc1(n, &parent));
  for (size_t q = 0; q < n; q++) parent[q] = (PetscInt)q;
  for (PetscInt kz = 0; kz < nzl; kz++)
    for (PetscInt iy = 0; iy < ny; iy++)
      for (PetscInt ix = 0; ix < nx; ix++) {
        const PetscInt q = (kz * ny + iy) * nx + ix;
        if (!mask[q]) continue;
        for (PetscInt dz = 0; dz <= 1; dz++)
          for (PetscInt dy = -1; dy <= 1; dy++)
            for (PetscInt dx = -1; dx <= 1; dx++) {
              if (dz == 0 && (dy < 0 || (dy == 0 && dx <= 0))) continue; /* the 13 forward neighbours */
              if (kz + dz >= nzl) continue;                              /* across ranks: matched below */
              const PetscInt r = ((kz + dz) * ny + (iy + dy + ny) % ny) * nx + (ix + dx + nx) % nx;
              if (mask[r]) Union(parent, q, r);
            }
      }
  for (size_t q = 0; q < n; q++) label[q] = -1;
  for (size_t q = 0; q < n; q++) {
    if (!mask[q]) continue;
    const PetscInt r = Find(parent, (PetscInt)q);
    if (label[r] < 0) label[r] = ncomp++;
    label[q] = label[r];
  }
  PetscCall(PetscFree(parent));
  PetscCallMPI(MPI_Exscan(&ncomp, &offset, 1, MPIU_INT, MPI_SUM, comm));
  if (rank == 0) offset = 0;
  PetscCallMPI(MPI_Allreduce(&ncomp, &total, 1, MPIU_INT, MPI_SUM, comm));
  for (size_t q = 0; q < n; q++)
    if (label[q] >= 0) label[q] += offset;

  /* the next non-empty rank cyclically owns plane (z0 + nzl) mod nz; send my first plane to the previous one */
  PetscInt *z0s, *nzs, next = -1, prev = -1;
  PetscCall(PetscMalloc2(size, &z0s, size, &nzs));
  PetscCallMPI(MPI_Allgather(&z0, 1, MPIU_INT, z0s, 1, MPIU_INT, comm));
  PetscCallMPI(MPI_Allgather(&nzl, 1, MPIU_INT, nzs, 1, MPIU_INT, comm));
  if (nzl) {
    const PetscInt znext = (z0 + nzl) % nz, zprev = (z0 - 1 + nz) % nz;
    for (PetscMPIInt r = 0; r < size; r++) {
      if (nzs[r] && znext >= z0s[r] && znext < z0s[r] + nzs[r]) next = r;
      if (nzs[r] && zprev >= z0s[r] && zprev < z0s[r] + nzs[r]) prev = r;
    }
  }
  PetscCall(PetscFree2(z0s, nzs));
  PetscInt  *first, npairs = 0;
  long long *pairs;
  PetscCall(PetscMalloc2(np, &first, 2 * 9 * (size_t)np, &pairs));
  if (nzl) {
    if (next == rank)
      PetscCall(PetscArraycpy(first, label, np));
    else
      PetscCallMPI(MPI_Sendrecv(label, (PetscMPIInt)np, MPIU_INT, (PetscMPIInt)prev, 7, first, (PetscMPIInt)np, MPIU_INT, (PetscMPIInt)next, 7, comm, MPI_STATUS_IGNORE));
    const PetscInt *last = &label[(nzl - 1) * np];
    for (PetscInt iy = 0; iy < ny; iy++)
      for (PetscInt ix = 0; ix < nx; ix++) {
        const PetscInt a = last[iy * nx + ix];
        if (a < 0) continue;
        for (PetscInt dy = -1; dy <= 1; dy++)
          for (PetscInt dx = -1; dx <= 1; dx++) {
            const PetscInt b = first[((iy + dy + ny) % ny) * nx + (ix + dx + nx) % nx];
            if (b >= 0 && b != a) pairs[2 * npairs] = a, pairs[2 * npairs + 1] = b, npairs++;
          }
      }
  }
  qsort(pairs, (size_t)npairs, 2 * sizeof(long long), ComparePair);
  PetscInt nu = 0;
  for (PetscInt i = 0; i < npairs; i++)
    if (!nu || pairs[2 * i] != pairs[2 * (nu - 1)] || pairs[2 * i + 1] != pairs[2 * (nu - 1) + 1]) pairs[2 * nu] = pairs[2 * i], pairs[2 * nu + 1] = pairs[2 * i + 1], nu++;
  /* rank 0 merges the components and relabels by smallest member */
  PetscMPIInt cnt = (PetscMPIInt)(2 * nu), *counts = NULL, *displs = NULL;
  long long  *all = NULL;
  PetscInt   *map;
  PetscCall(PetscMalloc1(total + 1, &map));
  if (rank == 0) PetscCall(PetscMalloc2(size, &counts, size + 1, &displs));
  PetscCallMPI(MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, comm));
  if (rank == 0) {
    displs[0] = 0;
    for (PetscMPIInt r = 0; r < size; r++) displs[r + 1] = displs[r] + counts[r];
    PetscCall(PetscMalloc1(displs[size] + 1, &all));
  }
  PetscCallMPI(MPI_Gatherv(pairs, cnt, MPI_LONG_LONG, all, counts, displs, MPI_LONG_LONG, 0, comm));
  if (rank == 0) {
    PetscInt *gp, *newl, nl = 0;
    PetscCall(PetscMalloc2(total + 1, &gp, total + 1, &newl));
    for (PetscInt i = 0; i < total; i++) gp[i] = i, newl[i] = -1;
    for (PetscMPIInt i = 0; i < displs[size] / 2; i++) Union(gp, (PetscInt)all[2 * i], (PetscInt)all[2 * i + 1]);
    for (PetscInt i = 0; i < total; i++) {
      const PetscInt r = Find(gp, i);
      if (newl[r] < 0) newl[r] = nl++;
      map[i] = newl[r];
    }
    *nlabels = nl;
    PetscCall(PetscFree2(gp, newl));
    PetscCall(PetscFree(all));
    PetscCall(PetscFree2(counts, displs));
  }
  PetscCallMPI(MPI_Bcast(map, (PetscMPIInt)total, MPIU_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(nlabels, 1, MPIU_INT, 0, comm));
  for (size_t q = 0; q < n; q++)
    if (label[q] >= 0) label[q] = map[label[q]];
  PetscCall(PetscFree(map));
  PetscCall(PetscFree2(first, pairs));
  PetscFunctionReturn(0);
}

/* The k-th largest solid value by bisection on counts (exact to the last bits of the value) and the sum of the top k. */
static PetscErrorCode TopSum(MPI_Comm comm, size_t n, const PetscReal *eta, const PetscInt *solid, PetscInt k, PetscReal vmax, PetscReal *sum)
{
  PetscReal lo = 0, hi = 2 * vmax + 1e-300;

  PetscFunctionBegin;
  for (int it = 0; it < 80; it++) {
    const PetscReal mid = 0.5 * (lo + hi);
    PetscInt        c   = 0;
    for (size_t q = 0; q < n; q++) c += solid[q] && eta[q] >= mid;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &c, 1, MPIU_INT, MPI_SUM, comm));
    if (c >= k)
      lo = mid;
    else
      hi = mid;
  }
  PetscReal s[2] = {0, 0}; /* sum and count of values >= hi */
  for (size_t q = 0; q < n; q++)
    if (solid[q] && eta[q] >= hi) s[0] += eta[q], s[1] += 1;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPI_SUM, comm));
  *sum = s[0] + (k - s[1]) * lo;
  PetscFunctionReturn(0);
}

PetscErrorCode TkBandStatsCompute(MPI_Comm comm, const PetscInt N[3], PetscInt z0, PetscInt nzl, const PetscReal *eta, const PetscInt *solid, PetscReal sigmas, PetscInt min_voxels, TkBandStats *bs)
{
  const PetscInt nx = N[2], ny = N[1], nz = N[0];
  const size_t   n      = (size_t)nzl * ny * nx;
  PetscReal      mom[3] = {0, 0, 0}, vmax = 0; /* count, sum, sum of squares */
  PetscBool     *mask;
  PetscInt      *label, nl;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(bs, sizeof(*bs)));
  for (size_t q = 0; q < n; q++)
    if (solid[q]) mom[0] += 1, mom[1] += eta[q], mom[2] += eta[q] * eta[q], vmax = PetscMax(vmax, eta[q]);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mom, 3, MPIU_REAL, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &vmax, 1, MPIU_REAL, MPI_MAX, comm));
  if (!(mom[1] > 0)) PetscFunctionReturn(0); /* no plasticity yet */
  const PetscReal mean = mom[1] / mom[0], sd = PetscSqrtReal(PetscMax(mom[2] / mom[0] - mean * mean, 0));
  bs->cv            = sd / mean;
  bs->participation = mom[1] * mom[1] / (mom[0] * mom[2]);
  PetscCall(TopSum(comm, n, eta, solid, (PetscInt)PetscCeilReal(0.1 * mom[0]), vmax, &bs->top10_fraction));
  bs->top10_fraction /= mom[1];
  /* above the mean by more than round-off: a uniform field (sd = 0 up to the summation order) has no band */
  bs->threshold = PetscMax(mean + sigmas * sd, mean * (1 + 1e-9));

  PetscCall(PetscMalloc2(n, &mask, n, &label));
  for (size_t q = 0; q < n; q++) mask[q] = (PetscBool)(solid[q] && eta[q] > bs->threshold);
  PetscCall(Label(comm, N, z0, nzl, mask, label, &nl));
  bs->ncomponents = nl;

  PetscInt   *count;
  PetscReal  *plastic, inbands = 0;
  LabelCount *order;
  PetscCall(PetscCalloc3(nl + 1, &count, nl + 1, &plastic, nl + 1, &order));
  for (size_t q = 0; q < n; q++)
    if (label[q] >= 0) count[label[q]]++, plastic[label[q]] += eta[q];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, count, (PetscMPIInt)nl, MPIU_INT, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, plastic, (PetscMPIInt)nl, MPIU_REAL, MPI_SUM, comm));
  for (PetscInt l = 0; l < nl; l++) {
    order[l] = (LabelCount){l, count[l]};
    inbands += plastic[l];
    if (count[l] >= min_voxels) bs->nbands++;
  }
  qsort(order, (size_t)nl, sizeof(LabelCount), CompareBand);
  PetscReal best = 0;
  for (PetscInt l = 0; l < nl; l++)
    if (count[l] >= min_voxels) best = PetscMax(best, plastic[l]);
  bs->largest_fraction = inbands > 0 ? best / inbands : 0;
  bs->nreported        = PetscMin(bs->nbands, TK_BAND_MAX_REPORTED);

  /* orientation of the reported bands */
  const PetscInt K = bs->nreported;
  PetscInt      *slot; /* label -> reported slot or -1 */
  PetscReal     *circ, *inert, *four;
  enum { NM = 62 };
  PetscInt modes[NM][3], nm = 0;
  for (PetscInt a = -2; a <= 2; a++)
    for (PetscInt b = -2; b <= 2; b++)
      for (PetscInt c = -2; c <= 2; c++) {
        const PetscInt m[3] = {a, b, c}; /* (x, y, z); one of m and -m */
        PetscInt       s    = 0;
        for (int i = 0; i < 3 && !s; i++) s = m[i];
        if (s > 0) modes[nm][0] = a, modes[nm][1] = b, modes[nm][2] = c, nm++;
      }
  PetscCall(PetscMalloc4(nl + 1, &slot, 6 * K + 1, &circ, 9 * K + 1, &inert, 2 * NM * K + 1, &four));
  for (PetscInt l = 0; l < nl; l++) slot[l] = -1;
  for (PetscInt k = 0; k < K; k++) slot[order[k].label] = k;
  PetscCall(PetscArrayzero(circ, 6 * K));
  PetscCall(PetscArrayzero(inert, 9 * K));
  PetscCall(PetscArrayzero(four, 2 * NM * K));
  const PetscInt Nxyz[3] = {nx, ny, nz};
  for (size_t q = 0; q < n; q++) {
    if (label[q] < 0 || slot[label[q]] < 0) continue;
    const PetscInt  k    = slot[label[q]];
    const PetscReal x[3] = {(PetscReal)(q % nx), (PetscReal)((q / nx) % ny), (PetscReal)(z0 + q / ((size_t)nx * ny))};
    for (int a = 0; a < 3; a++) circ[6 * k + 2 * a] += PetscCosReal(2 * PETSC_PI * x[a] / Nxyz[a]), circ[6 * k + 2 * a + 1] += PetscSinReal(2 * PETSC_PI * x[a] / Nxyz[a]);
    for (PetscInt j = 0; j < nm; j++) {
      const PetscReal ph = 2 * PETSC_PI * (modes[j][0] * x[0] / nx + modes[j][1] * x[1] / ny + modes[j][2] * x[2] / nz);
      four[2 * (NM * k + j)] += PetscCosReal(ph), four[2 * (NM * k + j) + 1] += PetscSinReal(ph);
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, circ, (PetscMPIInt)(6 * K), MPIU_REAL, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, four, (PetscMPIInt)(2 * NM * K), MPIU_REAL, MPI_SUM, comm));
  for (size_t q = 0; q < n; q++) {
    if (label[q] < 0 || slot[label[q]] < 0) continue;
    const PetscInt  k    = slot[label[q]];
    const PetscReal x[3] = {(PetscReal)(q % nx), (PetscReal)((q / nx) % ny), (PetscReal)(z0 + q / ((size_t)nx * ny))};
    PetscReal       d[3];
    for (int a = 0; a < 3; a++) {
      const PetscReal c = Nxyz[a] * PetscAtan2Real(circ[6 * k + 2 * a + 1], circ[6 * k + 2 * a]) / (2 * PETSC_PI);
      d[a]              = x[a] - c;
      d[a] -= Nxyz[a] * round(d[a] / Nxyz[a]);
    }
    for (int a = 0; a < 3; a++) inert[9 * k + a] += d[a];
    inert[9 * k + 3] += d[0] * d[0], inert[9 * k + 4] += d[1] * d[1], inert[9 * k + 5] += d[2] * d[2];
    inert[9 * k + 6] += d[1] * d[2], inert[9 * k + 7] += d[0] * d[2], inert[9 * k + 8] += d[0] * d[1];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, inert, (PetscMPIInt)(9 * K), MPIU_REAL, MPI_SUM, comm));
  for (PetscInt k = 0; k < K; k++) {
    TkBand         *b = &bs->band[k];
    const PetscInt  l = order[k].label;
    const PetscReal W = (PetscReal)count[l];
    PetscReal       nrm[3];
    b->voxels           = count[l];
    b->plastic_fraction = plastic[l] / mom[1];
    b->spanning         = PETSC_FALSE;
    for (int a = 0; a < 3; a++)
      if (PetscSqrtReal(circ[6 * k + 2 * a] * circ[6 * k + 2 * a] + circ[6 * k + 2 * a + 1] * circ[6 * k + 2 * a + 1]) / W < 0.5) b->spanning = PETSC_TRUE;
    if (b->spanning) {
      PetscInt  jb = 0;
      PetscReal sb = -1;
      for (PetscInt j = 0; j < nm; j++) {
        const PetscReal s = PetscSqrtReal(four[2 * (NM * k + j)] * four[2 * (NM * k + j)] + four[2 * (NM * k + j) + 1] * four[2 * (NM * k + j) + 1]);
        if (s > sb * (1 + 1e-9)) sb = s, jb = j;
      }
      for (int a = 0; a < 3; a++) nrm[a] = (PetscReal)modes[jb][a] / Nxyz[a];
    } else {
      const PetscReal *Im = &inert[9 * k], m0 = Im[0] / W, m1 = Im[1] / W, m2 = Im[2] / W;
      PetscScalar      A[9];
      PetscReal        w[3], work[32];
      PetscBLASInt     three = 3, lwork = 32, info;
      A[0] = Im[3] / W - m0 * m0, A[4] = Im[4] / W - m1 * m1, A[8] = Im[5] / W - m2 * m2;
      A[5] = A[7] = Im[6] / W - m1 * m2, A[2] = A[6] = Im[7] / W - m0 * m2, A[1] = A[3] = Im[8] / W - m0 * m1;
      LAPACKsyev_("V", "U", &three, A, &three, w, work, &lwork, &info);
      for (int a = 0; a < 3; a++) nrm[a] = info ? (a == 2) : A[a]; /* eigenvalues ascending: the first column */
    }
    PetscReal len = PetscSqrtReal(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
    for (int a = 0; a < 3; a++) nrm[a] /= len;
    /* one sign: the last non-zero component positive */
    const PetscReal s = PetscAbsReal(nrm[2]) > 1e-12 ? nrm[2] : PetscAbsReal(nrm[1]) > 1e-12 ? nrm[1] : nrm[0];
    for (int a = 0; a < 3; a++) b->normal[a] = s < 0 ? -nrm[a] : nrm[a];
    b->angle_deg = PetscAcosReal(PetscMin(1.0, PetscAbsReal(b->normal[2]))) * 180 / PETSC_PI;
  }
  PetscCall(PetscFree4(slot, circ, inert, four));
  PetscCall(PetscFree3(count, plastic, order));
  PetscCall(PetscFree2(mask, label));
  PetscFunctionReturn(0);
}
