/* Trilinear map from the lab grid to the TT nodes (object_map.h). Each node keeps the grid indices of the corner below
   it and its three fractions; the eight weights are formed on the fly, so P and P^T are the same loop. */
#include "object_map.h"

#define TK_PHASE_AMP_FLOOR 1e-2

struct _p_TkObjectMap {
  TkGrid     grid;
  size_t     nnodes;
  int       *corner; /* lower corner kx, ky, kz per node (each >= -1); kx = -2 for no weight */
  PetscReal *frac;   /* fx, fy, fz per node */
};

PetscErrorCode TkObjectMapCreate(TkTT3D tt, const TkGrid *grid, const PetscReal *rotation, TkObjectMap *map)
{
  TkObjectMap         M;
  TkTT3DGrid          g;
  const TkBraggFrame *f;

  PetscFunctionBegin;
  PetscCall(PetscNew(&M));
  PetscCall(TkTT3DGetGrid(tt, &g));
  PetscCall(TkTT3DGetFrame(tt, &f));
  M->grid   = *grid;
  M->nnodes = (size_t)g.nlt * g.Nm * g.Nn;
  PetscCall(PetscMalloc2(3 * M->nnodes, &M->corner, 3 * M->nnodes, &M->frac));
  for (PetscInt l = 0; l < g.nlt; l++) {
    const PetscReal t = g.t0 + (g.lt0 + l) * g.dt;
    for (PetscInt i = 0; i < g.Nm; i++)
      for (PetscInt j = 0; j < g.Nn; j++) {
        const size_t    q = ((size_t)l * g.Nm + i) * g.Nn + j;
        const PetscReal m = g.m0 + i * g.dm, n = g.n0 + j * g.dn;
        PetscReal       rl[3], r[3], x[3];
        PetscInt        k[3];
        PetscBool       inside = (PetscBool)(i > 0 && j > 0 && i < g.Nm - 1 && j < g.Nn - 1 && g.lt0 + l > 0 && g.lt0 + l < g.Nt - 1);
        for (int a = 0; a < 3; a++) rl[a] = m * f->m[a] + n * f->n[a] + t * f->t[a];
        for (int a = 0; a < 3; a++) r[a] = rotation ? rotation[3 * a] * rl[0] + rotation[3 * a + 1] * rl[1] + rotation[3 * a + 2] * rl[2] : rl[a];
        /* grid coordinates in (x, y, z) order; the grid's spacing and origin are in (z, y, x) order */
        for (int a = 0; a < 3; a++) {
          x[a] = (r[a] - grid->origin[2 - a]) / grid->spacing[2 - a];
          k[a] = (PetscInt)PetscFloorReal(x[a]);
          if (k[a] < -1 || k[a] >= (a == 0 ? grid->nx : a == 1 ? grid->ny : grid->nz)) inside = PETSC_FALSE;
        }
        for (int a = 0; a < 3; a++) {
          M->corner[3 * q + a] = inside ? (int)k[a] : -2;
          M->frac[3 * q + a]   = inside ? x[a] - k[a] : 0;
        }
      }
  }
  *map = M;
  PetscFunctionReturn(0);
}

/* the corners of node q that lie on the grid, with their weights */
static inline int Corners(const TkObjectMap M, size_t q, PetscInt64 idx[8], PetscReal w[8])
{
  const PetscInt64 nx = M->grid.nx, ny = M->grid.ny, nz = M->grid.nz;
  const int       *k  = M->corner + 3 * q;
  const PetscReal *fr = M->frac + 3 * q;
  int              c  = 0;
  if (k[0] < -1) return 0;
  for (int dz = 0; dz < 2; dz++)
    for (int dy = 0; dy < 2; dy++)
      for (int dx = 0; dx < 2; dx++) {
        const PetscInt64 x = k[0] + dx, y = k[1] + dy, z = k[2] + dz;
        if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) continue;
        idx[c] = (z * ny + y) * nx + x;
        w[c]   = (dx ? fr[0] : 1 - fr[0]) * (dy ? fr[1] : 1 - fr[1]) * (dz ? fr[2] : 1 - fr[2]);
        c++;
      }
  return c;
}

