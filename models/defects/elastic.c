/* Elastic stiffness tensors (Voigt notation, Pa): built-in room-temperature cubic constants, construction from
   cubic, isotropic or general (21 constant) input, positive-definiteness check by Cholesky, tensor rotation and the
   Voigt-Reuss-Hill isotropic average (Hill 1952, Proc. Phys. Soc. A 65, 349; general Voigt/Reuss bounds as in
   Nye, Physical Properties of Crystals). Constants and sources: defect_fields.md section 10. */
#include "elastic.h"

/* Built-in cubic constants (GPa), room temperature. */
typedef struct {
  const char *names[3]; /* symbol first, then the xraylib-style names */
  PetscReal   C11, C12, C44;
  const char *source;
} TkCubicEntry;

static const TkCubicEntry tk_cubic[] = {
    /* CRC Handbook, as tabulated in PyDislocDyn metal_data.py; Hiki & Granato 1966 give 192.9/163.8/41.5 */
    {{"Au", "Gold", NULL}, 192.44, 162.98, 42.0, "CRC Handbook (via PyDislocDyn metal_data.py)"},
    /* CRC Handbook */
    {{"Pt", "Platinum", NULL}, 346.7, 250.7, 76.5, "CRC Handbook"},
    /* CRC Handbook, C12 corrected from Epstein & Carlson 1965; Hiki & Granato give 166.1/119.9/75.6 */
    {{"Cu", "Copper", NULL}, 168.3, 121.2, 75.7, "CRC Handbook"},
    /* alpha-Fe, CRC Handbook = Leese & Lord 1968 */
    {{"Fe", "Iron", NULL}, 226.0, 140.0, 116.0, "CRC Handbook (Leese & Lord 1968)"},
    /* CRC Handbook; the DFXM codes use isotropic nu = 0.334 instead */
    {{"Al", "Aluminum", "Aluminium"}, 106.75, 60.41, 28.34, "CRC Handbook"},
    /* Hopcroft, Nix & Kenny, J. Microelectromech. Syst. 19, 229 (2010) */
    {{"Si", "Silicon", NULL}, 165.7, 63.9, 79.6, "Hopcroft, Nix & Kenny, JMEMS 19, 229 (2010)"},
    /* cubic above ~105 K; Wachtman et al., J. Res. NBS 67A, 193 (1963), 25 C, +-2.7/2.7/0.6 GPa */
    {{"SrTiO3", NULL, NULL}, 315.6, 102.7, 121.5, "Wachtman et al., J. Res. NBS 67A, 193 (1963)"},
};

/* Voigt index of the symmetric pair (i, j): 11 22 33 23 13 12 -> 0..5 */
static inline PetscInt Voigt(PetscInt i, PetscInt j) { return i == j ? i : 6 - i - j; }

PetscReal TkElasticTensor(const TkElastic *e, PetscInt i, PetscInt j, PetscInt k, PetscInt l) { return e->C[Voigt(i, j)][Voigt(k, l)]; }

PetscErrorCode TkElasticCubicConstants(MPI_Comm comm, const char material[], PetscReal *C11, PetscReal *C12, PetscReal *C44, const char **source)
{
  const size_t n = sizeof(tk_cubic) / sizeof(tk_cubic[0]);

  PetscFunctionBegin;
  PetscCheck(material, comm, PETSC_ERR_USER_INPUT, "no material given for the elastic constants: choose Au, Pt, Cu, Fe, Al, Si or SrTiO3");
  for (size_t q = 0; q < n; q++)
    for (int a = 0; a < 3 && tk_cubic[q].names[a]; a++) {
      PetscBool match;
      PetscCall(PetscStrcasecmp(material, tk_cubic[q].names[a], &match));
      if (match) {
        *C11 = 1e9 * tk_cubic[q].C11;
        *C12 = 1e9 * tk_cubic[q].C12;
        *C44 = 1e9 * tk_cubic[q].C44;
        if (source) *source = tk_cubic[q].source;
        PetscFunctionReturn(0);
      }
    }
  SETERRQ(comm, PETSC_ERR_USER_INPUT, "no built-in elastic constants for '%s': choose Au, Pt, Cu, Fe, Al, Si or SrTiO3 (or Gold, Platinum, Copper, Iron, Aluminum, Silicon), or give C11, C12, C44", material);
}

