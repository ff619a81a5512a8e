#!/usr/bin/env python3
"""Output files of `takagi rocking`, read as a user would (numpy, h5py).

usage: check_outputs.py <takagi>

- CSV: exactly one header line (angle_urad,... or energy_meV,...), then N rows of 3 finite numbers; the scan
  variable runs from start to stop in N equal steps; 0 <= R, T <= 1.
- HDF5 (-o x.h5): /rocking/angle_urad, /rocking/reflectivity, /rocking/transmission, each with a units attribute,
  equal to the CSV of the same run; root attributes crystal, hkl, energy_keV, thickness_um, asymmetry_deg,
  polarization, ... equal to the options given.
- No temporary *.part-* files are left next to the outputs.
"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import h5py
except ImportError:  # the Debian package python3-h5py; scripts/setup installs it
    sys.exit("check_outputs.py: h5py is missing (apt-get install python3-h5py)")

takagi = sys.argv[1]
failures = 0


def check(what, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + what + (f" ({detail})" if detail else ""))
    if not ok:
        failures += 1


def run(args, cwd):
    print("running: takagi rocking " + " ".join(args))
    p = subprocess.run([takagi, "rocking"] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout)
        print(p.stderr)
        sys.exit(f"FAIL takagi exited with status {p.returncode}")
    return p


def read_csv(path, header, n):
    with open(path) as f:
        lines = f.read().splitlines()
    check(f"{os.path.basename(path)}: first line is the header '{header}'", lines[0] == header, repr(lines[0]))
    check(f"{os.path.basename(path)}: exactly one header line and {n} data rows", len(lines) == n + 1,
          f"{len(lines)} lines")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    check(f"{os.path.basename(path)}: 3 finite numbers per row", data.shape == (n, 3) and np.isfinite(data).all(),
          f"shape {data.shape}")
    return data


with tempfile.TemporaryDirectory(prefix="takagi-test.") as work:
    # --- angle scan, Si(111) 8.048 keV, 20 um plate: CSV and HDF5 from the same options
    common = ["-crystal", "Si", "-hkl", "1,1,1", "-energy_keV", "8.048", "-thickness_um", "20",
              "-asymmetry_deg", "5", "-polarization", "pi", "-debye_waller", "0.95", "-scan_urad", "-40,110,151"]
    run(common + ["-o", "curve.csv"], work)
    run(common + ["-o", "curve.h5"], work)
    c = read_csv(os.path.join(work, "curve.csv"), "angle_urad,reflectivity,transmission", 151)
    check("angle_urad runs from -40 to 110 in 151 equal steps", np.allclose(c[:, 0], np.linspace(-40, 110, 151),
                                                                              rtol=0, atol=1e-9))
    check("0 <= reflectivity <= 1 and 0 <= transmission <= 1",
          (c[:, 1:] >= 0).all() and (c[:, 1:] <= 1).all())
    check("the curve diffracts (max R > 0.3 in the Darwin band)", c[:, 1].max() > 0.3, f"max R {c[:, 1].max():.4f}")

    with h5py.File(os.path.join(work, "curve.h5"), "r") as f:
        for name, col in (("angle_urad", 0), ("reflectivity", 1), ("transmission", 2)):
            path = "/rocking/" + name
            check(f"HDF5 has {path}", path in f)
            if path not in f:
                continue
            d = f[path][()]
            check(f"{path} has shape (151,) and float64", d.shape == (151,) and d.dtype == np.float64,
                  f"{d.shape} {d.dtype}")
            # the CSV prints x with %.10g and R, T with %.12e: equal to that precision
            check(f"{path} equals CSV column {col}", np.allclose(d, c[:, col], rtol=1e-11, atol=1e-12),
                  f"max diff {np.max(np.abs(d - c[:, col])):.3e}")
            check(f"{path} has a units attribute", "units" in f[path].attrs)
        a = f.attrs

        def text(key):
            v = a.get(key)
            return v.decode() if isinstance(v, bytes) else v

        check("root attribute crystal = 'Si'", text("crystal") == "Si", repr(text("crystal")))
        check("root attribute hkl = '1,1,1'", text("hkl") == "1,1,1", repr(text("hkl")))
        check("root attribute polarization = 'pi'", text("polarization") == "pi", repr(text("polarization")))
        check("root attribute scan = 'angle'", text("scan") == "angle", repr(text("scan")))
        for key, want in (("energy_keV", 8.048), ("thickness_um", 20.0), ("asymmetry_deg", 5.0)):
            check(f"root attribute {key} = {want}", key in a and abs(float(a[key]) - want) <= 1e-9 * want,
                  repr(a.get(key)))
        check("root attribute bragg_deg = 14.2215 (Si(111), 8.048 keV; notes/tt_methods.md 3.1)",
              "bragg_deg" in a and abs(float(a["bragg_deg"]) - 14.2215) < 1e-3, repr(a.get("bragg_deg")))
        check("root attributes chi0_re, chi0_im, chih_re, chih_im, program, options present",
              all(k in a for k in ("chi0_re", "chi0_im", "chih_re", "chih_im", "program", "options")))
    check("no *.part-* files left after angle scans", not glob.glob(os.path.join(work, "*.part-*")))

    # --- energy scan: header energy_meV, attribute scan = 'energy'
    common = ["-crystal", "Si", "-hkl", "1,1,1", "-bragg_deg", "14", "-thickness_um", "100",
              "-scan_meV", "-500,1500,101"]
    run(common + ["-o", "energy.csv"], work)
    run(common + ["-o", "energy.hdf5"], work)
    e = read_csv(os.path.join(work, "energy.csv"), "energy_meV,reflectivity,transmission", 101)
    with h5py.File(os.path.join(work, "energy.hdf5"), "r") as f:
        check("energy scan HDF5 (.hdf5) has /rocking/energy_meV equal to the CSV",
              "/rocking/energy_meV" in f and np.allclose(f["/rocking/energy_meV"][()], e[:, 0], rtol=0, atol=1e-9))
        check("energy scan HDF5 reflectivity equals the CSV",
              np.allclose(f["/rocking/reflectivity"][()], e[:, 1], rtol=1e-11, atol=1e-12))
        s = f.attrs.get("scan")
        check("energy scan root attribute scan = 'energy'", (s.decode() if isinstance(s, bytes) else s) == "energy")

    # --- a single-point scan is a valid curve with one row
    run(["-crystal", "Si", "-hkl", "1,1,1", "-energy_keV", "8.048", "-thickness_um", "20", "-scan_urad", "30,30,1",
         "-o", "one.csv"], work)
    read_csv(os.path.join(work, "one.csv"), "angle_urad,reflectivity,transmission", 1)
    check("no *.part-* files left at the end", not glob.glob(os.path.join(work, "*.part-*")))

print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)
