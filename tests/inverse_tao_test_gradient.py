#!/usr/bin/env python3
"""TAO's own gradient test (-tao_test_gradient: one-sided finite differences of every one of the 1024 unknowns,
phase and density, of a 9^3 object grid: the grid of `takagi bcdi -object` has an odd size, 9^3 is the
smallest that holds a 50 nm crystal; 1458 unknowns) against the adjoint gradient of `takagi reconstruct`.
Tolerance: ||G - Gfd|| / ||G|| < 1e-4, 2-norm and max-norm (PETSc's finite-difference step sqrt(eps) leaves about
1e-6 here; a wrong adjoint term gives O(1)).

usage: inverse_tao_test_gradient.py TAKAGI DIR
"""
import re
import subprocess
import sys

takagi, d = sys.argv[1:3]
T8 = ["-size_nm", "50", "-frame_px", "16,16", "-rocking_mrad", "-3,3,8"]
out = subprocess.run([takagi, "reconstruct", "-data", "t8.cxi", *T8, "-init", "t8_obj.h5", "-rec_tv_phase", "1e-3",
                      "-rec_tv_density", "1e-3", "-rec_check_gradient", "-tao_test_gradient"], cwd=d, check=True,
                     capture_output=True, text=True).stdout
print(out)
ok = "Object grid 9^3" in out
two = [float(x) for x in re.findall(r"2-norm \|\|G - Gfd\|\|/\|\|G\|\| = (\S+),", out)]
mx = [float(x) for x in re.findall(r"max-norm \|\|G - Gfd\|\|/\|\|G\|\| = (\S+),", out)]
ok = ok and len(two) == 1 and len(mx) == 1 and two[0] < 1e-4 and mx[0] < 1e-4
print("ok" if ok else "FAIL", "9^3 grid; relative differences", two, mx)
sys.exit(0 if ok else 1)
