#!/usr/bin/env python3
"""Gradient of the `takagi reconstruct` objective (docs/reconstruct.md, "Adjoint"): the exact discrete adjoint of
the dynamical forward model against the objective itself.

1. Taylor test along a fixed direction d: |J(x + eps d) - J(x) - eps g.d| must fall as eps^2 (ratio 100 per decade,
   accepted 80-120) over the 4 decades eps = 1e-2 .. 1e-6 (3 decades from 1e-3 for u unknowns), and be below 1e-2 |J(x + eps d) - J(x)| at eps = 1e-6
   (the first-order term is cancelled; about 1e-3 is expected from the curvature). Source: Taylor's theorem for a
   C^2 objective.
2. Central differences (step 1e-4) of six components, psi and rho: relative difference < 1e-4 (the central
   difference's own error is O(h^2) ~ 1e-6 here).
3. The same at 1, 2 and 3 ranks: J agrees to 1e-13 and |g| to 1e-12 relative (round-off of sums in another order);
   at 3 ranks the adjoint marches each slice again (-rec_store_mb 0) instead of keeping the forward planes.
The object carries an edge dislocation's phase and both total-variation terms and the support penalty are on.
With "u": the displacement vector u as unknowns, fitted to three non-coplanar reflections (111, 200, 020) of the same
crystal; each extra reflection's TT grid maps to the object grid through the rotation between the lab frames (1 and 2
ranks). Both with the linear density map (-rec_density_edge 0). With "edge": the sharp-surface density map (the
default -rec_density_edge 1, the C2 smoothstep of the interpolated density) and the density-weighted node phase
(-rec_phase_weighted), 1 and 2 ranks; a density voxel inside the crystal
then has no data gradient (the smoothstep is saturated) and its central difference must vanish with it (below 1e-6 of
the largest component checked).

usage: inverse_gradient.py TAKAGI MPIEXEC NPFLAG DIR [u|edge]
"""
import math
import re
import subprocess
import sys

takagi, mpiexec, npflag, d = sys.argv[1:5]
SIM = ["-size_nm", "250", "-frame_px", "32,32", "-rocking_mrad", "-1.5,1.5,12"]
ARGS = ["reconstruct", "-data", "sim.cxi", *SIM, "-init", "sim_obj.h5", "-rec_tv_phase", "1e-3", "-rec_tv_density",
        "1e-3", "-rec_check_gradient"]
MODE = sys.argv[5] if len(sys.argv) > 5 else ""
if MODE == "edge":
    ARGS += ["-rec_phase_weighted"]
    RANKS = (1, 2)
else:
    ARGS += ["-rec_density_edge", "0"]
if MODE == "u":
    ARGS += ["-rec_extra_reflections", "2", "-rec_r1_hkl", "2,0,0", "-rec_r1_data", "sim_200.cxi", "-rec_r2_hkl", "0,2,0",
             "-rec_r2_data", "sim_020.cxi"]
    RANKS = (1, 2)
elif MODE == "":
    RANKS = (1, 2, 3)
fail = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


results = {}
for n in RANKS:
    extra = ["-rec_store_mb", "0"] if n == 3 else []
    out = subprocess.run([mpiexec, npflag, str(n), takagi, *ARGS, *extra], cwd=d, check=True, capture_output=True,
                         text=True).stdout
    J = float(re.search(r"check: J (\S+)", out).group(1))
    gn = float(re.search(r"check: gradient norm (\S+)", out).group(1))
    ratio = float(re.search(r"adjoint/forward (\S+)\)", out).group(1))
    taylor = {round(math.log10(float(m.group(1)))): (float(m.group(2)), float(m.group(3)))
              for m in re.finditer(r"taylor: eps (\S+)\s+\|dJ\| (\S+)\s+\|dJ - eps g.d\| (\S+)", out)}
    fd = [(m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4)))
          for m in re.finditer(r"fd: (\w+) voxel \d+\s+adjoint (\S+)\s+central difference (\S+)\s+rel. diff (\S+)", out)]
    results[n] = (J, gn)
    print(f"{n} rank(s): J {J:.17e} |g| {gn:.17e} adjoint/forward {ratio}")
    # u unknowns (nm): eps 1e-2 moves the phases h.u by ~0.3 rad, where the cubic term of the node phase
    # arg(P e^{i psi}) is not negligible yet; their Taylor test starts a decade lower
    for e in ((-3, -4, -5) if MODE == "u" else (-2, -3, -4, -5)):
        r = taylor[e][1] / taylor[e - 1][1]
        check(80 < r < 120, f"{n} ranks: Taylor remainder ratio eps 1e{e} -> 1e{e - 1}: {r:.2f} (want 100)")
    check(taylor[-6][1] < 1e-2 * taylor[-6][0], f"{n} ranks: first-order term matched at eps 1e-6 "
          f"({taylor[-6][1]:.3e} vs {taylor[-6][0]:.3e})")
    check(len(fd) == 6, f"{n} ranks: six central-difference components")
    gmax = max(abs(g) for _, g, _, _ in fd) if fd else 0
    for name, g, c, rel in fd:
        if MODE == "edge" and name == "rho" and abs(g) <= 1e-6 * gmax:
            check(abs(c) <= 1e-6 * gmax, f"{n} ranks: saturated {name} adjoint {g:.3e}, central difference {c:.3e} "
                  f"(both below 1e-6 of {gmax:.3e})")
            continue
        check(rel < 1e-4 and abs(g) > 0, f"{n} ranks: {name} adjoint {g:.6e} vs central difference {c:.6e} (rel {rel:.1e})")
for n in RANKS[1:]:
    check(abs(results[n][0] - results[1][0]) <= 1e-13 * abs(results[1][0]), f"J at {n} ranks equals J at 1 rank")
    check(abs(results[n][1] - results[1][1]) <= 1e-12 * abs(results[1][1]), f"|g| at {n} ranks equals |g| at 1 rank")
sys.exit(1 if fail else 0)