PetscErrorCode TkElasticCubic(MPI_Comm comm, const char material[], TkElastic *e)
{
  PetscReal C11, C12, C44;

  PetscFunctionBegin;
  PetscCall(TkElasticCubicConstants(comm, material, &C11, &C12, &C44, NULL));
  PetscCall(TkElasticFromCubic(comm, C11, C12, C44, e));
  PetscFunctionReturn(0);
}

PetscErrorCode TkElasticFromCubic(MPI_Comm comm, PetscReal C11, PetscReal C12, PetscReal C44, TkElastic *e)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(e, sizeof(*e)));
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) e->C[i][j] = i == j ? C11 : C12;
    e->C[3 + i][3 + i] = C44;
  }
  PetscCall(TkElasticCheck(comm, e));
  PetscFunctionReturn(0);
}

PetscErrorCode TkElasticFromVoigt(MPI_Comm comm, const PetscReal c[21], TkElastic *e)
{
  PetscInt q = 0;

  PetscFunctionBegin;
  for (int i = 0; i < 6; i++)
    for (int j = i; j < 6; j++) e->C[i][j] = e->C[j][i] = c[q++];
  PetscCall(TkElasticCheck(comm, e));
  PetscFunctionReturn(0);
}

PetscErrorCode TkElasticIsotropic(MPI_Comm comm, PetscReal mu, PetscReal nu, TkElastic *e)
{
  PetscReal lambda;

  PetscFunctionBegin;
  PetscCheck(mu > 0, comm, PETSC_ERR_USER_INPUT, "shear modulus %g GPa must be positive", (double)(1e-9 * mu));
  PetscCheck(nu > -1 && nu < 0.5, comm, PETSC_ERR_USER_INPUT, "Poisson ratio %g outside (-1, 0.5)", (double)nu);
  lambda = 2 * mu * nu / (1 - 2 * nu);
  PetscCall(TkElasticFromCubic(comm, lambda + 2 * mu, lambda, mu, e));
  PetscFunctionReturn(0);
}

PetscErrorCode TkElasticCheck(MPI_Comm comm, const TkElastic *e)
{
  PetscReal L[6][6], cmax = 0;

  PetscFunctionBegin;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      PetscCheck(!PetscIsInfOrNanReal(e->C[i][j]), comm, PETSC_ERR_USER_INPUT, "elastic constant C%d%d is not a finite number", i + 1, j + 1);
      cmax = PetscMax(cmax, PetscAbsReal(e->C[i][j]));
    }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < i; j++)
      PetscCheck(PetscAbsReal(e->C[i][j] - e->C[j][i]) <= 1e-12 * cmax, comm, PETSC_ERR_USER_INPUT, "elastic constants are not symmetric (C%d%d = %g, C%d%d = %g GPa)", i + 1, j + 1, (double)(1e-9 * e->C[i][j]), j + 1, i + 1,
                 (double)(1e-9 * e->C[j][i]));
  /* catches constants given in GPa where Pa are expected; the softest crystals are still ~1 GPa */
  PetscCheck(cmax >= 1e6, comm, PETSC_ERR_USER_INPUT, "elastic constants are below 1 MPa (largest %g Pa): give them in Pa", (double)cmax);
  /* Cholesky: every pivot positive <=> positive definite (strain energy > 0 for every strain) */
  for (int j = 0; j < 6; j++) {
    PetscReal d = e->C[j][j];
    for (int k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    PetscCheck(d > 1e-12 * cmax, comm, PETSC_ERR_USER_INPUT, "elastic constants are not positive definite (pivot %d of the 6x6 Voigt matrix is %g GPa; cubic needs C44 > 0, C11 > |C12| and C11 + 2 C12 > 0)", j + 1, (double)(1e-9 * d));
    L[j][j] = PetscSqrtReal(d);
    for (int i = j + 1; i < 6; i++) {
      PetscReal s = e->C[i][j];
      for (int k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  PetscFunctionReturn(0);
}

/* Inverse of a symmetric positive definite 6x6 matrix by Gauss-Jordan (the pivots are positive after the check). */
static void Invert6(const PetscReal A[6][6], PetscReal B[6][6])
{
  PetscReal M[6][12];

  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 12; j++) M[i][j] = j < 6 ? A[i][j] : (j - 6 == i ? 1 : 0);
  for (int c = 0; c < 6; c++) {
    int p = c;
    for (int r = c + 1; r < 6; r++)
      if (PetscAbsReal(M[r][c]) > PetscAbsReal(M[p][c])) p = r;
    for (int j = 0; j < 12; j++) {
      const PetscReal t = M[c][j];
      M[c][j]           = M[p][j];
      M[p][j]           = t;
    }
    for (int j = 11; j >= c; j--) M[c][j] /= M[c][c];
    for (int r = 0; r < 6; r++)
      if (r != c) {
        const PetscReal f = M[r][c];
        for (int j = c; j < 12; j++) M[r][j] -= f * M[c][j];
      }
  }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) B[i][j] = M[i][j + 6];
}

PetscErrorCode TkElasticIsotropicHill(const TkElastic *e, PetscReal *mu, PetscReal *nu)
{
  PetscReal S[6][6], KV, GV, KR, GR, K, G;
  PetscReal a = 0, b = 0, c = 0, sa = 0, sb = 0, sc = 0;

  PetscFunctionBegin;
  Invert6(e->C, S);
  for (int i = 0; i < 3; i++) {
    a += e->C[i][i];
    b += e->C[i][(i + 1) % 3];
    c += e->C[3 + i][3 + i];
    sa += S[i][i];
    sb += S[i][(i + 1) % 3];
    sc += S[3 + i][3 + i];
  }
  /* Voigt (uniform strain) and Reuss (uniform stress) bounds on the bulk and shear moduli, Hill = their mean */
  KV  = (a + 2 * b) / 9;
  GV  = (a - b + 3 * c) / 15;
  KR  = 1 / (sa + 2 * sb);
  GR  = 15 / (4 * sa - 4 * sb + 3 * sc);
  K   = (KV + KR) / 2;
  G   = (GV + GR) / 2;
  *mu = G;
  *nu = (3 * K - 2 * G) / (2 * (3 * K + G));
  PetscFunctionReturn(0);
}

PetscReal TkElasticAnisotropy(const TkElastic *e)
{
  PetscReal mu, nu, lambda, d = 0, n = 0;
  TkElastic iso;

  TkElasticIsotropicHill(e, &mu, &nu);
  lambda = 2 * mu * nu / (1 - 2 * nu);
  PetscMemzero(&iso, sizeof(iso));
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) iso.C[i][j] = i == j ? lambda + 2 * mu : lambda;
    iso.C[3 + i][3 + i] = mu;
  }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) d += PetscSqr(e->C[i][j] - iso.C[i][j]), n += PetscSqr(e->C[i][j]);
  return n > 0 ? PetscSqrtReal(d / n) : 0;
}

