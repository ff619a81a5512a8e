/* A Bragg reflection of a crystal: lattice from xraylib, susceptibilities chi_0, chi_h, chi_hbar. */
#pragma once
#include <petscsys.h>
#include <petscviewer.h>
#include <complex.h>

/* Susceptibility Fourier coefficients at one photon energy, in the convention of docs/theory:
   waves e^{i(k.r - wt)}, absorption Im chi_0 > 0, chi_h = conj(-r_e lambda^2 F_h / (pi V)) with F_h from xraylib. */
typedef struct {
  double complex chi0, chih, chihbar;
  PetscReal      wavelength; /* m */
  PetscReal      k;          /* 2 pi / lambda, 1/m */
} TkChi;

typedef struct _p_TkReflection *TkReflection;

/* Photon energy (keV) times wavelength (Angstrom). */
#define TK_HC_KEV_ANGSTROM 12.398419843320026
/* Classical electron radius (m), CODATA 2018. */
#define TK_R_ELECTRON 2.8179403262e-15

PETSC_EXTERN PetscErrorCode TkReflectionCreate(MPI_Comm, TkReflection *);
PETSC_EXTERN PetscErrorCode TkReflectionSetCrystal(TkReflection, const char[]);
PETSC_EXTERN PetscErrorCode TkReflectionSetHKL(TkReflection, PetscInt, PetscInt, PetscInt);
PETSC_EXTERN PetscErrorCode TkReflectionSetDebyeWaller(TkReflection, PetscReal);
PETSC_EXTERN PetscErrorCode TkReflectionSetChihScale(TkReflection, PetscReal);
PETSC_EXTERN PetscErrorCode TkReflectionSetAbsorption(TkReflection, PetscBool);
PETSC_EXTERN PetscErrorCode TkReflectionSetFromOptions(TkReflection);
PETSC_EXTERN PetscErrorCode TkReflectionSetUp(TkReflection);
PETSC_EXTERN PetscErrorCode TkReflectionGetDSpacing(TkReflection, PetscReal *);
PETSC_EXTERN PetscErrorCode TkReflectionGetName(TkReflection, const char **, const PetscInt **);
PETSC_EXTERN PetscErrorCode TkReflectionGetBraggAngle(TkReflection, PetscReal, PetscReal *);
PETSC_EXTERN PetscErrorCode TkReflectionGetBraggEnergy(TkReflection, PetscReal, PetscReal *);
PETSC_EXTERN PetscErrorCode TkReflectionComputeChi(TkReflection, PetscReal, TkChi *);
PETSC_EXTERN PetscErrorCode TkReflectionCheckEnergy(TkReflection, PetscReal);
PETSC_EXTERN PetscErrorCode TkReflectionView(TkReflection, PetscViewer);
PETSC_EXTERN PetscErrorCode TkReflectionDestroy(TkReflection *);
PETSC_EXTERN PetscErrorCode TkCrystalListNames(char *, size_t);
