#!/usr/bin/env python3
"""Inputs of the `takagi reconstruct` tests (tests/CMakeLists.txt, label inverse): small simulated scans from
`takagi bcdi` (dynamical) with their true objects, and bad files for the error tests.

usage: inverse_setup.py TAKAGI DIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

takagi, d = sys.argv[1], sys.argv[2]
shutil.rmtree(d, ignore_errors=True)
os.makedirs(d)
DET = "/entry_1/instrument_1/detector_1/"
# the geometries of the tests (the same options are given to takagi reconstruct)
SIM = ["-size_nm", "250", "-frame_px", "32,32", "-rocking_mrad", "-1.5,1.5,12"]
T8 = ["-size_nm", "50", "-frame_px", "16,16", "-rocking_mrad", "-3,3,8"]


def run(*args):
    subprocess.run([takagi, *args], cwd=d, check=True, stdout=subprocess.DEVNULL)


# a 250 nm Au sphere with an edge dislocation (h.u below 1 rad, no winding for the default b), Poisson noise
run("bcdi", *SIM, "-dislocation", "edge", "-photons", "1e6", "-seed", "3", "-o", "sim.cxi", "-object", "sim_obj.h5")
# the same crystal at 200 and 020 (with 111 three non-coplanar reflections) for the displacement-vector unknowns
for hkl in ("2,0,0", "0,2,0"):
    run("bcdi", *SIM, "-hkl", hkl, "-dislocation", "edge", "-photons", "1e6", "-seed", "4",
        "-o", "sim_" + hkl.replace(",", "") + ".cxi")
# a 50 nm sphere: the object grid is 9^3 (for -tao_test_gradient over every component)
run("bcdi", *T8, "-phase_ramp", "1,0.5,0", "-photons", "1e5", "-o", "t8.cxi", "-object", "t8_obj.h5")

with h5py.File(os.path.join(d, "sim.cxi"), "r") as f:
    data = f[DET + "data"][...]


def cxi(name, data=None, mask=None):
    with h5py.File(os.path.join(d, name), "w") as f:
        if data is not None:
            f[DET + "data"] = data
        else:
            f[DET + "distance"] = 1.0
        if mask is not None:
            f[DET + "mask"] = mask


cxi("no_data.cxi")
bad = data.copy()
bad[3, 4, 5] = -2
cxi("negative.cxi", bad)
bad = data.copy()
bad[10, 7, 9] = np.nan  # on the last planes: found by rank 1 of 2
cxi("nan.cxi", bad)
cxi("mask_shape.cxi", data, np.zeros((10, 32), np.int32))
cxi("few_angles.cxi", data[:10])
# a checkpoint of another problem (another objective)
run("reconstruct", "-data", "sim.cxi", *SIM, "-rec_tv_phase", "1", "-tao_max_it", "1", "-rec_checkpoint_every", "1",
    "-rec_checkpoint", "other_ck.h5")
print("inputs in", d)
