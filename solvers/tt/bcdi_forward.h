/* The BCDI forward model: a finite strained crystal rocked through its Bragg reflection, each angle solved by the
   3D TT march (or kinematically) and propagated to a pixel detector; the frames stack to the 3D intensity. */
#pragma once
#include "tt3d.h"
#include "farfield.h"
#include "cxi.h"

typedef enum { TK_BCDI_DYNAMICAL, TK_BCDI_KINEMATIC, TK_BCDI_BOTH } TkBCDIMode;
PETSC_EXTERN const char *const TkBCDIModes[];

typedef struct _p_TkBCDI *TkBCDI;

PETSC_EXTERN PetscErrorCode TkBCDICreate(MPI_Comm, TkBCDI *);
PETSC_EXTERN PetscErrorCode TkBCDISetFromOptions(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDISetUp(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDISolve(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDIWrite(TkBCDI);
PETSC_EXTERN PetscErrorCode TkBCDIView(TkBCDI, PetscViewer);
/* frames (nangles x N1 x N2) on rank 0 for the dynamical or kinematic model; NULL elsewhere or if not computed */
PETSC_EXTERN PetscErrorCode TkBCDIGetFrames(TkBCDI, PetscBool kinematic, PetscInt *nangles, PetscInt *N1, PetscInt *N2, const PetscReal **frames, const PetscReal **angles);
PETSC_EXTERN PetscErrorCode TkBCDIGetSolver(TkBCDI, TkTT3D *, const TkBraggFrame **);
/* For the inverse layer (solvers/inverse): set before TkBCDISetFromOptions to take only the geometry options (no
   outputs, noise, mode or angle groups); then the pieces of the forward model one angle at a time. */
PETSC_EXTERN PetscErrorCode TkBCDISetGeometryOnly(TkBCDI, PetscBool);
PETSC_EXTERN PetscErrorCode TkBCDISetReflection(TkBCDI, const PetscInt hkl[3], const PetscReal crystal_x[3], const PetscReal rocking_mrad[3]);
PETSC_EXTERN PetscErrorCode TkBCDIGetFarField(TkBCDI, TkFarField *, PetscReal *scale);
/* deviation beta of angle a and the exit-plane ramp: sample p is multiplied by e^{i ramp p drho} */
PETSC_EXTERN PetscErrorCode TkBCDIGetAngle(TkBCDI, PetscInt a, PetscReal *beta, PetscReal *ramp);
PETSC_EXTERN PetscErrorCode TkBCDIGetShape(TkBCDI, TkShape *);
PETSC_EXTERN PetscErrorCode TkBCDIGetReflection(TkBCDI, TkReflection *);
/* What the reflection couples: susceptibilities (material, energy, Debye-Waller), polarization (TkPolarization),
   the chi_0 scale and the rocking range (start, stop in mrad, count); any may be NULL. */
PETSC_EXTERN PetscErrorCode TkBCDIGetCoupling(TkBCDI, TkChi *, PetscInt *polarization, PetscReal *chi0_scale, PetscReal rocking_mrad[3]);
PETSC_EXTERN PetscErrorCode TkBCDIGetDetector(TkBCDI, PetscReal *energy_keV, PetscReal *distance, PetscReal *pixel, PetscReal *wavelength);
/* the lab grid (z, y, x) of -object: cubic, at the TT step dt, covering the bounding sphere */
PETSC_EXTERN PetscErrorCode TkBCDIGetObjectGrid(TkBCDI, TkGrid *);
PETSC_EXTERN PetscErrorCode TkBCDIDestroy(TkBCDI *);
