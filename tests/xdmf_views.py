"""Reads an XDMF sidecar as ParaView would: every Attribute's HDF DataItem must name an existing dataset of the file
beside it, with the Dimensions, number type and precision the DataItem declares. Shared by the output tests."""
import os
import xml.etree.ElementTree as ET

import h5py
import numpy as np


def read_xdmf(path):
    """{attribute name: numpy array} for the sidecar at path; raises ValueError naming the first inconsistency"""
    root = ET.parse(path).getroot()
    grids = root.findall(".//Grid")
    if not grids:
        raise ValueError(f"{path}: no <Grid>")
    topo = grids[0].find("Topology")
    dims = tuple(int(x) for x in topo.get("Dimensions").split())
    out = {}
    for att in grids[0].findall("Attribute"):
        item = att.find("DataItem")
        fname, dset = item.text.strip().split(":", 1)
        h5 = os.path.join(os.path.dirname(path), fname)
        shape = tuple(int(x) for x in item.get("Dimensions").split())
        if shape[:3] != dims:
            raise ValueError(f"{path}: {att.get('Name')} has Dimensions {shape}, the topology {dims}")
        with h5py.File(h5, "r") as f:
            if dset not in f:
                raise ValueError(f"{path}: {att.get('Name')} points at {fname}:{dset}, which does not exist")
            d = f[dset]
            kind = {"Float": "f", "Char": "i"}[item.get("NumberType")]
            if d.shape != shape or d.dtype.kind != kind or d.dtype.itemsize != int(item.get("Precision")):
                raise ValueError(f"{path}: {att.get('Name')} declares {shape} {item.get('NumberType')}{item.get('Precision')}, "
                                 f"the dataset is {d.shape} {d.dtype}")
            out[att.get("Name")] = d[()]
    return out


def check_cxi_views(cxi, amplitude_name, tol, sign):
    """The CXI image's XDMF sidecar (F.cxi.xdmf): the views equal |data|, h.u = sign arg(data) inside the mask (sign -1
    for takagi phase, whose object is conj-like in h.u, +1 for takagi reconstruct's rho e^{i h.u}), and the mask.
    Returns a list of failure messages (empty: all good)."""
    fails = []
    try:
        v = read_xdmf(cxi + ".xdmf")
    except (OSError, ValueError, KeyError) as e:
        return [f"XDMF sidecar of {cxi}: {e}"]
    with h5py.File(cxi, "r") as f:
        d = f["/entry_1/image_1/data"][()]
        if d.dtype.names:  # compound (r, i)
            d = d["r"] + 1j * d["i"]
        m = f["/entry_1/image_1/mask"][()] > 0
    for name in (amplitude_name, "phase_hu", "support"):
        if name not in v:
            fails.append(f"{cxi}.xdmf lacks {name}")
    if fails:
        return fails
    ea = np.abs(v[amplitude_name] - np.abs(d)).max()
    ep = np.abs(np.angle(np.exp(1j * (v["phase_hu"] - sign * np.angle(d)))))[m & (np.abs(d) > 0)].max(initial=0)
    if ea > tol * max(np.abs(d).max(), 1e-300) or ep > tol * 10:
        fails.append(f"{cxi}.xdmf views differ from the image: amplitude {ea:.2e}, phase {ep:.2e}")
    if not np.array_equal(v["support"] > 0, m):
        fails.append(f"{cxi}.xdmf support differs from /entry_1/image_1/mask")
    return fails
