/* Orientation of a crystal set to a Bragg reflection in the lab, and the Takagi-Taupin frame it defines.
   Lab frame (CXI): z downstream along k0, y up, x completing a right-handed frame; the scattering plane is the
   vertical y-z plane, kh = k (0, sin 2thetaB, cos 2thetaB). TT axes: n = h/|h| = (0, cos thetaB, -sin thetaB),
   m = (s0 + sh)/|s0 + sh| = (0, sin thetaB, cos thetaB) (both beams advance along m), t = x (normal to the
   scattering plane). The detector's in-plane axis e1 = (0, cos 2thetaB, -sin 2thetaB) is perpendicular to sh. */
#pragma once
#include "reflection.h"

typedef struct {
  PetscReal thetaB, k, h;        /* rad, 1/m, 1/m */
  PetscReal A[3][3];             /* direct lattice vectors a, b, c as columns, crystal Cartesian frame, m */
  PetscReal B[3][3];             /* reciprocal vectors (with 2 pi) as columns, 1/m */
  PetscReal U[3][3];             /* crystal Cartesian -> lab rotation */
  PetscReal m[3], n[3], t[3];    /* TT axes in the lab */
  PetscReal s0[3], sh[3], e1[3]; /* beam directions and detector in-plane axis */
  PetscReal hlab[3];             /* h in the lab, 1/m */
} TkBraggFrame;

PETSC_EXTERN PetscErrorCode TkBraggFrameSetUp(TkReflection, PetscReal energy_keV, const PetscReal crystal_x[3], const PetscReal *orientation, TkBraggFrame *);
PETSC_EXTERN void           TkBraggFrameLabToCrystal(const TkBraggFrame *, const PetscReal r[3], PetscReal rc[3]);
PETSC_EXTERN void           TkBraggFrameCrystalDirection(const TkBraggFrame *, const PetscReal uvw[3], PetscReal lab[3]); /* lattice direction [uvw] -> lab vector, m */
PETSC_EXTERN void           TkBraggFramePlaneNormal(const TkBraggFrame *, const PetscReal hkl[3], PetscReal lab[3]);      /* (hkl) plane normal -> lab unit vector */
