#!/usr/bin/env python3
"""Starting `takagi reconstruct` from `takagi phase` alone (docs/reconstruct.md, "Starting from takagi phase").

Data: `takagi bcdi` (dynamical) scans of a 600 nm Au(111) sphere with the edge dislocation of the demonstration
(1e8 photons) and of a 400 x 300 x 200 nm Au box (no strain); `takagi phase -object_lab` writes the kinematic result
on a lab grid and its twin.

1. The twin trial (-rec_init_twin auto, 15 iterations from each): started from the direct file it goes on from the
   direct object, started from the twin file it goes on from the twin of that file; either way the start it keeps is
   the one nearer the truth (phase error inside the true support, printed by -truth; the two differ by > 0.3 rad), so
   the dynamical misfit resolves the ambiguity that kinematic phase retrieval leaves. The misfit at the start does
   not (it prefers the wrong one here, which is why the trial iterates).
2. A checkpoint written after the trial chose the twin: -restart continues to the same object bitwise (the choice,
   the start and the penalty's support are replayed), and the initial object of the outputs is the twin start.
3. The envelope (-rec_init_envelope 1e-3) against an independent numpy construction (autocorrelation of the counts,
   lag 2r on the detector-conjugate grid of tests/phase_validate.py, circular shift of best overlap with the start's
   support): the same voxels; against the truth of the box (not isotropic, so a wrong axis or scale shows): every
   interior voxel of the box (not on its surface layer) in the envelope, >= 95 % of the envelope within the box or
   one voxel of it (the autocorrelation's edge is blurred by the resolution), >= 85 % of the box covered; the same density at 1, 2 and 3 ranks.
4. -rec_init_twin auto with -tao_max_it 0 runs no trial and starts from the -init object.

usage: inverse_kinematic_start.py TAKAGI MPIEXEC NPFLAG DIR
"""
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
from phase_validate import basis, best_shift, read_geometry

takagi, mpiexec, npflag, w = sys.argv[1:5]
shutil.rmtree(w, ignore_errors=True)
os.makedirs(w)
GEOM = ["-crystal", "Au", "-hkl", "1,1,1", "-energy_keV", "9", "-voxel_nm", "20", "-detector_distance_m", "0.8",
        "-pixel_um", "55", "-frame_px", "64,64", "-rocking_mrad", "-3,3,32"]
SPHERE = ["-shape", "sphere", "-size_nm", "600"]
BOX = ["-shape", "box", "-size_nm", "400,300,200"]
DISLOCATION = ["-dislocation", "edge", "-dislocation_b", "0.5,0,0.5", "-dislocation_line", "1,-2,-1"]
fail = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def run(n, *args):
    p = subprocess.run([mpiexec, npflag, str(n), takagi, *args], cwd=w, check=True, capture_output=True, text=True)
    return p.stdout


def rec(n, data, shape, *args):
    return run(n, "reconstruct", "-data", data, *GEOM, *shape, "-rec_tv_phase", "5e-2", *args)


run(2, "bcdi", *GEOM, *SPHERE, *DISLOCATION, "-photons", "1e8", "-seed", "7", "-o", "sphere.cxi", "-object", "sphere_truth.h5")
run(2, "phase", "-data", "sphere.cxi", "-o", "sphere_kin.cxi", "-object_lab", "sphere_lab.h5")
run(2, "bcdi", *GEOM, *BOX, "-photons", "1e8", "-seed", "3", "-o", "box.cxi", "-object", "box_truth.h5")
run(2, "phase", "-data", "box.cxi", "-o", "box_kin.cxi", "-object_lab", "box_lab.h5")

# 1. the twin trial, from either file
err = {}
for tw in ("no", "yes"):
    out = rec(2, "sphere.cxi", SPHERE, "-init", "sphere_lab.h5", "-rec_init_twin", tw, "-tao_max_it", "0", "-truth", "sphere_truth.h5", "-o", f"start_{tw}.h5")
    err[tw] = float(re.search(r"initial (\S+) rad, result", out).group(1))
nearer = "direct" if err["no"] < err["yes"] else "twin"
print(f"phase error of the direct start {err['no']:.4f} rad, of its twin {err['yes']:.4f} rad: the {nearer} is nearer the truth")
check(abs(err["no"] - err["yes"]) > 0.3, "the direct and twin starts differ by > 0.3 rad against the truth (the test can tell)")
TRIAL = ["-rec_init_twin", "auto", "-rec_init_twin_its", "15", "-truth", "sphere_truth.h5"]
for init, want in (("sphere_lab.h5", nearer == "twin"), ("sphere_lab_twin.h5", nearer == "direct")):
    out = rec(2, "sphere.cxi", SPHERE, "-init", init, *TRIAL, "-tao_max_it", "15", "-o", "trial.h5")
    m = re.search(r"Twin trial: objective after 15 iterations (\S+) from the -init object, (\S+) from its twin .* continuing from the (\S+)", out)
    took_twin = m is not None and m.group(3) == "twin"
    e0 = float(re.search(r"initial (\S+) rad, result", out).group(1))
    check(m is not None and took_twin == want, f"-init {init}: the trial goes on from the {'twin' if took_twin else '-init object'} "
          f"(objectives {m.group(1) if m else '-'} / {m.group(2) if m else '-'}), the start nearer the truth")
    check(abs(e0 - min(err.values())) <= 1e-6, f"-init {init}: the kept start's phase error {e0:.4f} rad is the smaller of the two")

