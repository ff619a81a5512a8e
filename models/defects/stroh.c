/* Anisotropic straight dislocation by the Stroh sextic formalism, with two fallbacks for a (nearly) degenerate sextic.
   - Transversely isotropic stiffness about the line (isotropic crystals, any line; hexagonal crystals, line along c):
     p = i is a triple root with only two eigenvectors, and the plane-strain field is exactly the isotropic Hirth &
     Lothe one with nu = C12/(C11 + C12) and mu = C66 of the dislocation frame (C44 for the screw).
   - Close to that (e.g. a hexagonal crystal with the line within a degree of c) the eigenvectors are nearly defective
     and lose accuracy; the orthogonality check then hands over to the Barnett-Lothe integral formalism, which needs
     no eigenvectors.
   Sources: A. N. Stroh, Phil. Mag. 3, 625 (1958); J. P. Hirth & J. Lothe, Theory of Dislocations (1982) ch. 13 and
   eqs. 3-2 (screw), 3-45 (edge); D. J. Bacon, D. M. Barnett & R. O. Scattergood, Prog. Mater. Sci. 23, 51 (1980);
   D. M. Barnett & J. Lothe, Phys. Norv. 7, 13 (1973) for the integral formalism; the N matrix, normalisation and
   orthogonality checks follow atomman's Stroh class (defect_fields.md section 4.1), the integral formalism
   defect_fields.md section 4.2, the isotropic gradients section 2 (du_y/dy with +2 nu). Conventions in stroh.h. */
#include <complex.h>
#include "stroh.h"
#include <petscblaslapack.h> /* after petscsys.h, which it needs */

const char *const TkStrohMethods[] = {"auto", "sextic", "integral", "isotropic", "TkStrohMethod", "TK_STROH_", NULL};

struct _p_TkStroh {
  MPI_Comm       comm;
  TkStrohMethod  method;                                 /* the one used: sextic, integral or isotropic */
  PetscReal      R[3][3];                                /* rows m, n, xi (lab): v_dis = R v_lab */
  PetscReal      b[3];                                   /* Burgers vector in the (m, n, xi) frame, m */
  TkElastic      Cd;                                     /* stiffness in the (m, n, xi) frame */
  PetscReal      aniso;                                  /* |C - C_TI| / |C|: departure from transverse isotropy about the line (0: the sextic is degenerate) */
  PetscReal      mu, nu;                                 /* isotropic field: in-plane mu = C66 and nu = C12/(C11 + C12) of the line-averaged C */
  PetscReal      muH, nuH;                               /* Voigt-Reuss-Hill average, for the View */
  PetscReal      residual;                               /* orthogonality residual of the Stroh eigenvectors (-1: not computed) */
  double complex p[3];                                   /* sextic: the three roots with Im p > 0; the other three are their conjugates */
  double complex c[3][3];                                /* sextic: c[a][i] = k_a A_ia (L_a . b), u_i = (1/pi) Im sum_a c_ai ln eta_a */
  PetscReal      K[3][3];                                /* energy factor, Pa, (m, n, xi) frame */
  PetscReal      w1[3], w2[3];                           /* K b / 2 pi (integral), and u = -w2 ln(r/r0) + f(theta) (all methods), m */
  PetscReal      MM[3][3], MN[3][3], NM[3][3], NN[3][3]; /* integral: (ab) blocks of the frame axes, Pa */
  PetscReal     *ftab;                                   /* integral: f(theta) and f'(theta) at the table nodes, 6 per node */
  PetscInt       nquad;                                  /* integral: trapezoid points on [0, pi) for S and K */
  PetscInt       ntab;                                   /* integral: intervals of the table on [0, pi] (cubic Hermite: error ~ (pi/ntab)^4) */
  PetscReal      lnr0;                                   /* log gauge: ln(r0 / 1 m) */
  char           note[256];
};

static void Cross(const PetscReal a[3], const PetscReal b[3], PetscReal c[3])
{
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

static PetscReal Dot(const PetscReal a[3], const PetscReal b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

/* (ab)_jk = a_i C_ijkl b_l with a, b one of the frame axes 0 (m) or 1 (n) */
static void Block(const TkElastic *C, PetscInt a, PetscInt b, PetscReal M[3][3])
{
  for (int j = 0; j < 3; j++)
    for (int k = 0; k < 3; k++) M[j][k] = TkElasticTensor(C, a, j, k, b);
}

static void Inverse3(const PetscReal A[3][3], PetscReal B[3][3])
{
  const PetscReal det = A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) - A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) + A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      /* cofactor of A[j][i] */
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      B[i][j] = (A[r0][c0] * A[r1][c1] - A[r0][c1] * A[r1][c0]) / det;
    }
}

