#!/usr/bin/env python3
"""Coarse to fine in `takagi reconstruct` (-rec_levels, docs/reconstruct.md, "Coarse to fine").

1. -rec_levels 2 -rec_level_its 3 -tao_max_it 3 on 2 ranks: stage 1 writes <stem>.level0.h5 on a grid of
   (N0 - 1)/2 + 1 points per axis over the default extent (the corners the same), stage 2 the -o file on the default
   N0^3 grid.
2. The schedule is nothing but its stages: a plain run with -rec_grid_n of the coarse grid, then one with -init of
   its result, gives the same objects (1e-12; same operations, only the rank count may differ: 1 rank here).
3. 1 and 2 ranks agree (1e-8, round-off amplified by the line searches).

usage: inverse_levels.py TAKAGI MPIEXEC NPFLAG DIR
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

takagi, mpiexec, npflag, d = sys.argv[1:5]
SIM = ["-size_nm", "250", "-frame_px", "32,32", "-rocking_mrad", "-1.5,1.5,12"]
w = tempfile.mkdtemp(prefix="takagi-levels-")
G = ["reconstruct", "-data", os.path.join(d, "sim.cxi"), *SIM, "-init", os.path.join(d, "sim_obj.h5"), "-rec_tv_phase", "1e-3"]
fail = []


def run(n, *args):
    return subprocess.run([mpiexec, npflag, str(n), takagi, *G, *args], cwd=w, check=True, capture_output=True, text=True).stdout


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def load(name):
    with h5py.File(os.path.join(w, name), "r") as f:
        g = f["grid"].attrs
        return {k: f[k][...] for k in ("phase_hu", "density")}, {k: np.array(g[k]) for k in g}


out = run(2, "-rec_levels", "2", "-rec_level_its", "3", "-tao_max_it", "3", "-o", "lv.h5")
check(out.count("Coarse to fine: stage") == 2, "two stages announced")
(c, cg), (f, fg) = load("lv.level0.h5"), load("lv.h5")
n0, n1 = f["phase_hu"].shape[0], c["phase_hu"].shape[0]
check(n1 == (n0 - 1 + 1) // 2 + 1, f"coarse grid {n1}^3 for the default {n0}^3")
key = [k for k in fg if "origin" in k][0]
check(np.allclose(cg[key], fg[key], rtol=0, atol=1e-12), f"same origin ({key})")
# the same two stages by hand, on 1 rank
run(1, "-rec_grid_n", str(n1), "-tao_max_it", "3", "-o", "s0.h5")
run(1, "-tao_max_it", "3", "-o", "s1.h5", "-init", os.path.join(w, "s0.h5"))
(s0, _), (s1, _) = load("s0.h5"), load("s1.h5")
for k in ("phase_hu", "density"):
    dd = np.abs(s0[k] - c[k]).max()
    check(dd <= 1e-8, f"{k}: stage 1 = a -rec_grid_n {n1} run (1 vs 2 ranks): max diff {dd:.2e}")
    dd = np.abs(s1[k] - f[k]).max()
    check(dd <= 1e-8, f"{k}: stage 2 = a run started from it (1 vs 2 ranks): max diff {dd:.2e}")
    check(np.all(np.isfinite(f[k])), f"{k} finite")
sys.exit(1 if fail else 0)
