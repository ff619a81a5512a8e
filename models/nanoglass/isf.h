/* XPCS-style self intermediate scattering function of a deformation run, from the non-affine displacements
   between a reference snapshot and later ones: F_s(q, t) = < cos(q d.(du_na - <du_na>)) > over the solid voxels,
   with du_na the change of u - E.x (the displacement minus the affine part of the mean strain) and the mean removed
   (rigid drift, which XPCS does not see). A fit to exp(-(t/tau)^beta) (KWW). */
#pragma once
#include "deform_table.h"

typedef struct {
  PetscReal q;            /* 1/m */
  PetscReal direction[3]; /* unit (x, y, z) */
  PetscReal tau, beta;    /* fit, s; NaN when the function has not decayed enough */
  PetscInt  npoints;      /* points used by the fit */
} TkIsfFit;

/* p_ref/p: local projections d.u_na (m); solid: 0 marks vacuum. Returns F_s. Collective. */
PETSC_EXTERN PetscErrorCode TkIsfEvaluate(MPI_Comm, size_t n, const PetscReal *p_ref, const PetscReal *p, const PetscInt *solid, PetscReal q, PetscReal *Fs);
/* Least squares of ln(-ln F) = beta ln t - beta ln tau over rows with t > 0 and 0.02 < F < 0.98 (columns t_col, F_col). */
PETSC_EXTERN PetscErrorCode TkIsfFitKWW(const TkTable *, PetscInt t_col, PetscInt F_col, TkIsfFit *);