/* Stroh eigen-decomposition of the sextic in the (m, n, xi) frame. Returns the orthogonality residual in *res
   (PETSC_MAX_REAL when the eigenvalues do not come as three conjugate pairs). */
static PetscErrorCode StrohSolve(TkStroh s, PetscReal *res)
{
  PetscReal      mm[3][3], mn[3][3], nm[3][3], nn[3][3], nni[3][3], N[6][6], a[36], wr[6], wi[6], vr[36], vl[1], work[384], cmax = 0;
  PetscBLASInt   n6 = 6, one = 1, lwork = 384, info;
  PetscInt       q = 0;
  TkElastic      Cs;
  double complex A[3][3], L[3][3], k[3], S[3][3][3];

  PetscFunctionBegin;
  *res = PETSC_MAX_REAL;
  /* solve with C / max|C| so that the blocks of N are O(1): L and K come out in units of max|C| */
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) cmax = PetscMax(cmax, PetscAbsReal(s->Cd.C[i][j]));
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) Cs.C[i][j] = s->Cd.C[i][j] / cmax;
  Block(&Cs, 0, 0, mm);
  Block(&Cs, 0, 1, mn);
  Block(&Cs, 1, 0, nm);
  Block(&Cs, 1, 1, nn);
  Inverse3(nn, nni);
  /* N = [[-(nn)^-1 (nm), -(nn)^-1], [(mm) - (mn)(nn)^-1(nm), -(mn)(nn)^-1]]: eigenvectors (A, L) with
     L = -[(nm) + p (nn)] A, the sign atomman uses (K = i sum s k L L is then positive) */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      PetscReal t1 = 0, t3 = 0, t4 = 0;
      for (int l = 0; l < 3; l++) {
        t1 += nni[i][l] * nm[l][j];
        t4 += mn[i][l] * nni[l][j];
      }
      for (int l = 0; l < 3; l++)
        for (int o = 0; o < 3; o++) t3 += mn[i][l] * nni[l][o] * nm[o][j];
      N[i][j]         = -t1;
      N[i][3 + j]     = -nni[i][j];
      N[3 + i][j]     = mm[i][j] - t3;
      N[3 + i][3 + j] = -t4;
    }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) a[i + 6 * j] = N[i][j]; /* column major */
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKgeev", LAPACKgeev_("N", "V", &n6, a, &n6, wr, wi, vl, &one, vr, &n6, work, &lwork, &info));
  PetscCall(PetscFPTrapPop());
  if (info != 0) PetscFunctionReturn(0);
  /* the roots with Im p > 0, selected by the sign of Im p, not by their position */
  for (int j = 0; j < 6; j++) {
    if (wi[j] == 0) PetscFunctionReturn(0); /* a real root: not possible for positive definite C, so a numerical failure */
    if (wi[j] < 0) continue;
    /* geev: a pair is stored as columns j, j+1 with v_j = VR(:,j) + i VR(:,j+1) for the root with Im > 0 */
    if (j == 5 || wi[j + 1] != -wi[j] || q == 3) PetscFunctionReturn(0);
    s->p[q] = wr[j] + I * wi[j];
    for (int i = 0; i < 3; i++) {
      A[q][i] = vr[i + 6 * j] + I * vr[i + 6 * (j + 1)];
      L[q][i] = vr[3 + i + 6 * j] + I * vr[3 + i + 6 * (j + 1)];
    }
    q++;
  }
  if (q != 3) PetscFunctionReturn(0);
  for (int al = 0; al < 3; al++) {
    double complex AL = 0;
    for (int i = 0; i < 3; i++) AL += A[al][i] * L[al][i];
    k[al] = 1 / (2 * AL);
  }
  /* orthogonality over all six roots (Stroh; atomman's checks): sum k A(x)L = I, sum k A(x)A = 0, sum k L(x)L = 0;
     the conjugate roots add the complex conjugates, so each sum is 2 Re of the sum over Im p > 0 */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      S[0][i][j] = S[1][i][j] = S[2][i][j] = 0;
      for (int al = 0; al < 3; al++) {
        S[0][i][j] += k[al] * A[al][i] * L[al][j];
        S[1][i][j] += k[al] * A[al][i] * A[al][j];
        S[2][i][j] += k[al] * L[al][i] * L[al][j];
      }
    }
  *res = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      *res = PetscMax(*res, PetscAbsReal(2 * creal(S[0][i][j]) - (i == j ? 1 : 0)));
      *res = PetscMax(*res, PetscAbsReal(2 * creal(S[1][i][j])));
      *res = PetscMax(*res, PetscAbsReal(2 * creal(S[2][i][j])));
      /* K = i sum_6 s k L(x)L = i (S - conj S) = -2 Im S over the roots with Im p > 0 */
      s->K[i][j] = -2 * cimag(S[2][i][j]) * cmax;
    }
  if (!(*res < PETSC_MAX_REAL)) *res = PETSC_MAX_REAL; /* NaN from a singular A.L */
  for (int i = 0; i < 3; i++) s->w2[i] = 0;
  for (int al = 0; al < 3; al++) {
    double complex Lb = 0;
    for (int i = 0; i < 3; i++) Lb += L[al][i] * s->b[i];
    for (int i = 0; i < 3; i++) {
      s->c[al][i] = k[al] * A[al][i] * Lb;
      s->w2[i] -= cimag(s->c[al][i]) / PETSC_PI; /* u = (1/pi) Im sum c (ln r + ln zeta) */
    }
  }
  PetscFunctionReturn(0);
}

