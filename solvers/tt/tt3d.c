/* 3D Takagi-Taupin march (docs/theory.md, "3D solver").

   Along the characteristics s0 and sh, in the phase-factor form with the shape function S,
     dD0/ds0 = i c0 S D0 + i cbar S e^{+i phi} Dh,        dDh/dsh = i (beta + c0 S) Dh + i c S e^{-i phi} D0,
   c0 = k chi0/2, c = k C chi_h/2, cbar = k C chi_hbar/2, phi = h.u. Node A = (i, j) takes D0 from B = (i-1, j+1)
   and Dh from C = (i-1, j-1), both one path step ds = dm / cos(thetaB) upstream. The diagonal terms are
   integrated exactly and the coupling by the exponential trapezoidal rule,
     y(A) = e^{L} y(B) + ds [(phi1(L) - phi2(L)) g(B) + phi2(L) g(A)],
   implicit in g(A), which couples D0(A) and Dh(A): a 2x2 solve per node in closed form. Second order in ds,
   exact for a perfect crystal's diagonal phases at any rocking angle. The box is marched plane by plane in m:
   no iteration, for Bragg and Laue alike, whatever the shape. */
#include "tt3d_impl.h"

PetscErrorCode TkTT3DCreate(MPI_Comm comm, TkTT3D *tt)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(tt));
  (*tt)->comm       = comm;
  (*tt)->C          = 1;
  (*tt)->chi0_scale = 1;
  PetscFunctionReturn(0);
}

/* Box: the crystal's bounding sphere plus two nodes of vacuum on every side; slices split over the ranks. */
PetscErrorCode TkTT3DSetGrid(TkTT3D tt, const TkBraggFrame *f, PetscReal dm, PetscReal dt, PetscReal radius)
{
  const PetscReal half[3] = {radius, radius, radius};

  PetscFunctionBegin;
  PetscCall(TkTT3DSetGridBox(tt, f, dm, dt, half));
  PetscFunctionReturn(0);
}

