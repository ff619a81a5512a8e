#!/usr/bin/env python3
"""Bad input files for the `takagi phase` error tests (tests/CMakeLists.txt, label phase): each must fail with one
line naming the problem and leave no output.

usage: phase_bad_inputs.py DIR
"""
import os
import sys

import h5py
import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(1)
good = rng.poisson(5.0, size=(16, 16, 16)).astype(np.float64)
DET = "/entry_1/instrument_1/detector_1/"


def cxi(name, data=None, mask=None):
    with h5py.File(os.path.join(d, name), "w") as f:
        if data is not None:
            f[DET + "data"] = data
        else:
            f[DET + "distance"] = 1.0
        if mask is not None:
            f[DET + "mask"] = mask


cxi("no_data.cxi")
cxi("data_2d.cxi", good[0])
cxi("mask_shape.cxi", good, np.zeros((10, 16), np.int32))
bad = good.copy()
bad[3, 4, 5] = -2
cxi("negative.cxi", bad)
bad = good.copy()
bad[12, 7, 9] = np.nan  # on the last planes: found by rank 1 of 2
cxi("nan.cxi", bad)
m = np.zeros((16, 16, 16), np.int32)
m[12, 7, 9] = 1
cxi("nan_masked.cxi", bad, m)  # a masked NaN is fine
cxi("zeros.cxi", np.zeros((16, 16, 16)))
with h5py.File(os.path.join(d, "raw_no_flat.h5"), "w") as f:
    f["data"] = good.astype(np.int32)
    f["darkfield_512x512"] = np.zeros((512, 512), np.int32)
with open(os.path.join(d, "not_hdf5.cxi"), "w") as f:
    f.write("not an HDF5 file\n")
print("bad inputs written to", d)
