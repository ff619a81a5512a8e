#!/usr/bin/env python3
"""Checkpoints and restart of `takagi reconstruct` (docs/reconstruct.md, "Checkpoints"), and the ranks.

1. 6 iterations with -rec_checkpoint_every 3 against 3 iterations, then -restart from that checkpoint for the other 3
   (on 2 ranks): the same objects to 1e-12 rad (blocks restart the quasi-Newton memory in both runs, so the
   iterations are the same operations; only rank-count round-off differs).
2. The 6-iteration result on 1 and 2 ranks: phase and density agree to 1e-8 (round-off, amplified by 6 line
   searches).
3. The output files exist and hold phase_hu, density, support, strain_h with finite values; the CXI image has
   /entry_1/image_1/data on the object grid.
4. A restart whose polarization, rocking range, chi_0 scale, TAO type or checkpoint block differs from the run that
   wrote the checkpoint is refused with one line that names the differing clause, and writes nothing.

usage: inverse_restart.py TAKAGI MPIEXEC NPFLAG DIR
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from xdmf_views import check_cxi_views

takagi, mpiexec, npflag, d = sys.argv[1:5]
SIM = ["-size_nm", "250", "-frame_px", "32,32", "-rocking_mrad", "-1.5,1.5,12"]
w = tempfile.mkdtemp(prefix="takagi-inverse-")
G = ["reconstruct", "-data", os.path.join(d, "sim.cxi"), *SIM, "-init", os.path.join(d, "sim_obj.h5"),
     "-rec_tv_phase", "1e-3", "-rec_checkpoint_every", "3"]
fail = []


def run(n, *args):
    subprocess.run([mpiexec, npflag, str(n), takagi, *G, *args], cwd=w, check=True, stdout=subprocess.DEVNULL)


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def load(name):
    with h5py.File(os.path.join(w, name), "r") as f:
        return {k: f[k][...] for k in ("phase_hu", "density", "support", "strain_h")}


run(1, "-tao_max_it", "6", "-o", "a.h5", "-cxi", "a.cxi")
run(1, "-tao_max_it", "3", "-o", "b.h5", "-rec_checkpoint", "ck3.h5")
run(2, "-tao_max_it", "6", "-o", "c.h5", "-restart", "ck3.h5", "-rec_checkpoint", "ck6.h5")
run(2, "-tao_max_it", "6", "-o", "e.h5")
a, b, c, e = load("a.h5"), load("b.h5"), load("c.h5"), load("e.h5")
for k in ("phase_hu", "density"):
    check(np.all(np.isfinite(a[k])), f"{k} finite")
    dd = np.abs(a[k] - c[k]).max()
    check(dd <= 1e-12, f"{k}: 6 iterations vs 3 + restart 3: max diff {dd:.2e}")
    dd = np.abs(a[k] - e[k]).max()
    check(dd <= 1e-8, f"{k}: 1 vs 2 ranks: max diff {dd:.2e}")
    dd = np.abs(a[k] - b[k]).max()
    check(dd > 0, f"{k}: iterations 4-6 changed the object ({dd:.2e})")
with h5py.File(os.path.join(w, "a.cxi"), "r") as f:
    img = f["/entry_1/image_1/data"]
    check(img.shape == a["phase_hu"].shape, f"CXI image shape {img.shape}")
for msg in check_cxi_views(os.path.join(w, "a.cxi"), "density", 1e-12, +1) or ["none"]:
    check(msg == "none", f"CXI image's XDMF sidecar a.cxi.xdmf (density, phase_hu, support views): {msg}")
with h5py.File(os.path.join(w, "ck6.h5"), "r") as f:
    check(int(f.attrs["iteration"]) == 6, "checkpoint after the restart counts 6 iterations")
# a restart with options that change the trajectory is refused with one line naming the clause that differs
for opts, clause in ((["-polarization", "pi"], "pi"), (["-rocking_mrad", "-1.2,1.2,12"], "rocking"),
                     (["-chi0_scale", "0.5"], "chi0 x"), (["-tao_type", "lmvm"], "tao"), (["-rec_checkpoint_every", "2"], "blocks of")):
    args = [takagi, *G, *opts, "-tao_max_it", "6", "-o", "r.h5", "-restart", "ck3.h5"]
    p = subprocess.run(args, cwd=w, capture_output=True, text=True)
    lines = [l for l in p.stderr.splitlines() if l.startswith("takagi")]
    ok = p.returncode != 0 and len(lines) == 1 and "another problem" in lines[0] and clause in lines[0].split("this run")[-1]
    check(ok and not os.path.exists(os.path.join(w, "r.h5")), f"restart with {' '.join(opts)} refused: {lines[0] if lines else p.stderr[-200:]}")
sys.exit(1 if fail else 0)
