/* Two-beam geometry and Takagi-Taupin coefficients of a plate at one scan point (energy, glancing angle). */
#pragma once
#include "reflection.h"

typedef enum { TK_POL_SIGMA, TK_POL_PI } TkPolarization;
PETSC_EXTERN const char *const TkPolarizations[];

typedef enum { TK_BRAGG, TK_LAUE } TkDiffractionGeometry;

/* Direction cosines are taken against the inward surface normal n (depth z grows along n).
   Incidence angle alpha0 = theta + phi, exit angle alphah = theta - phi (XOP/pyTTE asymmetry phi):
   gamma0 = sin(alpha0) > 0, gammah = -sin(alphah) (< 0 Bragg, > 0 Laue). */
typedef struct {
  TkChi                 chi;
  PetscReal             energy_keV;
  PetscReal             theta;             /* glancing angle to the Bragg planes, rad */
  PetscReal             thetaB;            /* kinematic Bragg angle at this energy, rad */
  PetscReal             phi;               /* asymmetry, rad */
  PetscReal             gamma0, gammah, b; /* b = gamma0/gammah */
  PetscReal             C;                 /* polarization factor: 1 (sigma) or cos 2 thetaB (pi) */
  PetscReal             h;                 /* |h| = 2 pi/d, 1/m */
  PetscReal             hx, hn;            /* h along the surface (x) and along the inward normal */
  PetscReal             cos_alphah, sin_alphah, cot_alpha0;
  PetscReal             beta; /* deviation h (sin theta - lambda/2d), 1/m */
  TkDiffractionGeometry geometry;
} TkTwoBeam;

PETSC_EXTERN PetscErrorCode TkTwoBeamSetUp(MPI_Comm, TkReflection, PetscReal energy_keV, PetscReal theta, PetscReal phi, TkPolarization, TkTwoBeam *);
