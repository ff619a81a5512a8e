#!/usr/bin/env python3
"""The files tests/test_cxi.c writes, read as a PyNX / silx / ParaView user would (numpy, h5py, xml.etree).

usage: test_cxi.py <directory written by test_cxi>

- scan.cxi (frames float64) and scan32.cxi (float32): every group, dataset, attribute and soft link of the CXI layout
  in docs/file-formats.md where PyNX and silx look for it; SI values with units attributes; the frames and the
  rocking angles round-trip exactly; the detector geometry (basis_vectors, corner_position) puts the centre pixel
  on kh; the NXdata default plot is valid by silx's rules.
- fields.h5 + fields.xdmf, fields_noext.hdf + fields_noext.hdf.xdmf: datasets, units, /grid attributes; the XDMF is
  well-formed XML whose 3DCoRectMesh, origin, spacing and attributes reference existing HDF5 datasets of the right
  shape and precision.
- No *.part-* file is left, and nothing but these six files.
The synthetic values are those of test_cxi.c: change both together.
"""
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("test_cxi.py: h5py is missing (apt-get install python3-h5py)")

work = sys.argv[1]
failures = 0

NA, NY, NX = 5, 6, 7
GZ, GY, GX = 4, 5, 6
BRAGG, TWOTHETA = 0.19, 0.38
ENERGY = 9000 * 1.602176634e-19
WAVELENGTH = 6.62607015e-34 * 299792458 / ENERGY
DISTANCE, PX, PY = 1.25, 55e-6, 75e-6
SPACING = (1e-8, 2e-8, 3e-8)
ORIGIN = (-1.5e-8, -4e-8, -7.5e-8)


def check(what, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + what + (f" ({detail})" if detail else ""))
    if not ok:
        failures += 1
    return ok


def text(v):
    """h5py gives str for variable-length string attributes and bytes for string datasets"""
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    return v.decode() if isinstance(v, bytes) else str(v)


def orientation():
    a, b = math.radians(30), math.radians(10)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    return rz @ rx


def expected_frames():
    a, i, j = np.meshgrid(np.arange(NA), np.arange(NY), np.arange(NX), indexing="ij")
    return 1000 + 100 * a + 10 * i + j + 0.25


def check_scalar(f, path, value, units, rtol=1e-15):
    if not check(f"{path} exists", path in f):
        return
    d = f[path]
    ok = d.shape == () and d.dtype.kind == "f" and math.isclose(float(d[()]), value, rel_tol=rtol)
    check(f"{path} = {value:.6g}", ok, f"{d.dtype} {d[()]!r}")
    check(f"{path} has units '{units}'", text(d.attrs.get("units", "")) == units, repr(d.attrs.get("units")))


def check_string(f, path, want=None, pattern=None):
    if not check(f"{path} exists", path in f):
        return
    d = f[path]
    ok = d.shape == () and h5py.check_string_dtype(d.dtype) is not None
    v = text(d[()]) if ok else None
    if want is not None:
        ok = ok and v == want
    if pattern is not None:
        ok = ok and re.search(pattern, v) is not None
    check(f"{path} is the string {want if want is not None else '/' + pattern + '/'}", ok, repr(v))


def check_class(f, path, nxclass):
    check(f"{path} is a group with NX_class {nxclass}", path in f and isinstance(f[path], h5py.Group)
          and text(f[path].attrs.get("NX_class", "")) == nxclass, repr(f[path].attrs.get("NX_class")) if path in f else "missing")


