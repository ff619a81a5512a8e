#!/usr/bin/env python3
"""`takagi phase` on scans simulated by `takagi bcdi -mode kinematic` (docs/phase.md, "Validation").

usage: phase_sim.py <takagi> <case> [mpiexec numproc-flag]

cases:
  bump   a 500 x 450 x 400 nm Au box with a smooth off-centre Gaussian bump of h.u (peak 2 rad), no noise:
         the reconstructed crystal overlaps the true one (Dice >= 0.9 at 0.3 of the maximum amplitude), h.u is
         recovered within PHASE_RMS_MAX = 0.12 rad RMS inside (below), h.u = -arg(psi) fits best
         (tests/phase_validate.py); also the output files: CXI layout (PyNX names), HDF5 fields with XDMF sidecar, no
         temporary files left.
  ramp   the same box with a linear phase g.r (g = 8, 9, 2 rad/um): the phase step of psi along each axis is
         -g.a_j (the sign test of the convention; a linear phase is the same for psi and its twin).
  noise  the bump with Poisson noise at 1e8 photons, 2 random starts: still Dice >= 0.9, RMS <= PHASE_RMS_MAX.
  mpi    the noisy scan reconstructed at 1, 2 and 3 ranks (2 runs): identical objects, supports and fields, bitwise.
  measure  the noisy scan, 40 iterations, -fft_rigor measure -fft_wisdom w: rank 0's measured plans on every rank
         (1, 2, 3 ranks bitwise identical), the wisdom file written by the first run and reused (a rerun at 1 rank
         with it is bitwise identical to the first).
  sw_token  the bump scan, 60 iterations: shrink-wraps placed in the sequence (20ER+SW+20HIO+SW+20ER+SW) give the
         bitwise identical object to the periodic shrink-wrap at the same iterations (-sw_period 20 -sw_start 20);
         the full recipe with SW tokens, 3*(20ER+SW+180HIO+SW)+20ER (periodic shrink-wrap off by default then),
         still reconstructs (Dice >= 0.9, RMS <= PHASE_RMS_MAX).
  fftw_mpi  the noisy scan with -fft fftw_mpi (fftw_mpi_plan_dft_3d instead of the slab FFT): reconstructs
         (Dice >= 0.9, RMS <= PHASE_RMS_MAX); a 40-iteration run at 2 and 3 ranks agrees with 1 rank within 1e-9
         of max |psi| (fftw_mpi's plans may differ between rank counts, so the check allows round-off).
  mask   the noisy scan with a masked 12 x 12 block of detector pixels in every frame: the object is bitwise
         the same whether those pixels hold their counts or 1e6 (masked pixels do not enter the iteration).
Exits non-zero if a check fails.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from xdmf_views import check_cxi_views

HERE = os.path.dirname(os.path.abspath(__file__))
SCAN = ["-mode", "kinematic", "-shape", "box", "-size_nm", "500,450,400", "-detector_distance_m", "0.7",
        "-frame_px", "64,64", "-rocking_mrad", "-4.352,4.352,65"]
PY = sys.executable
# Phase RMS limit of one reconstruction (bump and noise). HIO amplifies a relative difference of 1e-16 in the FFT's
# arithmetic by ~10 every 5 iterations, so by iteration ~120 of 3*(20ER+180HIO)+20ER two FFTs that differ only in
# round-off (plans, batching, FFTW build) give different, equally valid reconstructions: the RMS of one run is a draw
# from a distribution, not a property of the code. Over seeds 1-24 of the bump: slab/estimate 0.079 +- 0.014 rad
# (max 0.110; seed 1, this test: 0.103), slab/measure 0.085 +- 0.019 (max 0.114), fftw_mpi (seeds 1-16) 0.077 +-
# 0.021 (max 0.131); all 64 runs 0.081 +- 0.018, 11 above 0.10, 1 above 0.12 (docs/phase.md, "Validation").
PHASE_RMS_MAX = 0.12


def run(cmd, log=None):
    print("running:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if log:
        with open(log, "w") as f:
            f.write(r.stdout + r.stderr)
    if r.returncode:
        print(r.stdout[-3000:], r.stderr[-3000:])
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited with {r.returncode}")
    return r.stdout


def last_lines(out, keys):
    for line in out.splitlines():
        if any(line.startswith(k) for k in keys):
            print("  " + line)


def check_outputs(cxi, h5):
    fail = 0
    with h5py.File(cxi, "r") as f:
        for name in ["/entry_1/image_1/data", "/entry_1/image_1/mask", "/entry_1/image_1/support",
                     "/entry_1/image_1/process_1/configuration/algorithm", "/entry_1/image_1/process_1/results/free_llk_poisson",
                     "/entry_1/image_1/process_1/results/nb_point_support", "/entry_1/data_1/data", "/entry_last/image_1/data",
                     "/entry_1/image_1/process_1/note_1/data"]:
            if name not in f:
                print(f"FAIL: {cxi} lacks {name}")
                fail = 1
        d = f["/entry_1/image_1/data"]
        if d.dtype != np.complex64:
            print(f"FAIL: object dtype {d.dtype}, want complex64 (PyNX)")
            fail = 1
        if f["/entry_1/image_1/mask"][()].sum() != f["/entry_1/image_1/process_1/results/nb_point_support"][()]:
            print("FAIL: support size disagrees with nb_point_support")
            fail = 1
    with h5py.File(h5, "r") as f:
        for name in ["amplitude", "phase_hu", "support", "grid"]:
            if name not in f:
                print(f"FAIL: {h5} lacks {name}")
                fail = 1
    xdmf = h5[:-3] + ".xdmf"
    if not os.path.exists(xdmf) or "phase_hu" not in open(xdmf).read():
        print(f"FAIL: no XDMF sidecar {xdmf} naming phase_hu")
        fail = 1
    for msg in check_cxi_views(cxi, "amplitude", 1e-6, -1):  # float32 views of the complex64 image
        print("FAIL:", msg)
        fail = 1
    left = [n for n in os.listdir(os.path.dirname(cxi) or ".") if ".part-" in n]
    if left:
        print(f"FAIL: temporary files left: {left}")
        fail = 1
    if not fail:
        print("PASS: CXI object (complex64, mask, support link, process_1/configuration, results) + its XDMF views, HDF5 fields + XDMF, no temporary files")
    return fail


def main():
    takagi, case = sys.argv[1], sys.argv[2]
    if os.sep in takagi:
        takagi = os.path.abspath(takagi)
    mpi = sys.argv[3:5]
    work = tempfile.mkdtemp(prefix="takagi-phase-")
    os.chdir(work)
    fail = 0
    validate = [PY, os.path.join(HERE, "phase_validate.py")]
    if case in ("bump", "noise", "mpi", "measure", "sw_token", "fftw_mpi", "mask"):
        run([PY, os.path.join(HERE, "phase_make_ufield.py"), "u.h5", "2.0", "150"])
        extra = ["-photons", "1e8", "-seed", "3"] if case not in ("bump", "sw_token") else []
        run([takagi, "bcdi"] + SCAN + ["-u_file", "u.h5", "-o", "scan.cxi", "-object", "truth.h5"] + extra)
    elif case == "ramp":
        run([takagi, "bcdi"] + SCAN + ["-phase_ramp", "8,9,2", "-o", "scan.cxi", "-object", "truth.h5"])
    else:
        raise SystemExit(f"unknown case {case}")
    if case in ("bump", "ramp", "noise"):
        opts = ["-nruns", "2"] if case == "noise" else []
        out = run([takagi, "phase", "-data", "scan.cxi", "-o", "rec.cxi", "-object", "rec.h5", "-print_period", "0"] + opts)
        last_lines(out, ["Best", "Solved"])
        args = ["scan.cxi", "truth.h5", "rec.cxi"] + (["--ramp", "--ramp-tol", "0.02"] if case == "ramp" else ["--max-phase-rms", str(PHASE_RMS_MAX)])
        r = subprocess.run(validate + args, capture_output=True, text=True)
        print(r.stdout + r.stderr)
        fail |= r.returncode != 0
        if case == "bump":
            fail |= check_outputs("rec.cxi", "rec.h5")
    if case == "sw_token":
        base = [takagi, "phase", "-data", "scan.cxi", "-print_period", "0"]
        run(base + ["-algorithm", "20ER+20HIO+20ER", "-sw_period", "20", "-sw_start", "20", "-o", "p.cxi"])
        run(base + ["-algorithm", "20ER+SW+20HIO+SW+20ER+SW", "-o", "t.cxi"])
        with h5py.File("p.cxi") as f, h5py.File("t.cxi") as g:
            same = all(np.array_equal(f[k][()], g[k][()]) for k in ("/entry_1/image_1/data", "/entry_1/image_1/mask"))
        print(f"{'PASS' if same else 'FAIL'}: SW tokens at iterations 20, 40, 60 == -sw_period 20 -sw_start 20 (bitwise)")
        fail |= not same
        run(base + ["-algorithm", "3*(20ER+SW+180HIO+SW)+20ER", "-o", "rec.cxi", "-object", "rec.h5"])
        r = subprocess.run(validate + ["scan.cxi", "truth.h5", "rec.cxi", "--max-phase-rms", str(PHASE_RMS_MAX)], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        fail |= r.returncode != 0
    if case == "fftw_mpi":
        if not mpi:
            raise SystemExit("fftw_mpi case needs the mpiexec command and its numproc flag")
        run([takagi, "phase", "-data", "scan.cxi", "-fft", "fftw_mpi", "-print_period", "0", "-o", "rec.cxi", "-object", "rec.h5"])
        r = subprocess.run(validate + ["scan.cxi", "truth.h5", "rec.cxi", "--max-phase-rms", str(PHASE_RMS_MAX)], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        fail |= r.returncode != 0
        short = ["phase", "-data", "scan.cxi", "-fft", "fftw_mpi", "-algorithm", "10ER+20HIO+10ER", "-print_period", "0"]
        for n in (1, 2, 3):
            run([mpi[0], mpi[1], str(n), takagi] + short + ["-o", f"f{n}.cxi"])
        with h5py.File("f1.cxi") as f:
            ref = f["/entry_1/image_1/data"][()]
        for n in (2, 3):
            with h5py.File(f"f{n}.cxi") as f:
                rel = float(np.abs(f["/entry_1/image_1/data"][()] - ref).max() / np.abs(ref).max())
            print(f"{'PASS' if rel <= 1e-9 else 'FAIL'}: -fft fftw_mpi at {n} ranks vs 1: max |difference| / max |psi| = {rel:.2e} (tolerance 1e-9)")
            fail |= rel > 1e-9
    if case == "mask":
        D = "/entry_1/instrument_1/detector_1/"
        for name, garbage in (("m_counts.cxi", False), ("m_garbage.cxi", True)):
            with h5py.File("scan.cxi") as f, h5py.File(name, "w") as g:
                data = f[D + "data"][()].astype(np.float64)
                mask = np.zeros(data.shape[1:], dtype=np.uint8)
                mask[20:32, 36:48] = 1  # a block beside the Bragg peak, inside the fringes
                if garbage:
                    data[:, 20:32, 36:48] = 1e6
                g[D + "data"] = data
                g[D + "mask"] = mask
                for k in ("distance", "x_pixel_size", "y_pixel_size"):
                    if D + k in f:
                        g[D + k] = f[D + k][()]
        for name in ("m_counts", "m_garbage"):
            run([takagi, "phase", "-data", name + ".cxi", "-algorithm", "20ER+40HIO+20ER", "-print_period", "0", "-o", name + "_rec.cxi"])
        with h5py.File("m_counts_rec.cxi") as f, h5py.File("m_garbage_rec.cxi") as g:
            same = np.array_equal(f["/entry_1/image_1/data"][()], g["/entry_1/image_1/data"][()])
        print(f"{'PASS' if same else 'FAIL'}: masked pixels holding 1e6 instead of their counts leave the object bitwise unchanged")
        fail |= not same
    if case in ("mpi", "measure"):
        if not mpi:
            raise SystemExit(f"{case} case needs the mpiexec command and its numproc flag")
        names = []
        opts = ["-nruns", "2"] if case == "mpi" else ["-algorithm", "10ER+20HIO+10ER", "-fft_rigor", "measure", "-fft_wisdom", "w.txt"]
        runs = (1, 2, 3) if case == "mpi" else (1, 2, 3, 4)
        for n in runs:  # measure: run 4 is a rerun at 1 rank with the wisdom file
            out = run([mpi[0], mpi[1], str(min(n, 3) if n < 4 else 1), takagi, "phase", "-data", "scan.cxi", "-o", f"r{n}.cxi", "-object", f"r{n}.h5",
                       "-print_period", "0"] + opts)
            last_lines(out, ["Best", "Phase retrieval"])
            names.append(n)
            if case == "measure" and n == 1 and not os.path.exists("w.txt"):
                print("FAIL: -fft_wisdom w.txt was not written")
                fail = 1
        with h5py.File("r1.cxi") as f:
            ref = f["/entry_1/image_1/data"][()]
            refm = f["/entry_1/image_1/mask"][()]
        with h5py.File("r1.h5") as f:
            reff = {k: f[k][()] for k in ("amplitude", "phase_hu", "support")}
        for n in names[1:]:
            with h5py.File(f"r{n}.cxi") as f:
                d = f["/entry_1/image_1/data"][()]
                m = f["/entry_1/image_1/mask"][()]
            with h5py.File(f"r{n}.h5") as f:
                fl = {k: f[k][()] for k in ("amplitude", "phase_hu", "support")}
            same = np.array_equal(d, ref) and np.array_equal(m, refm) and all(np.array_equal(fl[k], reff[k]) for k in fl)
            if case == "measure":  # rank 0's plans everywhere: bitwise, no tolerance
                print(f"{'PASS' if same else 'FAIL'}: {'rerun with the wisdom file' if n == 4 else f'{n} ranks'} (measured plans): {'' if same else 'NOT '}bitwise identical to the first run")
                fail |= not same
            elif same:
                print(f"PASS: {n} ranks: object, support and fields bitwise identical to 1 rank")
            else:
                rel = float(np.abs(d - ref).max() / np.abs(ref).max())
                ok = rel <= 1e-10 and np.array_equal(m, refm)
                print(f"{'PASS' if ok else 'FAIL'}: {n} ranks: NOT bitwise; max |difference| / max |psi| = {rel:.3e} (tolerance 1e-10), supports {'equal' if np.array_equal(m, refm) else 'differ'}")
                fail |= not ok
    print("FAIL" if fail else "PASS", f"phase_sim {case} (work directory {work})")
    if not fail:
        subprocess.run(["rm", "-rf", work])
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
