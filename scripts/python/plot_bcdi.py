#!/usr/bin/env python3
"""Plot a simulated BCDI rocking scan written by `takagi bcdi` (called by the C driver, TkBCDIWrite).

usage: python3 plot_bcdi.py DYN.cxi KIN.cxi OUT.png

DYN.cxi  the dynamical (3D Takagi-Taupin) scan, a CXI file as docs/file-formats.md describes: the frames in
         /entry_1/instrument_1/detector_1/data (nangles, ny, nx), the rocking angles (rad, from the kinematic Bragg
         angle) in /entry_1/process_1/rocking_angle. Any CXI file of that layout works (also a kinematic one).
KIN.cxi  the kinematic (first Born) scan on the same frames, or "" for none.
OUT.png  the PNG to write, exactly this path (the driver passes a temporary name and renames it).

The figure has one row per model (dynamical on top, kinematic below), images on one logarithmic colour scale
(6 decades) so that colours compare pixel for pixel, zoomed to the centred detector window that holds 99 % of the
intensity:
  (a, d) the detector frame at the rocking angle of maximum integrated intensity; ticks on the frame edges mark
         the pixel on the kinematic exit direction kh (row ny/2, column nx/2);
  (b, e) the slice through the 3D stack at the kh column: rocking angle against detector row (both in the
         scattering plane), the kinematic Bragg angle and the kh row dotted;
  (c)    the integrated rocking curves (sum over each frame) of both models on one logarithmic axis, with the
         kinematic Bragg angle, the peak of each curve (parabola through the top three points of the log), the
         ratio of the integrated intensities and, for a dynamical scan, the kinematic peak + the refraction shift
         of a symmetric-Bragg slab, -Re chi0 / sin 2thetaB (chi0 from /entry_1/process_1/chi0 if the file has it,
         else from xraylib's C library through ctypes; left out when neither is available);
  (f)    row profiles through the centre of the kinematic peak (its intensity centroid, nearest frame, row and
         column), both models, the dynamical one also mirrored about that centre (I(-q)), and each scan's
         centrosymmetry defect sum|I(q) - I(-q)| / sum I when the centre is a grid node.
With one file, only (a)-(c). With Poisson counts (-photons) the colour floor is one photon and the ratio of the
scans is not shown (each holds the same total).
The title gives the sample, energy, Bragg angle, crystal shape and strain from the file's metadata (the options of
the run are in /entry_1/process_1/command). Exits 1 with one line on stderr on any failure.
"""
import math
import os
import re
import sys

PROG = "plot_bcdi.py"
DECADES = 6  # colour range of the log images, in decades below the brightest pixel


def fail(msg):
    sys.stderr.write("%s: error: %s\n" % (PROG, msg))
    sys.exit(1)


def import_modules():
    """numpy, h5py, matplotlib (Agg). If this interpreter lacks one of them (e.g. a pyenv or venv python3 first on
    PATH), re-run once under the system python3, where Debian's python3-h5py and python3-matplotlib live."""
    try:
        import numpy as np
        import h5py
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return np, h5py, matplotlib, plt
    except ImportError as e:
        system = "/usr/bin/python3"
        if os.environ.get("TAKAGI_PLOT_REEXEC") != "1" and os.path.exists(system) and \
                os.path.realpath(sys.executable) != os.path.realpath(system):
            os.environ["TAKAGI_PLOT_REEXEC"] = "1"
            try:
                os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
            except OSError:
                pass
        fail("%s; install python3-numpy, python3-h5py and python3-matplotlib" % e)


# ------------------------------------------------------------------------------------------------------------------
# reading


def text(f, path, default=""):
    """A string dataset (h5py returns bytes for variable-length strings), or default when absent."""
    if path not in f:
        return default
    v = f[path][()]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if hasattr(v, "tolist"):
        v = v.tolist()
        if isinstance(v, bytes):
            return v.decode("utf-8", "replace")
    return str(v)


def number(f, path, default=None):
    if path not in f:
        return default
    try:
        return float(f[path][()])
    except (TypeError, ValueError):
        return default