PetscErrorCode TkObjectMapApply(TkObjectMap M, const PetscReal *obj, PetscReal *node)
{
  PetscFunctionBegin;
  for (size_t q = 0; q < M->nnodes; q++) {
    PetscInt64 idx[8];
    PetscReal  w[8], v = 0;
    const int  c = Corners(M, q, idx, w);
    for (int k = 0; k < c; k++) v += w[k] * obj[idx[k]];
    node[q] = v;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkObjectMapApplyTranspose(TkObjectMap M, const PetscReal *node, PetscReal *obj)
{
  PetscFunctionBegin;
  for (size_t q = 0; q < M->nnodes; q++) {
    PetscInt64 idx[8];
    PetscReal  w[8];
    const int  c = Corners(M, q, idx, w);
    for (int k = 0; k < c; k++) obj[idx[k]] += w[k] * node[q];
  }
  PetscFunctionReturn(0);
}

/* circular interpolation of a phase: node = arg S, S = sum_k w_k a_k e^{i psi_k} with amplitudes a_k = amp_k + 1e-2
   (1 without amp; the floor keeps S off 0 where the amplitudes vanish, so the node phase stays smooth in amp >= 0);
   a 2 pi jump between grid points (the cut of a dislocation, a wrapped phase) leaves the node phase unchanged, and with
   a = the density the phases of empty grid points do not enter. dnode/dpsi_k = w_k a_k Re(e^{i psi_k} conj S)/|S|^2,
   dnode/da_k = w_k Im(e^{i psi_k} conj S)/|S|^2; a node with S = 0 (the phase winds around it, or no weight) gets
   phase 0 and no gradient. */
static inline PetscReal PhaseSum(const PetscReal *psi, const PetscReal *amp, int c, const PetscInt64 idx[], const PetscReal w[], PetscReal *sr, PetscReal *si)
{
  PetscReal a = 0, b = 0, wt = 0;
  for (int k = 0; k < c; k++) {
    const PetscReal wa = amp ? w[k] * (amp[idx[k]] + TK_PHASE_AMP_FLOOR) : w[k];
    a += wa * PetscCosReal(psi[idx[k]]), b += wa * PetscSinReal(psi[idx[k]]), wt += w[k];
  }
  *sr = a;
  *si = b;
  return a * a + b * b > 1e-24 * wt * wt ? a * a + b * b : 0;
}

PetscErrorCode TkObjectMapApplyPhase(TkObjectMap M, const PetscReal *psi, const PetscReal *amp, PetscReal *node)
{
  PetscFunctionBegin;
  for (size_t q = 0; q < M->nnodes; q++) {
    PetscInt64 idx[8];
    PetscReal  w[8], sr, si;
    const int  c = Corners(M, q, idx, w);
    node[q]      = c && PhaseSum(psi, amp, c, idx, w, &sr, &si) > 0 ? PetscAtan2Real(si, sr) : 0;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkObjectMapApplyPhaseTranspose(TkObjectMap M, const PetscReal *psi, const PetscReal *amp, const PetscReal *node, PetscReal *obj, PetscReal *obj_amp)
{
  PetscFunctionBegin;
  for (size_t q = 0; q < M->nnodes; q++) {
    PetscInt64 idx[8];
    PetscReal  w[8], sr, si, s2;
    const int  c = Corners(M, q, idx, w);
    if (!c || node[q] == 0 || (s2 = PhaseSum(psi, amp, c, idx, w, &sr, &si)) == 0) continue;
    for (int k = 0; k < c; k++) {
      const PetscReal cs = PetscCosReal(psi[idx[k]]), sn = PetscSinReal(psi[idx[k]]), gw = w[k] * node[q] / s2;
      obj[idx[k]] += (amp ? amp[idx[k]] + TK_PHASE_AMP_FLOOR : 1) * gw * (cs * sr + sn * si);
      if (amp && obj_amp) obj_amp[idx[k]] += gw * (sn * sr - cs * si);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkObjectMapDestroy(TkObjectMap *map)
{
  PetscFunctionBegin;
  if (!*map) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*map)->corner, (*map)->frac));
  PetscCall(PetscFree(*map));
  PetscFunctionReturn(0);
}
