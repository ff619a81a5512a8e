#!/usr/bin/env python3
"""Plot a rocking curve written by `takagi rocking` (called by the C driver, TkRockingWrite).

usage: python3 plot_rocking.py CURVE.csv OUT.png "TITLE" CENTER WIDTH

CURVE.csv  one header line, `angle_urad,reflectivity,transmission` or `energy_meV,reflectivity,transmission`,
           then one row per scan point (reflectivity and transmission are photon-flux ratios).
OUT.png    the PNG to write, exactly this path (the driver passes a temporary name and renames it).
TITLE      the driver's parameter line, e.g. "Si(1,1,1) 5 keV, t = 1000 um, Bragg, phi = 0 deg, sigma".
CENTER     centre of the Darwin band (refraction shift), in the unit of the first column.
WIDTH      full Darwin width (no absorption), same unit; 0 means no band (Laue geometry).

The figure shows the reflectivity against the scan variable, the transmission as a light dashed curve when it is
not ~0 everywhere (on a second axis when its scale differs a lot from the reflectivity's), the Darwin band shaded
and labelled with its width, the kinematic Bragg position (0) and the peak/integrated reflectivity.
The y axis is linear, or logarithmic for strain-profile curves (HRXRD habit); TAKAGI_PLOT_YSCALE=linear|log
overrides that. Exits non-zero with one line on stderr on any failure.
"""
import math
import os
import re
import sys

PROG = "plot_rocking.py"
T_VISIBLE = 0.05  # transmission is drawn when it exceeds this somewhere in the scan


def fail(msg):
    sys.stderr.write("%s: error: %s\n" % (PROG, msg))
    sys.exit(1)