def parse_command(cmd):
    """'-a 1 -b -c -2,2,65' -> {'a': '1', 'b': '', 'c': '-2,2,65'} (a value may start with '-' and a digit)."""
    opts = {}
    toks = cmd.split()
    i = 0
    while i < len(toks):
        t = toks[i]
        if re.match(r"^-[A-Za-z_]", t):
            key = t.lstrip("-")
            val = ""
            if i + 1 < len(toks) and not re.match(r"^-[A-Za-z_]", toks[i + 1]):
                val = toks[i + 1]
                i += 1
            opts[key] = val
        i += 1
    return opts


def read_scan(path, np, h5py):
    if not os.path.isfile(path):
        fail("cannot read '%s': no such file" % path)
    try:
        f = h5py.File(path, "r")
    except (OSError, IOError) as e:
        fail("cannot open '%s' as HDF5: %s" % (path, str(e).split(" (")[0]))
    with f:
        dpath = "entry_1/instrument_1/detector_1/data"
        if dpath not in f:
            fail("'%s' has no /%s (not a takagi bcdi CXI file?)" % (path, dpath))
        ds = f[dpath]
        if ds.ndim != 3:
            fail("'%s': /%s has %d dimensions, expected 3 (angles, rows, columns)" % (path, dpath, ds.ndim))
        I = np.asarray(ds[()], dtype=float)
        units = ds.attrs.get("units", "")
        if isinstance(units, bytes):
            units = units.decode()
        angles = None
        for p in ("entry_1/process_1/rocking_angle", "entry_1/instrument_1/detector_1/rocking_angle",
                  "entry_1/data_1/rocking_angle"):
            if p in f:
                angles = np.asarray(f[p][()], dtype=float).ravel()
                break
        if angles is None:
            fail("'%s' has no rocking angles (/entry_1/process_1/rocking_angle)" % path)
        if angles.size != I.shape[0]:
            fail("'%s': %d rocking angles for %d frames" % (path, angles.size, I.shape[0]))
        if not np.all(np.isfinite(I)):
            fail("'%s': the frames contain NaN or Inf" % path)
        if not np.any(I > 0):
            fail("'%s': every frame is zero" % path)
        energy_J = number(f, "entry_1/instrument_1/source_1/energy")
        if energy_J is None:
            energy_J = number(f, "entry_1/instrument_1/beam_1/incident_energy")
        s = {
            "path": path,
            "I": I,
            "angles": angles,
            "units": units,
            "energy_keV": energy_J / 1.602176634e-16 if energy_J else None,
            "wavelength": number(f, "entry_1/instrument_1/beam_1/incident_wavelength"),
            "thetaB": number(f, "entry_1/process_1/bragg_angle"),
            "distance": number(f, "entry_1/instrument_1/detector_1/distance"),
            "px": number(f, "entry_1/instrument_1/detector_1/x_pixel_size"),
            "py": number(f, "entry_1/instrument_1/detector_1/y_pixel_size"),
            "sample": text(f, "entry_1/sample_1/name"),
            "model": text(f, "entry_1/process_1/model"),
            "command": text(f, "entry_1/process_1/command"),
            "chi0": None,
        }
        if "entry_1/process_1/chi0" in f:  # (re, im) or a complex scalar, if the writer stores it
            v = np.asarray(f["entry_1/process_1/chi0"][()]).ravel()
            s["chi0"] = complex(v[0]) if v.size == 1 else complex(float(v[0]), float(v[1]))
    s["opts"] = parse_command(s["command"])
    return s


# ------------------------------------------------------------------------------------------------------------------
# physics helpers


def chi0_from_xraylib(crystal, energy_keV):
    """chi0 = conj(-r_e lambda^2 F_0 / (pi V)) from xraylib's C library (the one takagi links), through ctypes;
    None when the library or the crystal is not found. Same formula as models/crystal/reflection.c."""
    try:
        import ctypes
        import ctypes.util

        class XrlComplex(ctypes.Structure):
            _fields_ = [("re", ctypes.c_double), ("im", ctypes.c_double)]

        name = ctypes.util.find_library("xrl") or "libxrl.so.11"
        lib = ctypes.CDLL(name)
        lib.Crystal_GetCrystal.restype = ctypes.c_void_p
        lib.Crystal_GetCrystal.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.Crystal_F_H_StructureFactor.restype = XrlComplex
        lib.Crystal_F_H_StructureFactor.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_int, ctypes.c_int,
                                                    ctypes.c_int, ctypes.c_double, ctypes.c_double, ctypes.c_void_p]
        lib.Crystal_UnitCellVolume.restype = ctypes.c_double
        lib.Crystal_UnitCellVolume.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.Crystal_Free.argtypes = [ctypes.c_void_p]
        cs = lib.Crystal_GetCrystal(crystal.encode(), None, None)
        if not cs:
            return None
        F0 = lib.Crystal_F_H_StructureFactor(cs, energy_keV, 0, 0, 0, 1.0, 1.0, None)
        V = lib.Crystal_UnitCellVolume(cs, None) * 1e-30
        lib.Crystal_Free(cs)
        if not (V > 0 and math.isfinite(F0.re)):
            return None
        lam = 12.398419843320026e-10 / energy_keV
        return -2.8179403262e-15 * lam * lam / (math.pi * V) * complex(F0.re, -F0.im)
    except Exception:  # no library, another ABI: the mark is optional
        return None