/* (nn), (nm) and (mm) of the rotated axes m(w) = cos w m + sin w n, n(w) = -sin w m + cos w n, from the blocks of m, n */
static void RotatedBlocks(TkStroh s, PetscReal c, PetscReal sn, PetscReal nn[3][3], PetscReal nm[3][3], PetscReal mm[3][3])
{
  for (int j = 0; j < 3; j++)
    for (int k = 0; k < 3; k++) {
      nn[j][k] = sn * sn * s->MM[j][k] - sn * c * (s->MN[j][k] + s->NM[j][k]) + c * c * s->NN[j][k];
      nm[j][k] = -sn * c * s->MM[j][k] - sn * sn * s->MN[j][k] + c * c * s->NM[j][k] + c * sn * s->NN[j][k];
      if (mm) mm[j][k] = c * c * s->MM[j][k] + c * sn * (s->MN[j][k] + s->NM[j][k]) + sn * sn * s->NN[j][k];
    }
}

/* f'(theta) = du/dtheta at r = 1: (nn)^-1 [K b + (nm) S b] / 2 pi, from the traction K b / (2 pi r) on every radial
   plane and du/dr = -S b / (2 pi r) */
static void AngularDerivative(TkStroh s, PetscReal c, PetscReal sn, PetscReal fp[3])
{
  PetscReal nn[3][3], nm[3][3], nni[3][3], t[3];

  RotatedBlocks(s, c, sn, nn, nm, NULL);
  Inverse3(nn, nni);
  for (int j = 0; j < 3; j++) {
    t[j] = s->w1[j];
    for (int k = 0; k < 3; k++) t[j] += nm[j][k] * s->w2[k];
  }
  for (int j = 0; j < 3; j++) fp[j] = nni[j][0] * t[0] + nni[j][1] * t[1] + nni[j][2] * t[2];
}

/* S = -(1/pi) int_0^pi (nn)^-1 (nm) dw and K = 4 pi B = (1/pi) int_0^pi [(mm) - (mn)(nn)^-1(nm)] dw by the trapezoid rule
   (periodic analytic integrands: geometric convergence) */
static void IntegralSK(TkStroh s, PetscInt M, PetscReal S[3][3], PetscReal K[3][3])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) S[i][j] = K[i][j] = 0;
  for (PetscInt q = 0; q < M; q++) {
    const PetscReal w = PETSC_PI * q / M;
    PetscReal       nn[3][3], nm[3][3], mm[3][3], nni[3][3], X[3][3];
    RotatedBlocks(s, PetscCosReal(w), PetscSinReal(w), nn, nm, mm);
    Inverse3(nn, nni);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) X[i][j] = nni[i][0] * nm[0][j] + nni[i][1] * nm[1][j] + nni[i][2] * nm[2][j];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        S[i][j] -= X[i][j] / M;
        K[i][j] += (mm[i][j] - (nm[0][i] * X[0][j] + nm[1][i] * X[1][j] + nm[2][i] * X[2][j])) / M; /* (mn) = (nm)^T */
      }
  }
}

/* Barnett-Lothe integral formalism (Barnett & Lothe 1973; Bacon, Barnett & Scattergood 1980; defect_fields.md 4.2):
   no eigenvectors, so it stays exact where the sextic is (nearly) degenerate. u = -S b ln(r/r0) / 2 pi + f(theta),
   f(0) = 0, with f tabulated on [0, pi] (f' has period pi and f(theta + pi) = f(theta) + b/2). */
