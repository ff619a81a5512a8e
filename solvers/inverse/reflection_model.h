/* One reflection's share of the reconstruction objective: the dynamical BCDI forward model of `takagi bcdi` (3D TT
   march per rocking angle, padded FFT to the detector, |A|^2) from the object parameters on the lab grid, the
   measured frames and mask, the misfit, and its exact discrete adjoint (docs/reconstruct.md). The objective of
   `takagi reconstruct` is a sum over an array of these sharing the object. */
#pragma once
#include "bcdi_forward.h"
#include "bcdi_data.h"
#include "misfit.h"

typedef struct _p_TkReflModel *TkReflModel;

typedef struct {
  PetscReal      misfit;               /* normalised: misfit / total counts */
  PetscReal      scale;                /* fitted (or fixed) global scale */
  PetscLogDouble t_forward, t_adjoint; /* seconds of the last evaluation */
} TkReflModelStats;

PETSC_EXTERN PetscErrorCode TkReflModelCreate(MPI_Comm, TkReflModel *);
/* the geometry options of takagi bcdi (crystal, hkl, energy, shape, voxel, rocking, detector) */
PETSC_EXTERN PetscErrorCode TkReflModelSetFromOptions(TkReflModel);
PETSC_EXTERN PetscErrorCode TkReflModelSetUp(TkReflModel);
PETSC_EXTERN PetscErrorCode TkReflModelGetBCDI(TkReflModel, TkBCDI *);
/* detector geometry of the data: nangles, N1, N2 */
PETSC_EXTERN PetscErrorCode TkReflModelGetFrameShape(TkReflModel, PetscInt *nangles, PetscInt *N1, PetscInt *N2);
/* reads the data (collective); its shape must be the geometry's */
PETSC_EXTERN PetscErrorCode TkReflModelSetData(TkReflModel, TkBCDIData);
PETSC_EXTERN PetscErrorCode TkReflModelSetMisfit(TkReflModel, TkMisfitType, PetscReal floor_rel, PetscReal fixed_scale);
/* memory (MB per rank) allowed for keeping the forward planes of all angles for the adjoint [1024] */
PETSC_EXTERN PetscErrorCode TkReflModelSetStorage(TkReflModel, PetscReal megabytes);
/* the phase at the TT nodes: PETSC_TRUE linear interpolation of psi, PETSC_FALSE [default] the phase of the
   interpolated e^{i psi} (correct across 2 pi jumps of psi: a dislocation's cut) */
PETSC_EXTERN PetscErrorCode TkReflModelSetPhaseInterpolation(TkReflModel, PetscBool linear);
/* weighted: the node phase is arg(P (rho e^{i psi})), so grid points outside the crystal (rho = 0) do not set the
   phase of the nodes inside it next to the surface; else arg(P e^{i psi}). Ignored with the linear phase map. */
PETSC_EXTERN PetscErrorCode TkReflModelSetPhaseWeighting(TkReflModel, PetscBool weighted);
/* width in (0, 1]: node density = smoothstep of the interpolated density over [1/2 - w/2, 1/2 + w/2] (sharp crystal
   edges; the grid density acts as a level set); 0: the interpolated density itself. Before SetObjectGrid. */
PETSC_EXTERN PetscErrorCode TkReflModelSetDensityEdge(TkReflModel, PetscReal width);
/* the object grid shared by all reflections, and the rotation from this reflection's lab frame to the grid's (NULL:
   identity) */
PETSC_EXTERN PetscErrorCode TkReflModelSetObjectGrid(TkReflModel, const TkGrid *, const PetscReal *rotation);
/* misfit of the object (rho, psi on the whole grid, every rank) and, if g_rho is not NULL, its gradient added to
   g_rho, g_psi (this rank's share: sum over ranks for the full gradient). Collective. */
PETSC_EXTERN PetscErrorCode TkReflModelEvaluate(TkReflModel, const PetscReal *rho, const PetscReal *psi, PetscReal *misfit, PetscReal *g_rho, PetscReal *g_psi);
PETSC_EXTERN PetscErrorCode TkReflModelGetStats(TkReflModel, TkReflModelStats *);
/* modelled counts (s I) and measured counts of the last evaluation, on rank 0 (NULL elsewhere) */
PETSC_EXTERN PetscErrorCode TkReflModelGetFrames(TkReflModel, const PetscReal **model, const PetscReal **data, const unsigned char **mask);
PETSC_EXTERN PetscErrorCode TkReflModelView(TkReflModel, PetscViewer);
PETSC_EXTERN PetscErrorCode TkReflModelDestroy(TkReflModel *);
