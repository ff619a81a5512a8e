/* 3D Takagi-Taupin solver for finite crystals of any shape (docs/theory.md, "3D solver").
   The TT grid is rectangular in (m, n, t) with dn = dm tan(thetaB), so that one step in m moves D0 down and Dh up
   by exactly one cell in n along their characteristics; slices of constant t are independent 2D problems. */
#pragma once
#include "bragg_frame.h"
#include "crystal_shape.h"
#include "displacement_field.h"
#include "two_beam.h"

typedef struct _p_TkTT3D *TkTT3D;

typedef struct {
  PetscInt  Nm, Nn, Nt; /* global grid */
  PetscReal dm, dn, dt; /* m */
  PetscReal m0, n0, t0; /* coordinates of node (0, 0, 0), m */
  PetscInt  lt0, nlt;   /* this rank's slices [lt0, lt0 + nlt) */
  PetscInt  Np;         /* characteristics of Dh per slice = exit samples = Nm + Nn - 1 */
  PetscReal drho;       /* spacing of the exit samples perpendicular to sh, dm sin thetaB */
} TkTT3DGrid;

PETSC_EXTERN PetscErrorCode TkTT3DCreate(MPI_Comm, TkTT3D *);
PETSC_EXTERN PetscErrorCode TkTT3DSetGrid(TkTT3D, const TkBraggFrame *, PetscReal dm, PetscReal dt, PetscReal radius);
PETSC_EXTERN PetscErrorCode TkTT3DSetGridBox(TkTT3D, const TkBraggFrame *, PetscReal dm, PetscReal dt, const PetscReal half[3]);
PETSC_EXTERN PetscErrorCode TkTT3DSetCoupling(TkTT3D, const TkChi *, PetscReal C, PetscReal chi0_scale);
PETSC_EXTERN PetscErrorCode TkTT3DSetObject(TkTT3D, TkShape, TkDisplacement);
PETSC_EXTERN PetscErrorCode TkTT3DGetGrid(TkTT3D, TkTT3DGrid *);
PETSC_EXTERN PetscErrorCode TkTT3DGetCrystalVoxels(TkTT3D, PetscInt *local, PetscInt *global);
/* One slice (local index l) at deviation beta: Dh on the exit plane perpendicular to sh (Np samples, phase
   referred to a common plane) and, optionally, |D0|^2 leaving the box (Np samples, for flux checks). */
PETSC_EXTERN PetscErrorCode TkTT3DMarchSlice(TkTT3D, PetscReal beta, PetscBool kinematic, PetscInt l, double complex *dh_exit, PetscReal *d0_exit2);
/* Real-field object for inversion (tt3d_fields.c): density rho in [0, 1] (chi -> rho chi) and the phase phi = h.u at
   every node of this rank's slices (nlt x Nm x Nn, index (l*Nm + i)*Nn + j). The box faces must hold rho = 0. */
PETSC_EXTERN PetscErrorCode TkTT3DSetObjectFields(TkTT3D, const PetscReal *rho, const PetscReal *phi);
/* The march of TkTT3DMarchSlice through the real-field object (dynamical only). planes, if not NULL, receives D0 and
   Dh at every node (2 x Nm x Nn) for the adjoint. */
PETSC_EXTERN PetscErrorCode TkTT3DMarchSliceFields(TkTT3D, PetscReal beta, PetscInt l, double complex *dh_exit, double complex *planes);
/* Exact discrete adjoint of TkTT3DMarchSliceFields: given g_exit = dJ/dRe(dh_exit) + i dJ/dIm(dh_exit) for a real J
   and the planes of the forward march, adds dJ/drho and dJ/dphi of every node of slice l to g_rho, g_phi
   (nlt x Nm x Nn). */
PETSC_EXTERN PetscErrorCode TkTT3DAdjointSliceFields(TkTT3D, PetscReal beta, PetscInt l, const double complex *g_exit, const double complex *planes, PetscReal *g_rho, PetscReal *g_phi);
PETSC_EXTERN PetscErrorCode TkTT3DGetFrame(TkTT3D, const TkBraggFrame **);
PETSC_EXTERN PetscErrorCode TkTT3DView(TkTT3D, PetscViewer);
PETSC_EXTERN PetscErrorCode TkTT3DDestroy(TkTT3D *);
