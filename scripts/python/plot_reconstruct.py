#!/usr/bin/env python3
"""Figure of a `takagi reconstruct` result: phase h.u on the central lab-frame slices (z, y, x planes through the
grid centre) for the truth (when given), the initial object and the result, and the reconstructed density. With the
displacement vector as unknowns (several reflections) also the six strain tensor components on the central z
slice, of the truth (when given: `strain_truth`, which takagi writes with -truth) and of the result.

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
    with h5py.File(path, "r") as f:
        strain = f["strain"][()] if "strain" in f else None
        strain_truth = f["strain_truth"][()] if "strain_truth" in f else None
        comps = f["strain"].attrs.get("components", b"xx,xy,xz,yy,yz,zz") if "strain" in f else b""
    comps = (comps.decode() if isinstance(comps, bytes) else str(comps)).split(",")
    srows = [r for r in (("truth", strain_truth), ("reconstructed", strain)) if r[1] is not None]
    c = [n // 2 for n in ph.shape]
    names = ["z (downstream)", "y (up)", "x"]
    if srows:
        fig = plt.figure(figsize=(15, 3.3 * len(rows) + 2.9 * len(srows)), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=[3.3 * len(rows), 2.9 * len(srows)])
        axes = top.subplots(len(rows), 3, squeeze=False)
        saxes = bottom.subplots(len(srows), 6, squeeze=False)
        ext = [-(ph.shape[2] / 2) * spacing[2] * 1e9, (ph.shape[2] / 2) * spacing[2] * 1e9, -(ph.shape[1] / 2) * spacing[1] * 1e9, (ph.shape[1] / 2) * spacing[1] * 1e9]
        for j, name in enumerate(comps):
            ref = (strain_truth if strain_truth is not None else strain)[c[0], :, :, j]
            lim = max(float(np.percentile(np.abs(ref[ref != 0]), 99)) if np.any(ref != 0) else 1e-4, 1e-6)
            for i, (label, e) in enumerate(srows):
                img = np.where(e[c[0], :, :, j] != 0, e[c[0], :, :, j], np.nan)
                im = saxes[i, j].imshow(img, cmap="RdBu_r", vmin=-lim, vmax=lim, extent=ext, origin="lower", interpolation="nearest")
                saxes[i, j].set_facecolor("0.85")
                saxes[i, j].set_title(f"{label} e_{name}, z = 0", fontsize=9)
                saxes[i, j].tick_params(labelsize=7)
                if j == 0:
                    saxes[i, j].set_ylabel("y (up) (nm)", fontsize=8)
            bottom.colorbar(im, ax=saxes[:, j], location="bottom", shrink=0.8, format="%.0e")
        fig.suptitle(f"takagi reconstruct: {os.path.basename(path)}" + (f" against {os.path.basename(truth)}" if truth else ""), fontsize=11)
    else:
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
        (axes[r, 2].figure).colorbar(im, ax=axes[r, 2], fraction=0.046, label="1" if cmap == "gray" else "rad")
    if not srows:
        fig.suptitle(f"takagi reconstruct: {os.path.basename(path)}" + (f" against {os.path.basename(truth)}" if truth else ""), fontsize=11)
        fig.tight_layout()
    fig.savefig(out, dpi=80, format="png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
