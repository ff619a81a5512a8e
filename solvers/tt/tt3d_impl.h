/* Private state of the 3D TT solver, shared by the march of tt3d.c and the real-field march and its adjoint of
   tt3d_fields.c. */
#pragma once
#include "tt3d.h"

struct _p_TkTT3D {
  MPI_Comm            comm;
  const TkBraggFrame *frame;
  TkTT3DGrid          g;
  TkChi               chi;
  PetscReal           C, chi0_scale;
  double complex      c0, ch, chb;
  unsigned char      *S; /* nlt x Nm x Nn */
  float complex      *E; /* e^{-i phi}, nlt x Nm x Nn */
  PetscInt            nvox_local;
  double complex     *work; /* 8 planes of Nn */
  /* real-field object (TkTT3DSetObjectFields): density and e^{-i phi} per node, nlt x Nm x Nn */
  PetscReal      *rho;
  double complex *Ef;
  void           *steps; /* step coefficients in the density for the last angle (tt3d_fields.c) */
  PetscReal       steps_beta;
  PetscBool       steps_valid;
};

/* The step coefficients of the real-field march as the march evaluates them, for tests: at each density sigma[k],
   out[12 k + 6 h + (0..5)] = e, p, q and their sigma-derivatives of the D0 (h = 0) and Dh (h = 1) steps;
   nterms[h]: Chebyshev terms of the density table, -1 where the phi functions are evaluated per node */
PetscErrorCode TkTT3DStepTableEvaluate(double complex c0, PetscReal beta, PetscReal ds, PetscInt ns, const PetscReal *sigma, double complex *out, PetscInt nterms[2]);
