#!/usr/bin/env bash
# `takagi strain` gives the same bytes from the binary alone and under mpiexec at 1, 2 and 3 ranks. The grid is
# split in z-slabs and the points are dealt round-robin, but each value is computed by exactly one rank, so there
# is no tolerance: the HDF5 datasets and attributes must be bitwise identical (tests/strain_compare.py), the XDMF
# sidecar and the points CSV byte-identical.
#
# usage: strain_mpi_same.sh <python> <mpiexec> <numproc flag> <takagi> grid|points [takagi strain arguments...]
#   grid    the run writes -o f.h5 (+ f.xdmf); compared with strain_compare.py and cmp
#   points  the arguments include -points FILE; the run writes -o f.csv; compared with cmp
# Each run is in its own directory under the same file name, so the XDMF files (which name the .h5) can be cmp'ed.
set -euo pipefail
python=$1 mpiexec=$2 npflag=$3 takagi=$4 mode=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

case $mode in
grid) out=f.h5 ;;
points) out=f.csv ;;
*) echo "usage: strain_mpi_same.sh <python> <mpiexec> <numproc flag> <takagi> grid|points [args...]"; exit 2 ;;
esac

fail=0
runs=(serial np1 np2 np3)
for r in "${runs[@]}"; do
  mkdir "$work/$r"
  case $r in
  serial) cmd=("$takagi" strain "$@" -o "$out") ;;
  np*) cmd=("$mpiexec" "$npflag" "${r#np}" "$takagi" strain "$@" -o "$out") ;;
  esac
  echo "running ($r): ${cmd[*]}"
  if ! (cd "$work/$r" && "${cmd[@]}") >"$work/$r.log" 2>&1; then
    echo "FAIL: run $r exited with an error"
    sed 's/^/  | /' "$work/$r.log"
    fail=1
  elif [[ ! -s $work/$r/$out ]]; then
    echo "FAIL: run $r wrote no $out"
    fail=1
  fi
  if compgen -G "$work/$r/*.part-*" >/dev/null; then
    echo "FAIL: run $r left temporary *.part-* files"
    fail=1
  fi
done
[[ $fail -eq 0 ]] || exit 1
sed -n '1,8p' "$work/serial.log" | sed 's/^/  | /'

others=()
for r in np1 np2 np3; do others+=("$work/$r/$out"); done
if [[ $mode == grid ]]; then
  "$python" "$here/strain_compare.py" "$work/serial/$out" "${others[@]}" || fail=1
  for r in np1 np2 np3; do
    if cmp -s "$work/serial/f.xdmf" "$work/$r/f.xdmf"; then echo "PASS $r: f.xdmf byte-identical"; else
      echo "FAIL $r: f.xdmf differs"
      diff "$work/serial/f.xdmf" "$work/$r/f.xdmf" | head -n 10 || true
      fail=1
    fi
  done
else
  rows=$(($(wc -l <"$work/serial/$out") - 1))
  [[ $rows -gt 0 ]] || { echo "FAIL: the CSV has no data rows"; fail=1; }
  if grep -qiE 'nan|inf' "$work/serial/$out"; then echo "FAIL: the CSV holds NaN or infinity"; fail=1; fi
  for r in np1 np2 np3; do
    if cmp -s "$work/serial/$out" "$work/$r/$out"; then echo "PASS $r: $rows points byte-identical to the serial run"; else
      echo "FAIL $r: the CSV differs from the serial run"
      diff "$work/serial/$out" "$work/$r/$out" | head -n 10 || true
      fail=1
    fi
  done
fi
exit $fail
