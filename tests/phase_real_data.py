#!/usr/bin/env python3
"""`takagi phase` on the measured 34-ID-C scan (shared/data/bcdi_aps34idc_au_s0054), reduced: the example deck
inputs/phase_au_s0054.yaml with a 64^3 crop (half the resolution of the deck's 128^3) and one random start.

usage: phase_real_data.py <takagi> <source dir> [mpiexec numproc-flag nranks]

What a good reconstruction looks like (the data's README: ~18 x 31 x 37 voxels at 128^3, so ~9 x 15.5 x 18.5 here;
a compact, faceted crystal with a smooth phase), checked on the object file:
  * the crystal (amplitude > 0.3 of the maximum) spans 0.6 to 1.4 times those extents along every axis;
  * compact: its largest 6-connected piece holds >= 95 % of it;
  * smooth phase: the RMS wrapped phase step between neighbours inside is < 0.35 rad, and 98 % of h.u lies within
    a 2 pi window;
  * the Poisson log-likelihood of the fit is < 10 (1 for a statistically perfect fit; 4.4 measured);
  * the figure is written when matplotlib is there.
Exits 77 (skipped) when the shared data are not beside the repository.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

DATA = "../shared/data/bcdi_aps34idc_au_s0054/Staff20-1a_S0054_rocking_scan.h5"


def largest_piece(mask):
    """size of the largest 6-connected component (iterative flood fill by dilation)"""
    left = mask.copy()
    best = 0
    while left.any():
        seed = np.unravel_index(np.argmax(left), left.shape)
        comp = np.zeros_like(left)
        comp[seed] = True
        while True:
            grown = comp.copy()
            for ax in range(3):
                grown = grown | np.roll(comp, 1, ax) | np.roll(comp, -1, ax)
            grown &= left
            if grown.sum() == comp.sum():
                break
            comp = grown
        best = max(best, int(comp.sum()))
        left &= ~comp
    return best


def main():
    takagi, src = sys.argv[1], os.path.abspath(sys.argv[2])
    if os.sep in takagi:
        takagi = os.path.abspath(takagi)
    launcher = sys.argv[3:6]
    if not os.path.exists(os.path.join(src, DATA)):
        print(f"SKIP: the shared data {DATA} are not beside {src}")
        return 77
    work = tempfile.mkdtemp(prefix="takagi-phase-real-")
    cmd = launcher + [takagi, "phase", "-options_file_yaml", "inputs/phase_au_s0054.yaml", "-crop", "64", "-nruns", "1",
                      "-o", f"{work}/au.cxi", "-object", f"{work}/au.h5", "-plot", f"{work}/au.png"]
    print("running:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
    print(r.stdout[-2500:], r.stderr[-2500:])
    plot_ok = True
    if r.returncode:
        # without matplotlib only the plot fails; the object files are then still there
        if "plot" in r.stderr and os.path.exists(f"{work}/au.h5"):
            plot_ok = False
            print("note: no figure (python3-matplotlib missing?)")
        else:
            print("FAIL: takagi phase exited with", r.returncode)
            return 1
    fail = 0
    with h5py.File(f"{work}/au.h5", "r") as f:
        amp = f["amplitude"][()]
        ph = f["phase_hu"][()]
        sup = f["support"][()] > 0.5
    with h5py.File(f"{work}/au.cxi", "r") as f:
        llk = float(f["/entry_1/image_1/process_1/results/llk_poisson"][()])
    crystal = (amp > 0.3 * amp.max()) & sup
    idx = np.nonzero(crystal)
    ext = np.array([i.max() - i.min() + 1 for i in idx])
    want = np.array([18, 31, 37]) / 2.0
    ok = bool(np.all(ext >= 0.6 * want) and np.all(ext <= 1.4 * want))
    print(f"{'PASS' if ok else 'FAIL'} crystal extent {ext.tolist()} voxels, want 0.6 to 1.4 x {want.tolist()} (README, 128^3 halved)")
    fail |= not ok
    piece = largest_piece(crystal)
    frac = piece / crystal.sum()
    ok = frac >= 0.95
    print(f"{'PASS' if ok else 'FAIL'} compact: largest connected piece {piece} of {crystal.sum()} voxels ({100 * frac:.1f} %, want >= 95 %)")
    fail |= not ok
    steps = []
    for ax in range(3):
        both = crystal & np.roll(crystal, -1, ax)
        d = np.angle(np.exp(1j * (np.roll(ph, -1, ax) - ph)))[both]
        steps.append(d)
    steps = np.concatenate(steps)
    rms = float(np.sqrt(np.mean(steps ** 2)))
    ok = rms < 0.35
    print(f"{'PASS' if ok else 'FAIL'} smooth phase: RMS neighbour step {rms:.3f} rad (want < 0.35)")
    fail |= not ok
    inside = ph[crystal]
    lo, hi = np.percentile(inside, [1, 99])
    ok = hi - lo < 2 * np.pi
    print(f"{'PASS' if ok else 'FAIL'} phase range (1-99 %) {hi - lo:.3f} rad (want < 2 pi)")
    fail |= not ok
    ok = llk < 10
    print(f"{'PASS' if ok else 'FAIL'} Poisson log-likelihood {llk:.3f} (want < 10)")
    fail |= not ok
    if plot_ok:
        ok = os.path.getsize(f"{work}/au.png") > 10000
        print(f"{'PASS' if ok else 'FAIL'} figure {work}/au.png written")
        fail |= not ok
    print("FAIL" if fail else "PASS", "phase_real_data")
    if not fail:
        subprocess.run(["rm", "-rf", work])
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
