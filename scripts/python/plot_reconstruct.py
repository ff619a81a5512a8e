#!/usr/bin/env python3
"""Figure of a `takagi reconstruct` result: phase h.u on the central lab-frame slices (z, y, x planes through the
grid centre) for the truth (when given), the initial object and the result, and the reconstructed density.

usage: plot_reconstruct.py OBJECT.h5 TRUTH.h5|"" OUT.png

OBJECT.h5 is the file `takagi reconstruct -o` writes (phase_hu, density, support, phase_hu_initial, density_initial
on the lab grid); TRUTH.h5 a `takagi bcdi -object` file (phase_hu, support) on the same grid. Each phase is shown
inside its own support (density > 0.5; the truth's support for the truth), wrapped to (-pi, pi] after removing its
mean offset from the truth (or from 0), so that the panels compare directly.
"""
import os
import sys

try:
    import numpy as np
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as e:
    system = "/usr/bin/python3"
    if os.environ.get("TAKAGI_PLOT_REEXEC") != "1" and os.path.exists(system) and \
            os.path.realpath(sys.executable) != os.path.realpath(system):
        os.environ["TAKAGI_PLOT_REEXEC"] = "1"
        try:
            os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
        except OSError:
            pass
    print(f"plot_reconstruct.py: {e}; install python3-numpy, python3-h5py and python3-matplotlib", file=sys.stderr)
    sys.exit(1)


def aligned(ph, mask, ref):
    """phase with its best constant offset against ref removed inside mask, wrapped; NaN outside"""
    off = np.angle(np.sum(np.exp(1j * (ph - ref))[mask])) if mask.any() else 0.0
    return np.where(mask, np.angle(np.exp(1j * (ph - off))), np.nan)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, truth, out = argv[1], argv[2], argv[3]
    with h5py.File(path, "r") as f:
        ph, rho = f["phase_hu"][()], f["density"][()]
        ph0, rho0 = f["phase_hu_initial"][()], f["density_initial"][()]
        spacing = np.array(f["grid"].attrs["spacing"], float)
    rows = []
    ref = np.zeros_like(ph)
    if truth:
        with h5py.File(truth, "r") as f:
            pht, supt = f["phase_hu"][()], f["support"][()] > 0.5
        ref = np.where(supt, pht, 0.0)
        rows.append(("truth h.u", np.where(supt, np.angle(np.exp(1j * pht)), np.nan), "twilight"))
    rows.append(("initial h.u", aligned(ph0, rho0 > 0.5, ref), "twilight"))
    rows.append(("reconstructed h.u", aligned(ph, rho > 0.5, ref), "twilight"))
    rows.append(("reconstructed density", rho, "gray"))
    c = [n // 2 for n in ph.shape]
    names = ["z (downstream)", "y (up)", "x"]
    fig, axes = plt.subplots(len(rows), 3, figsize=(11, 3.3 * len(rows)), squeeze=False)
    for r, (label, field, cmap) in enumerate(rows):
        for k in range(3):
            sl = [slice(None)] * 3
            sl[k] = c[k]
            img = field[tuple(sl)]
            other = [j for j in range(3) if j != k]
            ext = [-(ph.shape[other[1]] / 2) * spacing[other[1]] * 1e9, (ph.shape[other[1]] / 2) * spacing[other[1]] * 1e9,
                   -(ph.shape[other[0]] / 2) * spacing[other[0]] * 1e9, (ph.shape[other[0]] / 2) * spacing[other[0]] * 1e9]
            lim = (0, 1) if cmap == "gray" else (-np.pi, np.pi)
            im = axes[r, k].imshow(img, cmap=cmap, vmin=lim[0], vmax=lim[1], extent=ext, origin="lower", interpolation="nearest")
            axes[r, k].set_facecolor("0.85")
            axes[r, k].set_title(f"{label}, {names[k].split()[0]} = 0", fontsize=9)
            axes[r, k].set_xlabel(f"{names[other[1]]} (nm)", fontsize=8)
            axes[r, k].set_ylabel(f"{names[other[0]]} (nm)", fontsize=8)
        fig.colorbar(im, ax=axes[r, 2], fraction=0.046, label="1" if cmap == "gray" else "rad")
    fig.suptitle(f"takagi reconstruct: {os.path.basename(path)}" + (f" against {os.path.basename(truth)}" if truth else ""), fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=80, format="png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
