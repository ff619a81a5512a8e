/* The 3D TT march through a real-valued object, and its exact discrete adjoint (docs/reconstruct.md, "Adjoint").

   Same scheme as tt3d.c (exponential trapezoid along the characteristics, a 2x2 solve per node), with the shape
   function S in {0, 1} replaced by a density rho in [0, 1]: chi0 -> rho chi0 and chih -> rho chih. The diagonal
   terms take rho averaged along each step, sigma0 = (rhoA + rhoB)/2 and sigmah = (rhoA + rhoC)/2, so the step
   coefficients are phi functions of z0 = i c0 sigma0 ds and zh = i (beta + c0 sigmah) ds. For rho in {0, 1} this is
   the march of tt3d.c to round-off.

   Adjoint convention: for a real objective J and a complex quantity z, g_z = dJ/dRe z + i dJ/dIm z, so that
   dJ = Re(conj(g_z) dz). A complex-linear step y = c x sends g_x += conj(c) g_y; a real parameter p entering
   through c gives dJ/dp += Re(conj(g_y) (dc/dp) x). The reverse sweep runs the planes from the last to the first,
   node by node, through exactly the operations of the forward march. */
#include "tt3d_impl.h"

/* phi0 = e^z, phi1 = (e^z - 1)/z, phi2 = (e^z - 1 - z)/z^2 and, with derivatives, phi1' = phi1 - phi2 and
   phi2' = phi2 - 2 phi3. Taylor series for |z| < 0.2, with as many terms as keep the truncation below 1e-16
   (6 for |z| < 0.01, as for the D0 steps near the Bragg peak; 14 near 0.2), closed forms beyond. */
typedef struct {
  double complex e, p1, p2, d1, d2;
} TkPhi;

static void PhiEval(double complex z, PetscBool deriv, TkPhi *f)
{
  const double a = cabs(z);
  f->d1 = f->d2 = 0;
  if (a < 0.2) {
    /* Horner on 1/(k+1)!, 1/(k+2)!, 1/(k+3)! */
    static double  c[18];
    static int     init = 0;
    const int      K    = a < 0.01 ? 6 : a < 0.05 ? 9 : 14;
    double complex s1 = 0, s2 = 0, s3 = 0;
    if (!init) {
      c[0] = 1;
      for (int k = 1; k < 18; k++) c[k] = c[k - 1] / k;
      init = 1;
    }
    if (deriv)
      for (int k = K; k >= 0; k--) {
        s1 = s1 * z + c[k + 1];
        s2 = s2 * z + c[k + 2];
        s3 = s3 * z + c[k + 3];
      }
    else
      for (int k = K; k >= 0; k--) {
        s1 = s1 * z + c[k + 1];
        s2 = s2 * z + c[k + 2];
      }
    f->e  = 1 + z * s1;
    f->p1 = s1;
    f->p2 = s2;
    if (deriv) f->d1 = s1 - s2, f->d2 = s2 - 2 * s3;
  } else {
    f->e  = cexp(z);
    f->p1 = (f->e - 1) / z;
    f->p2 = (f->p1 - 1) / z;
    if (deriv) {
      const double complex p3 = (f->p2 - 0.5) / z;
      f->d1                   = f->p1 - f->p2;
      f->d2                   = f->p2 - 2 * p3;
    }
  }
}

/* Step coefficients y(A) = e y(upstream) + q g(upstream) + p g(A) and their derivatives by z (times ds) */
typedef struct {
  double complex e, p, q, de, dp, dq;
} TkStep;

static void StepEval(double complex z, PetscReal ds, PetscBool deriv, TkStep *s)
{
  TkPhi f;
  PhiEval(z, deriv, &f);
  s->e = f.e;
  s->p = ds * f.p2;
  s->q = ds * (f.p1 - f.p2);
  if (deriv) {
    s->de = f.e;
    s->dp = ds * f.d2;
    s->dq = ds * (f.d1 - f.d2);
  }
}

