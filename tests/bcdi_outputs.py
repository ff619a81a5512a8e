#!/usr/bin/env python3
"""Output files of `takagi bcdi`, read as a user would (numpy, h5py).

usage: bcdi_outputs.py <takagi>

1. CXI scan (-o scan.cxi, non-default energy, distance, pixel size, a non-square frame and an odd rocking range):
   /entry_1/instrument_1/detector_1/data has shape (nangles, frame rows, frame cols) and is positive and finite;
   /entry_1/data_1/data is the same array; the mask is (rows, cols); source and beam energy (J), wavelength (m),
   distance (m), x/y pixel sizes (m) equal the inputs within 1e-12; rocking_angle (rad) is the scan given;
   the Bragg angle is asin(lambda / 2d) and detector_2theta twice that; units attributes are present.
2. Object (-object obj.h5): datasets support, phase_hu, u on one cubic (z, y, x) grid, u with 3 components; the
   support is 0/1 and its volume is the sphere's within 5 %; h.u and u vanish outside the support and are not
   all zero inside (edge dislocation); obj.xdmf is well-formed XML naming obj.h5:/support, /phase_hu, /u with
   the datasets' dimensions.
3. -mode both writes scan.cxi and scan_kinematic.cxi with the same shape and the models named in process_1/model.
4. Poisson noise (-photons N -seed s): integer counts >= 0 summing to N within 5 sqrt(N) (dynamical and kinematic
   scans); the same seed twice gives the same data and metadata; another seed gives different data.
5. Round trip: the -object file of a run, read back with -shape mask -mask_file obj.h5 -u_file obj.h5, gives the
   same scan up to the regridding (lab grid -> TT grid): integrated intensity within 2 %, every pixel within 5 %
   of the peak.
6. Bad grid files for -u_file (u with a NaN, u of the wrong shape, no /grid group, a missing file): non-zero exit,
   exactly one stderr line "takagi bcdi: error: ..." naming the file, no output file.
7. No temporary *.part-* files anywhere.
"""
import glob
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("bcdi_outputs.py: h5py is missing (apt-get install python3-h5py)")

takagi = sys.argv[1]
failures = 0
DET = "entry_1/instrument_1/detector_1/"
HC_KEV_A = 12.398419843320026
KEV_J = 1.602176634e-16


def check(what, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + what + (f" ({detail})" if detail else ""))
    if not ok:
        failures += 1


def close(a, b, rtol=1e-12):
    return abs(a - b) <= rtol * abs(b)


def run(args, cwd):
    print("running: takagi bcdi " + " ".join(args))
    p = subprocess.run([takagi, "bcdi"] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout)
        print(p.stderr)
        sys.exit(f"FAIL takagi exited with status {p.returncode}")
    return p


def numeric(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) and o.dtype.kind in "iufc" else None)
    return out


def text(f, name):
    v = f[name][()]
    return v.decode() if isinstance(v, bytes) else str(v)


BASE = ["-size_nm", "250", "-rocking_mrad", "-1.2,1.4,10", "-dislocation", "edge"]