/* Box with half extents along m, n, t. */
PetscErrorCode TkTT3DSetGridBox(TkTT3D tt, const TkBraggFrame *f, PetscReal dm, PetscReal dt, const PetscReal half[3])
{
  PetscMPIInt size, rank;
  PetscInt    nlt = PETSC_DECIDE, lt0 = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(tt->comm, &size));
  PetscCallMPI(MPI_Comm_rank(tt->comm, &rank));
  tt->frame  = f;
  tt->g.dm   = dm;
  tt->g.dn   = dm * PetscTanReal(f->thetaB);
  tt->g.dt   = dt;
  tt->g.Nm   = 2 * (PetscInt)PetscCeilReal(half[0] / tt->g.dm) + 5;
  tt->g.Nn   = 2 * (PetscInt)PetscCeilReal(half[1] / tt->g.dn) + 5;
  tt->g.Nt   = 2 * (PetscInt)PetscCeilReal(half[2] / tt->g.dt) + 5;
  tt->g.m0   = -0.5 * (tt->g.Nm - 1) * tt->g.dm;
  tt->g.n0   = -0.5 * (tt->g.Nn - 1) * tt->g.dn;
  tt->g.t0   = -0.5 * (tt->g.Nt - 1) * tt->g.dt;
  tt->g.Np   = tt->g.Nm + tt->g.Nn - 1;
  tt->g.drho = dm * PetscSinReal(f->thetaB);
  PetscCall(PetscSplitOwnership(tt->comm, &nlt, &tt->g.Nt));
  PetscCallMPI(MPI_Exscan(&nlt, &lt0, 1, MPIU_INT, MPI_SUM, tt->comm));
  if (rank == 0) lt0 = 0;
  tt->g.lt0 = lt0;
  tt->g.nlt = nlt;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DSetCoupling(TkTT3D tt, const TkChi *chi, PetscReal C, PetscReal chi0_scale)
{
  PetscFunctionBegin;
  tt->chi         = *chi;
  tt->C           = C;
  tt->chi0_scale  = chi0_scale;
  tt->c0          = 0.5 * chi->k * chi->chi0 * chi0_scale;
  tt->steps_valid = PETSC_FALSE; /* the density tables of tt3d_fields.c depend on c0 */
  tt->ch          = 0.5 * chi->k * C * chi->chih;
  tt->chb         = 0.5 * chi->k * C * chi->chihbar;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DGetGrid(TkTT3D tt, TkTT3DGrid *g)
{
  PetscFunctionBegin;
  *g = tt->g;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DGetCrystalVoxels(TkTT3D tt, PetscInt *local, PetscInt *global)
{
  PetscFunctionBegin;
  if (local) *local = tt->nvox_local;
  if (global) PetscCallMPI(MPI_Allreduce(&tt->nvox_local, global, 1, MPIU_INT, MPI_SUM, tt->comm));
  PetscFunctionReturn(0);
}

/* Shape function and e^{-i h.u} on this rank's slices; the crystal must not touch the box faces. */
PetscErrorCode TkTT3DSetObject(TkTT3D tt, TkShape shape, TkDisplacement disp)
{
  const TkTT3DGrid   *g    = &tt->g;
  const TkBraggFrame *f    = tt->frame;
  const size_t        n    = (size_t)g->nlt * g->Nm * g->Nn;
  PetscInt            edge = 0;

  PetscFunctionBegin;
  PetscCall(PetscFree2(tt->S, tt->E));
  PetscCall(PetscFree(tt->work));
  PetscCall(PetscMalloc2(n, &tt->S, n, &tt->E));
  PetscCall(PetscMalloc1(8 * (g->Nn + 2), &tt->work));
  tt->nvox_local = 0;
  for (PetscInt l = 0; l < g->nlt; l++) {
    const PetscReal t = g->t0 + (g->lt0 + l) * g->dt;
    for (PetscInt i = 0; i < g->Nm; i++) {
      const PetscReal m = g->m0 + i * g->dm;
      for (PetscInt j = 0; j < g->Nn; j++) {
        const PetscReal nn = g->n0 + j * g->dn;
        const size_t    q  = ((size_t)l * g->Nm + i) * g->Nn + j;
        PetscReal       r[3];
        for (int a = 0; a < 3; a++) r[a] = m * f->m[a] + nn * f->n[a] + t * f->t[a];
        tt->S[q] = (unsigned char)TkShapeInside(shape, r);
        if (tt->S[q]) {
          const PetscReal phi = disp ? TkDisplacementPhase(disp, r) : 0;
          tt->E[q]            = (float complex)(cos(phi) - I * sin(phi));
          tt->nvox_local++;
          if (i == 0 || j == 0 || i == g->Nm - 1 || j == g->Nn - 1 || g->lt0 + l == 0 || g->lt0 + l == g->Nt - 1) edge++;
        } else
          tt->E[q] = 0;
      }
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &edge, 1, MPIU_INT, MPI_SUM, tt->comm));
  PetscCheck(!edge, tt->comm, PETSC_ERR_USER_INPUT, "the crystal touches the faces of the simulation box at %" PetscInt_FMT " voxels; its shape is larger than its stated size (check -size_nm and -facets)", edge);
  PetscFunctionReturn(0);
}

/* phi1(z) = (e^z - 1)/z, phi2(z) = (e^z - 1 - z)/z^2, by series near 0 */
static void PhiFunctions(double complex z, double complex *ez, double complex *p1, double complex *p2)
{
  *ez = cexp(z);
  if (cabs(z) < 1e-3) {
    *p1 = 1 + z / 2 + z * z / 6 + z * z * z / 24;
    *p2 = 0.5 + z / 6 + z * z / 24 + z * z * z / 120;
  } else {
    *p1 = (*ez - 1) / z;
    *p2 = (*ez - 1 - z) / (z * z);
  }
}

PetscErrorCode TkTT3DMarchSlice(TkTT3D tt, PetscReal beta, PetscBool kinematic, PetscInt l, double complex *dh_exit, PetscReal *d0_exit2)
{
  const TkTT3DGrid    *g  = &tt->g;
  const PetscInt       Nm = g->Nm, Nn = g->Nn;
  const PetscReal      th = tt->frame->thetaB, ds = g->dm / PetscCosReal(th);
  const double complex c0 = kinematic ? 0 : tt->c0, ch = tt->ch, chb = tt->chb;
  double complex       e0[3], p0[3], q0[3], eh[3], ph[3], qh[3], inv_den[3][3];
  double complex      *D0p = tt->work, *Dhp = D0p + Nn + 2, *G0p = Dhp + Nn + 2, *Ghp = G0p + Nn + 2;
  double complex      *D0c = Ghp + Nn + 2, *Dhc = D0c + Nn + 2, *G0c = Dhc + Nn + 2, *Ghc = G0c + Nn + 2;
  const unsigned char *S    = tt->S + (size_t)l * Nm * Nn;
  const float complex *E    = tt->E + (size_t)l * Nm * Nn;
  const PetscReal      sref = (Nm - 1) * g->dm * PetscCosReal(th) + (Nn - 1) * g->dn * PetscSinReal(th);

  PetscFunctionBegin;
  /* coefficients by the number of crystal nodes (0, 1, 2) at the ends of a step: S averaged along the step */
  for (int s = 0; s < 3; s++) {
    double complex e, a, b;
    PhiFunctions(I * c0 * (0.5 * s) * ds, &e, &a, &b);
    e0[s] = e, p0[s] = ds * b, q0[s] = ds * (a - b);
    PhiFunctions(I * (beta + c0 * (0.5 * s)) * ds, &e, &a, &b);
    eh[s] = e, ph[s] = ds * b, qh[s] = ds * (a - b);
  }
  for (int s = 1; s < 3; s++)
    for (int r = 1; r < 3; r++) inv_den[s][r] = kinematic ? 1 : 1 / (1 + p0[s] * ph[r] * chb * ch);
  /* plane i = 0: vacuum, incident wave */
  for (PetscInt j = 0; j < Nn; j++) D0p[j] = 1, Dhp[j] = G0p[j] = Ghp[j] = 0;
  for (PetscInt i = 1; i < Nm; i++) {
    const unsigned char *Si = S + (size_t)i * Nn, *Sim = S + (size_t)(i - 1) * Nn;
    const float complex *Ei = E + (size_t)i * Nn;
    for (PetscInt j = 0; j < Nn; j++) {
      const int            sA = Si[j], sB = j + 1 < Nn ? Sim[j + 1] : 0, sC = j > 0 ? Sim[j - 1] : 0;
      const double complex D0B = j + 1 < Nn ? D0p[j + 1] : 1, G0B = j + 1 < Nn ? G0p[j + 1] : 0;
      const double complex DhC = j > 0 ? Dhp[j - 1] : 0, GhC = j > 0 ? Ghp[j - 1] : 0;
      const double complex rh = eh[sA + sC] * DhC + qh[sA + sC] * GhC;
      double complex       d0, dh;
      if (kinematic) {
        d0 = 1;
        dh = rh + (sA ? ph[sA + sC] * I * ch * (double complex)Ei[j] : 0);
      } else {
        const double complex r0 = e0[sA + sB] * D0B + q0[sA + sB] * G0B;
        if (sA) {
          const double complex ea = Ei[j], a = p0[sA + sB] * I * chb * conj(ea), b = ph[sA + sC] * I * ch * ea;
          d0 = (r0 + a * rh) * inv_den[sA + sB][sA + sC];
          dh = rh + b * d0;
        } else
          d0 = r0, dh = rh;
      }
      D0c[j] = d0;
      Dhc[j] = dh;
      if (sA) {
        const double complex ea = Ei[j];
        G0c[j]                  = I * chb * conj(ea) * dh;
        Ghc[j]                  = I * ch * ea * d0;
      } else
        G0c[j] = Ghc[j] = 0;
    }
    /* Dh leaves the box through the top face (j = Nn-1) or the last plane; D0 through the bottom or the last plane */
    if (dh_exit) {
      if (i < Nm - 1) {
        const PetscInt  j       = Nn - 1;
        const PetscReal s       = i * g->dm * PetscCosReal(th) + j * g->dn * PetscSinReal(th);
        dh_exit[j - i + Nm - 1] = Dhc[j] * cexp(I * beta * (sref - s));
      } else
        for (PetscInt j = 0; j < Nn; j++) {
          const PetscReal s       = i * g->dm * PetscCosReal(th) + j * g->dn * PetscSinReal(th);
          dh_exit[j - i + Nm - 1] = Dhc[j] * cexp(I * beta * (sref - s));
        }
    }
    if (d0_exit2) {
      if (i < Nm - 1)
        d0_exit2[i] = creal(D0c[0] * conj(D0c[0]));
      else
        for (PetscInt j = 0; j < Nn; j++) d0_exit2[i + j] = creal(D0c[j] * conj(D0c[j]));
    }
    double complex *tmp;
    tmp = D0p, D0p = D0c, D0c = tmp;
    tmp = Dhp, Dhp = Dhc, Dhc = tmp;
    tmp = G0p, G0p = G0c, G0c = tmp;
    tmp = Ghp, Ghp = Ghc, Ghc = tmp;
  }
  if (dh_exit) dh_exit[g->Np - 1] = 0; /* the characteristic through the corner node (0, Nn-1) lies in vacuum */
  if (d0_exit2) d0_exit2[0] = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DGetFrame(TkTT3D tt, const TkBraggFrame **f)
{
  PetscFunctionBegin;
  *f = tt->frame;
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DView(TkTT3D tt, PetscViewer v)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(TkTT3DGetCrystalVoxels(tt, NULL, &n));
  PetscCall(PetscViewerASCIIPrintf(v, "TT grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (m, n, t), steps %.3g x %.3g x %.3g nm, %" PetscInt_FMT " crystal voxels\n", tt->g.Nm, tt->g.Nn, tt->g.Nt, (double)(1e9 * tt->g.dm),
                                   (double)(1e9 * tt->g.dn), (double)(1e9 * tt->g.dt), n));
  PetscFunctionReturn(0);
}

PetscErrorCode TkTT3DDestroy(TkTT3D *tt)
{
  PetscFunctionBegin;
  if (!*tt) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*tt)->S, (*tt)->E));
  PetscCall(PetscFree((*tt)->work));
  PetscCall(PetscFree((*tt)->steps));
  PetscCall(PetscFree2((*tt)->rho, (*tt)->Ef));
  PetscCall(PetscFree(*tt));
  PetscFunctionReturn(0);
}
