#!/usr/bin/env python3
"""Qualitative nanoglass behaviour of `takagi deform` (notes/nanoglass_models.md 1.4, 2.2-2.4), with the same glass
parameters in all runs: 32^3 voxels of 0.5 nm (16 nm periodic cube), compression along z at a finite rate
(1e-4 per step) to 6 %, glass thresholds Weibull (mean 2 GPa, cv 0.2) softened with memory: each transformation
multiplies the mean of the voxel's next threshold by 0.7, down to 0.3 x the initial mean (-ng_glass_softening 0.7
-ng_glass_softening_floor 0.3). Seed 1 (about 45 s on a shared 2-core machine); `--seeds 1,2,3` checks more.

  1. The monolithic glass localises into one dominant, system-spanning shear band after the stress overshoot:
     one connected band above mean + 2 sd carrying >= 90 % of the banded plastic strain, one peak of the plane
     profile of the plastic strain along the best normal, and >= 55 % of the plastic strain in the quarter-box slab
     around it (band share; 0.25 for uniform flow).
  2. A nanoglass (5 nm grains, 1 nm interfaces softer, E 0.85x, and weaker, threshold 0.7x, and already rejuvenated:
     no softening) flows over its interface network: >= 10 separate clusters above mean + 2 sd, the largest
     carrying <= 30 % of the banded strain, band share <= 0.35, top-10 % share lower than the glass's by >= 0.2 and
     participation ratio higher by >= 0.2 (Sopu et al. PRB 83 100202 2011; Adibi et al. APL 2013).
  3. Stiff crystals that never transform (20 vol %, 2.5 nm, Fe-like E 211 GPa) in the same glass raise the peak
     stress and the flow stress (mean stress at strains >= 3 %, past the peak) by >= 3 % over the monolithic glass
     (Katnagallu et al. Small 16 2004400 2020).

Values measured when the thresholds were chosen (seed 1 / 2 / 3):
  glass      bands 1/1/1, largest 1.00/1.00/1.00, profile peaks 1/1/1, band share 0.80/0.70/0.77,
             top-10 % 0.68/0.60/0.64, participation 0.18/0.22/0.20, peak 1.268/1.258/1.259 GPa,
             flow (second half) 0.554/0.601/0.563 GPa
  nanoglass  bands 26/(n.m.)/(n.m.), largest 0.08, band share 0.27/0.27/0.27, top-10 % 0.24/0.24/0.24,
             participation 0.63/0.64/0.63
  composite  peak 1.337/1.335/1.333 GPa, flow (second half) 0.642/0.630/0.636 GPa
usage: nanoglass_behaviour.py TAKAGI [--seeds 1,2,3]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "python"))
import h5py  # noqa: E402
from plot_deform import band_metrics  # noqa: E402

TAKAGI = sys.argv[1]
COMMON = ["-ng_grid", "32", "-ng_spacing_nm", "0.5", "-ng_glass_softening", "0.7", "-ng_glass_softening_floor", "0.3",
          "-plast_eps0", "0.05", "-ng_interface_softening", "1", "-load_driving", "rate", "-load_strain_step", "1e-4",
          "-load_steps", "600", "-load_max_strain", "0.06"]
CASES = {"glass": ["-ng_grain_nm", "0"],
         "nanoglass": ["-ng_grain_nm", "5", "-ng_interface_nm", "1"],
         "composite": ["-ng_grain_nm", "0", "-ng_crystal_fraction", "0.2", "-ng_crystal_nm", "2.5"]}
SEEDS = tuple(int(x) for x in sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[2] == "--seeds" else (1,)
failures = []


def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + msg)
    if not ok:
        failures.append(msg)


with tempfile.TemporaryDirectory() as d:
    for seed in SEEDS:
        res = {}
        for name, extra in CASES.items():
            pre = os.path.join(d, "%s%d" % (name, seed))
            p = subprocess.run([TAKAGI, "deform"] + COMMON + extra + ["-ng_seed", str(seed), "-o", pre], capture_output=True, text=True)
            if p.returncode:
                print(p.stdout[-2000:], p.stderr[-2000:])
                sys.exit("FAIL: %s run (seed %d) exited with %d" % (name, seed, p.returncode))
            c = np.genfromtxt(pre + "_curve.csv", delimiter=",", names=True)
            loc = np.atleast_1d(np.genfromtxt(pre + "_localisation.csv", delimiter=",", names=True))[-1]
            with h5py.File(pre + "_fields_final.h5", "r") as f:
                bm = band_metrics(f["plastic_strain"][()])
            r = dict(peak=max(c["stress_GPa"].max(), c["stress_peak_GPa"].max()), flow=c["stress_GPa"][c["strain"] >= 0.03].mean(),
                     bands=int(loc["bands"]), largest=loc["largest_band_fraction"], **bm)
            res[name] = r
            print("seed %d %-9s peak %.3f GPa, flow %.3f GPa, bands %d (largest %.3f), profile peaks %d (normal %s, contrast %.2f), "
                  "band share %.3f, top-10%% %.3f, participation %.3f" % (seed, name, r["peak"], r["flow"], r["bands"], r["largest"], r["peaks"],
                                                                         r["normal"], r["contrast"], r["band_share"], r["top10"], r["participation"]))
        g, n, c = res["glass"], res["nanoglass"], res["composite"]
        s = "seed %d: " % seed
        check(g["bands"] == 1 and g["largest"] >= 0.9, s + "glass: %d band carrying %.3f of the banded strain (1, >= 0.9)" % (g["bands"], g["largest"]))
        check(g["peaks"] == 1 and g["band_share"] >= 0.55, s + "glass: %d profile peak, band share %.3f (1, >= 0.55)" % (g["peaks"], g["band_share"]))
        check(n["bands"] >= 10 and n["largest"] <= 0.3, s + "nanoglass: %d clusters, largest %.3f (>= 10, <= 0.3)" % (n["bands"], n["largest"]))
        check(n["band_share"] <= 0.35, s + "nanoglass: band share %.3f <= 0.35 (no dominant band)" % n["band_share"])
        check(n["top10"] < g["top10"] - 0.2, s + "nanoglass top-10%% share %.3f < glass %.3f - 0.2" % (n["top10"], g["top10"]))
        check(n["participation"] > g["participation"] + 0.2, s + "nanoglass participation %.3f > glass %.3f + 0.2" % (n["participation"], g["participation"]))
        check(c["peak"] > 1.03 * g["peak"], s + "composite peak stress %.3f GPa > 1.03 x glass %.3f GPa" % (c["peak"], g["peak"]))
        check(c["flow"] > 1.03 * g["flow"], s + "composite flow stress (strain >= 3 %%) %.3f GPa > 1.03 x glass %.3f GPa" % (c["flow"], g["flow"]))
sys.exit(1 if failures else 0)
