/* Phase errors against a true object (docs/reconstruct.md, "Demonstration"): the RMS of the wrapped difference over
   a region after removing the best constant, and the registered error, which also removes the translation that best
   matches the truth. The scan cannot fix either: |F|^2 is unchanged by a constant phase and by a translation of the
   object, so a reconstruction keeps the sub-voxel offset of its start. */
#include "phase_error.h"

PetscReal TkPhaseErrorRMS(PetscInt64 n, const PetscReal *psi, const PetscReal *truth, const PetscReal *region)
{
  PetscReal  c = 0, s = 0, off, sum = 0;
  PetscInt64 cnt = 0;
  for (PetscInt64 q = 0; q < n; q++)
    if (region[q] > 0.5) c += PetscCosReal(psi[q] - truth[q]), s += PetscSinReal(psi[q] - truth[q]);
  off = PetscAtan2Real(s, c);
  for (PetscInt64 q = 0; q < n; q++) {
    if (region[q] <= 0.5) continue;
    const PetscReal d = PetscAtan2Real(PetscSinReal(psi[q] - truth[q] - off), PetscCosReal(psi[q] - truth[q] - off));
    sum += d * d;
    cnt++;
  }
  return cnt ? PetscSqrtReal(sum / cnt) : 0;
}

typedef struct {
  PetscInt64              n[3], nv; /* x fastest */
  PetscInt                K;        /* phases moved together */
  PetscReal             **cs, **sn; /* cos, sin of each phase to move */
  PetscInt64             *idx;      /* the region's voxels */
  PetscInt64              nidx;
  const PetscReal *const *truth;
  PetscReal *const       *moved; /* nv each: the moved phases (only at the region's voxels) */
  PetscReal              *rms;   /* K: each phase's error at the last evaluation */
} Registration;

static PetscInt64 Wrap(PetscInt64 i, PetscInt64 n)
{
  i %= n;
  return i < 0 ? i + n : i;
}

/* moved_k[q] = arg e^{i psi_k}(r_q + t), t in voxels (x, y, z): trilinear and periodic, as the forward model maps its
   grid (the grid's edges lie in vacuum); then each phase's error over the region; returns the sum of their squares */
static PetscReal Evaluate(Registration *g, const PetscReal t[3])
{
  PetscInt64 fl[3];
  PetscReal  f[3], total = 0;
  for (int a = 0; a < 3; a++) fl[a] = (PetscInt64)PetscFloorReal(t[a]), f[a] = t[a] - fl[a];
  for (PetscInt k = 0; k < g->K; k++) {
    PetscReal c = 0, s = 0, off, sum = 0;
    for (PetscInt64 m = 0; m < g->nidx; m++) {
      const PetscInt64 q = g->idx[m], i[3] = {q % g->n[0], (q / g->n[0]) % g->n[1], q / (g->n[0] * g->n[1])};
      PetscReal        re = 0, im = 0;
      for (int corner = 0; corner < 8; corner++) {
        PetscReal  w = 1;
        PetscInt64 p = 0, stride = 1;
        for (int a = 0; a < 3; a++) {
          const int o = (corner >> a) & 1;
          w *= o ? f[a] : 1 - f[a];
          p += Wrap(i[a] + fl[a] + o, g->n[a]) * stride;
          stride *= g->n[a];
        }
        if (w == 0) continue;
        re += w * g->cs[k][p], im += w * g->sn[k][p];
      }
      const PetscReal d = PetscAtan2Real(im, re) - g->truth[k][q];
      g->moved[k][q]    = PetscAtan2Real(im, re);
      c += PetscCosReal(d), s += PetscSinReal(d);
    }
    off = PetscAtan2Real(s, c);
    for (PetscInt64 m = 0; m < g->nidx; m++) {
      const PetscInt64 q = g->idx[m];
      const PetscReal  d = g->moved[k][q] - g->truth[k][q] - off, e = PetscAtan2Real(PetscSinReal(d), PetscCosReal(d));
      sum += e * e;
    }
    g->rms[k] = g->nidx ? PetscSqrtReal(sum / g->nidx) : 0;
    total += g->rms[k] * g->rms[k];
  }
  return total;
}

PetscErrorCode TkPhaseRegisterJoint(const PetscInt64 n[3], PetscInt K, const PetscReal *const psi[], const PetscReal *const truth[], const PetscReal *region, PetscReal t[3], PetscReal rms[], PetscReal *const moved[])
{
  Registration g;
  PetscReal    err = PETSC_MAX_REAL;

  PetscFunctionBegin;
  PetscCheck(K >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "registration of %" PetscInt_FMT " phases: give at least one", K);
  g.nv = n[0] * n[1] * n[2];
  g.K  = K;
  for (int a = 0; a < 3; a++) g.n[a] = n[a];
  PetscCall(PetscMalloc3(K, &g.cs, K, &g.sn, g.nv, &g.idx));
  g.nidx = 0;
  for (PetscInt64 q = 0; q < g.nv; q++)
    if (region[q] > 0.5) g.idx[g.nidx++] = q;
  for (PetscInt k = 0; k < K; k++) {
    PetscCall(PetscMalloc2(g.nv, &g.cs[k], g.nv, &g.sn[k]));
    for (PetscInt64 q = 0; q < g.nv; q++) g.cs[k][q] = PetscCosReal(psi[k][q]), g.sn[k][q] = PetscSinReal(psi[k][q]), moved[k][q] = psi[k][q];
  }
  g.truth = truth, g.moved = moved, g.rms = rms;
  /* integer shifts within +-2 voxels, then a pattern search down to 1/32 voxel, kept within +-2.5 voxels (a start
     placed to the voxel; a larger move would fit a wrong object's features) */
  for (int iz = -2; iz <= 2; iz++)
    for (int iy = -2; iy <= 2; iy++)
      for (int ix = -2; ix <= 2; ix++) {
        const PetscReal tt[3] = {ix, iy, iz}, e = Evaluate(&g, tt);
        if (e < err) err = e, t[0] = ix, t[1] = iy, t[2] = iz;
      }
  for (PetscReal step = 0.5; step >= 1.0 / 32; step /= 2) {
    PetscBool moved_any = PETSC_TRUE;
    while (moved_any) {
      moved_any = PETSC_FALSE;
      for (int a = 2; a >= 0; a--) /* z, y, x: the order of the demonstration script's search */
        for (int sgn = 1; sgn >= -1; sgn -= 2) {
          PetscReal tt[3] = {t[0], t[1], t[2]}, e;
          tt[a] += sgn * step;
          if (PetscAbsReal(tt[a]) > 2.5) continue;
          e = Evaluate(&g, tt);
          if (e < err) err = e, t[0] = tt[0], t[1] = tt[1], t[2] = tt[2], moved_any = PETSC_TRUE;
        }
    }
  }
  (void)Evaluate(&g, t); /* leaves moved and rms at the best translation */
  for (PetscInt k = 0; k < K; k++) PetscCall(PetscFree2(g.cs[k], g.sn[k]));
  PetscCall(PetscFree3(g.cs, g.sn, g.idx));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseRegister(const PetscInt64 n[3], const PetscReal *psi, const PetscReal *truth, const PetscReal *region, PetscReal t[3], PetscReal *rms, PetscReal *moved)
{
  const PetscReal *const p[1] = {psi}, *const tr[1] = {truth};
  PetscReal *const mv[1] = {moved};

  PetscFunctionBegin;
  PetscCall(TkPhaseRegisterJoint(n, 1, p, tr, region, t, rms, mv));
  PetscFunctionReturn(0);
}