def import_matplotlib():
    """Agg backend (no display). If this interpreter lacks matplotlib (e.g. a pyenv or venv python3 first on
    PATH), re-run once under the system python3, where Debian's python3-matplotlib lives."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        return matplotlib, plt, np
    except ImportError as e:
        system = "/usr/bin/python3"
        if os.environ.get("TAKAGI_PLOT_REEXEC") != "1" and os.path.exists(system) and \
                os.path.realpath(sys.executable) != os.path.realpath(system):
            os.environ["TAKAGI_PLOT_REEXEC"] = "1"
            try:
                os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
            except OSError:
                pass
        fail("%s; install python3-matplotlib and python3-numpy (apt-get install python3-matplotlib)" % e)


def read_curve(path, np):
    try:
        with open(path, "r") as f:
            header = f.readline().strip()
            rows = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    except OSError as e:
        fail("cannot read '%s': %s" % (path, e.strerror or e))
    cols = [c.strip() for c in header.split(",")]
    if len(cols) != 3 or cols[1:] != ["reflectivity", "transmission"] or cols[0] not in ("angle_urad", "energy_meV"):
        fail("'%s' line 1: header must be 'angle_urad,reflectivity,transmission' or "
             "'energy_meV,reflectivity,transmission', found '%s'" % (path, header))
    if not rows:
        fail("'%s' has a header but no data rows" % path)
    data = np.empty((len(rows), 3))
    for i, line in enumerate(rows):
        parts = line.split(",")
        if len(parts) != 3:
            fail("'%s' data row %d: expected 3 comma-separated values, found %d" % (path, i + 1, len(parts)))
        try:
            data[i] = [float(p) for p in parts]
        except ValueError:
            fail("'%s' data row %d: '%s' is not three numbers" % (path, i + 1, line))
    if not np.all(np.isfinite(data)):
        fail("'%s' contains values that are not finite numbers" % path)
    return cols[0], data[:, 0], data[:, 1], data[:, 2]


def pretty_hkl(m):
    idx = m.group(2).split(",")
    try:
        v = [int(i) for i in idx]
    except ValueError:
        return m.group(0)
    if len(v) != 3 or any(abs(i) > 9 for i in v):
        return m.group(0)  # keep commas when an index has two digits
    s = "".join(r"$\overline{%d}$" % -i if i < 0 else str(i) for i in v)
    return "%s(%s)" % (m.group(1), s)


def pretty_title(title):
    """'Si(1,1,1) 5 keV, t = 1000 um, Bragg, phi = 0 deg, sigma' -> 'Si(111) 5 keV, t = 1000 µm, Bragg, φ = 0°, σ-pol.'
    Anything unexpected is passed through unchanged (only '$' is escaped so mathtext cannot break it)."""
    t = title.replace("$", r"\$")
    t = re.sub(r"(?<![\w.])(-?\d+)\.(?![\w.])", r"\1", t)  # PETSc's %g prints 1000 as "1000."
    t = re.sub(r"^(\S+?)\((-?\d+(?:,-?\d+)*)\)", pretty_hkl, t)
    t = re.sub(r"\bt = ([-+0-9.eE]+) um\b", r"t = \1 µm", t)
    t = re.sub(r"\bphi = -?([-+0-9.eE]+) deg\b", lambda m: "φ = %s%s°" % ("−" if m.group(0)[6] == "-" else "", m.group(1)), t)
    t = re.sub(r", sigma(?=,|$)", ", σ-pol.", t)
    t = re.sub(r", pi(?=,|$)", ", π-pol.", t)
    return t


def fmt(v, unit):
    """A number with 3-4 significant digits and its unit."""
    a = abs(v)
    if a >= 100:
        s = "%.0f" % v
    elif a >= 10:
        s = "%.1f" % v
    elif a >= 1:
        s = "%.2f" % v
    else:
        s = "%.3g" % v
    return "%s %s" % (s, unit)


def main(argv):
    if len(argv) != 6:
        fail("usage: %s CURVE.csv OUT.png TITLE CENTER WIDTH (got %d arguments)" % (PROG, len(argv) - 1))
    csv_path, out_path, title = argv[1], argv[2], argv[3]
    try:
        center, width = float(argv[4]), float(argv[5])
    except ValueError:
        fail("CENTER '%s' and WIDTH '%s' must be numbers" % (argv[4], argv[5]))
    if not (math.isfinite(center) and math.isfinite(width)) or width < 0:
        fail("CENTER %s and WIDTH %s must be finite, WIDTH >= 0" % (argv[4], argv[5]))

    matplotlib, plt, np = import_matplotlib()
    xname, x, R, T = read_curve(csv_path, np)
    order = np.argsort(x, kind="stable")
    x, R, T = x[order], R[order], T[order]

    angle = xname == "angle_urad"
    unit = "µrad" if angle else "meV"
    xlabel = "Δθ from the kinematic Bragg angle (µrad)" if angle else "ΔE from the Bragg energy (meV)"
    sym = "Δθ" if angle else "ΔE"

    yscale = os.environ.get("TAKAGI_PLOT_YSCALE", "").strip().lower()
    if yscale not in ("linear", "log"):
        yscale = "log" if "strain profile" in title else "linear"
    if yscale == "log" and not np.any(R > 0):
        yscale = "linear"

    matplotlib.rcParams.update({
        "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "legend.fontsize": 8.5,
        "xtick.direction": "in", "ytick.direction": "in", "xtick.top": False, "ytick.right": False,
    })
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    c_R, c_T, c_band = "#1f4e99", "#d07c2a", "#9ecae1"
    handles = []

    xmin, xmax = float(x[0]), float(x[-1])
    span = xmax - xmin
    if span <= 0:  # a single point
        span = max(abs(xmin), width, 1.0)
        xmin, xmax = xmin - 0.5 * span, xmax + 0.5 * span

    # Darwin band (drawn first, under the curves)
    if width > 0:
        lo, hi = center - 0.5 * width, center + 0.5 * width
        h = ax.axvspan(lo, hi, color=c_band, alpha=0.35, lw=0, zorder=0,
                       label="Darwin band: width %s, centre %s" % (fmt(width, unit), fmt(center, unit)))
        handles.append(h)
    # kinematic Bragg position
    if xmin + 0.005 * span < 0 < xmax - 0.005 * span:  # not hidden in the frame
        h = ax.axvline(0, color="0.35", ls="--", lw=0.9, zorder=1,
                       label="kinematic Bragg %s (%s = 0)" % ("angle" if angle else "energy", sym))
        handles.append(h)
    if width == 0 and xmin <= center <= xmax and abs(center) > 0.01 * span:
        h = ax.axvline(center, color="0.35", ls=":", lw=1.0, zorder=1,
                       label="refraction-corrected centre (%s)" % fmt(center, unit))
        handles.append(h)

    marker = "o" if len(x) < 30 else None
    (hR,) = ax.plot(x, R, color=c_R, lw=1.4, marker=marker, ms=3, zorder=3, label="reflectivity R")
    handles.insert(0, hR)

    # transmission: only if it is not ~0 everywhere
    Tmax, Rmax = float(np.max(T)), float(np.max(R))
    ax2 = None
    if Tmax > T_VISIBLE:
        same = Rmax > 0 and 0.2 <= Tmax / Rmax <= 5 and yscale == "linear"
        if same:
            (hT,) = ax.plot(x, T, color=c_T, lw=1.1, ls="--", marker=marker, ms=3, alpha=0.85, zorder=2,
                           label="transmission T")
        else:
            ax2 = ax.twinx()
            (hT,) = ax2.plot(x, T, color=c_T, lw=1.1, ls="--", marker=marker, ms=3, alpha=0.85, zorder=2,
                             label="transmission T (right axis)")
            ax2.set_ylabel("transmission T", color=c_T)
            ax2.tick_params(axis="y", colors=c_T, direction="in")
            ax2.set_ylim(0, 1.08 * Tmax)
        handles.insert(1, hT)

    # axes
    ax.set_xlim(xmin, xmax)
    ax.set_yscale(yscale)
    if yscale == "linear":
        top = 1.08 * Rmax if Rmax > 0 else 1.0
        if not ax2 and Tmax > T_VISIBLE:
            top = max(top, 1.08 * Tmax)
        if 0.9 < top < 1.2:
            top = 1.08  # a full-scale curve: keep R = 1 in view with headroom for the legend
        ax.set_ylim(0, top)
    else:
        pos = R[R > 0]
        lo = max(float(np.min(pos)), Rmax * 1e-7)
        ax.set_ylim(lo / 2, Rmax * 3)
    ax.set_xlabel(xlabel)
    shared = Tmax > T_VISIBLE and ax2 is None
    ax.set_ylabel(("R, T" if shared else "reflectivity R") + " (fraction of incident photon flux)")
    ax.grid(True, which="major", color="0.85", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(pretty_title(title), loc="left", fontsize=10)

    # peak and integrated reflectivity, as legend entries without a symbol
    from matplotlib.lines import Line2D
    i = int(np.argmax(R))
    stats = ["peak R = %.4g at %s = %s" % (Rmax, sym, fmt(float(x[i]), unit))]
    if len(x) > 1:
        integ = float(np.sum(0.5 * (R[1:] + R[:-1]) * np.diff(x)))
        stats.append("∫R d%s = %s over the scan" % (sym[1:], fmt(integ, unit)))
    handles += [Line2D([], [], ls="none", label=s) for s in stats]

    # legend under the axes, so it never hides the curve
    ncol = 2 if len(handles) > 1 else 1
    if ncol == 2:  # fill column-wise: curves/markers left, numbers right where possible
        left = [h for h in handles if not (isinstance(h, Line2D) and h.get_linestyle() in ("None", "none"))]
        right = [h for h in handles if h not in left]
        while len(right) < len(left) - 1:
            right.insert(0, left.pop())
        while len(right) > len(left):
            left.append(right.pop(0))
        handles = left + right
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, frameon=False,
              handlelength=2.2, columnspacing=2.0, borderaxespad=0.0)
    fig.tight_layout()
    try:
        fig.savefig(out_path, format="png", dpi=150)
    except (OSError, ValueError) as e:
        fail("cannot write '%s': %s" % (out_path, e))
    plt.close(fig)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit:
        raise
    except Exception as e:  # one line, not a traceback
        fail("%s: %s" % (type(e).__name__, e))
