#!/usr/bin/env python3
"""`takagi deform` as a user runs it: generator volume fractions, rank-count independence, restart identity,
checkpoint errors, the pillar stress over its section, the eigenstrain tensor order in the files, the stress hold,
shear and quasistatic driving, and takagi bcdi reading the deformed pillar. Each case runs in a fresh temporary
directory and prints PASS/FAIL lines.

usage: deform_tests.py TAKAGI MPIEXEC NPFLAG CASE
  CASE: generator | mpi | restart | checkpoint_errors | pillar | eps_p_order | hold | drivers | bcdi_reads_u
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

TAKAGI, MPIEXEC, NPFLAG, CASE = sys.argv[1:5]
failures = []


def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + msg)
    if not ok:
        failures.append(msg)


def run(args, ranks=0, expect_ok=True):
    cmd = ([MPIEXEC, NPFLAG, str(ranks)] if ranks else []) + [TAKAGI, "deform"] + args
    p = subprocess.run(cmd, capture_output=True, text=True)
    if expect_ok and p.returncode:
        print(p.stdout[-3000:], p.stderr[-3000:])
        raise SystemExit("FAIL: %s exited with %d" % (" ".join(cmd), p.returncode))
    return p


def curve(prefix):
    return np.atleast_2d(np.genfromtxt(prefix + "_curve.csv", delimiter=",", skip_header=1))


# small, fast model settings shared by the cases (20^3 voxels, finite-rate driving)
MODEL = ["-ng_spacing_nm", "0.5", "-ng_glass_softening", "0.7", "-plast_eps0", "0.05", "-load_driving", "rate",
         "-load_strain_step", "2e-4", "-spectral_rtol", "1e-10"]


def generator():
    # Crystal fraction: random sequential addition places round(f V / v) spheres; voxelised spheres of 6 voxels
    # diameter hold their volume to a few per cent. Tolerance 10 % relative.
    p = "gen"
    run(["-ng_grid", "64", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "10", "-ng_interface_nm", "1", "-ng_crystal_fraction",
         "0.1", "-ng_crystal_nm", "3", "-load_steps", "0", "-o", p])
    with h5py.File(p + "_microstructure.h5", "r") as f:
        phase = f["phase"][()]
        grain = f["grain"][()]
    fc = np.mean(phase == 2)
    check(abs(fc - 0.1) < 0.01, "crystal volume fraction %.4f within 10 %% of the requested 0.1" % fc)
    # Interface fraction: a layer of width w on the faces of a Poisson-Voronoi tessellation of density n has volume
    # fraction ~ S_V w, S_V = (256 pi / 3)^(1/3) Gamma(5/3) n^(1/3) / 2 = 2.9105 n^(1/3) (Meijering 1953), less the
    # overlap at edges (second order in w n^(1/3) = 0.12 here). Measured outside crystals. Tolerance: 0.75-1.0 S_V w.
    L = 32.0
    n = round(L ** 3 / (math.pi / 6 * 10 ** 3))
    sv = 0.5 * (256 * math.pi / 3) ** (1 / 3) * math.gamma(5 / 3) * (n / L ** 3) ** (1 / 3)
    fi = np.mean(phase == 1) / (1 - fc)
    check(0.75 * sv * 1.0 <= fi <= sv * 1.0, "interface fraction %.4f within [0.75, 1] x S_V w = %.4f" % (fi, sv))
    check(grain.max() + 1 == n, "%d grains, as V / (pi d^3 / 6) = %d" % (grain.max() + 1, n))
    # monolithic glass with a pillar: vacuum outside the cylinder, fraction 1 - pi D^2 / (4 L^2) to voxelisation
    run(["-ng_grid", "32", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "0", "-ng_pillar_nm", "12", "-load_steps", "0", "-o", "pil"])
    with h5py.File("pil_microstructure.h5", "r") as f:
        fv = np.mean(f["phase"][()] == 3)
    want = 1 - math.pi * 12 ** 2 / (4 * 16 ** 2)
    check(abs(fv - want) < 0.02, "pillar vacuum fraction %.4f vs 1 - pi D^2/(4 L^2) = %.4f (+-0.02)" % (fv, want))


def mpi():
    # the same microstructure (bitwise) and the same loading curve (to solver round-off, 1e-8 relative) at 1, 2, 3
    # ranks; 20 planes split 20 / 10+10 / 7+7+6 puts grain, crystal and band boundaries across ranks
    args = ["-ng_grid", "20", "-ng_grain_nm", "5", "-ng_interface_nm", "1", "-ng_crystal_fraction", "0.04",
            "-ng_crystal_nm", "1.5", "-load_steps", "60", "-fields_steps", "30", "-xpcs_every", "10"] + MODEL
    for r in (1, 2, 3):
        run(args + ["-o", "r%d" % r], ranks=r)
    ref = h5py.File("r1_microstructure.h5", "r")
    c1 = curve("r1")
    for r in (2, 3):
        with h5py.File("r%d_microstructure.h5" % r, "r") as f:
            same = all(np.array_equal(ref[k][()], f[k][()]) for k in ("phase", "grain"))
        check(same, "microstructure at %d ranks identical to 1 rank" % r)
        c = curve("r%d" % r)
        err = np.max(np.abs(c[:, :5] - c1[:, :5]) / (np.abs(c1[:, :5]) + 1e-30))
        check(c.shape == c1.shape and err < 1e-8, "curve at %d ranks equals 1 rank (max rel. diff %.2e < 1e-8)" % (r, err))
        with h5py.File("r1_fields_final.h5", "r") as a, h5py.File("r%d_fields_final.h5" % r, "r") as b:
            d = np.max(np.abs(a["plastic_strain"][()] - b["plastic_strain"][()]))
        check(d < 1e-12, "final plastic strain field at %d ranks equals 1 rank (max diff %.1e)" % (r, d))
        l1 = np.genfromtxt("r1_localisation.csv", delimiter=",", skip_header=1)
        lr = np.genfromtxt("r%d_localisation.csv" % r, delimiter=",", skip_header=1)
        check(np.allclose(l1, lr, rtol=1e-8, atol=1e-12), "band statistics (union-find across ranks) at %d ranks equal 1 rank" % r)
        i1 = np.genfromtxt("r1_isf.csv", delimiter=",", skip_header=1)
        ir = np.genfromtxt("r%d_isf.csv" % r, delimiter=",", skip_header=1)
        check(np.allclose(i1, ir, rtol=1e-8, atol=1e-12), "ISF at %d ranks equals 1 rank" % r)
    # 2 planes on 3 ranks: one rank owns no plane and still takes part in every solve, reduction and write
    thin = ["-ng_grid", "2,12,12", "-ng_grain_nm", "3", "-ng_interface_nm", "0.5", "-ng_glass_threshold_GPa", "0.2",
            "-load_steps", "20", "-fields_steps", "10", "-xpcs_every", "5"] + MODEL
    run(thin + ["-o", "t1"])
    run(thin + ["-o", "t3"], ranks=3)
    a, b = curve("t1"), curve("t3")
    err = np.max(np.abs(a[:, :5] - b[:, :5]) / (np.abs(a[:, :5]) + 1e-30)) if a.shape == b.shape else float("inf")
    check(err < 1e-8 and a[-1, 4] > 0, "2 planes on 3 ranks (one rank empty): curve equals 1 rank (max rel. diff %.2e)" % err)
    with h5py.File("t1_fields_final.h5", "r") as f, h5py.File("t3_fields_final.h5", "r") as g:
        d = np.max(np.abs(f["eps_p"][()] - g["eps_p"][()]))
    check(d < 1e-12, "2 planes on 3 ranks: final eigenstrain equals 1 rank (max diff %.1e)" % d)


def restart():
    # 2N steps in one go = N steps with a checkpoint + restart for N more: same curve, state and bands (the restart
    # re-solves the saved state from a cold start, so agreement is to the solver tolerance 1e-10, not bitwise)
    args = ["-ng_grid", "16", "-ng_grain_nm", "4", "-ng_interface_nm", "1", "-fields_every", "20", "-xpcs_every", "5"] + MODEL
    run(args + ["-load_steps", "40", "-o", "full"], ranks=2)
    run(args + ["-load_steps", "20", "-checkpoint_every", "20", "-o", "half"], ranks=2)
    p = run(args + ["-load_steps", "40", "-restart", "half_checkpoint.h5", "-o", "cont"], ranks=2)
    a, b = curve("full"), curve("cont")
    err = np.max(np.abs(a[:, :5] - b[:, :5]) / (np.abs(a[:, :5]) + 1e-30)) if a.shape == b.shape else float("inf")
    check(err < 1e-6, "2N steps == N + restart N: curve rows %d vs %d, max rel. diff %.2e < 1e-6" % (len(a), len(b), err))
    with h5py.File("full_fields_final.h5", "r") as f, h5py.File("cont_fields_final.h5", "r") as g:
        d = np.max(np.abs(f["eps_p"][()] - g["eps_p"][()]))
    check(d < 1e-9, "final eigenstrain identical after restart (max diff %.1e)" % d)
    la = np.genfromtxt("full_localisation.csv", delimiter=",", skip_header=1)
    lb = np.genfromtxt("cont_localisation.csv", delimiter=",", skip_header=1)
    check(la.shape == lb.shape and np.allclose(la, lb, rtol=1e-6), "band statistics rows carried through the checkpoint")
    check("step 40/40" in p.stdout and "ETA" in p.stdout, "progress lines with ETA printed")
    # P_fields.xdmf: one temporal collection over the snapshots (steps 20, 40: the final state is step 40), each an
    # existing file, times increasing; the localisation table holds each step once
    import re
    with open("full_fields.xdmf") as f:
        x = f.read()
    files = re.findall(r'Format="HDF">([^:]+):/plastic_strain', x)
    times = [float(t) for t in re.findall(r'<Time Value="([^"]+)"', x)]
    check('CollectionType="Temporal"' in x and files == ["full_fields_00020.h5", "full_fields_00040.h5"] and all(os.path.exists(f) for f in files)
          and len(times) == 2 and times[0] < times[1], "field time series: %s at strains %s" % (files, times))
    check(len(la) == 2 and len(set(la[:, 0])) == 2, "localisation rows once per step (%d rows)" % len(la))


def checkpoint_errors():
    args = ["-ng_grid", "12", "-ng_grain_nm", "0"] + MODEL
    run(args + ["-load_steps", "4", "-checkpoint_every", "4", "-o", "a"])
    with open("a_curve.csv") as f:
        before = f.read()
    cases = {
        "foreign": (args + ["-ng_glass_threshold_GPa", "2.5", "-load_steps", "8", "-restart", "a_checkpoint.h5", "-o", "a"],
                    "other microstructure, model or loading options"),
        "grid": (["-ng_grid", "14"] + args[2:] + ["-load_steps", "8", "-restart", "a_checkpoint.h5", "-o", "a"], "grid"),
        "not_hdf5": (args + ["-load_steps", "8", "-restart", "a_curve.csv", "-o", "a"], "cannot open the checkpoint"),
        "other_hdf5": (args + ["-load_steps", "8", "-restart", "a_microstructure.h5", "-o", "a"], "not a takagi deform checkpoint"),
    }
    # damaged contents behind a valid header and fingerprint
    import shutil

    def damaged(name, edit):
        shutil.copy("a_checkpoint.h5", name)
        with h5py.File(name, "r+") as f:
            edit(f)
        return args + ["-load_steps", "8", "-restart", name, "-o", "a"]

    def negative_threshold(f):
        t = f["threshold"][()]
        t[0, 0, 0, 0] = -1
        f["threshold"][...] = t

    def nan_strain(f):
        e = f["eps_p"][()]
        e[1, 2, 3, 4] = np.nan
        f["eps_p"][...] = e

    def truncated_curve(f):
        c = f["curve"][()]
        del f["curve"]
        f["curve"] = c[:-1]

    def fractional_draws(f):
        g = f["draws"][()]
        g[0, 0, 0, 0] = 1.5
        f["draws"][...] = g

    def step_beyond(f):
        f.attrs["step"] = np.int64(99)

    cases["negative_threshold"] = (damaged("neg.h5", negative_threshold), "yield threshold that is not positive")
    cases["nan_strain"] = (damaged("nan.h5", nan_strain), "non-finite strains")
    cases["truncated_curve"] = (damaged("trunc.h5", truncated_curve), "at step 4 but its stress-strain table holds 3 rows")
    cases["fractional_draws"] = (damaged("draws.h5", fractional_draws), "draw count that is not a whole number")
    cases["step_beyond_load_steps"] = (args + ["-load_steps", "3", "-restart", "a_checkpoint.h5", "-o", "a"],
                                       "at step 4, beyond -load_steps 3")
    cases["step_99"] = (damaged("step99.h5", step_beyond), "at step 99 but its stress-strain table holds 4 rows")
    for name, (a, want) in cases.items():
        p = run(a, expect_ok=False)
        lines = [l for l in p.stderr.splitlines() if l.startswith("takagi")]
        ok = p.returncode != 0 and len(lines) == 1 and want in lines[0] and "PETSC ERROR" not in p.stderr
        check(ok, "%s checkpoint: one line '%s'" % (name, lines[0] if lines else p.stderr.strip()[:200]))
    with open("a_curve.csv") as f:
        check(f.read() == before, "a failed restart leaves the earlier outputs untouched")
    check(not [f for f in os.listdir(".") if ".part-" in f], "no temporary files left behind")


def pillar():
    # Saint-Venant: a homogeneous prismatic bar in vacuum, compressed along its axis, carries the uniaxial stress
    # E eps over its section whatever the (voxelised) section shape. The curve reports the stress over the solid, so
    # stress / strain = E of the glass (100 GPa) to the solver tolerance (1e-10; tolerance 1e-6). The cell-mean
    # stress would be smaller by the solid fraction (0.55 here).
    run(["-ng_grid", "24", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "0", "-ng_pillar_nm", "10", "-ng_glass_threshold_GPa",
         "1000", "-load_driving", "rate", "-load_strain_step", "1e-3", "-load_steps", "3", "-spectral_rtol", "1e-10",
         "-o", "p"])
    c = curve("p")
    mod = c[:, 2] / c[:, 1]
    err = np.max(np.abs(mod - 100.0)) / 100.0
    check(err < 1e-6, "elastic pillar: stress_GPa / strain = %.9g GPa = E_glass 100 GPa (rel. err %.1e < 1e-6)" % (mod[-1], err))


def eps_p_order():
    # the plastic eigenstrain is written in the order its 'components' attribute and XDMF Tensor6 declare
    # (xx, xy, xz, yy, yz, zz): traceless voxel by voxel (a shear transformation is deviatoric), and under
    # compression along z its zz mean is negative and the largest diagonal magnitude, xx and yy expanding.
    run(["-ng_grid", "16", "-ng_grain_nm", "0", "-load_steps", "40"] + MODEL + ["-o", "e"])
    with h5py.File("e_fields_final.h5", "r") as f:
        comp = f["eps_p"].attrs["components"]
        comp = (comp.decode() if isinstance(comp, bytes) else str(comp)).split(",")
        e = f["eps_p"][()]
        eta = f["plastic_strain"][()]
    check(comp == ["xx", "xy", "xz", "yy", "yz", "zz"], "eps_p components attribute %s" % comp)
    check(eta.max() > 1e-3, "plastic flow happened (max eta %.2e)" % eta.max())
    xx, yy, zz = (e[..., comp.index(k)] for k in ("xx", "yy", "zz"))
    tr = np.max(np.abs(xx + yy + zz)) / max(np.max(np.abs(e)), 1e-300)
    check(tr < 1e-12, "eps_p traceless in every voxel read by its component names (max |tr| / max |e| %.1e)" % tr)
    m = [float(np.mean(v)) for v in (xx, yy, zz)]
    check(m[2] < 0 and m[0] > 0 and m[1] > 0 and abs(m[2]) > max(abs(m[0]), abs(m[1])),
          "compression along z: mean eps_p xx %.2e, yy %.2e > 0 > zz %.2e" % tuple(m))


def hold():
    # Stress hold (creep): rate steps up to -load_hold_GPa, then the load follows the relaxation so that every later
    # row carries the held stress (exact by linearity, 1e-12) while the strain creeps upward (to the solver
    # tolerance, 1e-8); the ISF reference is the first held step and the times are steps x strain_step / rate.
    # 1 and 2 ranks agree (1e-8); N steps + restart N = 2N steps (1e-6).
    args = ["-ng_grid", "16", "-ng_grain_nm", "4", "-ng_interface_nm", "1", "-load_driving", "hold", "-load_hold_GPa", "1",
            "-load_strain_step", "2e-3", "-load_strain_rate", "1e-4", "-xpcs_every", "5", "-spectral_rtol", "1e-10",
            "-ng_spacing_nm", "0.5"]
    run(args + ["-load_steps", "40", "-o", "h1"])
    c = curve("h1")
    held = np.where(np.abs(c[:, 2] - 1.0) < 1e-12)[0]
    check(len(held) > 20 and held[0] > 0 and np.all(np.diff(held) == 1) and held[-1] == len(c) - 1,
          "stress held at 1 GPa from step %d to the end (%d rows)" % (c[held[0], 0] if len(held) else -1, len(held)))
    ramp = c[: held[0] if len(held) else 0]
    check(len(ramp) > 0 and np.all(np.diff(ramp[:, 1]) > 0) and np.all(ramp[:, 2] < 1.0), "ramp below the held stress first")
    creep = c[held, 1] if len(held) else np.zeros(1)
    check(np.all(np.diff(creep) > -1e-8) and creep[-1] - creep[0] > 1e-3 and c[held, 5].sum() > 0,
          "strain creeps under the held stress: %.5f -> %.5f with %d transformations" % (creep[0], creep[-1], c[held, 5].sum()))
    isf = np.atleast_2d(np.genfromtxt("h1_isf.csv", delimiter=",", skip_header=1))
    ok = len(held) and isf[0, 0] == c[held[0], 0] and isf[0, 3] == 1 and np.allclose(np.diff(isf[:, 2]), 5 * 2e-3 / 1e-4)
    check(bool(ok), "ISF reference at the first held step %d, times every %g s" % (isf[0, 0], 5 * 2e-3 / 1e-4))
    check(bool(np.all(isf[1:, 3] < 1)), "F_s below 1 once the creep has moved the voxels")
    run(args + ["-load_steps", "40", "-o", "h2"], ranks=2)
    c2 = curve("h2")
    err = np.max(np.abs(c2[:, :5] - c[:, :5]) / (np.abs(c[:, :5]) + 1e-30)) if c2.shape == c.shape else float("inf")
    check(err < 1e-8, "hold at 2 ranks equals 1 rank (max rel. diff %.2e)" % err)
    run(args + ["-load_steps", "20", "-checkpoint_every", "20", "-o", "hh"])
    run(args + ["-load_steps", "40", "-restart", "hh_checkpoint.h5", "-o", "hc"])
    c3 = curve("hc")
    err = np.max(np.abs(c3[:, :5] - c[:, :5]) / (np.abs(c[:, :5]) + 1e-30)) if c3.shape == c.shape else float("inf")
    i3 = np.atleast_2d(np.genfromtxt("hc_isf.csv", delimiter=",", skip_header=1))
    check(err < 1e-6 and i3.shape == isf.shape and np.allclose(i3, isf, rtol=1e-6, atol=1e-9),
          "20 held steps + restart 20 = 40 steps: curve (max rel. diff %.2e) and ISF" % err)


def drivers():
    # Shear: a homogeneous elastic cell under 2 E_xz = g carries sigma_xz = mu g, mu = E / (2 (1 + nu)) =
    # 100 / 2.7 GPa (Hooke's law, 1e-9). Quasistatic driving: each step loads to the next instability and relaxes its
    # avalanche, so every step has >= 1 transformation, the stress after it is at most the trigger stress, the
    # strain never decreases, and the first trigger is elastic: stress_peak / strain = E (1e-9) for a homogeneous glass.
    run(["-ng_grid", "12", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "0", "-ng_glass_threshold_GPa", "1000", "-load_mode",
         "shear", "-load_driving", "rate", "-load_strain_step", "1e-3", "-load_steps", "2", "-spectral_rtol", "1e-12",
         "-o", "s"])
    c = curve("s")
    mu = c[:, 2] / c[:, 1]
    check(np.max(np.abs(mu / (100 / 2.7) - 1)) < 1e-9, "elastic shear: stress / strain = %.9g GPa = mu 37.037 GPa" % mu[-1])
    run(["-ng_grid", "12", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "0", "-load_driving", "quasistatic", "-load_steps", "30",
         "-spectral_rtol", "1e-10", "-plast_eps0", "0.05", "-o", "q"])
    c = curve("q")
    check(np.all(c[:, 5] >= 1), "quasistatic: every step transforms (min %d events)" % c[:, 5].min())
    check(np.all(c[:, 2] <= c[:, 3] + 1e-12) and np.all(np.diff(c[:, 1]) >= -1e-15),
          "quasistatic: stress after each avalanche <= its trigger stress, strain non-decreasing")
    check(abs(c[0, 3] / c[0, 1] / 100 - 1) < 1e-9, "quasistatic: first trigger elastic, stress_peak / strain = %.9g GPa" % (c[0, 3] / c[0, 1]))
    check(c[-1, 4] > 0 and c[:, 6].max() > 1, "quasistatic: avalanches of several solves (max %d)" % c[:, 6].max())


def bcdi_reads_u():
    # A plastically deformed nanoglass pillar handed to the diffraction solver: takagi bcdi reads P_u.h5 (u and
    # support), and the u it puts on its own 1 nm lab grid is the trilinear interpolation of the deform grid's u
    # (1e-12 of max |u|, at object voxels whose 8 neighbours are solid).
    run(["-ng_grid", "24", "-ng_spacing_nm", "0.5", "-ng_grain_nm", "4", "-ng_interface_nm", "1", "-ng_pillar_nm", "10",
         "-load_driving", "rate", "-load_strain_step", "2e-3", "-load_steps", "20", "-o", "pp"])
    c = curve("pp")
    check(c[-1, 4] > 1e-3 and c[-1, 2] < 100 * c[-1, 1] * 0.5, "pillar flowed plastically (mean eta %.2e, stress %.3g GPa at strain %.3f)" % (c[-1, 4], c[-1, 2], c[-1, 1]))
    p = subprocess.run([TAKAGI, "bcdi", "-shape", "mask", "-mask_file", "pp_u.h5", "-u_file", "pp_u.h5", "-voxel_nm", "1",
                        "-rocking_mrad", "-20,20,16", "-frame_px", "32,32", "-o", "pp.cxi", "-object", "ppo.h5"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and os.path.exists("pp.cxi"), "takagi bcdi ran on P_u.h5 (%s)" % p.stderr.strip()[-200:])
    if p.returncode:
        return
    with h5py.File("ppo.h5", "r") as a, h5py.File("pp_u.h5", "r") as b:
        ua, sa, ga = a["u"][()], a["support"][()], dict(a["grid"].attrs)
        ub, sb, gb = b["u"][()], b["support"][()], dict(b["grid"].attrs)
    axes = [ga["origin"][i] + ga["spacing"][i] * np.arange(sa.shape[i]) for i in range(3)]
    f = [(c - gb["origin"][i]) / gb["spacing"][i] for i, c in enumerate(np.meshgrid(*axes, indexing="ij"))]
    i0 = [np.floor(v).astype(int) for v in f]
    w = [v - i for v, i in zip(f, i0)]
    ok = sa > 0.5
    for i in range(3):
        ok &= (i0[i] >= 0) & (i0[i] + 1 < sb.shape[i])
    u = np.zeros(ua.shape)
    for corner in range(8):
        dz, dy, dx = corner >> 2 & 1, corner >> 1 & 1, corner & 1
        idx = [np.clip(i0[k] + d, 0, sb.shape[k] - 1) for k, d in enumerate((dz, dy, dx))]
        wt = (w[0] if dz else 1 - w[0]) * (w[1] if dy else 1 - w[1]) * (w[2] if dx else 1 - w[2])
        u += wt[..., None] * ub[tuple(idx)]
        ok &= sb[tuple(idx)] > 0.5
    err = np.max(np.abs(u[ok] - ua[ok])) / np.max(np.abs(ub))
    check(ok.sum() > 500 and np.max(np.abs(ua[ok])) > 0 and err < 1e-12,
          "bcdi's u at %d interior voxels = trilinear interpolation of P_u.h5 (max rel. diff %.1e)" % (ok.sum(), err))


with tempfile.TemporaryDirectory() as d:
    os.chdir(d)
    {"generator": generator, "mpi": mpi, "restart": restart, "checkpoint_errors": checkpoint_errors, "pillar": pillar,
     "eps_p_order": eps_p_order, "hold": hold,
     "drivers": drivers, "bcdi_reads_u": bcdi_reads_u}[CASE]()
sys.exit(1 if failures else 0)