static PetscErrorCode IntegralSetUp(TkStroh s)
{
  const PetscReal gx[5] = {-0.9061798459386640, -0.5384693101056831, 0, 0.5384693101056831, 0.9061798459386640};
  const PetscReal gw[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891};
  PetscReal       h, S[3][3], K[3][3], S2[3][3], K2[3][3], kmax = 0, d = 0, bb = PetscSqrtReal(Dot(s->b, s->b));
  PetscInt        M = 64;

  PetscFunctionBegin;
  Block(&s->Cd, 0, 0, s->MM);
  Block(&s->Cd, 0, 1, s->MN);
  Block(&s->Cd, 1, 0, s->NM);
  Block(&s->Cd, 1, 1, s->NN);
  IntegralSK(s, M, S, K);
  do { /* double the points until S and K no longer change */
    M *= 2;
    IntegralSK(s, M, S2, K2);
    kmax = d = 0;
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) kmax = PetscMax(kmax, PetscAbsReal(K2[i][j]));
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        d       = PetscMax(d, PetscAbsReal(S2[i][j] - S[i][j]) + PetscAbsReal(K2[i][j] - K[i][j]) / kmax); /* S is dimensionless */
        S[i][j] = S2[i][j];
        K[i][j] = K2[i][j];
      }
  } while (d > 1e-13 && M < 65536);
  PetscCheck(d <= 1e-13, s->comm, PETSC_ERR_CONV_FAILED, "integral formalism did not converge with %d angles (elastic constants too anisotropic?)", (int)M);
  s->nquad = M;
  s->ntab  = PetscMax(1024, 8 * M); /* the integrand needs M points per period; the table resolves it 8 times finer */
  h        = PETSC_PI / s->ntab;
  for (int i = 0; i < 3; i++) {
    s->w1[i] = s->w2[i] = 0;
    for (int j = 0; j < 3; j++) {
      s->K[i][j] = K[i][j];
      s->w1[i] += K[i][j] * s->b[j] / (2 * PETSC_PI);
      s->w2[i] += S[i][j] * s->b[j] / (2 * PETSC_PI);
    }
  }
  PetscCall(PetscMalloc1(6 * (s->ntab + 1), &s->ftab));
  for (int i = 0; i < 3; i++) s->ftab[i] = 0;
  AngularDerivative(s, 1, 0, &s->ftab[3]);
  for (PetscInt q = 0; q < s->ntab; q++) { /* cumulative 5-point Gauss-Legendre per interval */
    PetscReal *f0 = &s->ftab[6 * q], *f1 = &s->ftab[6 * (q + 1)], fp[3];
    for (int i = 0; i < 3; i++) f1[i] = f0[i];
    for (int g = 0; g < 5; g++) {
      const PetscReal w = h * (q + 0.5 + 0.5 * gx[g]);
      AngularDerivative(s, PetscCosReal(w), PetscSinReal(w), fp);
      for (int i = 0; i < 3; i++) f1[i] += 0.5 * h * gw[g] * fp[i];
    }
    AngularDerivative(s, PetscCosReal(h * (q + 1)), PetscSinReal(h * (q + 1)), &f1[3]);
  }
  /* closure: f(pi) = b/2, i.e. the loop integral of du is b */
  d = 0;
  for (int i = 0; i < 3; i++) d = PetscMax(d, PetscAbsReal(s->ftab[6 * s->ntab + i] - s->b[i] / 2));
  s->residual = d / bb;
  PetscCheck(s->residual < 1e-9, s->comm, PETSC_ERR_CONV_FAILED, "integral formalism: the loop integral of du misses b by %g |b|", (double)s->residual);
  PetscFunctionReturn(0);
}

/* integral formalism, angular part: f(theta) from the table (cubic Hermite; f(theta + pi) = f(theta) + b/2) and
   G = r grad u = du/dr (x) e_r + (1/r) du/dtheta (x) e_theta, with r du/dr = -S b / 2 pi */
static void IntegralAngular(TkStroh s, PetscReal c, PetscReal sn, PetscReal th, PetscReal f[3], PetscReal G[3][2])
{
  const PetscReal h = PETSC_PI / s->ntab;
  PetscReal       fp[3], t, tt;
  PetscInt        k = (PetscInt)PetscFloorReal(th / PETSC_PI), q; /* theta in [-pi, pi]: k = -1, 0 or 1 */

  AngularDerivative(s, c, sn, fp);
  tt = th - k * PETSC_PI;
  q  = PetscMax(PetscMin((PetscInt)(tt / h), s->ntab - 1), 0);
  t  = tt / h - q;
  {
    const PetscReal *f0 = &s->ftab[6 * q], *f1 = &s->ftab[6 * (q + 1)];
    const PetscReal  h00 = (1 + 2 * t) * (1 - t) * (1 - t), h10 = t * (1 - t) * (1 - t), h01 = t * t * (3 - 2 * t), h11 = t * t * (t - 1);
    for (int i = 0; i < 3; i++) f[i] = h00 * f0[i] + h10 * h * f0[3 + i] + h01 * f1[i] + h11 * h * f1[3 + i] + k * s->b[i] / 2;
  }
  for (int i = 0; i < 3; i++) {
    G[i][0] = -s->w2[i] * c - fp[i] * sn;
    G[i][1] = -s->w2[i] * sn + fp[i] * c;
  }
}

