#!/usr/bin/env python3
"""Bad grid files for the `takagi bcdi -u_file / -mask_file` error tests (tests/CMakeLists.txt, label bcdi): each
must fail with one line naming the file and the problem, and leave no output.

usage: bcdi_bad_inputs.py DIR
"""
import os
import sys

import h5py
import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
N = 32  # 32 voxels of 10 nm around the 250 nm test crystal


def grid(name, datasets, attrs=True):
    with h5py.File(os.path.join(d, name), "w") as f:
        for k, v in datasets.items():
            f[k] = v
        g = f.create_group("grid")
        if attrs:
            g.attrs["spacing"] = np.full(3, 10e-9)
            g.attrs["origin"] = np.full(3, -0.5 * N * 10e-9)


u = np.zeros((N, N, N, 3))
grid("u_two_components.h5", {"u": np.zeros((N, N, N, 2))})
u_nan = u.copy()
u_nan[3, 4, 5, 1] = np.nan
grid("u_nan.h5", {"u": u_nan})
grid("u_missing.h5", {"support": np.ones((N, N, N))})
grid("u_no_grid.h5", {"u": u}, attrs=False)
grid("mask_2d.h5", {"support": np.ones((N, N))})
m_nan = np.ones((N, N, N))
m_nan[1, 1, 1] = np.inf
grid("mask_inf.h5", {"support": m_nan})
grid("mask_empty.h5", {"support": np.zeros((N, N, N))})
with open(os.path.join(d, "not_hdf5.h5"), "w") as f:
    f.write("depth_um,strain\n0,1e-3\n")
