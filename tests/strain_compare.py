#!/usr/bin/env python3
"""Two or more grid files of `takagi strain` must be bitwise identical (used for the 1/2/3-rank test).

usage: strain_compare.py REF.h5 OTHER.h5 [OTHER.h5 ...]

Every dataset and attribute of REF (u, strain, rotation, F, phase_hu, support, /grid spacing, origin, dims, units)
must exist in each OTHER with the same shape, dtype and bytes, and OTHER must hold nothing more. Each voxel is
computed by exactly one rank, so no tolerance: any difference is a bug. The fields must also be finite (the core
regularisation keeps NaN and infinities out) and not all zero (the run did something).
"""
import sys

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("strain_compare.py: h5py is missing (apt-get install python3-h5py)")


def contents(path):
    """{name: (kind, value)} for every dataset and every attribute in the file."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = ("dataset", obj[()])
            for k, v in obj.attrs.items():
                out[name + "@" + k] = ("attribute", v)
        f.visititems(visit)
        for k, v in f.attrs.items():
            out["@" + k] = ("attribute", v)
    return out


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False, "shape/dtype %s %s vs %s %s" % (a.shape, a.dtype, b.shape, b.dtype)
    if a.dtype.kind in "OSU":
        return bool(np.all(a == b)), "strings differ"
    if a.tobytes() == b.tobytes():
        return True, ""
    d = np.abs(a.astype(float) - b.astype(float))
    i = np.unravel_index(np.nanargmax(d), d.shape) if d.ndim else ()
    return False, "%d of %d values differ, largest %g at %s" % (int(np.count_nonzero(a != b)), a.size, float(np.nanmax(d)), i)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    fail = 0
    ref = contents(argv[1])
    for name in ("u", "strain", "rotation", "F", "phase_hu", "support"):
        if name not in ref:
            print("FAIL %s: no dataset %s" % (argv[1], name))
            fail = 1
            continue
        v = ref[name][1]
        if not np.all(np.isfinite(v)):
            print("FAIL %s: %s holds %d non-finite values" % (argv[1], name, int(np.count_nonzero(~np.isfinite(v)))))
            fail = 1
    if "u" in ref and not np.any(ref["u"][1]):
        print("FAIL %s: u is zero everywhere" % argv[1])
        fail = 1
    for path in argv[2:]:
        other = contents(path)
        extra = sorted(set(other) - set(ref))
        if extra:
            print("FAIL %s holds %s, which %s does not" % (path, extra, argv[1]))
            fail = 1
        bad = 0
        for name, (kind, v) in sorted(ref.items()):
            if name not in other:
                print("FAIL %s: %s %s is missing" % (path, kind, name))
                fail = bad = 1
                continue
            ok, why = same(v, other[name][1])
            if not ok:
                print("FAIL %s: %s %s differs from %s (%s)" % (path, kind, name, argv[1], why))
                fail = bad = 1
        if not bad:
            print("PASS %s is bitwise identical to %s (%d datasets and attributes)" % (path, argv[1], len(ref)))
    return fail


if __name__ == "__main__":
    sys.exit(main(sys.argv))
