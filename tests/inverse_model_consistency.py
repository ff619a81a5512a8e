#!/usr/bin/env python3
"""The forward model of `takagi reconstruct` against the scan `takagi bcdi` simulates (docs/reconstruct.md,
"Unknowns and the map to the TT grid"): a 250 nm Au(111) sphere without displacement, noise-free frames, the object
given on the lab grid. Source: the two share the TT march (unit_test_tt3d_fields_march); what differs is the map of
the grid density to the TT nodes, which takagi bcdi evaluates exactly (a node is inside the sphere or not).

1. The linear map of the 0/1 grid support smears the surface over one grid step: its misfit per photon at the true
   object is the baseline.
2. -rec_density_edge 0.05 with the sphere's level set on the grid (rho = 1/2 + d / (2 h), d the signed distance to the
   surface, h the grid step, clipped to [0, 1]) puts the surface between grid points: the misfit must fall at least
   5-fold (measured 11-fold, 2.7e-5 -> 2.4e-6; what remains are the nodes within a fraction of a nm of the surface,
   where the level set's contour and the sphere differ by the curvature).
Both with -rec_poisson_floor 1e-12, so that the misfit of noise-free frames measures the model alone.

usage: inverse_model_consistency.py TAKAGI DIR
"""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

takagi, d = sys.argv[1:3]
os.makedirs(d, exist_ok=True)
SIM = ["-size_nm", "250", "-frame_px", "32,32", "-rocking_mrad", "-1.5,1.5,12"]
fail = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def run(*args):
    return subprocess.run([takagi, *args], cwd=d, check=True, capture_output=True, text=True).stdout


def misfit(init, *opts):
    out = run("reconstruct", "-data", "nf.cxi", *SIM, "-init", init, "-tao_max_it", "1", "-o", "r.h5", *opts)
    return float(re.search(r"it\s+0\s+J \S+\s+misfit (\S+)", out).group(1))


run("bcdi", *SIM, "-o", "nf.cxi", "-object", "obj.h5")
with h5py.File(os.path.join(d, "obj.h5"), "r") as f:
    g = f["grid"].attrs
    n, o, h = [int(v) for v in g["dims"]], g["origin"], g["spacing"]
    sup = f["support"][...]
z, y, x = np.meshgrid(*[o[a] + h[a] * np.arange(n[a]) for a in range(3)], indexing="ij")
dist = 125e-9 - np.sqrt(x * x + y * y + z * z)
level = np.clip(0.5 + dist / (2 * h[0]), 0, 1)
check(np.array_equal(level > 0.5, sup > 0.5), "the level set's 1/2 contour encloses the grid points of the support")
with h5py.File(os.path.join(d, "level.h5"), "w") as f:
    f.copy(h5py.File(os.path.join(d, "obj.h5"), "r")["grid"], "grid")
    f["phase_hu"] = np.zeros(n)
    f["support"] = sup
    f["density"] = level

J_lin = misfit("obj.h5", "-rec_poisson_floor", "1e-12", "-rec_density_edge", "0")
J_edge = misfit("level.h5", "-rec_poisson_floor", "1e-12", "-rec_density_edge", "0.05")
print(f"misfit per photon at the true object: linear map of the 0/1 support {J_lin:.3e}; "
      f"level set with -rec_density_edge 0.05 {J_edge:.3e}")
check(J_lin > 0, "the linear map's misfit is measurable")
check(J_edge <= 0.2 * J_lin, f"sharp surface: misfit {J_edge:.3e} <= 0.2 x the linear map's {J_lin:.3e}")
sys.exit(1 if fail else 0)
