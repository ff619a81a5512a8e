#!/usr/bin/env python3
"""The tensor fields of `takagi strain` are stored in the component order their XDMF sidecar declares.

usage: strain_tensor_order.py <takagi> [mpiexec numproc-flag nranks]

ParaView reads the sidecar and names the components from the XDMF AttributeType alone (XDMF 3 model: Vector x, y, z;
Tensor6 the upper triangle row by row xx, xy, xz, yy, yz, zz; Tensor all nine row by row). So the data must be in
that order. The field is linear (a rigid rotation by 20 deg about [123] of the whole grid plus a uniform strain with
six different components, all given as options), so grad u is constant and central differences of u give it to
round-off (1e-9 relative is asked; both the shear and the rotation are of order 1e-3..0.3). From that gradient the
strain and F datasets are rebuilt in the order read from the XDMF (h5py + xml.etree) and must match to 1e-9 of
their largest component; the `components` attribute of each tensor dataset must name the same order; and the test
checks that it can tell: the old Voigt order (xx, yy, zz, yz, xz, xy) and the transposed F do not match.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("strain_tensor_order.py: h5py is missing (apt-get install python3-h5py)")

# component order of each XDMF AttributeType (XDMF 3 model and format, www.xdmf.org "XDMF Model and Format")
XDMF_ORDER = {
    "Vector": ["x", "y", "z"],
    "Tensor6": ["xx", "xy", "xz", "yy", "yz", "zz"],
    "Tensor": ["xx", "xy", "xz", "yx", "yy", "yz", "zx", "zy", "zz"],
}
AXIS = {"x": 0, "y": 1, "z": 2}
fails = 0


def check(what, ok, detail=""):
    global fails
    print(("PASS " if ok else "FAIL ") + what + (" (%s)" % detail if detail else ""))
    fails += 0 if ok else 1


def pick(tensor, order):
    """the components of a 3x3 field (..., 3, 3) in the named order"""
    return np.stack([tensor[..., AXIS[c[0]], AXIS[c[1]]] for c in order], -1)


def main(argv):
    if len(argv) not in (2, 5):
        sys.exit(__doc__)
    takagi, launch = argv[1], argv[2:]
    args = launch + [takagi, "strain", "-crystal", "Au", "-hkl", "1,1,1", "-defects", "g,un",
                     "-g_type", "grain", "-g_normal", "1,1,1", "-g_axis", "1,2,3", "-g_angle_deg", "20", "-g_pos_nm", "0,-1000,300",
                     "-un_type", "uniform", "-un_eigenstrain", "1e-3,-2e-3,5e-4,3e-3,-1e-3,2e-3",
                     "-grid", "5,6,7", "-spacing_nm", "2", "-o", "t.h5"]
    with tempfile.TemporaryDirectory(prefix="takagi-test.") as work:
        print("running: " + " ".join(args))
        p = subprocess.run(args, cwd=work, capture_output=True, text=True)
        if p.returncode:
            print(p.stdout + p.stderr)
            print("FAIL takagi strain exited with status %d" % p.returncode)
            return 1
        root = ET.parse(os.path.join(work, "t.xdmf")).getroot()
        declared = {a.get("Name"): a.get("AttributeType") for a in root.findall(".//Attribute")}
        with h5py.File(os.path.join(work, "t.h5"), "r") as f:
            u, e, F, h = f["u"][()], f["strain"][()], f["F"][()], f["grid"].attrs["spacing"]
            comps = {n: f[n].attrs.get("components") for n in ("strain", "F")}
    comps = {n: (c.decode() if isinstance(c, bytes) else c) for n, c in comps.items()}
    check("xdmf declares u a Vector, strain a Tensor6, F a Tensor",
          (declared.get("u"), declared.get("strain"), declared.get("F")) == ("Vector", "Tensor6", "Tensor"), str(declared))
    if fails:
        return 1
    for name in ("strain", "F"):
        want = ",".join(XDMF_ORDER[declared[name]])
        check("%s: the components attribute names the order the XDMF %s declares (%s)" % (name, declared[name], want), comps[name] == want, repr(comps[name]))

    # grad u by central differences at the interior voxels: u is linear, so this is exact up to round-off
    G = np.zeros((3, 3))
    for j, ax in ((0, 2), (1, 1), (2, 0)):  # d/dx along array axis 2, d/dy axis 1, d/dz axis 0
        sl_p = [slice(1, -1)] * 3
        sl_m = [slice(1, -1)] * 3
        sl_p[ax], sl_m[ax] = slice(2, None), slice(None, -2)
        d = (u[tuple(sl_p)] - u[tuple(sl_m)]) / (2 * h[ax])
        G[:, j] = d.reshape(-1, 3).mean(0)
    sym = 0.5 * (G + G.T)
    print("grad u (rows du_i, columns d/dx_j):\n%s" % np.array2string(G, precision=6))
    e_want = pick(sym, XDMF_ORDER[declared["strain"]])
    F_want = pick(np.eye(3) + G, XDMF_ORDER[declared["F"]])
    err_e = np.abs(e - e_want).max() / np.abs(e_want).max()
    err_F = np.abs(F - F_want).max() / np.abs(G).max()
    check("strain holds sym(grad u) in the order of the XDMF Tensor6 at every voxel", err_e < 1e-9, "max %.1e relative" % err_e)
    check("F holds I + grad u in the order of the XDMF Tensor at every voxel", err_F < 1e-9, "max %.1e relative" % err_F)
    # the test can tell a wrong order: the Voigt order and the transposed gradient do not match
    voigt = pick(sym, ["xx", "yy", "zz", "yz", "xz", "xy"])
    check("the Voigt order (xx, yy, zz, yz, xz, xy) would not match", np.abs(e - voigt).max() > 1e-2 * np.abs(e_want).max())
    check("the transposed F would not match", np.abs(F - pick(np.eye(3) + G.T, XDMF_ORDER["Tensor"])).max() > 1e-2 * np.abs(G).max())
    print("%d failure(s)" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