PetscErrorCode TkStrohCreate(MPI_Comm comm, const TkElastic *C, const PetscReal U[3][3], const PetscReal xi[3], const PetscReal b[3], const PetscReal m[3], TkStroh *out)
{
  PetscFunctionBegin;
  PetscCall(TkStrohCreateWithMethod(comm, C, U, xi, b, m, TK_STROH_AUTO, out));
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohCreateWithMethod(MPI_Comm comm, const TkElastic *C, const PetscReal U[3][3], const PetscReal xi[3], const PetscReal b[3], const PetscReal m[3], TkStrohMethod method, TkStroh *out)
{
  TkStroh             s;
  PetscReal           l, R[3][3], Q[3][3], mdx, bn, orth = 0, d2 = 0, n2 = 0;
  TkElastic           Cti;
  const TkStrohMethod requested = method;
  /* iso_tol: below it the isotropic field is exact to about that relative accuracy (the sextic is still accurate far
     below, see validation/defects_stroh.c); res_tol: sextic orthogonality residual above which the integral
     formalism takes over (the built-in cubic crystals stay below 1e-12 for any line direction) */
  const PetscReal iso_tol = 1e-7, res_tol = 1e-10;

  PetscFunctionBegin;
  *out = NULL;
  PetscCall(TkElasticCheck(comm, C));
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      PetscReal d = 0;
      for (int k = 0; k < 3; k++) d += U[i][k] * U[j][k];
      orth = PetscMax(orth, PetscAbsReal(d - (i == j ? 1 : 0)));
    }
  PetscCheck(orth < 1e-6, comm, PETSC_ERR_ARG_WRONG, "crystal to lab matrix is not a rotation (|U U^T - I| = %g)", (double)orth);
  l = PetscSqrtReal(Dot(xi, xi));
  PetscCheck(l > 0, comm, PETSC_ERR_USER_INPUT, "dislocation line direction is 0,0,0");
  bn = PetscSqrtReal(Dot(b, b));
  PetscCheck(bn > 0, comm, PETSC_ERR_USER_INPUT, "Burgers vector is 0,0,0");
  PetscCheck(PetscSqrtReal(Dot(m, m)) > 0, comm, PETSC_ERR_USER_INPUT, "cut direction m is 0,0,0");
  for (int i = 0; i < 3; i++) R[2][i] = xi[i] / l;
  mdx = Dot(m, R[2]);
  for (int i = 0; i < 3; i++) R[0][i] = m[i] - mdx * R[2][i];
  l = PetscSqrtReal(Dot(R[0], R[0]));
  PetscCheck(l > 1e-6 * PetscSqrtReal(Dot(m, m)), comm, PETSC_ERR_USER_INPUT, "the cut direction m is parallel to the dislocation line");
  for (int i = 0; i < 3; i++) R[0][i] /= l;
  Cross(R[2], R[0], R[1]); /* n = xi x m, so that m = n x xi */
  PetscCall(PetscNew(&s));
  s->comm     = comm;
  s->residual = -1;
  PetscCall(PetscArraycpy(&s->R[0][0], &R[0][0], 9));
  for (int i = 0; i < 3; i++) s->b[i] = Dot(s->R[i], b);
  /* crystal -> dislocation frame: Q = R U */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      Q[i][j] = 0;
      for (int k = 0; k < 3; k++) Q[i][j] += s->R[i][k] * U[k][j];
    }
  TkElasticRotate(C, Q, &s->Cd);
  PetscCall(TkElasticIsotropicHill(C, &s->muH, &s->nuH));
  /* average over rotations about the line: exact with 8 angles, since a rotated 4th-order tensor has harmonics up to
     4 phi only */
  PetscCall(PetscMemzero(&Cti, sizeof(Cti)));
  for (int k = 0; k < 8; k++) {
    const PetscReal c = PetscCosReal(PETSC_PI * k / 4), sn = PetscSinReal(PETSC_PI * k / 4), Rz[3][3] = {{c, -sn, 0}, {sn, c, 0}, {0, 0, 1}};
    TkElastic       Ck;
    TkElasticRotate(&s->Cd, Rz, &Ck);
    for (int i = 0; i < 6; i++)
      for (int j = 0; j < 6; j++) Cti.C[i][j] += Ck.C[i][j] / 8;
  }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) d2 += PetscSqr(s->Cd.C[i][j] - Cti.C[i][j]), n2 += PetscSqr(s->Cd.C[i][j]);
  s->aniso = PetscSqrtReal(d2 / n2);
  s->mu    = Cti.C[5][5];
  s->nu    = Cti.C[0][1] / (Cti.C[0][0] + Cti.C[0][1]);
  if (method == TK_STROH_AUTO) method = s->aniso < iso_tol ? TK_STROH_ISOTROPIC : TK_STROH_SEXTIC;
  if (method == TK_STROH_SEXTIC) {
    PetscCall(StrohSolve(s, &s->residual));
    if (!(s->residual < res_tol)) {
      const PetscReal res = s->residual, an = s->aniso;
      if (requested == TK_STROH_SEXTIC) PetscCall(PetscFree(s));
      PetscCheck(requested != TK_STROH_SEXTIC, comm, PETSC_ERR_SUP, "Stroh sextic is degenerate for this line direction (orthogonality residual %g, anisotropy about the line %g): use the integral formalism", (double)res, (double)an);
      method = TK_STROH_INTEGRAL; /* near transverse isotropy about the line: nearly defective eigenvectors */
    }
  }
  s->method = method;
  switch (method) {
  case TK_STROH_SEXTIC:
    PetscCall(PetscSNPrintf(s->note, sizeof(s->note), "Stroh sextic (orthogonality residual %.1e; anisotropy about the line %.3g)", (double)s->residual, (double)s->aniso));
    break;
  case TK_STROH_INTEGRAL:
    PetscCall(IntegralSetUp(s));
    PetscCall(PetscSNPrintf(s->note, sizeof(s->note), "Barnett-Lothe integral formalism, %d angles (anisotropy about the line %.3g)", (int)s->nquad, (double)s->aniso));
    break;
  case TK_STROH_ISOTROPIC:
    if (!(s->aniso < 1e-3)) {
      const PetscReal an = s->aniso;
      PetscCall(PetscFree(s));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "the isotropic field needs elastic constants transversely isotropic about the line (anisotropy about the line %g)", (double)an);
    }
    /* plane strain with lambda = C12, mu = C66: edge and climb mu/(1 - nu) = (C11^2 - C12^2)/(2 C11); screw C44 */
    PetscCall(PetscMemzero(s->K, sizeof(s->K)));
    s->K[0][0] = s->K[1][1] = s->mu / (1 - s->nu);
    s->K[2][2]              = Cti.C[3][3];
    /* ln r terms of u_y (edge) and u_x (climb), eq. 3-45 */
    PetscCall(PetscMemzero(s->w2, sizeof(s->w2)));
    s->w2[0] = -s->b[1] * (1 - 2 * s->nu) / (4 * PETSC_PI * (1 - s->nu));
    s->w2[1] = s->b[0] * (1 - 2 * s->nu) / (4 * PETSC_PI * (1 - s->nu));
    PetscCall(PetscSNPrintf(s->note, sizeof(s->note), "isotropic Hirth & Lothe field (stiffness transversely isotropic about the line within %.1e)", (double)s->aniso));
    break;
  default:
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown dislocation field method %d", (int)method);
  }
  *out = s;
  PetscFunctionReturn(0);
}