def refraction_shift(s):
    """Refraction shift of a symmetric-Bragg slab, -Re chi0 / sin 2thetaB (rad), or None. With -chi0_scale the
    run scaled chi0, and so is the shift."""
    if s["thetaB"] is None:
        return None
    chi0 = s["chi0"]
    if chi0 is None and s["energy_keV"]:
        crystal = s["opts"].get("crystal") or re.sub(r"\(.*$", "", s["sample"]).strip()
        if crystal:
            alias = {"Au": "Gold", "Pt": "Platinum", "Cu": "Copper", "Fe": "Iron", "Al": "Aluminum", "C": "Diamond",
                     "Silicon": "Si", "Germanium": "Ge", "Aluminium": "Aluminum", "Quartz": "AlphaQuartz"}
            chi0 = chi0_from_xraylib(alias.get(crystal, crystal), s["energy_keV"])
    if chi0 is None:
        return None
    try:
        scale = float(s["opts"].get("chi0_scale", "1") or 1)
    except ValueError:
        scale = 1.0
    return -scale * chi0.real / math.sin(2 * s["thetaB"])


def peak_angle(np, angles, curve):
    """Angle of the maximum of a sampled curve, refined by a parabola through log(curve) at the three samples
    around the maximum (exact for a Gaussian)."""
    i = int(np.argmax(curve))
    if 0 < i < len(curve) - 1 and np.all(curve[i - 1:i + 2] > 0):
        y = np.log(curve[i - 1:i + 2])
        den = y[0] - 2 * y[1] + y[2]
        if den < 0:
            p = 0.5 * (y[0] - y[2]) / den
            return angles[i] + p * (angles[i + 1] - angles[i - 1]) / 2
    return angles[i]


# ------------------------------------------------------------------------------------------------------------------
# labels

SHORT = {"Gold": "Au", "Platinum": "Pt", "Copper": "Cu", "Iron": "Fe", "Aluminum": "Al", "Silver": "Ag",
         "Nickel": "Ni", "Tungsten": "W", "Molybdenum": "Mo", "Tantalum": "Ta", "Lead": "Pb"}


def sample_label(s):
    name = s["sample"] or s["opts"].get("crystal", "")
    m = re.match(r"^([A-Za-z]+)(.*)$", name)
    if m and m.group(1) in SHORT:
        name = SHORT[m.group(1)] + m.group(2)
    return name or "crystal"


def nums(v):
    return [x for x in re.split(r"[,\s]+", v.strip()) if x]


def fmt_nm(x):
    try:
        return "%g" % float(x)
    except ValueError:
        return x


def miller(v, prefix=""):
    """'0.5,0,0.5' -> '$a/2[101]$' (with prefix 'a'), '1,-2,-1' -> '$[1\\bar{2}\\bar{1}]$' (mathtext)."""
    try:
        q = [float(x) for x in nums(v)]
    except ValueError:
        return "[%s]" % v
    nz = [abs(x) for x in q if x != 0]
    if len(q) != 3 or not nz:
        return "[%s]" % v
    f = min(nz)
    if not all(abs(x / f - round(x / f)) < 1e-6 for x in q):
        f = 1.0
    ints = [x / f for x in q]
    if not all(abs(x - round(x)) < 1e-6 for x in ints):
        return "%s[%s]" % (prefix, ",".join("%g" % x for x in q))
    body = "".join(("\\bar{%d}" % -round(x)) if x < 0 else "%d" % round(x) for x in ints)
    den = round(1 / f) if f < 1 and abs(1 / f - round(1 / f)) < 1e-6 else None
    scale = ("%s/%d" % (prefix, den)) if den else (prefix if f == 1 else "%g%s" % (f, prefix))
    return "$%s[%s]$" % (scale, body)


