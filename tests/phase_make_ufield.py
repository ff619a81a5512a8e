#!/usr/bin/env python3
"""Write a smooth displacement field for `takagi bcdi -u_file`: a Gaussian bump of u along h (Au(111) at the
kinematic Bragg angle of 9 keV, h = (0, cos thetaB, -sin thetaB) in the lab), off-centre so that the object and its
twin differ, peak h.u = PEAK rad.

usage: phase_make_ufield.py OUT.h5 [PEAK_rad] [WIDTH_nm]
"""
import sys
import numpy as np
import h5py

out = sys.argv[1]
peak = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
width = float(sys.argv[3]) if len(sys.argv) > 3 else 150.0
d = 4.0782e-10 / np.sqrt(3)  # Au(111)
hmod = 2 * np.pi / d
lam = 12.398419843320026 / 9.0 * 1e-10
th = np.arcsin(lam / (2 * d))
hhat = np.array([0.0, np.cos(th), -np.sin(th)])  # lab (x, y, z)
n, step = 81, 10e-9
ax = (np.arange(n) - (n - 1) / 2) * step
z, y, x = np.meshgrid(ax, ax, ax, indexing="ij")
c = np.array([60e-9, -40e-9, 30e-9])  # x, y, z of the bump
r2 = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2
amp = peak / hmod * np.exp(-r2 / (2 * (width * 1e-9) ** 2))
u = np.stack([amp * hhat[0], amp * hhat[1], amp * hhat[2]], axis=-1)
with h5py.File(out, "w") as f:
    f["u"] = u
    g = f.create_group("grid")
    g.attrs["spacing"] = np.array([step] * 3)
    g.attrs["origin"] = np.array([ax[0]] * 3)