def check_scan(work):
    E, L, px, rows, cols, rock = 8.5, 1.2, 75.0, 32, 48, (-1.2, 1.4, 10)
    p = run(BASE + ["-energy_keV", str(E), "-detector_distance_m", str(L), "-pixel_um", str(px),
                    "-frame_px", f"{rows},{cols}", "-o", "scan.cxi", "-object", "obj.h5"], work)
    d_line = next((l for l in p.stdout.splitlines() if l.startswith("Reflection")), "")
    d_A = float(d_line.split("d = ")[1].split()[0]) if "d = " in d_line else float("nan")
    with h5py.File(os.path.join(work, "scan.cxi"), "r") as f:
        data = f[DET + "data"]
        a = data[()]
        check("scan.cxi: data shape is (nangles, frame rows, frame cols)", a.shape == (rock[2], rows, cols), str(a.shape))
        check("scan.cxi: intensities finite and positive", bool(np.all(np.isfinite(a)) and a.min() > 0),
              f"min {a.min():.3g}, max {a.max():.3g}")
        check("scan.cxi: data has a units attribute", "units" in data.attrs, str(dict(data.attrs)))
        check("scan.cxi: /entry_1/data_1/data is the detector data", np.array_equal(f["entry_1/data_1/data"][()], a))
        check("scan.cxi: mask is (rows, cols)", f[DET + "mask"].shape == (rows, cols), str(f[DET + "mask"].shape))
        lam = HC_KEV_A / E * 1e-10
        for name, want, unit in (("entry_1/instrument_1/source_1/energy", E * KEV_J, "J"),
                                 ("entry_1/instrument_1/beam_1/incident_energy", E * KEV_J, "J"),
                                 ("entry_1/instrument_1/beam_1/incident_wavelength", lam, "m"),
                                 (DET + "distance", L, "m"),
                                 (DET + "x_pixel_size", px * 1e-6, "m"),
                                 (DET + "y_pixel_size", px * 1e-6, "m")):
            v = float(f[name][()])
            u = f[name].attrs.get("units")
            u = u.decode() if isinstance(u, bytes) else u
            check(f"scan.cxi: {name.split('/')[-1]} = {want:.10g} {unit}", close(v, want) and u == unit, f"{v!r} {u}")
        ang = f["entry_1/process_1/rocking_angle"][()]
        want = 1e-3 * np.linspace(*rock[:2], rock[2])
        check("scan.cxi: rocking_angle (rad) is the scan given", ang.shape == want.shape and np.allclose(ang, want, rtol=0, atol=1e-15),
              f"{ang[0]:.6g} .. {ang[-1]:.6g}")
        th = float(f["entry_1/process_1/bragg_angle"][()])
        check("scan.cxi: bragg_angle = asin(lambda / 2d)", close(th, math.asin(lam / (2e-10 * d_A)), 1e-6), f"{th!r}, d = {d_A} A")
        check("scan.cxi: detector_2theta = 2 bragg_angle", close(float(f["entry_1/process_1/detector_2theta"][()]), 2 * th))
        model = text(f, "entry_1/process_1/model")
        check("scan.cxi: model is the dynamical one", model.startswith("dynamical"), model)

    # object file and its XDMF sidecar
    h5, xdmf = os.path.join(work, "obj.h5"), os.path.join(work, "obj.xdmf")
    check("-object: obj.h5 and obj.xdmf written", os.path.isfile(h5) and os.path.isfile(xdmf))
    if not (os.path.isfile(h5) and os.path.isfile(xdmf)):
        return
    with h5py.File(h5, "r") as f:
        names = set(f.keys())
        check("obj.h5: has support, phase_hu and u", {"support", "phase_hu", "u"} <= names, str(sorted(names)))
        if not {"support", "phase_hu", "u"} <= names:
            return
        s, ph, u = f["support"][()], f["phase_hu"][()], f["u"][()]
        n = s.shape
        check("obj.h5: support and phase_hu on one cubic grid, u with 3 components",
              len(n) == 3 and n[0] == n[1] == n[2] and ph.shape == n and u.shape == n + (3,), f"{n}, {ph.shape}, {u.shape}")
        check("obj.h5: support is 0 or 1", bool(np.all((s == 0) | (s == 1))))
        spacing = f["grid"].attrs.get("spacing") if "grid" in f else None
        if spacing is not None:
            vol = float(s.sum()) * float(np.prod(spacing))
            want = 4 / 3 * math.pi * (125e-9) ** 3
            check("obj.h5: support volume is the 250 nm sphere's within 5 %", abs(vol / want - 1) < 0.05, f"{vol / want:.4f} of it")
        else:
            check("obj.h5: /grid carries the spacing", False)
        out = s == 0
        check("obj.h5: phase_hu and u vanish outside the support", bool(np.all(ph[out] == 0) and np.all(u[out] == 0)))
        check("obj.h5: phase_hu and u are not all zero inside (dislocation)",
              bool(np.any(ph[~out] != 0) and np.any(u[~out] != 0)), f"max |h.u| {np.abs(ph).max():.3g} rad")
        check("obj.h5: phase_hu and u are finite", bool(np.all(np.isfinite(ph)) and np.all(np.isfinite(u))))
    try:
        root = ET.parse(xdmf).getroot()
        items = {e.text.strip(): e.get("Dimensions") for e in root.iter("DataItem") if e.get("Format") == "HDF"}
        want = {"obj.h5:/support": " ".join(map(str, n)), "obj.h5:/phase_hu": " ".join(map(str, n)),
                "obj.h5:/u": " ".join(map(str, n + (3,)))}
        check("obj.xdmf: well-formed, names the three datasets with their dimensions", items == want, str(items))
    except ET.ParseError as e:
        check("obj.xdmf: well-formed XML", False, str(e))


def check_both(work):
    run(BASE + ["-frame_px", "32,32", "-mode", "both", "-o", "both.cxi"], work)
    ok = os.path.isfile(os.path.join(work, "both.cxi")) and os.path.isfile(os.path.join(work, "both_kinematic.cxi"))
    check("-mode both: both.cxi and both_kinematic.cxi written", ok)
    if not ok:
        return
    with h5py.File(os.path.join(work, "both.cxi"), "r") as f, h5py.File(os.path.join(work, "both_kinematic.cxi"), "r") as g:
        a, b = f[DET + "data"][()], g[DET + "data"][()]
        check("-mode both: same shape, different patterns", a.shape == b.shape and not np.array_equal(a, b))
        m1, m2 = text(f, "entry_1/process_1/model"), text(g, "entry_1/process_1/model")
        check("-mode both: models are dynamical and kinematic", m1.startswith("dynamical") and m2.startswith("kinematic"), f"{m1!r}, {m2!r}")


