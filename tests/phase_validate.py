#!/usr/bin/env python3
"""Compare a `takagi phase` reconstruction with the crystal `takagi bcdi` simulated (docs/phase.md, "Validation").

usage: phase_validate.py SCAN.cxi OBJECT.h5 RESULT.cxi [--min-dice D] [--max-phase-rms R] [--ramp]

SCAN.cxi is the simulated scan (its geometry gives the voxel basis of the reconstruction), OBJECT.h5 the truth that
`takagi bcdi -object` wrote (support and phase_hu on a lab grid), RESULT.cxi the output of `takagi phase -o`.

The object psi of takagi phase lives on the detector-frame grid: voxel n sits at r(n) = sum_j (n_j - N_j/2) a_j with
a_i . b_j = 2 pi delta_ij / N_j, where b_j is the step of q per index of the data: along the rocking axis
b0 = h dw m (m = (s0 + sh)/|s0 + sh|: rocking turns h about x), along rows b1 = -(k p/L) e1 and along columns
b2 = -(k p/L) x (docs/bcdi.md: rows run against e1, columns towards -x). With the FFTW_FORWARD model,
psi(n) = rho(r(n)) exp(-i h.u(r(n))) up to a global phase, an integer translation and the twin conj(psi(-n)).

Checks:
  * for psi and its twin conj(psi(-n)), each moved by the integer translation that best matches the true support, and
    for h.u = -arg(psi) and +arg(psi): the RMS of the wrapped phase difference to the true h.u over the interior
    (true support eroded by one voxel, within the reconstructed crystal) after removing the mean offset; the best of
    the four combinations is the reconstruction's orientation;
  * shape: the reconstructed crystal (amplitude > --iso of its maximum, 0.3) against the true support sampled at
    r(n): Dice coefficient 2|A n B| / (|A| + |B|) >= --min-dice;
  * phase: that RMS <= --max-phase-rms, and (when the true h.u spans > 0.5 rad) the best sign is h.u = -arg(psi);
  * --ramp: the mean phase step of psi along each axis (arg sum psi(n+e_j) conj psi(n), twin-invariant for a linear
    field) against -g . a_j for the simulated ramp g: the sign test of the convention.
Prints the numbers and exits 1 if a check fails.
"""
import sys
import argparse
import numpy as np
import h5py


def read_geometry(scan):
    with h5py.File(scan, "r") as f:
        lam = float(f["/entry_1/instrument_1/beam_1/incident_wavelength"][()])
        L = float(f["/entry_1/instrument_1/detector_1/distance"][()])
        py = float(f["/entry_1/instrument_1/detector_1/y_pixel_size"][()])
        px = float(f["/entry_1/instrument_1/detector_1/x_pixel_size"][()])
        th = float(f["/entry_1/process_1/bragg_angle"][()])
        w = f["/entry_1/process_1/rocking_angle"][()]
        cmd = f["/entry_1/process_1/command"][()]
    dw = (w[-1] - w[0]) / (len(w) - 1)
    return lam, L, py, px, th, dw, cmd.decode() if isinstance(cmd, bytes) else str(cmd)


def basis(lam, L, py, px, th, dw, N):
    k = 2 * np.pi / lam
    h = 2 * k * np.sin(th)
    e1 = np.array([0, np.cos(2 * th), -np.sin(2 * th)])  # (x, y, z)
    m = np.array([0, np.sin(th), np.cos(th)])
    x = np.array([1.0, 0, 0])
    B = np.stack([h * dw * m, -(k * py / L) * e1, -(k * px / L) * x], axis=1)  # columns b_j
    A = 2 * np.pi * np.linalg.inv(B).T @ np.diag(1.0 / np.asarray(N, float))  # columns a_j
    return A, B


def trilinear(field, origin, spacing, pts):
    """field (nz, ny, nx), pts (..., 3) as (x, y, z); 0 outside"""
    f = np.asarray(field, float)
    idx = [(pts[..., 2 - a] - origin[a]) / spacing[a] for a in range(3)]  # z, y, x fractional indices
    i0 = [np.floor(t).astype(int) for t in idx]
    out = np.zeros(pts.shape[:-1])
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                ii = [i0[0] + dz, i0[1] + dy, i0[2] + dx]
                wgt = np.ones(pts.shape[:-1])
                for a, d in enumerate((dz, dy, dx)):
                    t = idx[a] - i0[a]
                    wgt *= t if d else 1 - t
                ok = np.ones(pts.shape[:-1], bool)
                for a in range(3):
                    ok &= (ii[a] >= 0) & (ii[a] < f.shape[a])
                v = np.zeros(pts.shape[:-1])
                v[ok] = f[ii[0][ok], ii[1][ok], ii[2][ok]]
                out += wgt * v
    return out


def best_shift(a, b):
    """integer circular shift s maximising sum a(n) b(n - s) ... returns s with np.roll(b, s) best matching a"""
    c = np.fft.ifftn(np.fft.fftn(a) * np.conj(np.fft.fftn(b))).real
    s = np.unravel_index(np.argmax(c), c.shape)
    return tuple(int(v) for v in s)