void TkElasticRotate(const TkElastic *in, const PetscReal R[3][3], TkElastic *out)
{
  PetscReal A[81], B[81];

  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) A[27 * i + 9 * j + 3 * k + l] = TkElasticTensor(in, i, j, k, l);
  /* one index at a time: 4 x 243 products instead of 6561 */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
          PetscReal s = 0;
          for (int a = 0; a < 3; a++) s += R[i][a] * A[27 * a + 9 * j + 3 * k + l];
          B[27 * i + 9 * j + 3 * k + l] = s;
        }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
          PetscReal s = 0;
          for (int a = 0; a < 3; a++) s += R[j][a] * B[27 * i + 9 * a + 3 * k + l];
          A[27 * i + 9 * j + 3 * k + l] = s;
        }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
          PetscReal s = 0;
          for (int a = 0; a < 3; a++) s += R[k][a] * A[27 * i + 9 * j + 3 * a + l];
          B[27 * i + 9 * j + 3 * k + l] = s;
        }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
          PetscReal s = 0;
          for (int a = 0; a < 3; a++) s += R[l][a] * B[27 * i + 9 * j + 3 * k + a];
          A[27 * i + 9 * j + 3 * k + l] = s;
        }
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++)
      for (int k = 0; k < 3; k++)
        for (int l = k; l < 3; l++) out->C[Voigt(i, j)][Voigt(k, l)] = A[27 * i + 9 * j + 3 * k + l];
}

void TkElasticStress(const TkElastic *e, const PetscReal g[3][3], PetscReal s[3][3])
{
  PetscReal eps[6], sv[6];

  /* engineering shear strains */
  for (int i = 0; i < 3; i++) eps[i] = g[i][i];
  eps[3] = g[1][2] + g[2][1];
  eps[4] = g[0][2] + g[2][0];
  eps[5] = g[0][1] + g[1][0];
  for (int a = 0; a < 6; a++) {
    sv[a] = 0;
    for (int b = 0; b < 6; b++) sv[a] += e->C[a][b] * eps[b];
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) s[i][j] = sv[Voigt(i, j)];
}