def check_noise(work):
    N = 1e6
    common = BASE + ["-frame_px", "32,32", "-mode", "both", "-photons", "%g" % N]
    run(common + ["-seed", "7", "-o", "n7a.cxi"], work)
    run(common + ["-seed", "7", "-o", "n7b.cxi"], work)
    run(common + ["-seed", "8", "-o", "n8.cxi"], work)
    for name in ("n7a.cxi", "n7a_kinematic.cxi"):
        with h5py.File(os.path.join(work, name), "r") as f:
            a = f[DET + "data"][()]
            units = f[DET + "data"].attrs.get("units")
        total = float(a.sum())
        check(f"{name}: counts are integers >= 0", bool(np.all(a >= 0) and np.all(a == np.floor(a))), f"max {a.max():g}")
        check(f"{name}: counts sum to N = {N:g} within 5 sqrt(N)", abs(total - N) <= 5 * math.sqrt(N), f"sum {total:.0f}")
        check(f"{name}: units attribute says photons", units in ("photons", b"photons"), repr(units))
    for k in ("", "_kinematic"):
        a, b, c = (numeric(os.path.join(work, f"{x}{k}.cxi")) for x in ("n7a", "n7b", "n8"))
        same = a.keys() == b.keys() and all(np.array_equal(a[x], b[x]) for x in a)
        check(f"seed 7 twice{k}: identical data and metadata", same)
        check(f"seed 7 vs 8{k}: different data", not np.array_equal(a[DET + "data"], c[DET + "data"]))


def check_round_trip(work):
    """scan.cxi / obj.h5 come from check_scan (same crystal, detector and scan)"""
    src = os.path.join(work, "obj.h5")
    if not os.path.isfile(src):
        check("round trip: obj.h5 from the first run", False)
        return
    geo = BASE[:4] + ["-energy_keV", "8.5", "-detector_distance_m", "1.2", "-pixel_um", "75.0", "-frame_px", "32,48"]
    run(geo + ["-shape", "mask", "-mask_file", "obj.h5", "-u_file", "obj.h5", "-o", "trip.cxi"], work)
    with h5py.File(os.path.join(work, "scan.cxi"), "r") as f, h5py.File(os.path.join(work, "trip.cxi"), "r") as g:
        a, b = f[DET + "data"][()], g[DET + "data"][()]
    ok = a.shape == b.shape
    rs = abs(b.sum() / a.sum() - 1) if ok else float("inf")
    rp = float(np.abs(a - b).max() / a.max()) if ok else float("inf")
    check("round trip (-object read back by -mask_file/-u_file): integrated intensity within 2 %", rs < 0.02, f"{rs:.2e}")
    check("round trip: every pixel within 5 % of the peak", rp < 0.05, f"{rp:.2e}")


def expect_error(args, work, what, name):
    for f in glob.glob(os.path.join(work, "bad*")):
        os.remove(f)
    p = subprocess.run([takagi, "bcdi"] + args + ["-o", "bad.cxi"], cwd=work, capture_output=True, text=True)
    lines = p.stderr.splitlines()
    ok = p.returncode != 0 and len(lines) == 1 and lines[0].startswith("takagi bcdi: error: ") and name in lines[0]
    left = glob.glob(os.path.join(work, "bad.cxi*"))
    check(f"bad input, {what}: one error line naming {name}, non-zero exit, no output", ok and not left,
          f"status {p.returncode}, stderr {p.stderr.strip()!r}{', left ' + ' '.join(left) if left else ''}")


def check_bad_grid_files(work):
    src = os.path.join(work, "obj.h5")
    if not os.path.isfile(src):
        return
    with h5py.File(src, "r") as f:
        u, attrs = f["u"][()], dict(f["grid"].attrs)
    n = u.shape[:3]
    u_nan = u.copy()
    u_nan[n[0] // 2, n[1] // 2, n[2] // 2, 0] = np.nan
    cases = (("u_nan.h5", u_nan, True, "u with a NaN"), ("u_scalar.h5", np.zeros(n), True, "u with 1 component"),
             ("u_two.h5", np.zeros(n + (2,)), True, "u with 2 components"), ("u_nogrid.h5", u, False, "no /grid group"))
    for name, data, grid, what in cases:
        with h5py.File(os.path.join(work, name), "w") as f:
            f.create_dataset("u", data=data)
            if grid:
                g = f.create_group("grid")
                for k, v in attrs.items():
                    g.attrs[k] = v
        expect_error(BASE[:4] + ["-frame_px", "32,32", "-u_file", name], work, what, name)
    expect_error(BASE[:4] + ["-frame_px", "32,32", "-u_file", "no_such_u.h5"], work, "missing -u_file", "no_such_u.h5")


def main():
    with tempfile.TemporaryDirectory(prefix="takagi-test.") as work:
        check_scan(work)
        check_both(work)
        check_noise(work)
        check_round_trip(work)
        check_bad_grid_files(work)
        left = glob.glob(os.path.join(work, "*.part-*"))
        check("no temporary *.part-* files left", not left, " ".join(left))
    print(("PASS" if failures == 0 else f"FAIL: {failures} check(s) failed") + ": takagi bcdi outputs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
