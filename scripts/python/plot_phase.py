#!/usr/bin/env python3
"""Figure of a `takagi phase` reconstruction: amplitude and phase (h.u) on the three central slices.

usage: plot_phase.py OBJECT.h5 OUT.png [TITLE]

OBJECT.h5 is the file `takagi phase -object` writes (amplitude, phase_hu, support on the detector-frame grid, /grid
spacing in m or 1 per voxel). The slices pass through the amplitude-weighted centre of the crystal (amplitude above
30 % of its maximum) and are zoomed on it; the phase is shown where the amplitude exceeds 30 % of its maximum.
Prints the crystal's extent in voxels (bounding box of that iso-surface) and its volume.
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
    # a pyenv or venv python3 first on PATH may lack them: re-run once under the system python3 (Debian packages)
    system = "/usr/bin/python3"
    if os.environ.get("TAKAGI_PLOT_REEXEC") != "1" and os.path.exists(system) and \
            os.path.realpath(sys.executable) != os.path.realpath(system):
        os.environ["TAKAGI_PLOT_REEXEC"] = "1"
        try:
            os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
        except OSError:
            pass
    print(f"plot_phase.py: {e}; install python3-numpy, python3-h5py and python3-matplotlib", file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, out = argv[1], argv[2]
    title = argv[3] if len(argv) > 3 else path
    with h5py.File(path, "r") as f:
        amp = f["amplitude"][()]
        ph = f["phase_hu"][()]
        sup = f["support"][()] > 0.5
        spacing = np.array(f["grid"].attrs["spacing"], float)
    amp = np.where(sup, amp, 0.0)
    iso = 0.3
    crystal = amp > iso * amp.max()
    if not crystal.any():
        print("plot_phase.py: the object is empty", file=sys.stderr)
        return 1
    idx = np.nonzero(crystal)
    lo = np.array([i.min() for i in idx])
    hi = np.array([i.max() for i in idx])
    extent = hi - lo + 1
    w = amp[crystal]
    c = np.array([int(round(np.sum(i * w) / np.sum(w))) for i in idx])
    nm = spacing[0] != 1.0
    span = extent * (spacing if nm else 1.0)
    half_len = 0.75 * span.max() + 4 * (spacing.max() if nm else 1.0)
    halves = np.ceil(half_len / (spacing if nm else np.ones(3))).astype(int)
    print(f"crystal (amplitude > {iso} max): {extent[0]} x {extent[1]} x {extent[2]} voxels (bounding box), {crystal.sum()} voxels; "
          f"centre {tuple(int(v) for v in c)}" + (f"; voxel {spacing[0]*1e9:.1f} x {spacing[1]*1e9:.1f} x {spacing[2]*1e9:.1f} nm" if nm else ""))

    phase_in = ph[crystal]
    vmax = max(np.percentile(np.abs(phase_in - np.median(phase_in)), 99), 0.1)
    mid = float(np.median(phase_in))
    names = ["axis 0 (rocking)", "axis 1 (rows)", "axis 2 (columns)"]
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.2))
    for k in range(3):
        sl = [slice(None)] * 3
        sl[k] = c[k]
        a = amp[tuple(sl)]
        p = np.where(crystal[tuple(sl)], ph[tuple(sl)], np.nan)
        other = [j for j in range(3) if j != k]
        win = []
        for j in other:
            a0 = max(c[j] - halves[j], 0)
            win.append(slice(a0, min(c[j] + halves[j] + 1, amp.shape[j])))
        a = a[win[0], win[1]]
        p = p[win[0], win[1]]
        # axes in voxels, or in nm from the crystal centre when the file gives the voxel sizes (true aspect)
        if nm:
            sv, sh = spacing[other[0]] * 1e9, spacing[other[1]] * 1e9
            ext = [(win[1].start - 0.5 - c[other[1]]) * sh, (win[1].stop - 0.5 - c[other[1]]) * sh,
                   (win[0].stop - 0.5 - c[other[0]]) * sv, (win[0].start - 0.5 - c[other[0]]) * sv]
        else:
            ext = [win[1].start - 0.5, win[1].stop - 0.5, win[0].stop - 0.5, win[0].start - 0.5]
        ia = axes[0, k].imshow(a / amp.max(), cmap="gray", extent=ext, vmin=0, vmax=1, interpolation="nearest")
        axes[0, k].set_title(f"amplitude, slice {c[k]} along {names[k]}", fontsize=10)
        ip = axes[1, k].imshow(p, cmap="coolwarm", extent=ext, vmin=mid - vmax, vmax=mid + vmax, interpolation="nearest")
        axes[1, k].set_facecolor("0.85")
        axes[1, k].set_title(f"phase h.u (rad), amplitude > {iso} max", fontsize=10)
        unit = "nm from the centre" if nm else "voxel"
        for r in range(2):
            axes[r, k].set_xlabel(f"{names[other[1]]} ({unit})")
            axes[r, k].set_ylabel(f"{names[other[0]]} ({unit})")
        if k == 2:
            fig.colorbar(ia, ax=axes[0, k], fraction=0.046, label="|psi| / max")
            fig.colorbar(ip, ax=axes[1, k], fraction=0.046, label="h.u (rad)")
    size = f"crystal {extent[0]} x {extent[1]} x {extent[2]} voxels ({crystal.sum()} voxels above {iso} max)"
    if nm:
        size += f", voxel {spacing[0]*1e9:.1f} x {spacing[1]*1e9:.1f} x {spacing[2]*1e9:.1f} nm (detector frame)"
    fig.suptitle(f"{title}\n{size}", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=90, format="png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
