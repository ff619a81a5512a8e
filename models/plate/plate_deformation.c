/* Displacement gradient of a laterally infinite plate (docs/theory.md, "Deformed plates").

   Coordinates: x along the surface in the scattering plane, z the depth along the inward normal, the entrance
   surface at z = 0. Two superposed fields:
   - a normal-strain profile eps_zz(z) from a table, u_z' = eps_zz(z), interpolated linearly between the table's
     depths (a repeated depth makes a step) and held constant beyond its ends;
   - pure bending of an isotropic plate about its mid-plane, curvatures 1/Rx (scattering plane) and 1/Ry:
       u_x = x zeta / Rx,  u_z = -x^2/(2 Rx) - y^2/(2 Ry) - nu/(2(1-nu)) (1/Rx + 1/Ry) zeta^2,   zeta = z - t/2,
     so a positive radius makes the entrance surface concave (centre of curvature on the beam side). */
#include "plate_deformation.h"
#include "csv_table.h"

struct _p_TkPlateDeformation {
  MPI_Comm   comm;
  PetscInt   n;              /* strain-profile samples */
  PetscReal *depth, *strain; /* m, dimensionless */
  PetscReal  inv_Rx, inv_Ry, poisson;
  PetscReal  thickness; /* m */
  char       profile_path[PETSC_MAX_PATH_LEN];
};

PetscErrorCode TkPlateDeformationCreate(MPI_Comm comm, TkPlateDeformation *pd)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(pd));
  (*pd)->comm    = comm;
  (*pd)->poisson = 0.22; /* Si, isotropic average */
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationSetStrainProfile(TkPlateDeformation pd, PetscInt n, const PetscReal depth[], const PetscReal strain[])
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(pd->depth, pd->strain));
  pd->n = n;
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(n, &pd->depth, n, &pd->strain));
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(PetscIsNormalReal(depth[i]) || depth[i] == 0, pd->comm, PETSC_ERR_USER_INPUT, "strain profile row %" PetscInt_FMT ": depth is not a finite number", i + 1);
    PetscCheck(PetscIsNormalReal(strain[i]) || strain[i] == 0, pd->comm, PETSC_ERR_USER_INPUT, "strain profile row %" PetscInt_FMT ": strain is not a finite number", i + 1);
    PetscCheck(depth[i] >= 0, pd->comm, PETSC_ERR_USER_INPUT, "strain profile row %" PetscInt_FMT ": depth %g um is negative; depths run from the entrance surface (0) into the crystal", i + 1, (double)(depth[i] * 1e6));
    PetscCheck(i == 0 || depth[i] >= depth[i - 1], pd->comm, PETSC_ERR_USER_INPUT, "strain profile row %" PetscInt_FMT ": depths must not decrease (%g um after %g um)", i + 1, (double)(depth[i] * 1e6), (double)(depth[i - 1] * 1e6));
    PetscCheck(PetscAbsReal(strain[i]) < 0.1, pd->comm, PETSC_ERR_USER_INPUT, "strain profile row %" PetscInt_FMT ": strain %g is beyond 10%%; give strain as a fraction, not in percent", i + 1, (double)strain[i]);
    pd->depth[i]  = depth[i];
    pd->strain[i] = strain[i];
  }
  PetscFunctionReturn(0);
}

/* Rank 0 reads the table and broadcasts it, so that a file visible to rank 0 only, or a read error, cannot leave
   the other ranks waiting. */
