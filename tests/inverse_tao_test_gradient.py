#!/usr/bin/env python3
"""TAO's own gradient test (-tao_test_gradient: one-sided finite differences of every unknown, phase and density)
against the adjoint gradient of `takagi reconstruct`, on the 8^3 object grid of -rec_grid_n 8 (1024 unknowns; the
points spread over the default grid's extent, 8/7 of the TT step apart) and on the default 9^3 grid of a 50 nm
crystal (the grid of `takagi bcdi -object` has an odd size; 1458 unknowns).
Tolerance: ||G - Gfd|| / ||G|| < 1e-4, 2-norm and max-norm (PETSc's finite-difference step sqrt(eps) leaves about
1e-6 here; a wrong adjoint term gives O(1)).

usage: inverse_tao_test_gradient.py TAKAGI DIR
"""
import re
import subprocess
import sys

takagi, d = sys.argv[1:3]
T8 = ["-size_nm", "50", "-frame_px", "16,16", "-rocking_mrad", "-3,3,8"]
fail = 0
for grid, n, extra in (("8^3", 1024, ["-rec_grid_n", "8"]), ("9^3", 1458, [])):
    out = subprocess.run([takagi, "reconstruct", "-data", "t8.cxi", *T8, "-init", "t8_obj.h5", "-rec_tv_phase", "1e-3",
                          "-rec_tv_density", "1e-3", *extra, "-rec_check_gradient", "-tao_test_gradient"], cwd=d, check=True,
                         capture_output=True, text=True).stdout
    print(out)
    ok = f"Object grid {grid}" in out and f"{n} unknowns" in out
    two = [float(x) for x in re.findall(r"2-norm \|\|G - Gfd\|\|/\|\|G\|\| = (\S+),", out)]
    mx = [float(x) for x in re.findall(r"max-norm \|\|G - Gfd\|\|/\|\|G\|\| = (\S+),", out)]
    ok = ok and len(two) == 1 and len(mx) == 1 and two[0] < 1e-4 and mx[0] < 1e-4
    print("ok" if ok else "FAIL", f"{grid} grid ({n} unknowns); relative differences", two, mx)
    fail |= not ok
sys.exit(1 if fail else 0)
