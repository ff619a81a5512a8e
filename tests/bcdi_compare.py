#!/usr/bin/env python3
"""Compare BCDI CXI files written by runs that differ only in their MPI layout (tests/bcdi_mpi_same.sh).

usage: bcdi_compare.py <reference.cxi> <other.cxi> [<other.cxi> ...]

For each other file:
- /entry_1/instrument_1/detector_1/data must have the reference's shape and dtype and be bitwise identical (the
  slices of an angle are gathered on one rank before the last FFT, and every frame is computed on exactly one
  rank, so the layout must not change a bit). If it is not bitwise identical but agrees within 1e-12 relative
  (max |a - b| / max |a|), the check passes with a "NOT bitwise" note, so that a change of this property is seen
  in the log; anything larger fails.
- every other numeric dataset (rocking angles, Bragg angle, energy, wavelength, distance, pixel sizes, mask,
  orientation, detector geometry) must be exactly equal; strings that name the run (command, date, time, file
  name) are not compared.
Exit status 0 when all pass.
"""
import sys

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("bcdi_compare.py: h5py is missing (apt-get install python3-h5py)")

DATA = "entry_1/instrument_1/detector_1/data"
RTOL = 1e-12


def numeric_datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "iufc":
            out[name] = obj[()]

    f.visititems(visit)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref_path, others = sys.argv[1], sys.argv[2:]
    failures = 0
    with h5py.File(ref_path, "r") as f:
        ref = numeric_datasets(f)
    a = ref[DATA]
    if not (a.ndim == 3 and np.all(np.isfinite(a)) and a.max() > 0):
        print(f"FAIL {ref_path}: reference data shape {a.shape}, finite {np.all(np.isfinite(a))}, max {a.max()}")
        return 1
    print(f"reference {ref_path}: data {a.shape} {a.dtype}, max {a.max():.6g}, sum {a.sum():.6g}")
    for path in others:
        with h5py.File(path, "r") as f:
            other = numeric_datasets(f)
        b = other.get(DATA)
        if b is None or b.shape != a.shape or b.dtype != a.dtype:
            print(f"FAIL {path}: data {None if b is None else (b.shape, b.dtype)} vs {a.shape} {a.dtype}")
            failures += 1
            continue
        if np.array_equal(a, b) and a.tobytes() == b.tobytes():
            print(f"PASS {path}: data bitwise identical to the reference")
        else:
            rel = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
            if rel <= RTOL:
                print(f"PASS {path}: data NOT bitwise identical, max |diff| / max = {rel:.3g} <= {RTOL:g}")
            else:
                print(f"FAIL {path}: data differ, max |diff| / max = {rel:.3g} > {RTOL:g}")
                failures += 1
        bad = []
        for name, v in ref.items():
            if name == DATA:
                continue
            w = other.get(name)
            if w is None or np.shape(w) != np.shape(v) or not np.array_equal(v, w):
                bad.append(name)
        bad += [n for n in other if n not in ref]
        if bad:
            print(f"FAIL {path}: other datasets differ from the reference: {', '.join(sorted(bad))}")
            failures += 1
        else:
            print(f"PASS {path}: the {len(ref) - 1} other numeric datasets are equal")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