PetscErrorCode TkPlateDeformationLoadStrainProfile(TkPlateDeformation pd, const char path[])
{
  static const char *const cols[] = {"depth_um", "strain"};
  TkCsvTable               t      = {0, 0, NULL};
  PetscErrorCode           ierr   = 0;
  PetscMPIInt              rank;
  PetscInt                 n = 0;
  PetscReal               *z, *e, *buf;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(pd->comm, &rank));
  if (rank == 0) {
    ierr = TkCsvTableRead(PETSC_COMM_SELF, path, 2, cols, &t); /* its message is printed once, by rank 0 */
    n    = ierr ? -1 : t.nrows;
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, pd->comm));
  if (n < 0) PetscFunctionReturn(ierr ? ierr : PETSC_ERR_FILE_UNEXPECTED);
  PetscCall(PetscMalloc1(2 * n, &buf));
  if (rank == 0) PetscCall(PetscArraycpy(buf, t.values, 2 * n));
  PetscCallMPI(MPI_Bcast(buf, (PetscMPIInt)(2 * n), MPIU_REAL, 0, pd->comm));
  PetscCall(PetscMalloc2(n, &z, n, &e));
  for (PetscInt i = 0; i < n; i++) {
    z[i] = 1e-6 * buf[2 * i];
    e[i] = buf[2 * i + 1];
  }
  PetscCall(TkPlateDeformationSetStrainProfile(pd, n, z, e));
  PetscCall(PetscStrncpy(pd->profile_path, path, sizeof(pd->profile_path)));
  PetscCall(PetscFree2(z, e));
  PetscCall(PetscFree(buf));
  PetscCall(TkCsvTableDestroy(&t));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationSetBending(TkPlateDeformation pd, PetscReal Rx, PetscReal Ry, PetscReal poisson)
{
  PetscFunctionBegin;
  PetscCheck(poisson > -1 && poisson < 0.5, pd->comm, PETSC_ERR_USER_INPUT, "-poisson %g is outside the isotropic range (-1, 0.5)", (double)poisson);
  PetscCheck(!PetscIsNanReal(Rx) && !PetscIsNanReal(Ry), pd->comm, PETSC_ERR_USER_INPUT, "bending radius is not a number");
  /* 0 or infinite (including PETSC_INFINITY, which is finite) means flat */
  pd->inv_Rx  = (Rx == 0 || PetscAbsReal(Rx) >= PETSC_INFINITY) ? 0 : 1 / Rx;
  pd->inv_Ry  = (Ry == 0 || PetscAbsReal(Ry) >= PETSC_INFINITY) ? 0 : 1 / Ry;
  pd->poisson = poisson;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationSetThickness(TkPlateDeformation pd, PetscReal t)
{
  PetscFunctionBegin;
  pd->thickness = t;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationSetFromOptions(TkPlateDeformation pd)
{
  char      path[PETSC_MAX_PATH_LEN] = "";
  PetscBool set, setx, sety;
  PetscReal Rx = 0, Ry = 0, nu = pd->poisson; /* 0: flat */

  PetscFunctionBegin;
  PetscOptionsBegin(pd->comm, NULL, "Plate deformation", "TkPlateDeformation");
  PetscCall(PetscOptionsString("-strain_profile", "CSV file 'depth_um,strain': normal strain eps_zz against depth below the entrance surface (um)", "TkPlateDeformationLoadStrainProfile", path, path, sizeof(path), &set));
  if (set) PetscCall(TkPlateDeformationLoadStrainProfile(pd, path));
  PetscCall(PetscOptionsReal("-bend_radius_m", "Bending radius in the scattering plane (m); > 0: entrance surface concave [0: flat]", "TkPlateDeformationSetBending", Rx, &Rx, &setx));
  PetscCall(PetscOptionsReal("-bend_radius_y_m", "Bending radius across the scattering plane (m) [0: flat, i.e. cylindrical bending]", "TkPlateDeformationSetBending", Ry, &Ry, &sety));
  PetscCall(PetscOptionsReal("-poisson", "Isotropic Poisson ratio of the bent plate [0.22]", "TkPlateDeformationSetBending", nu, &nu, NULL));
  if (setx || sety) PetscCall(TkPlateDeformationSetBending(pd, Rx, Ry, nu));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationIsTrivial(TkPlateDeformation pd, PetscBool *trivial)
{
  PetscBool flat = PETSC_TRUE;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < pd->n; i++)
    if (pd->strain[i] != 0) flat = PETSC_FALSE;
  *trivial = (PetscBool)(flat && pd->inv_Rx == 0 && pd->inv_Ry == 0);
  PetscFunctionReturn(0);
}

/* Depths where the profile's slope jumps: the integrator puts a step boundary on each. */
PetscErrorCode TkPlateDeformationGetBreakpoints(TkPlateDeformation pd, PetscInt *n, const PetscReal **z)
{
  PetscFunctionBegin;
  *n = pd->n;
  *z = pd->depth;
  PetscFunctionReturn(0);
}

static PetscReal ProfileStrain(TkPlateDeformation pd, PetscReal z)
{
  PetscInt lo = 0, hi;

  if (!pd->n) return 0;
  if (z <= pd->depth[0]) return pd->strain[0];
  if (z >= pd->depth[pd->n - 1]) return pd->strain[pd->n - 1];
  hi = pd->n - 1;
  while (hi - lo > 1) { /* depth[lo] < z <= depth[hi]... bisection on a sorted table */
    PetscInt mid = (lo + hi) / 2;
    if (pd->depth[mid] < z)
      lo = mid;
    else
      hi = mid;
  }
  const PetscReal dz = pd->depth[hi] - pd->depth[lo];
  return dz > 0 ? pd->strain[lo] + (pd->strain[hi] - pd->strain[lo]) * (z - pd->depth[lo]) / dz : pd->strain[hi];
}

/* J[i][j] = d u_i / d x_j with i, j over (x, z). */
PetscErrorCode TkPlateDeformationGradient(TkPlateDeformation pd, PetscReal x, PetscReal z, PetscReal J[2][2])
{
  const PetscReal zeta = z - 0.5 * pd->thickness;

  PetscFunctionBeginHot;
  J[0][0] = zeta * pd->inv_Rx;
  J[0][1] = x * pd->inv_Rx;
  J[1][0] = -x * pd->inv_Rx;
  J[1][1] = ProfileStrain(pd, z) - pd->poisson / (1 - pd->poisson) * (pd->inv_Rx + pd->inv_Ry) * zeta;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationView(TkPlateDeformation pd, PetscViewer v)
{
  PetscFunctionBegin;
  if (pd->n)
    PetscCall(PetscViewerASCIIPrintf(v, "Strain profile: %" PetscInt_FMT " samples from %s, depth %g to %g um\n", pd->n, pd->profile_path[0] ? pd->profile_path : "(set in code)", (double)(1e6 * pd->depth[0]), (double)(1e6 * pd->depth[pd->n - 1])));
  if (pd->inv_Rx != 0 || pd->inv_Ry != 0) PetscCall(PetscViewerASCIIPrintf(v, "Bent plate: 1/Rx = %g 1/m, 1/Ry = %g 1/m, Poisson ratio %g\n", (double)pd->inv_Rx, (double)pd->inv_Ry, (double)pd->poisson));
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationDestroy(TkPlateDeformation *pd)
{
  PetscFunctionBegin;
  if (!*pd) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*pd)->depth, (*pd)->strain));
  PetscCall(PetscFree(*pd));
  PetscFunctionReturn(0);
}

/* A radius of 0 stands for a flat plate, as in the options. */
PetscErrorCode TkPlateDeformationGetBending(TkPlateDeformation pd, PetscReal *Rx, PetscReal *Ry, PetscReal *poisson)
{
  PetscFunctionBegin;
  *Rx      = pd->inv_Rx != 0 ? 1 / pd->inv_Rx : 0;
  *Ry      = pd->inv_Ry != 0 ? 1 / pd->inv_Ry : 0;
  *poisson = pd->poisson;
  PetscFunctionReturn(0);
}

PetscErrorCode TkPlateDeformationGetProfilePath(TkPlateDeformation pd, const char **path)
{
  PetscFunctionBegin;
  *path = pd->profile_path;
  PetscFunctionReturn(0);
}