def shape_label(opts):
    shape = opts.get("shape", "sphere") or "sphere"
    size = nums(opts.get("size_nm", ""))
    if shape == "sphere":
        return "sphere, diameter %s nm" % (fmt_nm(size[0]) if size else "500")
    if shape == "box":
        if not size:
            size = ["500"]
        while len(size) < 3:
            size.append(size[-1])
        return "box %s \u00d7 %s \u00d7 %s nm" % tuple(fmt_nm(x) for x in size[:3])
    if shape == "cylinder":
        if not size:
            size = ["500"]
        if len(size) < 2:
            size.append(size[0])
        return "cylinder, diameter %s nm, height %s nm, axis %s" % (fmt_nm(size[0]), fmt_nm(size[1]),
                                                                    miller(opts.get("shape_axis", "0,0,1")))
    if shape == "polyhedron":
        fams = []
        for fam in (opts.get("facets") or "1,1,1,400;1,0,0,450").split(";"):
            v = nums(fam)
            if len(v) == 4:
                try:
                    fams.append("{%s} at %s nm" % ("".join("%d" % int(float(x)) for x in v[:3]), fmt_nm(v[3])))
                except ValueError:
                    fams.append(fam)
        return "polyhedron, " + ", ".join(fams) + " from the centre"
    if shape == "slab":
        return "slab " + " \u00d7 ".join(fmt_nm(x) for x in size) + " nm"
    return shape


def strain_label(opts):
    parts = []
    if opts.get("strain"):
        try:
            if float(opts["strain"]) != 0:
                parts.append("uniform strain %g along h" % float(opts["strain"]))
        except ValueError:
            pass
    if "phase_ramp" in opts:
        parts.append("phase ramp (%s) rad/\u00b5m" % opts["phase_ramp"])
    if "dislocation" in opts:
        b = opts.get("dislocation_b", "0.5,-0.5,0")
        line = opts.get("dislocation_line", "1,1,-2")
        parts.append("%s dislocation b = %s, line %s" % (opts["dislocation"] or "edge", miller(b, "a"), miller(line)))
    return "; ".join(parts) if parts else "no strain"


# ------------------------------------------------------------------------------------------------------------------


def zoom_halfwidth(np, stacks, ny, nx):
    """Half width (pixels) of the centred detector window that holds 99 % of the summed intensity, rounded up to a
    multiple of 8; None when that is most of the frame (then the whole frame is shown)."""
    tot = sum(I.sum(axis=0) for I in stacks)
    cy, cx = ny // 2, nx // 2
    lim = min(cy, cx, ny - 1 - cy, nx - 1 - cx)
    total = tot.sum()
    for w in range(8, lim + 1, 8):
        if tot[cy - w:cy + w + 1, cx - w:cx + w + 1].sum() >= 0.99 * total:
            return None if w > 0.4 * min(ny, nx) else w
    return None


def peak_centre(np, I):
    """Intensity centroid of the stack as (frame, row, column) fractional indices."""
    S = I.sum()
    return tuple(float((I.sum(axis=tuple(a for a in range(3) if a != ax)) * np.arange(I.shape[ax])).sum() / S)
                 for ax in range(3))


def centrosymmetry(np, I, c):
    """sum |I(q) - I(-q)| / sum I over the largest box of the stack centred on the grid node c = (frame, row,
    column): q -> -q is (frame, row, column) -> 2c - (frame, row, column), exact to first order in the rocking
    angle and the pixel offsets. A kinematic pattern of an object that is even up to a constant phase (any strain-free
    centrosymmetric crystal, or one with a dislocation through its centre) gives 0."""
    h = [min(c[a], I.shape[a] - 1 - c[a]) for a in range(3)]
    if min(h) < 1:
        return None
    A = I[c[0] - h[0]:c[0] + h[0] + 1, c[1] - h[1]:c[1] + h[1] + 1, c[2] - h[2]:c[2] + h[2] + 1]
    return float(np.abs(A - A[::-1, ::-1, ::-1]).sum() / A.sum())