/* Hirth & Lothe (defect_fields.md section 2, du_y/dy with +2 nu), angular part at the unit vector (c, sn) = (cos, sin)
   theta: u = -w2 ln(r/r0) + f(theta), grad = G(theta)/r. Edge b_e along m: eq. 3-45; climb b_c along n: the same field
   turned by +90 deg (x' = y, y' = -x), with the angle still atan2(y, x) so that the cut stays on x < 0; screw: eq. 3-2.
   Gauge f(0) = 0 (the textbook u_y of the edge is -b_e/(8 pi (1 - nu)) there, u_x of the climb part likewise). */
static void HirthLotheAngular(PetscReal nu, const PetscReal b[3], PetscReal c, PetscReal sn, PetscReal th, PetscReal f[3], PetscReal G[3][2])
{
  const PetscReal h = 1 / (2 * PETSC_PI), k = 1 / (4 * PETSC_PI * (1 - nu)), be = b[0], bc = b[1], bs = b[2];
  const PetscReal a = 1 / (4 * (1 - nu)), c2 = c * c, s2 = sn * sn;

  f[0]    = be * h * (th + 2 * a * c * sn) + bc * h * a * (s2 - c2 + 1);
  f[1]    = bc * h * (th - 2 * a * c * sn) - be * h * a * (c2 - s2 - 1);
  f[2]    = bs * h * th;
  G[0][0] = -be * k * sn * ((1 - 2 * nu) + 2 * c2) - bc * k * c * (s2 - c2 + 2 * nu);
  G[0][1] = be * k * c * ((3 - 2 * nu) - 2 * s2) + bc * k * sn * ((2 - 2 * nu) - s2 + c2);
  G[1][0] = -be * k * c * ((2 - 2 * nu) - c2 + s2) - bc * k * sn * ((3 - 2 * nu) - 2 * c2);
  G[1][1] = be * k * sn * (c2 - s2 + 2 * nu) + bc * k * c * ((1 - 2 * nu) + 2 * s2);
  G[2][0] = -bs * h * sn;
  G[2][1] = bs * h * c;
}

