#!/usr/bin/env python3
"""A low-angle boundary from `takagi strain` rotates the two sides rigidly by +-theta/2 away from the wall.

usage: strain_wall.py <takagi> tilt|twist [extra takagi strain options, e.g. -w_half_length_nm 2000]

A 1 deg boundary on the (110) plane of gold, seen through Au(220) with [001] along lab x, so that the plane normal
is the Bragg direction n = (0, cos thetaB, -sin thetaB): tilt about [001] (lab x) or twist about the normal. On
a 32^3 grid of 3 nm voxels, at every voxel more than 2 D (D = b / (2 sin(theta/2)) = 16.5 nm) from the wall,
the rotation vector (the rotation dataset, half curl u) along the axis must be +sin(theta/2) on the +n side and
-sin(theta/2) on the other, within 10 %; its other components and the strain must be below 10 % of that.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("strain_wall.py: h5py is missing (apt-get install python3-h5py)")

HC_KEV_A = 12.398419843320026


def main(argv):
    if len(argv) < 3 or argv[2] not in ("tilt", "twist"):
        sys.exit(__doc__)
    takagi, kind, extra = argv[1], argv[2], argv[3:]
    theta = math.radians(1.0)
    args = [takagi, "strain", "-crystal", "Au", "-hkl", "2,2,0", "-energy_keV", "9", "-crystal_x", "0,0,1",
            "-defects", "w", "-w_type", kind, "-w_normal", "1,1,0", "-w_b", "0.5,0.5,0", "-w_angle_deg", "1",
            "-grid", "32", "-spacing_nm", "3", "-o", "w.h5"] + (["-w_axis", "0,0,1"] if kind == "tilt" else []) + extra
    fail = 0
    with tempfile.TemporaryDirectory(prefix="takagi-test.") as work:
        print("running: " + " ".join(args[1:]))
        p = subprocess.run(args, cwd=work, capture_output=True, text=True)
        print(p.stdout + p.stderr)
        if p.returncode:
            print("FAIL takagi strain exited with status %d" % p.returncode)
            return 1
        dline = [l for l in p.stdout.splitlines() if "d = " in l]
        d = float(dline[0].split("d = ")[1].split()[0])
        tb = math.asin(HC_KEV_A / 9 / (2 * d))
        n = np.array([0, math.cos(tb), -math.sin(tb)])
        with h5py.File(os.path.join(work, "w.h5"), "r") as f:
            w, e = f["rotation"][()], f["strain"][()]
            o, h = f["grid"].attrs["origin"], f["grid"].attrs["spacing"]
            nz, ny, nx = f["support"].shape
    Z, Y, X = np.meshgrid(o[0] + h[0] * np.arange(nz), o[1] + h[1] * np.arange(ny), o[2] + h[2] * np.arange(nx), indexing="ij")
    s = Y * n[1] + Z * n[2]  # signed distance from the wall (through the origin)
    D = 0.5 * 4.0782e-10 * math.sqrt(2) / (2 * math.sin(theta / 2))
    far = np.abs(s) > 2 * D
    axis = np.array([1.0, 0, 0]) if kind == "tilt" else n
    want = math.sin(theta / 2) * np.sign(s[far])
    along = w[far] @ axis
    across = np.linalg.norm(w[far] - along[:, None] * axis, axis=1)
    err = np.abs(along - want).max() / math.sin(theta / 2)
    print("%d voxels farther than 2 D = %.1f nm from the wall; rotation along the axis %.5f .. %.5f rad (want +-%.5f)"
          % (int(far.sum()), 2 * D * 1e9, along.min(), along.max(), math.sin(theta / 2)))
    if err <= 0.1:
        print("PASS rotation about the %s axis is +-sin(theta/2) on the two sides (worst %.1f %%)" % (kind, 100 * err))
    else:
        print("FAIL rotation about the %s axis is not +-sin(theta/2) on the two sides (worst off by %.0f %%)" % (kind, 100 * err))
        fail = 1
    for what, v in (("rotation about other axes", across.max()), ("strain", np.abs(e[far]).max())):
        if v <= 0.1 * math.sin(theta / 2):
            print("PASS %s far from the wall: %.1e" % (what, v))
        else:
            print("FAIL %s far from the wall: %.1e (want < %.1e)" % (what, v, 0.1 * math.sin(theta / 2)))
            fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main(sys.argv))
