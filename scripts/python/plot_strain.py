#!/usr/bin/env python3
"""Slices of a defect field written by `takagi strain` (called by the C driver with -plot).

usage: python3 plot_strain.py FIELDS.h5 OUT.png

FIELDS.h5  grid file: phase_hu (nz, ny, nx), strain (nz, ny, nx, 6: xx yy zz yz xz xy), support, /grid spacing/origin.
OUT.png    the PNG to write (the driver passes a temporary name and renames it).

Shows the wrapped phase h.u and the normal strain eps_zz on the three central planes (z = 0, y = 0, x = 0 of the
grid), the way a user checks a dislocation: the phase winds by 2 pi (g.b) around a line, eps_zz has its dipole.
Exits non-zero with one line on stderr on failure.
"""
import os
import sys

PROG = "plot_strain.py"


def fail(msg):
    sys.stderr.write("%s: error: %s\n" % (PROG, msg))
    sys.exit(1)


def main(argv):
    if len(argv) != 3:
        fail("usage: plot_strain.py FIELDS.h5 OUT.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        import h5py
    except ImportError:
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and not os.environ.get("TAKAGI_PLOT_REEXEC"):
            os.environ["TAKAGI_PLOT_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + argv)
        fail("needs numpy, h5py and matplotlib (apt-get install python3-matplotlib python3-h5py)")
    try:
        with h5py.File(argv[1], "r") as f:
            phase = f["phase_hu"][()]
            # the components attribute names the order (xx,xy,xz,yy,yz,zz, XDMF's Tensor6); older files without it
            # stored xx,yy,zz,yz,xz,xy
            comps = f["strain"].attrs.get("components", "xx,yy,zz,yz,xz,xy")
            comps = (comps.decode() if isinstance(comps, bytes) else comps).split(",")
            ezz = f["strain"][..., comps.index("zz")]
            support = f["support"][()] > 0.5
            h = f["grid"].attrs["spacing"] * 1e9
            o = f["grid"].attrs["origin"] * 1e9
    except Exception as e:  # noqa: BLE001 - one line for any unreadable file
        fail("cannot read %s: %s" % (argv[1], e))
    nz, ny, nx = phase.shape
    wrapped = np.angle(np.exp(1j * phase))
    wrapped[~support] = np.nan
    ezz = np.where(support, ezz, np.nan)
    lim = np.nanpercentile(np.abs(ezz), 99) if np.isfinite(ezz).any() else 1e-3
    lim = lim if lim > 0 else 1e-3
    ax_z = o[0] + h[0] * np.arange(nz)
    ax_y = o[1] + h[1] * np.arange(ny)
    ax_x = o[2] + h[2] * np.arange(nx)
    planes = [("z = %.0f nm (x right, y up)" % ax_z[nz // 2], lambda a: a[nz // 2, :, :], (ax_x[0], ax_x[-1], ax_y[0], ax_y[-1]), "x (nm)", "y (nm)"),
              ("y = %.0f nm (x right, z up)" % ax_y[ny // 2], lambda a: a[:, ny // 2, :], (ax_x[0], ax_x[-1], ax_z[0], ax_z[-1]), "x (nm)", "z (nm)"),
              ("x = %.0f nm (y right, z up)" % ax_x[nx // 2], lambda a: a[:, :, nx // 2], (ax_y[0], ax_y[-1], ax_z[0], ax_z[-1]), "y (nm)", "z (nm)")]
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.2))
    for c, (title, cut, ext, xl, yl) in enumerate(planes):
        im = axes[0, c].imshow(cut(wrapped), origin="lower", extent=ext, cmap="hsv", vmin=-np.pi, vmax=np.pi, interpolation="nearest")
        axes[0, c].set_title("h·u (wrapped), " + title, fontsize=9)
        fig.colorbar(im, ax=axes[0, c], fraction=0.046, label="rad")
        im = axes[1, c].imshow(cut(ezz), origin="lower", extent=ext, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        axes[1, c].set_title("ε_zz, " + title, fontsize=9)
        fig.colorbar(im, ax=axes[1, c], fraction=0.046)
        for r in range(2):
            axes[r, c].set_xlabel(xl)
            axes[r, c].set_ylabel(yl)
    fig.suptitle(os.path.basename(argv[1]))
    fig.tight_layout()
    try:
        fig.savefig(argv[2], dpi=110, format="png")
    except Exception as e:  # noqa: BLE001
        fail("cannot write %s: %s" % (argv[2], e))


if __name__ == "__main__":
    main(sys.argv)