def check_cxi(name, dtype):
    path = os.path.join(work, name)
    print(f"--- {name}")
    with h5py.File(path, "r") as f:
        # root (CXI top level and PyNX's root attributes)
        check("/cxi_version = 150 (integer)", "cxi_version" in f and f["cxi_version"].dtype.kind == "i"
              and int(f["cxi_version"][()]) == 150)
        check("/number_of_entries = 1", "number_of_entries" in f and int(f["number_of_entries"][()]) == 1)
        check("/@default = entry_1", text(f.attrs.get("default", "")) == "entry_1")
        check("/@creator is the program", text(f.attrs.get("creator", "")) == "takagi test_cxi")
        check(f"/@file_name = {name}", text(f.attrs.get("file_name", "")) == name)

        # entry
        check_class(f, "entry_1", "NXentry")
        check("/entry_1@default = data_1", text(f["entry_1"].attrs.get("default", "")) == "data_1")
        check_string(f, "entry_1/program_name", "takagi test_cxi")
        check_string(f, "entry_1/start_time", pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")
        check_string(f, "entry_1/title", pattern=r"Au\(111\).*dynamical \(Takagi-Taupin\)")

        # instrument: source, beam, detector
        check_class(f, "entry_1/instrument_1", "NXinstrument")
        check_class(f, "entry_1/instrument_1/source_1", "NXsource")
        check_class(f, "entry_1/instrument_1/beam_1", "NXbeam")
        check_class(f, "entry_1/instrument_1/detector_1", "NXdetector")
        check_scalar(f, "entry_1/instrument_1/source_1/energy", ENERGY, "J")
        check_scalar(f, "entry_1/instrument_1/beam_1/incident_energy", ENERGY, "J")
        check_scalar(f, "entry_1/instrument_1/beam_1/incident_wavelength", WAVELENGTH, "m")
        det = "entry_1/instrument_1/detector_1/"
        check_scalar(f, det + "distance", DISTANCE, "m")
        check_scalar(f, det + "x_pixel_size", PX, "m")
        check_scalar(f, det + "y_pixel_size", PY, "m")

        d = f[det + "data"]
        check(f"{det}data: shape ({NA}, {NY}, {NX}), {np.dtype(dtype).name}", d.shape == (NA, NY, NX) and d.dtype == dtype,
              f"{d.shape} {d.dtype}")
        check(f"{det}data: one frame per chunk", d.chunks == (1, NY, NX), repr(d.chunks))
        if h5py.h5z.filter_avail(h5py.h5z.FILTER_DEFLATE):
            check(f"{det}data: gzip level 4 (+ shuffle)", d.compression == "gzip" and d.compression_opts == 4 and d.shuffle,
                  f"{d.compression} {d.compression_opts} shuffle={d.shuffle}")
        check(f"{det}data: values round-trip exactly", np.array_equal(d[()], expected_frames()))
        check(f"{det}data: one frame read alone (PyNX/silx slicing) is right", np.array_equal(d[3], expected_frames()[3]))
        check(f"{det}data has units 'photons'", text(d.attrs.get("units", "")) == "photons")
        check(f"{det}data has the CXI axes 'rocking_angle:y:x'", text(d.attrs.get("axes", "")) == "rocking_angle:y:x")
        check(f"{det}rocking_angle (named by the CXI axes) is in the same group", det + "rocking_angle" in f
              and f[det + "rocking_angle"].shape == (NA,))

        m = f[det + "mask"]
        check(f"{det}mask: uint32 ({NY}, {NX}), all zero", m.shape == (NY, NX) and m.dtype == np.uint32 and not m[()].any(),
              f"{m.shape} {m.dtype}")

        c, s = math.cos(TWOTHETA), math.sin(TWOTHETA)
        bv = f[det + "basis_vectors"]
        want = np.array([[0, -PY * c, PY * s], [-PX, 0, 0]])
        check(f"{det}basis_vectors: the CXI default [[0,-py,0],[-px,0,0]] turned about x by 2theta",
              bv.shape == (2, 3) and np.allclose(bv[()], want, rtol=0, atol=1e-18), repr(bv[()].tolist()))
        check(f"{det}basis_vectors has units 'm'", text(bv.attrs.get("units", "")) == "m")
        kh = np.array([0, s, c])
        check(f"{det}basis_vectors are normal to kh (detector plane normal to kh)", np.allclose(bv[()] @ kh, 0, atol=1e-18))
        cp = f[det + "corner_position"]
        centre = cp[()] + (NY // 2 + 0.5) * bv[0] + (NX // 2 + 0.5) * bv[1]
        check(f"{det}corner_position: centre of pixel ({NY // 2}, {NX // 2}) at distance * kh",
              cp.shape == (3,) and np.allclose(centre, DISTANCE * kh, rtol=0, atol=1e-12), repr(centre.tolist()))
        check(f"{det}corner_position has units 'm'", text(cp.attrs.get("units", "")) == "m")

        # sample
        check_class(f, "entry_1/sample_1", "NXsample")
        check_string(f, "entry_1/sample_1/name", "Au(111)")
        check_class(f, "entry_1/sample_1/geometry_1", "NXgeometry")
        R = orientation()
        om = f["entry_1/sample_1/geometry_1/orientation_matrix"]
        check("sample_1/geometry_1/orientation_matrix = R (3x3)", om.shape == (3, 3) and np.allclose(om[()], R, rtol=0, atol=1e-15))
        o6 = f["entry_1/sample_1/geometry_1/orientation"]
        check("sample_1/geometry_1/orientation = CXI direction cosines [x'.x, x'.y, x'.z, y'.x, y'.y, y'.z]",
              o6.shape == (6,) and np.allclose(o6[()], np.concatenate([R[:, 0], R[:, 1]]), rtol=0, atol=1e-15))

        # process
        check_class(f, "entry_1/process_1", "NXprocess")
        check_string(f, "entry_1/process_1/program", "takagi test_cxi")
        check_string(f, "entry_1/process_1/command", "test_cxi -a 1 -b two")
        check_string(f, "entry_1/process_1/model", "dynamical (Takagi-Taupin)")
        ra = f["entry_1/process_1/rocking_angle"]
        check("process_1/rocking_angle: float64 (5,) values round-trip", ra.dtype == np.float64 and ra.shape == (NA,)
              and np.array_equal(ra[()], (np.arange(NA) - 2) * 2.5e-4), repr(ra[()]))
        check("process_1/rocking_angle has units 'rad'", text(ra.attrs.get("units", "")) == "rad")
        check_scalar(f, "entry_1/process_1/bragg_angle", BRAGG, "rad")
        check_scalar(f, "entry_1/process_1/detector_2theta", TWOTHETA, "rad")
        check_class(f, "entry_1/process_1/note_1", "NXnote")
        check_string(f, "entry_1/process_1/note_1/type", "text/plain")
        check_string(f, "entry_1/process_1/note_1/data", pattern=r"thetaB \+ rocking_angle\[i\]")

        # data_1: the soft link PyNX writes, and a valid NXdata by silx's rules (silx.io.nxdata.NXdata._validate)
        g = f["entry_1/data_1"]
        check_class(f, "entry_1/data_1", "NXdata")
        link = g.get("data", getlink=True)
        check("data_1/data is a soft link to /entry_1/instrument_1/detector_1/data",
              isinstance(link, h5py.SoftLink) and link.path == "/entry_1/instrument_1/detector_1/data", repr(link))
        check("data_1/data reads the frames", np.array_equal(g["data"][()], expected_frames()))
        check("data_1@signal = data, a dataset in the group", text(g.attrs.get("signal", "")) == "data" and isinstance(g["data"], h5py.Dataset))
        axes = [text(a) for a in np.atleast_1d(g.attrs.get("axes", []))]
        check("data_1@axes = ['rocking_angle', '.', '.'] (one per signal dimension)", axes == ["rocking_angle", ".", "."], repr(axes))
        for i, a in enumerate(axes):
            if a == ".":
                continue
            ok = a in g and isinstance(g[a], h5py.Dataset) and g[a].ndim == 1 and g[a].shape[0] == g["data"].shape[i]
            check(f"data_1/{a} is a 1-D axis as long as signal dimension {i}", ok)
        check("data_1@rocking_angle_indices = 0", int(np.atleast_1d(g.attrs.get("rocking_angle_indices", -1))[0]) == 0)
        link = g.get("rocking_angle", getlink=True)
        check("data_1/rocking_angle is a soft link to /entry_1/process_1/rocking_angle",
              isinstance(link, h5py.SoftLink) and link.path == "/entry_1/process_1/rocking_angle", repr(link))

        # every dimensional float dataset carries units (the dimensionless orientation ones need none)
        missing = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and "units" not in obj.attrs \
                    and not name.startswith("entry_1/sample_1/geometry_1/orientation"):
                missing.append(name)
        f.visititems(visit)
        check("every float dataset but the orientation has a units attribute", not missing, repr(missing))


def check_grid(h5name, xdmfname):
    print(f"--- {h5name} + {xdmfname}")
    h5path = os.path.join(work, h5name)
    z, y, x = np.meshgrid(np.arange(GZ), np.arange(GY), np.arange(GX), indexing="ij")
    support = 100 * z + 10 * y + x
    u = 1000 * support[..., None] + np.arange(3)
    with h5py.File(h5path, "r") as f:
        s = f["support"]
        check(f"/support: float64 ({GZ}, {GY}, {GX}), values round-trip", s.dtype == np.float64 and s.shape == (GZ, GY, GX)
              and np.array_equal(s[()], support), f"{s.shape} {s.dtype}")
        check("/support has units '1'", text(s.attrs.get("units", "")) == "1")
        v = f["u"]
        check(f"/u: float64 ({GZ}, {GY}, {GX}, 3), values round-trip", v.dtype == np.float64 and v.shape == (GZ, GY, GX, 3)
              and np.array_equal(v[()], u), f"{v.shape} {v.dtype}")
        check("/u has units 'm'", text(v.attrs.get("units", "")) == "m")
        g = f["grid"]
        check("/grid@spacing = (dz, dy, dx)", np.array_equal(g.attrs["spacing"], SPACING), repr(g.attrs.get("spacing")))
        check("/grid@origin = (z0, y0, x0)", np.array_equal(g.attrs["origin"], ORIGIN), repr(g.attrs.get("origin")))
        check("/grid@dims = (nz, ny, nx)", list(g.attrs["dims"]) == [GZ, GY, GX], repr(g.attrs.get("dims")))
        check("/grid@units = 'm'", text(g.attrs.get("units", "")) == "m")
        check("the file holds exactly /support, /u, /grid", sorted(f.keys()) == ["grid", "support", "u"], repr(list(f.keys())))

    try:
        root = ET.parse(os.path.join(work, xdmfname)).getroot()
    except ET.ParseError as e:
        check(f"{xdmfname} is well-formed XML", False, str(e))
        return
    check(f"{xdmfname} is well-formed XML with root <Xdmf Version=\"3.0\">", root.tag == "Xdmf" and root.get("Version") == "3.0")
    grids = root.findall("./Domain/Grid")
    if not check("one <Grid> in <Domain>", len(grids) == 1):
        return
    grid = grids[0]
    check("Grid is Uniform", grid.get("GridType") == "Uniform")
    topo = grid.find("Topology")
    check("Topology 3DCoRectMesh with Dimensions 'nz ny nx'", topo is not None and topo.get("TopologyType") == "3DCoRectMesh"
          and topo.get("Dimensions").split() == [str(GZ), str(GY), str(GX)], repr(topo.attrib if topo is not None else None))
    geo = grid.find("Geometry")
    check("Geometry ORIGIN_DXDYDZ", geo is not None and geo.get("GeometryType") == "ORIGIN_DXDYDZ")
    items = {i.get("Name"): i for i in geo.findall("DataItem")} if geo is not None else {}
    for name, want in (("Origin", ORIGIN), ("Spacing", SPACING)):
        it = items.get(name)
        ok = it is not None and it.get("Format") == "XML" and it.get("Dimensions") == "3" \
            and [float(t) for t in it.text.split()] == list(want)
        check(f"Geometry {name} = {want} (z, y, x order, exact)", ok, it.text if it is not None else "missing")
    attrs = grid.findall("Attribute")
    check("one Attribute per field: support, u", sorted(a.get("Name") for a in attrs) == ["support", "u"])
    with h5py.File(h5path, "r") as f:
        for a in attrs:
            nm = a.get("Name")
            want_type = "Scalar" if nm == "support" else "Vector"
            check(f"Attribute {nm}: AttributeType {want_type}, Center Node", a.get("AttributeType") == want_type
                  and a.get("Center") == "Node", repr(a.attrib))
            di = a.find("DataItem")
            if not check(f"Attribute {nm} has a DataItem", di is not None):
                continue
            ref = di.text.strip()
            fname, _, dpath = ref.partition(":")
            check(f"Attribute {nm} references '{h5name}:/{nm}'", fname == h5name and dpath == "/" + nm, ref)
            check(f"Attribute {nm}: the referenced file is next to the sidecar", os.path.exists(os.path.join(work, fname)))
            if dpath not in f:
                check(f"Attribute {nm}: dataset {dpath} exists", False)
                continue
            ds = f[dpath]
            check(f"Attribute {nm}: DataItem Dimensions = the dataset shape {ds.shape}",
                  tuple(int(t) for t in di.get("Dimensions").split()) == ds.shape, di.get("Dimensions"))
            check(f"Attribute {nm}: Format HDF, NumberType Float, Precision = {ds.dtype.itemsize}", di.get("Format") == "HDF"
                  and di.get("NumberType") == "Float" and di.get("Precision") == str(ds.dtype.itemsize), repr(di.attrib))


check_cxi("scan.cxi", np.float64)
check_cxi("scan32.cxi", np.float32)
check_grid("fields.h5", "fields.xdmf")
check_grid("fields_noext.hdf", "fields_noext.hdf.xdmf")

print("---")
names = sorted(os.listdir(work))
check("no *.part-* file is left", not [n for n in names if ".part-" in n], repr(names))
check("exactly the six expected files", names == sorted(["scan.cxi", "scan32.cxi", "fields.h5", "fields.xdmf",
                                                          "fields_noext.hdf", "fields_noext.hdf.xdmf"]), repr(names))
print(f"test_cxi.py: {failures} failed")
sys.exit(1 if failures else 0)
