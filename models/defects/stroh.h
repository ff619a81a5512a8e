/* Straight dislocation in an infinite anisotropic elastic medium: Stroh sextic formalism (Stroh 1958; Hirth & Lothe
   1982 ch. 13; as implemented in atomman), with the isotropic Hirth & Lothe field when the stiffness is transversely
   isotropic about the line (sextic degenerate) and the Barnett-Lothe integral formalism when the sextic eigenvectors
   are ill-conditioned close to that. Conventions (defect_fields.md section 1): (m, n, xi) right-handed with
   m = n x xi, x along m, y along n; the cut is the half plane x < 0, y = 0 (theta = atan2(y, x) = +-pi); FS/RH Burgers
   vector, b = loop integral of du taken right-handed about xi, i.e. u(y -> 0+) - u(y -> 0-) = b on the cut.
   All lengths in m, stiffness and energy factor in Pa. */
#pragma once
#include <petscviewer.h>
#include "elastic.h"

typedef struct _p_TkStroh *TkStroh;

/* auto: isotropic if the stiffness is transversely isotropic about the line (within 1e-7), else the sextic, and the
   integral formalism if the sextic eigenvectors fail the orthogonality check (nearly degenerate roots) */
typedef enum { TK_STROH_AUTO, TK_STROH_SEXTIC, TK_STROH_INTEGRAL, TK_STROH_ISOTROPIC } TkStrohMethod;
PETSC_EXTERN const char *const TkStrohMethods[];

/* C in the crystal frame; U the crystal -> lab rotation (v_lab = U v_crystal); xi (line direction), b (Burgers vector, m)
   and m (the cut lies on the -m side of the line) in the lab frame. xi and m need not be unit vectors; m is made
   perpendicular to xi. */
PETSC_EXTERN PetscErrorCode TkStrohCreate(MPI_Comm, const TkElastic *C_crystal, const PetscReal U[3][3], const PetscReal xi[3], const PetscReal b[3], const PetscReal m[3], TkStroh *);
PETSC_EXTERN PetscErrorCode TkStrohCreateWithMethod(MPI_Comm, const TkElastic *C_crystal, const PetscReal U[3][3], const PetscReal xi[3], const PetscReal b[3], const PetscReal m[3], TkStrohMethod, TkStroh *);
/* u (m) and grad[i][j] = du_i/dx_j (lab) at r (lab, m, relative to a point on the line). Every method writes the field
   as u = -w ln(r/r0) + f(theta) and grad = G(theta)/r; rcore (m) regularises the core the same way for all of them:
   ln r -> ln sqrt(r^2 + rcore^2) and 1/r -> r/(r^2 + rcore^2) (|grad| scaled by r^2/(r^2 + rcore^2)), the angle exact,
   so u jumps by exactly b across the cut and grad -> 0 on the line. Nothing is NaN or inf for any r, also with
   rcore = 0 (then u is finite and grad 0 on the line itself). Gauge: u(r0 m) = 0 (r0: TkStrohSetReferenceRadius).
   Thread-safe, no allocation. */
PETSC_EXTERN void           TkStrohEvaluate(TkStroh, const PetscReal r[3], PetscReal rcore, PetscReal u[3], PetscReal grad[3][3]);
PETSC_EXTERN PetscErrorCode TkStrohEnergyFactor(TkStroh, PetscReal K[3][3]);                           /* Pa, (m, n, xi) frame: E/L = b.K.b/(4 pi) ln(R/r0) */
PETSC_EXTERN PetscErrorCode TkStrohSetReferenceRadius(TkStroh, PetscReal r0);                          /* log gauge ln(r/r0), u(r0 m) = 0; r0 in m [1 m] */
PETSC_EXTERN PetscErrorCode TkStrohGetFrame(TkStroh, PetscReal m[3], PetscReal n[3], PetscReal xi[3]); /* unit vectors, lab */
PETSC_EXTERN PetscErrorCode TkStrohGetMethod(TkStroh, TkStrohMethod *);                                /* the method used (never auto) */
/* PETSC_TRUE if the Hirth & Lothe field is used (stiffness transversely isotropic about the line); mu, nu: the ones it
   uses (C66 and C12/(C11 + C12) in the dislocation frame), else the Hill average */
PETSC_EXTERN PetscErrorCode TkStrohIsIsotropic(TkStroh, PetscBool *iso, PetscReal *mu, PetscReal *nu);
PETSC_EXTERN PetscErrorCode TkStrohView(TkStroh, PetscViewer);
PETSC_EXTERN PetscErrorCode TkStrohDestroy(TkStroh *);
