#!/usr/bin/env python3
"""Plots of a `takagi deform` run (called by the C driver with -plot).

usage: python3 plot_deform.py curve CURVE.csv OUT.png
       python3 plot_deform.py slices FIELDS.h5 OUT.png
       python3 plot_deform.py compare OUT_PREFIX PREFIX1 [PREFIX2 ...]

curve   stress-strain curve from P_curve.csv: the stress after each step (relaxed) and, for quasi-static driving,
        the stress at which the step's first transformation triggered (the serrations between them are the
        avalanches); the mean plastic strain on a second axis.
slices  accumulated plastic strain, von Mises total strain and phase map on the central x-z (y = middle) and
        x-y (z = middle) planes of P_fields_*.h5: shear bands show as straight bright lines at ~45 degrees to z.
compare runs side by side (prefixes P of P_curve.csv, P_fields_final.h5): OUT_PREFIX_slices.png, the plastic
        strain on the x-z plane through the band (the plane of the best band normal, below) of each run, and
        OUT_PREFIX_curves.png, their stress-strain curves; the band metrics of each run are printed.
Band metrics (band_metrics, also used by validation/nanoglass_behaviour.py): the plastic strain is averaged over
the lattice planes of every normal m (integer, |m_i| <= 2) of the periodic box; the normal whose plane profile
varies most (coefficient of variation: the profile contrast) is the band normal; the profile (smoothed 1-2-1) is
cut at half way between its minimum and maximum, and each run above the cut is a band (peaks); the slab of a
quarter of the planes centred on the highest peak carries band_share of the plastic strain (0.25 for uniform
flow, -> 1 for one thin band). The peak count means something only for a contrast >= ~0.3 (below: fluctuations). Also the top-10 % share and the participation ratio of the voxel field.
Exits non-zero with one line on stderr on failure.
"""
import os
import sys

PROG = "plot_deform.py"


def fail(msg):
    sys.stderr.write("%s: error: %s\n" % (PROG, msg))
    sys.exit(1)


def imports():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        import h5py
    except ImportError:
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and not os.environ.get("TAKAGI_PLOT_REEXEC"):
            os.environ["TAKAGI_PLOT_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        fail("needs numpy, h5py and matplotlib (apt-get install python3-matplotlib python3-h5py)")
    return plt, np, h5py


def curve(path, out):
    plt, np, _ = imports()
    try:
        data = np.genfromtxt(path, delimiter=",", names=True)
    except Exception as e:  # noqa: BLE001 - one line for any unreadable file
        fail("cannot read %s: %s" % (path, e))
    data = np.atleast_1d(data)
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.plot(data["strain"] * 100, data["stress_GPa"], "-", color="C0", lw=1.2, label="after each step")
    if np.any(data["stress_peak_GPa"] != data["stress_GPa"]):
        # saw-tooth: load up to the trigger, drop through the avalanche
        x = np.repeat(data["strain"] * 100, 2)
        y = np.column_stack([data["stress_peak_GPa"], data["stress_GPa"]]).ravel()
        ax.plot(x, y, "-", color="C1", lw=0.6, alpha=0.8, label="trigger -> relaxed (avalanches)")
    ax.set_xlabel("strain (%)")
    ax.set_ylabel("stress (GPa)")
    ax2 = ax.twinx()
    ax2.plot(data["strain"] * 100, data["plastic_strain"] * 100, "--", color="C2", lw=1, label="mean plastic strain")
    ax2.set_ylabel("mean equivalent plastic strain (%)", color="C2")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="lower right", fontsize=8)
    ax.set_title(os.path.basename(path).replace("_curve.csv", ""))
    fig.tight_layout()
    fig.savefig(out, dpi=110, format="png")