/* sextic, angular part: eta = r zeta with zeta = cos theta + p sin theta, so ln eta = ln r + ln zeta (principal branch:
   the cut is on theta = pi for every root since Im p > 0), and grad = (1/pi) Im sum c (1, p)/zeta / r */
static void SexticAngular(TkStroh s, PetscReal c, PetscReal sn, PetscReal f[3], PetscReal G[3][2])
{
  for (int i = 0; i < 3; i++) f[i] = G[i][0] = G[i][1] = 0;
  for (int a = 0; a < 3; a++) {
    const PetscReal      zr = c + creal(s->p[a]) * sn, zi = cimag(s->p[a]) * sn; /* keeps the sign of a -0 sine on the cut */
    const double complex lz = 0.5 * PetscLogReal(zr * zr + zi * zi) + I * PetscAtan2Real(zi, zr), iz = (zr - I * zi) / (zr * zr + zi * zi);
    for (int i = 0; i < 3; i++) {
      f[i] += cimag(s->c[a][i] * lz);
      G[i][0] += cimag(s->c[a][i] * iz);
      G[i][1] += cimag(s->c[a][i] * s->p[a] * iz);
    }
  }
  /* the six-root sum (1/2 pi i) sum s_a c_a f_a is (1/pi) Im of the sum over Im p > 0 */
  for (int i = 0; i < 3; i++) f[i] /= PETSC_PI, G[i][0] /= PETSC_PI, G[i][1] /= PETSC_PI;
}

/* Every method gives u = -w2 ln(r/r0) + f(theta) and grad = G(theta)/r in the (m, n, xi) frame. The core is regularised
   the same way for all: ln r -> ln sqrt(r^2 + rcore^2) and 1/r -> r/(r^2 + rcore^2), the angle exact. */
void TkStrohEvaluate(TkStroh s, const PetscReal r[3], PetscReal rcore, PetscReal u[3], PetscReal grad[3][3])
{
  const PetscReal x = Dot(s->R[0], r), y = Dot(s->R[1], r), rr = PetscSqrtReal(x * x + y * y), rho2 = rr * rr + rcore * rcore;
  const PetscReal c = rr > 0 ? x / rr : 1, sn = rr > 0 ? y / rr : 0, th = PetscAtan2Real(y, x);
  const PetscReal fac = rho2 > 0 ? rr / rho2 : 0, lnr = rho2 > 0 ? 0.5 * PetscLogReal(rho2) - s->lnr0 : 0;
  PetscReal       f[3], G[3][2], t[3][3];

  switch (s->method) {
  case TK_STROH_ISOTROPIC:
    HirthLotheAngular(s->nu, s->b, c, sn, th, f, G);
    break;
  case TK_STROH_INTEGRAL:
    IntegralAngular(s, c, sn, th, f, G);
    break;
  default:
    SexticAngular(s, c, sn, f, G);
  }
  /* back to the lab: u = R^T u_d, grad = R^T grad_d R (nothing depends on the coordinate along xi) */
  for (int a = 0; a < 3; a++) f[a] -= s->w2[a] * lnr;
  for (int i = 0; i < 3; i++) {
    u[i] = 0;
    for (int a = 0; a < 3; a++) u[i] += s->R[a][i] * f[a];
    for (int j = 0; j < 3; j++) t[i][j] = fac * (G[i][0] * s->R[0][j] + G[i][1] * s->R[1][j]);
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) grad[i][j] = s->R[0][i] * t[0][j] + s->R[1][i] * t[1][j] + s->R[2][i] * t[2][j];
}