/* Per angle, the coefficients of one step as functions of the averaged density sigma in [0, 1]: exact at sigma = 0
   and 1 (vacuum and full crystal, as tt3d.c), in between from Chebyshev interpolants of phi1 and phi2 in sigma:
   e = 1 + z phi1, p = ds phi2, q = ds (phi1 - phi2). z = z(0) + sigma w with |w| = |c0| ds small (a few 1e-2), so
   the Chebyshev coefficients fall like (|w|/4)^n / n!: a handful reach round-off, and two short Clenshaw sums replace
   a phi evaluation (cabs, cexp, complex divisions) per node. The adjoint differentiates the same interpolants, so it
   stays the exact adjoint of what the forward march computed. Where the series do not reach round-off by
   TK_CHEB_MAX terms (|w| of order 1), the phi functions are evaluated per node. */
#define TK_CHEB_MAX 16
typedef struct {
  TkStep         end[2];            /* sigma = 0 and 1, exact */
  PetscBool      cheb;              /* interpolants in use */
  int            n;                 /* number of Chebyshev terms kept */
  double complex c[2][TK_CHEB_MAX]; /* phi1, phi2: f(sigma) = sum_k c_k T_k(2 sigma - 1) */
  double complex d[2][TK_CHEB_MAX]; /* their sigma-derivatives, the same form */
  double complex z0, w;             /* z(sigma) = z0 + sigma w */
} TkStepTable;

static void StepTableSetUp(double complex z0, double complex w, PetscReal ds, TkStepTable *t)
{
  const int     N = TK_CHEB_MAX;
  static double cosjk[TK_CHEB_MAX][TK_CHEB_MAX];
  static int    init    = 0;
  double        tail[2] = {0, 0}, scale[2] = {0, 0};

  if (!init) {
    for (int j = 0; j < N; j++)
      for (int k = 0; k < N; k++) cosjk[j][k] = cos(PETSC_PI * j * (k + 0.5) / N);
    init = 1;
  }
  t->z0 = z0, t->w = w;
  StepEval(z0, ds, PETSC_TRUE, &t->end[0]);
  StepEval(z0 + w, ds, PETSC_TRUE, &t->end[1]);
  /* Chebyshev coefficients from the values at the N Chebyshev points of the first kind, less the value at sigma = 1/2
     (the variation is of order |w|: its round-off, and so the derivative's, stays relative to |w|) */
  double complex v[2][TK_CHEB_MAX], mid[2];
  TkPhi          f;
  PhiEval(z0 + 0.5 * w, PETSC_FALSE, &f);
  mid[0] = f.p1, mid[1] = f.p2;
  for (int k = 0; k < N; k++) {
    PhiEval(z0 + 0.5 * (1 + cosjk[1][k]) * w, PETSC_FALSE, &f);
    v[0][k] = f.p1 - mid[0], v[1][k] = f.p2 - mid[1];
  }
  for (int m = 0; m < 2; m++)
    for (int j = 0; j < N; j++) {
      double complex a = 0;
      for (int k = 0; k < N; k++) a += v[m][k] * cosjk[j][k];
      t->c[m][j] = (j ? 2.0 : 1.0) / N * a + (j ? 0 : mid[m]);
      scale[m]   = PetscMax(scale[m], cabs(t->c[m][j]));
    }
  /* keep the terms above 2e-15 of the largest: the computed coefficients level off at their round-off once the true
     ones are smaller, so a tail of at least 4 such terms shows that the series has converged. The sigma-derivative is
     that of this interpolant (what the adjoint needs); it differs from the phi functions' own by their round-off
     amplified by the degree squared, ~1e-12 relative */
  t->n = N;
  for (;;) {
    PetscBool small = PETSC_TRUE;
    for (int m = 0; m < 2; m++) {
      tail[m] = PetscMax(tail[m], cabs(t->c[m][t->n - 1]));
      small   = (PetscBool)(small && tail[m] <= 2e-15 * scale[m]);
    }
    if (!small || t->n == 2) break;
    t->n--;
  }
  t->cheb = (PetscBool)(t->n <= N - 4);
  /* d/dsigma = 2 d/dx: d_{j-1} = d_{j+1} + 2 j c_j (first coefficient halved) */
  for (int m = 0; m < 2; m++) {
    double complex dp1 = 0, dp2 = 0;
    for (int j = t->n - 1; j >= 1; j--) {
      const double complex dj = dp2 + 2.0 * j * t->c[m][j];
      t->d[m][j - 1]          = 2 * dj;
      dp2 = dp1, dp1 = dj;
    }
    t->d[m][0] *= 0.5;
  }
}