def erode(s):
    e = s.copy()
    for ax in range(3):
        e &= np.roll(s, 1, ax) & np.roll(s, -1, ax)
    return e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scan")
    ap.add_argument("truth")
    ap.add_argument("result")
    ap.add_argument("--min-dice", type=float, default=0.9)
    ap.add_argument("--max-phase-rms", type=float, default=0.1)
    ap.add_argument("--ramp", action="store_true")
    ap.add_argument("--iso", type=float, default=0.3)
    ap.add_argument("--ramp-tol", type=float, default=0.05)
    args = ap.parse_args()

    with h5py.File(args.result, "r") as f:
        d = f["/entry_1/image_1/data"][()]
        psi = d["r"].astype(float) + 1j * d["i"].astype(float) if d.dtype.names else d.astype(complex)
    N = psi.shape
    lam, L, py, px, th, dw, cmd = read_geometry(args.scan)
    A, B = basis(lam, L, py, px, th, dw, N)
    n = np.indices(N).reshape(3, -1).T - np.array(N) // 2
    r = (n @ A.T).reshape(N + (3,))  # lab (x, y, z) of each voxel
    with h5py.File(args.truth, "r") as f:
        sup_t = f["support"][()]
        ph_t = f["phase_hu"][()]
        sp = f["grid"].attrs["spacing"]
        org = f["grid"].attrs["origin"]
    true_sup = trilinear(sup_t, org, sp, r) > 0.5
    true_ph = trilinear(ph_t * sup_t, org, sp, r) / np.maximum(trilinear(sup_t, org, sp, r), 1e-12)
    print(f"grid {N}, voxel |a_j| = {np.linalg.norm(A, axis=0) * 1e9} nm, true crystal {true_sup.sum()} voxels")

    fail = 0
    combos = []
    for twin in (False, True):
        p = np.conj(np.roll(psi[::-1, ::-1, ::-1], 1 - np.array(N) % 2, axis=(0, 1, 2))) if twin else psi
        amp = np.abs(p)
        shape = amp > args.iso * amp.max()
        s = best_shift(true_sup.astype(float), shape.astype(float))
        shape = np.roll(shape, s, axis=(0, 1, 2))
        p = np.roll(p, s, axis=(0, 1, 2))
        dice = 2 * (shape & true_sup).sum() / (shape.sum() + true_sup.sum())
        inner = erode(true_sup) & shape
        for sign in (-1, 1):
            dphi = np.angle(np.exp(1j * (sign * np.angle(p) - true_ph)))
            off = np.angle(np.sum(np.abs(p)[inner] * np.exp(1j * dphi[inner])))
            err = np.angle(np.exp(1j * (dphi[inner] - off)))
            rms = float(np.sqrt(np.mean(err ** 2)))
            combos.append((rms, twin, sign, dice, s, shape.sum(), inner.sum()))
            print(f"  {'twin  ' if twin else 'direct'} solution, h.u = {'-' if sign < 0 else '+'}arg(psi): shift {s}, Dice {dice:.4f}, phase RMS {rms:.4f} rad")
    rms, twin, sign, dice, s, nshape, ninner = min(combos)
    span = float(np.ptp(true_ph[erode(true_sup)])) if true_sup.any() else 0.0
    print(f"best: {'twin' if twin else 'direct'} solution with h.u = {'-' if sign < 0 else '+'}arg(psi); reconstructed {nshape} voxels "
          f"(amplitude > {args.iso} max), true {true_sup.sum()}; phase over {ninner} interior voxels, true h.u spans {span:.3f} rad")
    ok = dice >= args.min_dice
    print(f"{'PASS' if ok else 'FAIL'} shape overlap (Dice) {dice:.4f} >= {args.min_dice}")
    fail |= not ok
    ok = rms <= args.max_phase_rms
    print(f"{'PASS' if ok else 'FAIL'} phase RMS error {rms:.4f} rad <= {args.max_phase_rms}")
    fail |= not ok
    if span > 0.5:  # the field must be able to tell the sign
        ok = sign < 0
        print(f"{'PASS' if ok else 'FAIL'} sign: the best match is h.u = -arg(psi) (docs/phase.md)")
        fail |= not ok

    if args.ramp:
        # the simulated ramp g (rad/um, lab x, y, z) from the scan's options
        g = None
        toks = cmd.split()
        for i, t in enumerate(toks):
            if t == "-phase_ramp" and i + 1 < len(toks):
                g = np.array([float(v) for v in toks[i + 1].split(",")]) * 1e6
        if g is None:
            print("FAIL --ramp: the scan was not made with -phase_ramp")
            return 1
        sup = np.abs(psi) > args.iso * np.abs(psi).max()
        for j in range(3):
            nb = np.roll(psi, -1, axis=j)
            both = sup & np.roll(sup, -1, axis=j)
            got = float(np.angle(np.sum((nb * np.conj(psi))[both])))
            want = float(-g @ A[:, j])  # arg psi = -h.u = -g.r
            ok = abs(got - want) <= args.ramp_tol
            print(f"{'PASS' if ok else 'FAIL'} phase step along axis {j}: {got:+.4f} rad/voxel, want -g.a_{j} = {want:+.4f} (tol {args.ramp_tol})")
            fail |= not ok
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