def pretty_units(u):
    return (u or "arb. units").replace("photons per pixel per incident photon/m^2",
                                       "photons/pixel per incident photon/m\u00b2")


def main():
    if len(sys.argv) != 4:
        fail("usage: plot_bcdi.py DYN.cxi KIN.cxi OUT.png (KIN.cxi may be \"\")")
    np, h5py, matplotlib, plt = import_modules()
    from matplotlib.colors import LogNorm

    dyn_path, kin_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    scans = [read_scan(dyn_path, np, h5py)]
    if kin_path:
        scans.append(read_scan(kin_path, np, h5py))
        if scans[1]["I"].shape != scans[0]["I"].shape:
            fail("'%s' and '%s' have different frame stacks %s and %s" % (dyn_path, kin_path, scans[0]["I"].shape,
                                                                           scans[1]["I"].shape))
        if not np.allclose(scans[1]["angles"], scans[0]["angles"], rtol=0, atol=1e-12):
            fail("'%s' and '%s' have different rocking angles" % (dyn_path, kin_path))
    s0 = scans[0]
    nang, ny, nx = s0["I"].shape
    cy, cx = ny // 2, nx // 2
    mrad = 1e3 * s0["angles"]
    step = mrad[1] - mrad[0] if nang > 1 else 1.0

    def model_name(s, default):
        m = s["model"].lower()
        if m.startswith("dynamical"):
            return "dynamical (3D Takagi\u2013Taupin)"
        if m.startswith("kinematic"):
            return "kinematic (first Born)"
        return s["model"] or default

    names = [model_name(s, d) for s, d in zip(scans, ("model 1", "model 2"))]
    short = [n.split(" (")[0] for n in names]
    colors = ["#1f5fa8" if n.startswith("kinematic") else "#c0392b" if n.startswith("dynamical") else c
              for n, c in zip(names, ("#c0392b", "#1f5fa8"))]
    counts = s0["units"] == "photons"  # Poisson counts: every scan holds the same total (-photons)
    units = pretty_units(s0["units"])

    vmax = max(float(s["I"].max()) for s in scans)
    vmin = vmax * 10.0 ** (-DECADES)
    if counts:  # one photon is the floor
        vmin = max(0.5, min(vmin, 1.0))
    try:
        cmap = matplotlib.colormaps["magma"].copy()
    except AttributeError:
        cmap = plt.get_cmap("magma")
    cmap.set_bad(cmap(0.0))
    cmap.set_under(cmap(0.0))
    norm = LogNorm(vmin=vmin, vmax=vmax, clip=True)
    w = zoom_halfwidth(np, [s["I"] for s in scans], ny, nx)
    if w is None:
        r0, r1, c0, c1 = 0, ny, 0, nx
    else:
        r0, r1, c0, c1 = cy - w, cy + w + 1, cx - w, cx + w + 1

    panels = {}  # (row, column) -> axes, for the panel letters
    curves = [s["I"].sum(axis=(1, 2)) for s in scans]
    peaks = [peak_angle(np, mrad, c) for c in curves]
    nrow = len(scans)
    H = 4.5 * nrow + 1.2
    fig = plt.figure(figsize=(15.5, H))
    gs = fig.add_gridspec(nrow, 3, width_ratios=[1.0, 1.3, 1.3], wspace=0.36, hspace=0.36,
                          left=0.045, right=0.99, top=1 - 1.05 / H, bottom=0.5 / H)
    for r, s in enumerate(scans):
        I = s["I"]
        ia = int(np.argmax(curves[r]))
        # (a) the frame at the rocking angle of maximum integrated intensity
        ax = panels[r, 0] = fig.add_subplot(gs[r, 0])
        ax.imshow(np.ma.masked_less_equal(I[ia, r0:r1, c0:c1], 0), norm=norm, cmap=cmap, origin="upper",
                  interpolation="nearest", extent=[c0 - 0.5, c1 - 0.5, r1 - 0.5, r0 - 0.5])
        # the kh pixel, marked by ticks on the frame edges (a marker would hide the pixel itself)
        ax.plot([cx, cx], [r1 - 0.5, r0 - 0.5], ls="none", marker="|", color="#7fdbff", ms=8, mew=1.2, clip_on=False)
        ax.plot([c0 - 0.5, c1 - 0.5], [cy, cy], ls="none", marker="_", color="#7fdbff", ms=8, mew=1.2, clip_on=False)
        ax.set_xlim(c0 - 0.5, c1 - 0.5)
        ax.set_ylim(r1 - 0.5, r0 - 0.5)
        ax.set_xlabel("detector column (along lab x)")
        ax.set_ylabel("detector row")
        ax.set_title("%s\nframe at \u03b8 \u2212 \u03b8$_B$ = %+.0f \u00b5rad (max. of the rocking curve)"
                     % (names[r], 1e3 * mrad[ia]), fontsize=10)
        # (b) rocking angle vs detector row through the kh column
        ax = panels[r, 1] = fig.add_subplot(gs[r, 1])
        im = ax.imshow(np.ma.masked_less_equal(I[:, r0:r1, cx].T, 0), norm=norm, cmap=cmap, origin="upper",
                       aspect="auto", interpolation="nearest",
                       extent=[mrad[0] - step / 2, mrad[-1] + step / 2, r1 - 0.5, r0 - 0.5])
        ax.axvline(0, color="#7fdbff", lw=0.7, ls=":")
        ax.axhline(cy, color="#7fdbff", lw=0.7, ls=":")
        ax.set_xlabel("rocking angle \u03b8 \u2212 \u03b8$_B$ (mrad)")
        ax.set_ylabel("detector row")
        ax.set_title("slice through the 3D stack at column %d (kh)" % cx, fontsize=10)
        cb = fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02)
        cb.set_label("intensity (%s)" % units, fontsize=7.5)
        cb.ax.tick_params(labelsize=8)

    # (c, top) integrated rocking curves of both models
    shift = refraction_shift(s0)
    ax = panels[0, 2] = fig.add_subplot(gs[0, 2])
    for r, s in enumerate(scans):
        ax.semilogy(mrad, curves[r], "-", color=colors[r], lw=1.3, marker="o", ms=2.2,
                    label="%s: peak at %+.0f \u00b5rad" % (short[r], 1e3 * peaks[r]))
    ax.axvline(0, color="0.3", lw=0.9, ls=":", label="kinematic Bragg angle \u03b8$_B$")
    if shift is not None and any(n.startswith("dynamical") for n in names):
        ref = peaks[1] if len(scans) == 2 else 0.0  # the strained crystal's own kinematic peak
        where = "kinematic peak" if len(scans) == 2 and abs(ref) > 0.5 * step else "\u03b8$_B$"
        if mrad[0] <= ref + 1e3 * shift <= mrad[-1]:
            ax.axvline(ref + 1e3 * shift, color="0.3", lw=0.9, ls="--",
                       label="%s + refraction shift of a symmetric-Bragg slab (%+.0f \u00b5rad)" % (where, 1e6 * shift))
    ax.set_xlim(mrad[0] - step / 2, mrad[-1] + step / 2)
    ax.set_xlabel("rocking angle \u03b8 \u2212 \u03b8$_B$ (mrad)")
    ax.set_ylabel("sum over the frame (%s)" % units, fontsize=8)
    top = max(float(c.max()) for c in curves)
    bottom = min(float(c[c > 0].min()) for c in curves)
    ax.set_ylim(bottom / 2, top * (top / bottom) ** 0.45)  # head room for the legend
    ttl = "integrated rocking curves"
    if counts:
        ttl += " (%.3g photons per scan)" % curves[0].sum()
    elif len(scans) == 2:
        ttl += " (dynamical / kinematic = %.2f)" % (curves[0].sum() / curves[1].sum())
    ax.set_title(ttl, fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left", framealpha=0.85)
    ax.grid(True, which="major", lw=0.3, alpha=0.5)

    # (c, bottom) row profiles through the centre of the kinematic peak (its intensity centroid, on the nearest
    # frame, row and column), both models, and the dynamical one mirrored about that centre (q -> -q)
    if len(scans) == 2:
        ax = panels[1, 2] = fig.add_subplot(gs[1, 2])
        cen = peak_centre(np, scans[1]["I"])
        c3 = tuple(int(round(x)) for x in cen)
        on_grid = all(abs(x - round(x)) < 0.1 for x in cen)  # the centre of symmetry is a sample
        ia, rc, cc = c3
        rows = np.arange(r0, r1) - rc
        for r, s in enumerate(scans):
            prof = s["I"][ia, r0:r1, cc]
            cs = centrosymmetry(np, s["I"], c3) if on_grid else None
            lab = short[r] + ("  (3D centrosymmetry defect %.2g)" % cs if cs is not None else "")
            ax.semilogy(rows, np.where(prof > 0, prof, np.nan), "-", color=colors[r], lw=1.2, label=lab)
        if on_grid:
            m = np.array([s0["I"][ia, 2 * rc - y, cc] if 0 <= 2 * rc - y < ny else np.nan for y in range(r0, r1)])
            ax.semilogy(rows, np.where(m > 0, m, np.nan), ":", color=colors[0], lw=1.2,
                        label="%s mirrored about the centre (−q)" % short[0])
        ax.set_xlim(rows[0], rows[-1])
        ax.set_ylim(vmin, vmax * 10.0 ** (0.4 * DECADES))  # head room for the legend
        ax.set_xlabel("detector row − %d (in the scattering plane)" % rc)
        ax.set_ylabel("intensity (%s)" % units, fontsize=8)
        where = "the kh pixel" if (rc, cc) == (cy, cx) else "row %d, column %d" % (rc, cc)
        ax.set_title("row profiles through the centre of the kinematic peak\n%s, frame at %+.0f \u00b5rad"
                     % (where, 1e3 * mrad[ia]), fontsize=10)
        ax.legend(fontsize=7.5, loc="upper left", framealpha=0.85)
        ax.grid(True, which="major", lw=0.3, alpha=0.5)

    for n, (_, ax) in enumerate(sorted(panels.items(), key=lambda kv: kv[0])):
        ax.set_title("(%s) %s" % ("abcdefgh"[n], ax.get_title()), fontsize=10)

    # title from the metadata
    o = s0["opts"]
    line1 = sample_label(s0)
    if s0["energy_keV"]:
        line1 += ", %.4g keV" % s0["energy_keV"]
    if s0["thetaB"] is not None:
        line1 += ", \u03b8$_B$ = %.3f\u00b0" % math.degrees(s0["thetaB"])
    line1 += " \u2014 " + shape_label(o) + "; " + strain_label(o)
    line2 = ("%d rocking angles %.3g to %.3g mrad" % (nang, mrad[0], mrad[-1]) if nang > 1 else
             "1 rocking angle, %.3g mrad" % mrad[0]) + "; %d \u00d7 %d pixels" % (ny, nx)
    if s0["px"]:
        line2 += " of %.3g \u00b5m" % (1e6 * s0["px"])
    if s0["distance"]:
        line2 += " at %.3g m" % s0["distance"]
    if s0["wavelength"] and s0["px"] and s0["distance"]:
        dq = 2 * math.pi / s0["wavelength"] * s0["px"] / s0["distance"]
        line2 += " (%.3g \u00b5m\u207b\u00b9 per pixel)" % (1e-6 * dq)
    if w is not None:
        line2 += "; central %d \u00d7 %d pixels shown" % (r1 - r0, c1 - c0)
    if "voxel_nm" in o:
        line2 += "; TT step %s nm" % o["voxel_nm"]
    fig.suptitle("takagi bcdi: " + line1 + "\n" + line2, fontsize=11)
    save(fig, out)


def save(fig, out):
    """PNG at 72 dpi; with Pillow (a matplotlib dependency) reduced to a 256-colour palette, which keeps these
    figures at about half the size with no visible change."""
    import io
    buf = io.BytesIO()
    fig.savefig(buf, dpi=72, format="png")
    data = buf.getvalue()
    try:
        from PIL import Image
        img = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT
                                                                   if hasattr(Image, "Quantize") else 0)
        b2 = io.BytesIO()
        img.save(b2, format="png", optimize=True)
        if len(b2.getvalue()) < len(data):
            data = b2.getvalue()
    except Exception:
        pass
    try:
        with open(out, "wb") as f:
            f.write(data)
    except OSError as e:
        fail("cannot write '%s': %s" % (out, e.strerror or e))


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted")
    except Exception as e:  # one line, no traceback
        fail("%s: %s" % (type(e).__name__, e))