def slices(path, out):
    plt, np, h5py = imports()
    try:
        with h5py.File(path, "r") as f:
            eta = f["plastic_strain"][()]
            vm = f["vm_strain"][()]
            phase = f["phase"][()]
            h = f["grid"].attrs["spacing"] * 1e9
    except Exception as e:  # noqa: BLE001
        fail("cannot read %s: %s" % (path, e))
    nz, ny, nx = eta.shape
    vac = phase > 2.5
    eta = np.where(vac, np.nan, eta)
    vm = np.where(vac, np.nan, vm)
    ext_xz = (0, nx * h[2], 0, nz * h[0])
    ext_xy = (0, nx * h[2], 0, ny * h[1])
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.4))
    rows = [("x-z plane, y = %.1f nm" % (ny // 2 * h[1]), lambda a: a[:, ny // 2, :], ext_xz, "z (nm)"),
            ("x-y plane, z = %.1f nm" % (nz // 2 * h[0]), lambda a: a[nz // 2, :, :], ext_xy, "y (nm)")]
    lim_eta = np.nanpercentile(eta, 99.5) if np.isfinite(eta).any() else 1
    lim_vm = np.nanpercentile(vm, 99.5) if np.isfinite(vm).any() else 1
    for r, (title, cut, ext, yl) in enumerate(rows):
        im = axes[r, 0].imshow(cut(eta), origin="lower", extent=ext, cmap="inferno", vmin=0, vmax=lim_eta if lim_eta > 0 else 1)
        fig.colorbar(im, ax=axes[r, 0], shrink=0.8, label="plastic strain")
        im = axes[r, 1].imshow(cut(vm), origin="lower", extent=ext, cmap="viridis", vmin=0, vmax=lim_vm if lim_vm > 0 else 1)
        fig.colorbar(im, ax=axes[r, 1], shrink=0.8, label="von Mises strain")
        im = axes[r, 2].imshow(cut(phase), origin="lower", extent=ext, cmap="Set2", vmin=0, vmax=3, interpolation="nearest")
        cb = fig.colorbar(im, ax=axes[r, 2], shrink=0.8, ticks=[0, 1, 2, 3])
        cb.ax.set_yticklabels(["glass", "interface", "crystal", "vacuum"])
        for c in range(3):
            axes[r, c].set_title(title, fontsize=9)
            axes[r, c].set_xlabel("x (nm)")
            axes[r, c].set_ylabel(yl)
    fig.suptitle(os.path.basename(path))
    fig.tight_layout()
    fig.savefig(out, dpi=100, format="png")


def _normals():
    from math import gcd
    out = []
    for a in range(-2, 3):
        for b in range(-2, 3):
            for c in range(-2, 3):
                m = (a, b, c)
                if m == (0, 0, 0) or gcd(gcd(abs(a), abs(b)), abs(c)) != 1 or next(v for v in m if v) < 0:
                    continue
                out.append(m)
    return out


def band_metrics(eta):
    """Band metrics of a plastic-strain field eta[z, y, x] (periodic box); see the module docstring."""
    import numpy as np
    eta = np.asarray(eta, dtype=float)
    nz, ny, nx = eta.shape
    iz, iy, ix = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    nb = min(nx, ny, nz)
    best = None
    for m in _normals():
        s = (m[0] * ix / nx + m[1] * iy / ny + m[2] * iz / nz) % 1.0
        b = np.floor(s * nb + 1e-9).astype(int) % nb
        prof = np.bincount(b.ravel(), eta.ravel(), nb) / np.maximum(np.bincount(b.ravel(), None, nb), 1)
        c = prof.std() / prof.mean() if prof.mean() > 0 else 0.0
        if best is None or c > best[0]:
            best = (c, m, prof)
    contrast, normal, prof = best
    p = np.convolve(np.r_[prof[-1], prof, prof[0]], [0.25, 0.5, 0.25], "valid")
    above = p > p.min() + 0.5 * (p.max() - p.min())
    if above.all() or not above.any():
        peaks = 1
    else:
        r = np.roll(above, -int(np.argmin(above)))  # starts below the cut: count the rising edges
        peaks = int(np.sum(r[1:] & ~r[:-1]))
    w, j = max(1, nb // 4), int(np.argmax(p))
    share = prof[[(j + d) % nb for d in range(-(w // 2), w - w // 2)]].sum() / prof.sum() if prof.sum() > 0 else 0.0
    v = np.sort(eta.ravel())[::-1]
    tot = v.sum()
    top = v[: int(np.ceil(0.1 * v.size))].sum() / tot if tot > 0 else 0.0
    pr = tot ** 2 / (v.size * (v ** 2).sum()) if tot > 0 else 0.0
    return dict(normal=normal, contrast=float(contrast), peaks=peaks, band_share=float(share), top10=float(top), participation=float(pr))


def compare(out, prefixes):
    plt, np, h5py = imports()
    runs = []
    for pre in prefixes:
        try:
            with h5py.File(pre + "_fields_final.h5", "r") as f:
                eta, phase, h = f["plastic_strain"][()], f["phase"][()], f["grid"].attrs["spacing"] * 1e9
            c = np.atleast_1d(np.genfromtxt(pre + "_curve.csv", delimiter=",", names=True))
        except Exception as e:  # noqa: BLE001
            fail("cannot read the run %s: %s" % (pre, e))
        bm = band_metrics(eta)
        print("%s: band normal %s, profile contrast %.2f, %d band(s), band share %.3f, top-10%% share %.3f, participation %.3f"
              % (os.path.basename(pre), bm["normal"], bm["contrast"], bm["peaks"], bm["band_share"], bm["top10"], bm["participation"]))
        runs.append((os.path.basename(pre), eta, phase, h, c, bm))
    fig, axes = plt.subplots(2, len(runs), figsize=(4.3 * len(runs), 8), squeeze=False)
    for k, (name, eta, phase, h, c, bm) in enumerate(runs):
        nz, ny, nx = eta.shape
        # x-z plane if the band normal lies in it (m_y = 0), else the y-z plane
        cut, xl = (eta[:, ny // 2, :], "x (nm)") if bm["normal"][1] == 0 else (eta[:, :, nx // 2], "y (nm)")
        ext = (0, cut.shape[1] * h[2], 0, nz * h[0])
        im = axes[0, k].imshow(cut, origin="lower", extent=ext, cmap="inferno", vmin=0, vmax=max(np.percentile(eta, 99.5), 1e-12))
        fig.colorbar(im, ax=axes[0, k], shrink=0.8, label="plastic strain")
        bands = "%d band(s)" % bm["peaks"] if bm["contrast"] >= 0.3 else "no band (profile contrast %.2f)" % bm["contrast"]
        axes[0, k].set_title("%s\n%s, band share %.2f, top-10%% %.2f" % (name, bands, bm["band_share"], bm["top10"]), fontsize=9)
        axes[0, k].set_xlabel(xl)
        axes[0, k].set_ylabel("z (nm), compression axis")
        im = axes[1, k].imshow(np.squeeze(phase[:, ny // 2, :] if bm["normal"][1] == 0 else phase[:, :, nx // 2]), origin="lower", extent=ext, cmap="Set2", vmin=0, vmax=3, interpolation="nearest")
        axes[1, k].set_title("phase (glass, interface, crystal)", fontsize=9)
        axes[1, k].set_xlabel(xl)
    fig.tight_layout()
    fig.savefig(out + "_slices.png", dpi=100, format="png")
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for name, eta, phase, h, c, bm in runs:
        ax.plot(c["strain"] * 100, c["stress_GPa"], lw=1.2, label=name)
    ax.set_xlabel("strain (%)")
    ax.set_ylabel("stress (GPa)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out + "_curves.png", dpi=110, format="png")


def main(argv):
    if len(argv) >= 4 and argv[1] == "compare":
        compare(argv[2], argv[3:])
        return
    if len(argv) != 4 or argv[1] not in ("curve", "slices"):
        fail("usage: plot_deform.py curve|slices INPUT OUT.png  or  plot_deform.py compare OUT_PREFIX PREFIX...")
    (curve if argv[1] == "curve" else slices)(argv[2], argv[3])


if __name__ == "__main__":
    main(sys.argv)