# 2. restart after the trial chose the twin: one run of 20 iterations against 15 (the trial, its checkpoint) + 5
CK = ["-init", "sphere_lab_twin.h5" if nearer == "direct" else "sphere_lab.h5", *TRIAL, "-rec_checkpoint_every", "5"]
rec(2, "sphere.cxi", SPHERE, *CK, "-tao_max_it", "20", "-o", "a.h5", "-rec_checkpoint", "ck_a.h5")
rec(2, "sphere.cxi", SPHERE, *CK, "-tao_max_it", "15", "-o", "b.h5", "-rec_checkpoint", "ck_b.h5")
out = rec(2, "sphere.cxi", SPHERE, *CK, "-tao_max_it", "20", "-o", "c.h5", "-rec_checkpoint", "ck_c.h5", "-restart", "ck_b.h5")
check("Twin trial" not in out, "the restart does not repeat the trial")
with h5py.File(os.path.join(w, "ck_b.h5"), "r") as f:
    check(int(f.attrs["twin_start"]) == 1, "the checkpoint records that the twin was chosen")
with h5py.File(os.path.join(w, "a.h5"), "r") as fa, h5py.File(os.path.join(w, "c.h5"), "r") as fc:
    for k in ("phase_hu", "density", "phase_hu_initial", "density_initial"):
        d = np.abs(fa[k][()] - fc[k][()]).max()
        check(d == 0, f"{k}: 20 iterations against 15 + restart 5: max difference {d:.2e}")

# 3. the envelope
for n in (1, 2, 3):
    out = rec(n, "box.cxi", BOX, "-init", "box_lab.h5", "-rec_init_envelope", "1e-3", "-tao_max_it", "0", "-o", f"env{n}.h5")
    print(re.search(r"Envelope.*", out).group(0))
with h5py.File(os.path.join(w, "env1.h5"), "r") as f:
    env = f["density_initial"][()] > 0.5
    sp, org = f["grid"].attrs["spacing"], f["grid"].attrs["origin"]
for n in (2, 3):
    with h5py.File(os.path.join(w, f"env{n}.h5"), "r") as f:
        check(np.array_equal(f["density_initial"][()] > 0.5, env), f"the envelope at {n} ranks is that of 1 rank")
with h5py.File(os.path.join(w, "box_truth.h5"), "r") as f:
    truth = f["support"][()] > 0.5


def dilate(m):  # by one voxel, 6-neighbourhood
    d = m.copy()
    for a in range(3):
        d |= np.roll(m, 1, a) | np.roll(m, -1, a)
    return d


interior = truth & ~dilate(~truth)
near, covered = (env & dilate(truth)).sum() / env.sum(), (env & truth).sum() / truth.sum()
check(not (interior & ~env).any(), f"the envelope holds every interior voxel of the box ({(interior & ~env).sum()} of {interior.sum()} missing)")
check(near >= 0.95, f"{near:.3f} of the {env.sum()} envelope voxels are in the box or its surface layer (>= 0.95)")
check(covered >= 0.85, f"the envelope covers {covered:.3f} of the {truth.sum()} box voxels (>= 0.85)")
# the same construction in numpy: autocorrelation support, lag 2r, placed on the start's support
with h5py.File(os.path.join(w, "box.cxi"), "r") as f:
    counts = f["/entry_1/instrument_1/detector_1/data"][()].astype(float)
N = counts.shape
ac = np.abs(np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(counts))))
A, _ = basis(*read_geometry(os.path.join(w, "box.cxi"))[:6], N)
n = env.shape
iz, iy, ix = np.indices(n)
lab = np.stack([org[2] + ix * sp[2], org[1] + iy * sp[1], org[0] + iz * sp[0]], axis=-1)
frac = (2 * (lab - lab[tuple(np.array(n) // 2)])) @ np.linalg.inv(A).T + np.array(N) // 2
i = np.rint(frac).astype(int)
ok = np.all((i >= 0) & (i < np.array(N)), axis=-1)
ref = np.zeros(n, bool)
ref[ok] = (ac > 1e-3 * ac.max())[i[ok][:, 0], i[ok][:, 1], i[ok][:, 2]]
out = rec(1, "box.cxi", BOX, "-init", "box_lab.h5", "-tao_max_it", "0", "-o", "box_start.h5")
with h5py.File(os.path.join(w, "box_start.h5"), "r") as f:
    start = f["density_initial"][()] > 0.5
ref = np.roll(ref, best_shift(start.astype(float), ref.astype(float)), axis=(0, 1, 2))
check(np.array_equal(ref, env), f"the envelope equals the numpy construction ({(ref ^ env).sum()} voxels differ)")

# 4. no iterations, no trial
out = rec(1, "sphere.cxi", SPHERE, "-init", "sphere_lab.h5", "-rec_init_twin", "auto", "-tao_max_it", "0", "-truth", "sphere_truth.h5", "-o", "none.h5")
check("Twin trial" not in out and abs(float(re.search(r"initial (\S+) rad, result", out).group(1)) - err["no"]) <= 1e-6,
      "-tao_max_it 0: no trial, the -init object is the start")

print("FAIL" if fail else "PASS", f"{len(fail)} failure(s)")
sys.exit(1 if fail else 0)