PetscErrorCode TkStrohEnergyFactor(TkStroh s, PetscReal K[3][3])
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) K[i][j] = s->K[i][j];
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohSetReferenceRadius(TkStroh s, PetscReal r0)
{
  PetscFunctionBegin;
  PetscCheck(r0 > 0, s->comm, PETSC_ERR_USER_INPUT, "reference radius %g must be positive", (double)r0);
  s->lnr0 = PetscLogReal(r0);
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohGetFrame(TkStroh s, PetscReal m[3], PetscReal n[3], PetscReal xi[3])
{
  PetscFunctionBegin;
  for (int i = 0; i < 3; i++) {
    if (m) m[i] = s->R[0][i];
    if (n) n[i] = s->R[1][i];
    if (xi) xi[i] = s->R[2][i];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohGetMethod(TkStroh s, TkStrohMethod *method)
{
  PetscFunctionBegin;
  *method = s->method;
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohIsIsotropic(TkStroh s, PetscBool *iso, PetscReal *mu, PetscReal *nu)
{
  const PetscBool is = (PetscBool)(s->method == TK_STROH_ISOTROPIC);

  PetscFunctionBegin;
  if (iso) *iso = is;
  if (mu) *mu = is ? s->mu : s->muH;
  if (nu) *nu = is ? s->nu : s->nuH;
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohView(TkStroh s, PetscViewer v)
{
  const PetscReal bb = PetscSqrtReal(Dot(s->b, s->b));
  PetscReal       Kb = 0;

  PetscFunctionBegin;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) Kb += s->b[i] * s->K[i][j] * s->b[j] / (bb * bb);
  PetscCall(PetscViewerASCIIPrintf(v, "Straight dislocation: %s\n", s->note));
  PetscCall(PetscViewerASCIIPrintf(v, "  frame (lab): m = (%.4f, %.4f, %.4f), n = (%.4f, %.4f, %.4f), xi = (%.4f, %.4f, %.4f); cut on the -m side\n", (double)s->R[0][0], (double)s->R[0][1], (double)s->R[0][2], (double)s->R[1][0], (double)s->R[1][1],
                                   (double)s->R[1][2], (double)s->R[2][0], (double)s->R[2][1], (double)s->R[2][2]));
  PetscCall(PetscViewerASCIIPrintf(v, "  b = %.5f nm: edge (m) %.5f, climb (n) %.5f, screw (xi) %.5f nm\n", (double)(1e9 * bb), (double)(1e9 * s->b[0]), (double)(1e9 * s->b[1]), (double)(1e9 * s->b[2])));
  if (s->method == TK_STROH_ISOTROPIC)
    PetscCall(PetscViewerASCIIPrintf(v, "  mu = C66 = %.3f GPa, nu = C12/(C11 + C12) = %.4f in the dislocation frame (Hill average: mu = %.3f GPa, nu = %.4f)\n", (double)(1e-9 * s->mu), (double)s->nu, (double)(1e-9 * s->muH), (double)s->nuH));
  else {
    if (s->method == TK_STROH_SEXTIC) PetscCall(PetscViewerASCIIPrintf(v, "  Stroh roots p: %.5f%+.5fi, %.5f%+.5fi, %.5f%+.5fi (and conjugates)\n", creal(s->p[0]), cimag(s->p[0]), creal(s->p[1]), cimag(s->p[1]), creal(s->p[2]), cimag(s->p[2])));
    PetscCall(PetscViewerASCIIPrintf(v, "  Hill average for comparison: mu = %.3f GPa, nu = %.4f\n", (double)(1e-9 * s->muH), (double)s->nuH));
  }
  PetscCall(PetscViewerASCIIPrintf(v, "  energy factor K (GPa, m n xi): [%.3f %.3f %.3f; %.3f %.3f %.3f; %.3f %.3f %.3f], b.K.b/|b|^2 = %.3f GPa\n", (double)(1e-9 * s->K[0][0]), (double)(1e-9 * s->K[0][1]), (double)(1e-9 * s->K[0][2]),
                                   (double)(1e-9 * s->K[1][0]), (double)(1e-9 * s->K[1][1]), (double)(1e-9 * s->K[1][2]), (double)(1e-9 * s->K[2][0]), (double)(1e-9 * s->K[2][1]), (double)(1e-9 * s->K[2][2]), (double)(1e-9 * Kb)));
  PetscFunctionReturn(0);
}

PetscErrorCode TkStrohDestroy(TkStroh *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  PetscCall(PetscFree((*s)->ftab));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
