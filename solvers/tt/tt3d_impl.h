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
};