/* sum_k c_k T_k(x) for two coefficient series at once (Clenshaw) */
static inline void Clenshaw2(int n, const double complex c[2][TK_CHEB_MAX], PetscReal x, double complex *f0, double complex *f1)
{
  double complex a0 = 0, a1 = 0, b0 = 0, b1 = 0;
  const double   x2 = 2 * x;
  for (int k = n - 1; k >= 1; k--) {
    const double complex t0 = c[0][k] + x2 * a0 - b0, t1 = c[1][k] + x2 * a1 - b1;
    b0 = a0, b1 = a1;
    a0 = t0, a1 = t1;
  }
  *f0 = c[0][0] + x * a0 - b0, *f1 = c[1][0] + x * a1 - b1;
}

/* the step at density sigma; with deriv, de/dp/dq are derivatives by sigma */
static inline void StepAt(const TkStepTable *t, PetscReal ds, PetscReal sigma, PetscBool deriv, TkStep *s)
{
  if (sigma == 0 || sigma == 1) {
    *s = t->end[sigma == 1];
    if (deriv) s->de *= t->w, s->dp *= t->w, s->dq *= t->w;
  } else if (t->cheb) {
    const PetscReal      x = 2 * sigma - 1;
    const double complex z = t->z0 + sigma * t->w;
    double complex       f1, f2;
    Clenshaw2(t->n, t->c, x, &f1, &f2);
    s->e = 1 + z * f1, s->p = ds * f2, s->q = ds * (f1 - f2);
    if (deriv) {
      double complex g1, g2;
      Clenshaw2(t->n - 1 > 0 ? t->n - 1 : 1, t->d, x, &g1, &g2);
      s->de = t->w * f1 + z * g1, s->dp = ds * g2, s->dq = ds * (g1 - g2);
    }
  } else {
    StepEval(t->z0 + sigma * t->w, ds, deriv, s);
    if (deriv) s->de *= t->w, s->dp *= t->w, s->dq *= t->w;
  }
}

/* the two steps of a slice at one angle: D0 along s0 (z = i c0 sigma ds) and Dh along sh (z = i (beta + c0 sigma) ds) */
typedef struct {
  TkStepTable s0, sh;
} TkStepCache;

static void CacheSetUp(TkStepCache *c, double complex c0, PetscReal beta, PetscReal ds)
{
  StepTableSetUp(0, I * c0 * ds, ds, &c->s0);
  StepTableSetUp(I * beta * ds, I * c0 * ds, ds, &c->sh);
}

