/* Helpers shared by the validation programs of the FFT elasticity solver (validation/nanoglass_elastic_*.c):
   a solver on a cubic-voxel grid filled voxel by voxel from a function of the global voxel index, and averages
   over a phase. */
#pragma once
#include "spectral_elasticity.h"
#include "check.h"

typedef struct {
  MPI_Comm   comm;
  TkSpectral s;
  PetscInt   N[3], z0, nz, nloc;
  PetscReal  h;
  PetscReal *lambda, *mu, *eps_star;
  int       *phase; /* user tag per local voxel */
} TkElasticCase;

/* lambda and mu from Young's modulus and Poisson's ratio */
static inline void TkLame(PetscReal E, PetscReal nu, PetscReal *lam, PetscReal *mu)
{
  *lam = E * nu / ((1 + nu) * (1 - 2 * nu));
  *mu  = E / (2 * (1 + nu));
}

static inline PetscErrorCode TkElasticCaseCreate(MPI_Comm comm, const PetscInt N[3], PetscReal h, const char type[], PetscReal rtol, TkElasticCase *c)
{
  const PetscReal hh[3] = {h, h, h};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(c, sizeof(*c)));
  for (int d = 0; d < 3; d++) c->N[d] = N[d];
  c->h    = h;
  c->comm = comm;
  PetscCall(TkSpectralCreate(comm, &c->s));
  PetscCall(TkSpectralSetGrid(c->s, N, hh));
  PetscCall(TkSpectralSetFromOptions(c->s));
  if (type) { /* the program's choice wins over the command line for the checks that need one scheme */
    PetscCall(PetscOptionsSetValue(NULL, "-spectral_type", type));
    PetscCall(TkSpectralSetFromOptions(c->s));
    PetscCall(PetscOptionsClearValue(NULL, "-spectral_type"));
  }
  if (rtol > 0) {
    char v[32];
    PetscCall(PetscSNPrintf(v, sizeof(v), "%g", (double)rtol));
    PetscCall(PetscOptionsSetValue(NULL, "-spectral_rtol", v));
    PetscCall(TkSpectralSetFromOptions(c->s));
    PetscCall(PetscOptionsClearValue(NULL, "-spectral_rtol"));
  }
  PetscCall(TkSpectralSetUp(c->s));
  PetscCall(TkSpectralGetLocalPlanes(c->s, &c->z0, &c->nz));
  c->nloc = c->nz * N[0] * N[1];
  PetscCall(PetscCalloc4(c->nloc, &c->lambda, c->nloc, &c->mu, 6 * c->nloc, &c->eps_star, c->nloc, &c->phase));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode TkElasticCaseDestroy(TkElasticCase *c)
{
  PetscFunctionBegin;
  PetscCall(TkSpectralDestroy(&c->s));
  PetscCall(PetscFree4(c->lambda, c->mu, c->eps_star, c->phase));
  PetscFunctionReturn(0);
}

/* global voxel indices of local voxel v */
static inline void TkElasticCaseVoxel(const TkElasticCase *c, PetscInt v, PetscInt *x, PetscInt *y, PetscInt *z)
{
  *x = v % c->N[0];
  *y = (v / c->N[0]) % c->N[1];
  *z = c->z0 + v / (c->N[0] * c->N[1]);
}

/* mean of a 6-component field over the voxels of phase p (all voxels if p < 0), and the count */
static inline PetscErrorCode TkElasticCasePhaseMean(const TkElasticCase *c, const PetscReal *f, int p, PetscReal mean[6], PetscReal *count)
{
  PetscReal loc[7] = {0}, glob[7];

  PetscFunctionBegin;
  for (PetscInt v = 0; v < c->nloc; v++)
    if (p < 0 || c->phase[v] == p) {
      for (int k = 0; k < 6; k++) loc[k] += f[6 * v + k];
      loc[6] += 1;
    }
  PetscCall(MPIU_Allreduce(loc, glob, 7, MPIU_REAL, MPIU_SUM, c->comm));
  for (int k = 0; k < 6; k++) mean[k] = glob[6] > 0 ? glob[k] / glob[6] : 0;
  if (count) *count = glob[6];
  PetscFunctionReturn(0);
}