/* the tables of the last angle: the slices of one angle are marched one after the other */
static PetscErrorCode StepCacheGet(TkTT3D tt, PetscReal beta, PetscReal ds, const TkStepCache **c)
{
  PetscFunctionBegin;
  if (!tt->steps) PetscCall(PetscNew((TkStepCache **)&tt->steps));
  if (!tt->steps_valid || tt->steps_beta != beta) {
    CacheSetUp((TkStepCache *)tt->steps, tt->c0, beta, ds);
    tt->steps_beta = beta, tt->steps_valid = PETSC_TRUE;
  }
  *c = (const TkStepCache *)tt->steps;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DStepTableEvaluate(double complex c0, PetscReal beta, PetscReal ds, PetscInt ns, const PetscReal *sigma, double complex *out, PetscInt nterms[2])
{
  TkStepCache c;

  PetscFunctionBegin;
  CacheSetUp(&c, c0, beta, ds);
  for (int h = 0; h < 2; h++) {
    const TkStepTable *t = h ? &c.sh : &c.s0;
    nterms[h]            = t->cheb ? t->n : -1;
    for (PetscInt k = 0; k < ns; k++) {
      TkStep          st;
      double complex *o = out + 12 * k + 6 * h;
      StepAt(t, ds, sigma[k], PETSC_TRUE, &st);
      o[0] = st.e, o[1] = st.p, o[2] = st.q, o[3] = st.de, o[4] = st.dp, o[5] = st.dq;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DSetObjectFields(TkTT3D tt, const PetscReal *rho, const PetscReal *phi)
{
  const TkTT3DGrid *g = &tt->g;
  const size_t      n = (size_t)g->nlt * g->Nm * g->Nn;

  PetscFunctionBegin;
  if (!tt->rho) PetscCall(PetscMalloc2(n, &tt->rho, n, &tt->Ef));
  for (PetscInt l = 0; l < g->nlt; l++)
    for (PetscInt i = 0; i < g->Nm; i++)
      for (PetscInt j = 0; j < g->Nn; j++) {
        const size_t q = ((size_t)l * g->Nm + i) * g->Nn + j;
        PetscCheck(rho[q] == 0 || (i > 0 && j > 0 && i < g->Nm - 1 && j < g->Nn - 1 && g->lt0 + l > 0 && g->lt0 + l < g->Nt - 1), tt->comm, PETSC_ERR_ARG_OUTOFRANGE, "the density is non-zero on a face of the TT box");
        tt->rho[q] = rho[q];
        tt->Ef[q]  = cos(phi[q]) - I * sin(phi[q]);
      }
  PetscFunctionReturn(0);
}

/* exit phase referred to the common plane, as in tt3d.c */
static inline double complex ExitPhase(const TkTT3DGrid *g, PetscReal th, PetscReal beta, PetscReal sref, PetscInt i, PetscInt j)
{
  const PetscReal s = i * g->dm * PetscCosReal(th) + j * g->dn * PetscSinReal(th);
  return cexp(I * beta * (sref - s));
}

PetscErrorCode TkTT3DMarchSliceFields(TkTT3D tt, PetscReal beta, PetscInt l, double complex *dh_exit, double complex *planes)
{
  const TkTT3DGrid     *g  = &tt->g;
  const PetscInt        Nm = g->Nm, Nn = g->Nn;
  const PetscReal       th = tt->frame->thetaB, ds = g->dm / PetscCosReal(th);
  const double complex  ch = tt->ch, chb = tt->chb;
  const PetscReal      *rho  = tt->rho + (size_t)l * Nm * Nn;
  const double complex *E    = tt->Ef + (size_t)l * Nm * Nn;
  const PetscReal       sref = (Nm - 1) * g->dm * PetscCosReal(th) + (Nn - 1) * g->dn * PetscSinReal(th);
  double complex       *D0p, *Dhp, *G0p, *Ghp, *D0c, *Dhc, *G0c, *Ghc;
  const TkStepCache    *cache;

  PetscFunctionBegin;
  PetscCheck(tt->rho, tt->comm, PETSC_ERR_ARG_WRONGSTATE, "call TkTT3DSetObjectFields() first");
  if (!tt->work) PetscCall(PetscMalloc1(8 * (Nn + 2), &tt->work));
  D0p = tt->work, Dhp = D0p + Nn + 2, G0p = Dhp + Nn + 2, Ghp = G0p + Nn + 2;
  D0c = Ghp + Nn + 2, Dhc = D0c + Nn + 2, G0c = Dhc + Nn + 2, Ghc = G0c + Nn + 2;
  PetscCall(StepCacheGet(tt, beta, ds, &cache));
  for (PetscInt j = 0; j < Nn; j++) D0p[j] = 1, Dhp[j] = G0p[j] = Ghp[j] = 0;
  if (planes)
    for (PetscInt j = 0; j < Nn; j++) planes[j] = 1, planes[(size_t)Nm * Nn + j] = 0;
  for (PetscInt i = 1; i < Nm; i++) {
    const PetscReal      *ri = rho + (size_t)i * Nn, *rim = rho + (size_t)(i - 1) * Nn;
    const double complex *Ei = E + (size_t)i * Nn;
    for (PetscInt j = 0; j < Nn; j++) {
      const PetscReal      rA = ri[j], rB = j + 1 < Nn ? rim[j + 1] : 0, rC = j > 0 ? rim[j - 1] : 0;
      const double complex D0B = j + 1 < Nn ? D0p[j + 1] : 1, G0B = j + 1 < Nn ? G0p[j + 1] : 0;
      const double complex DhC = j > 0 ? Dhp[j - 1] : 0, GhC = j > 0 ? Ghp[j - 1] : 0;
      TkStep               s0, sh;
      StepAt(&cache->s0, ds, 0.5 * (rA + rB), PETSC_FALSE, &s0);
      StepAt(&cache->sh, ds, 0.5 * (rA + rC), PETSC_FALSE, &sh);
      const double complex r0 = s0.e * D0B + s0.q * G0B, rh = sh.e * DhC + sh.q * GhC;
      if (rA != 0) {
        const double complex ca = I * chb * rA * conj(Ei[j]), cb = I * ch * rA * Ei[j], a = s0.p * ca, b = sh.p * cb;
        const double complex d0 = (r0 + a * rh) / (1 - a * b), dh = rh + b * d0;
        D0c[j] = d0, Dhc[j] = dh, G0c[j] = ca * dh, Ghc[j] = cb * d0;
      } else
        D0c[j] = r0, Dhc[j] = rh, G0c[j] = Ghc[j] = 0;
    }
    if (planes)
      for (PetscInt j = 0; j < Nn; j++) planes[(size_t)i * Nn + j] = D0c[j], planes[((size_t)Nm + i) * Nn + j] = Dhc[j];
    if (dh_exit) {
      if (i < Nm - 1)
        dh_exit[Nn - 1 - i + Nm - 1] = Dhc[Nn - 1] * ExitPhase(g, th, beta, sref, i, Nn - 1);
      else
        for (PetscInt j = 0; j < Nn; j++) dh_exit[j - i + Nm - 1] = Dhc[j] * ExitPhase(g, th, beta, sref, i, j);
    }
    double complex *tmp;
    tmp = D0p, D0p = D0c, D0c = tmp;
    tmp = Dhp, Dhp = Dhc, Dhc = tmp;
    tmp = G0p, G0p = G0c, G0c = tmp;
    tmp = Ghp, Ghp = Ghc, Ghc = tmp;
  }
  if (dh_exit) dh_exit[g->Np - 1] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DAdjointSliceFields(TkTT3D tt, PetscReal beta, PetscInt l, const double complex *g_exit, const double complex *planes, PetscReal *g_rho, PetscReal *g_phi)
{
  const TkTT3DGrid     *g  = &tt->g;
  const PetscInt        Nm = g->Nm, Nn = g->Nn;
  const PetscReal       th = tt->frame->thetaB, ds = g->dm / PetscCosReal(th);
  const double complex  ch = tt->ch, chb = tt->chb;
  const size_t          off = (size_t)l * Nm * Nn;
  const PetscReal      *rho = tt->rho + off;
  const double complex *E = tt->Ef + off, *D0s = planes, *Dhs = planes + (size_t)Nm * Nn;
  PetscReal            *gr = g_rho + off, *gp = g_phi + off;
  const PetscReal       sref = (Nm - 1) * g->dm * PetscCosReal(th) + (Nn - 1) * g->dn * PetscSinReal(th);
  double complex       *acc, *cD0, *cDh, *cG0, *cGh, *pD0, *pDh, *pG0, *pGh;
  const TkStepCache    *cache;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(8 * (size_t)Nn, &acc));
  cD0 = acc, cDh = cD0 + Nn, cG0 = cDh + Nn, cGh = cG0 + Nn;
  pD0 = cGh + Nn, pDh = pD0 + Nn, pG0 = pDh + Nn, pGh = pG0 + Nn;
  PetscCall(StepCacheGet(tt, beta, ds, &cache));
  const double complex de0 = cache->s0.end[0].de * cache->s0.w, deh = cache->sh.end[0].de * cache->sh.w; /* sigma = 0 */
  for (PetscInt i = Nm - 1; i >= 1; i--) {
    const PetscReal      *ri = rho + (size_t)i * Nn, *rim = rho + (size_t)(i - 1) * Nn;
    const double complex *Ei = E + (size_t)i * Nn, *Eim = E + (size_t)(i - 1) * Nn;
    const double complex *D0i = D0s + (size_t)i * Nn, *Dhi = Dhs + (size_t)i * Nn, *D0m = D0s + (size_t)(i - 1) * Nn, *Dhm = Dhs + (size_t)(i - 1) * Nn;
    /* the exit samples of this plane */
    if (i < Nm - 1)
      cDh[Nn - 1] += conj(ExitPhase(g, th, beta, sref, i, Nn - 1)) * g_exit[Nn - 1 - i + Nm - 1];
    else
      for (PetscInt j = 0; j < Nn; j++) cDh[j] += conj(ExitPhase(g, th, beta, sref, i, j)) * g_exit[j - i + Nm - 1];
    for (PetscInt j = 0; j < Nn; j++) {
      const PetscReal rA = ri[j], rB = j + 1 < Nn ? rim[j + 1] : 0, rC = j > 0 ? rim[j - 1] : 0;
      /* upstream values as the forward march saw them (plane 0 is the incident vacuum state) */
      const PetscBool      first = (PetscBool)(i == 1);
      const double complex D0B = j + 1 < Nn ? D0m[j + 1] : 1, DhC = j > 0 ? Dhm[j - 1] : 0;
      const double complex G0B = (j + 1 < Nn && !first && rB != 0) ? I * chb * rB * conj(Eim[j + 1]) * Dhm[j + 1] : 0;
      const double complex GhC = (j > 0 && !first && rC != 0) ? I * ch * rC * Eim[j - 1] * D0m[j - 1] : 0;
      if (rA == 0 && rB == 0 && rC == 0) {
        /* a vacuum node (about half of the TT box around a compact crystal): the operations below with ca = cb = a =
           b = 0, G0B = GhC = 0 and sigma = 0 dropped; only the density gradient is left */
        const TkStep        *v0 = &cache->s0.end[0], *vh = &cache->sh.end[0];
        const double complex g0 = cD0[j], gh = cDh[j], D0A = D0i[j], rh = vh->e * DhC;
        const double complex g_ca = cG0[j] * conj(Dhi[j]) + g0 * conj(rh) * conj(v0->p), g_cb = (cGh[j] + gh * conj(vh->p)) * conj(D0A);
        gr[(size_t)i * Nn + j] += creal(conj(g_ca) * I * chb * conj(Ei[j]) + conj(g_cb) * I * ch * Ei[j]);
        if (j + 1 < Nn) pD0[j + 1] += conj(v0->e) * g0, pG0[j + 1] += conj(v0->q) * g0;
        if (j > 0) pDh[j - 1] += conj(vh->e) * gh, pGh[j - 1] += conj(vh->q) * gh;
        const PetscReal gs0 = creal(conj(g0 * conj(D0B)) * de0), gsh = creal(conj(gh * conj(DhC)) * deh);
        gr[(size_t)i * Nn + j] += 0.5 * (gs0 + gsh);
        if (j + 1 < Nn) gr[(size_t)(i - 1) * Nn + j + 1] += 0.5 * gs0;
        if (j > 0) gr[(size_t)(i - 1) * Nn + j - 1] += 0.5 * gsh;
        continue;
      }
      TkStep s0, sh;
      StepAt(&cache->s0, ds, 0.5 * (rA + rB), PETSC_TRUE, &s0);
      StepAt(&cache->sh, ds, 0.5 * (rA + rC), PETSC_TRUE, &sh);
      const double complex rh  = sh.e * DhC + sh.q * GhC;
      const double complex D0A = D0i[j], DhA = Dhi[j];
      const double complex ca = I * chb * rA * conj(Ei[j]), cb = I * ch * rA * Ei[j], a = s0.p * ca, b = sh.p * cb, den = 1 - a * b;
      double complex       g0 = cD0[j], gh = cDh[j];
      const double complex gg0 = cG0[j], ggh = cGh[j];
      double complex       g_ca, g_cb, g_rh, g_r0, g_a, g_b, g_den, t;
      /* G0A = ca DhA, GhA = cb D0A */
      gh += conj(ca) * gg0;
      g0 += conj(cb) * ggh;
      g_ca = gg0 * conj(DhA);
      g_cb = ggh * conj(D0A);
      /* DhA = rh + b D0A */
      g_rh = gh;
      g0 += conj(b) * gh;
      g_b = gh * conj(D0A);
      /* D0A = (r0 + a rh) / den, den = 1 - a b */
      t    = g0 / conj(den);
      g_r0 = t;
      g_rh += conj(a) * t;
      g_a   = t * conj(rh);
      g_den = -t * conj(D0A);
      g_a += -g_den * conj(b);
      g_b += -g_den * conj(a);
      /* a = p0 ca, b = ph cb */
      const double complex g_p0 = g_a * conj(ca), g_ph = g_b * conj(cb);
      g_ca += g_a * conj(s0.p);
      g_cb += g_b * conj(sh.p);
      /* ca = i chb rho conj(E), cb = i ch rho E, E = e^{-i phi}: d/drho and d/dphi */
      gr[(size_t)i * Nn + j] += creal(conj(g_ca) * I * chb * conj(Ei[j]) + conj(g_cb) * I * ch * Ei[j]);
      gp[(size_t)i * Nn + j] += creal(conj(g_ca) * I * ca - conj(g_cb) * I * cb);
      /* r0 = e0 D0B + q0 G0B, rh = eh DhC + qh GhC */
      if (j + 1 < Nn) pD0[j + 1] += conj(s0.e) * g_r0, pG0[j + 1] += conj(s0.q) * g_r0;
      if (j > 0) pDh[j - 1] += conj(sh.e) * g_rh, pGh[j - 1] += conj(sh.q) * g_rh;
      /* the step coefficients depend on the averaged densities */
      const double complex g_e0 = g_r0 * conj(D0B), g_q0 = g_r0 * conj(G0B), g_eh = g_rh * conj(DhC), g_qh = g_rh * conj(GhC);
      const PetscReal      gs0 = creal(conj(g_e0) * s0.de + conj(g_p0) * s0.dp + conj(g_q0) * s0.dq);
      const PetscReal      gsh = creal(conj(g_eh) * sh.de + conj(g_ph) * sh.dp + conj(g_qh) * sh.dq);
      gr[(size_t)i * Nn + j] += 0.5 * (gs0 + gsh);
      if (j + 1 < Nn) gr[(size_t)(i - 1) * Nn + j + 1] += 0.5 * gs0;
      if (j > 0) gr[(size_t)(i - 1) * Nn + j - 1] += 0.5 * gsh;
    }
    /* plane i - 1's G values (zero on the vacuum plane 0 in the forward march) pass their adjoints on through their
       own nodes; plane 0's state is fixed */
    for (PetscInt j = 0; j < Nn; j++) {
      cD0[j] = pD0[j], cDh[j] = pDh[j], cG0[j] = pG0[j], cGh[j] = pGh[j];
      pD0[j] = pDh[j] = pG0[j] = pGh[j] = 0;
    }
  }
  PetscCall(PetscFree(acc));
  PetscFunctionReturn(0);
}
