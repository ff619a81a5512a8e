#!/usr/bin/env bash
# `takagi bcdi` must give the same CXI data whatever the MPI layout: slices of constant t are split over the ranks
# of an angle group and gathered on the group's first rank before the last FFT, and rocking angles are dealt out
# over -angle_groups; neither may change a bit of the frames.
#
# Runs: the binary directly (MPI singleton, the reference), mpiexec with 1, 2 and 3 ranks, 2 ranks with
# -angle_groups 2 (one rank per group), 3 ranks with -angle_groups 3, and 4 ranks with -angle_groups 2 (two slice
# ranks per group). With "-mode both" the <name>_kinematic.cxi files are compared too. tests/bcdi_compare.py
# compares the arrays with h5py: bitwise identical passes; within 1e-12 relative passes with a "NOT bitwise"
# note; anything else fails. The "TT grid" line of every run must be the reference's.
#
# usage: bcdi_mpi_same.sh <python> <mpiexec> <numproc-flag> <takagi> <takagi bcdi args without -o...>
set -euo pipefail

python=$1 mpiexec=$2 np=$3 takagi=$4
shift 4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

kinematic=0
prev=""
for a in "$@"; do
  if [[ $prev == -mode && $a == both ]]; then kinematic=1; fi
  prev=$a
done

fail=0
run() { # <name> <launcher...> -- appended: takagi bcdi args
  local name=$1
  shift
  if ! "$@" "$takagi" bcdi "${args[@]}" -o "$name.cxi" >"$name.log" 2>"$name.err"; then
    echo "FAIL: run '$name' ($*) exited with an error:"
    sed 's/^/  | /' "$name.err" "$name.log"
    fail=1
    return 1
  fi
  if [[ -s $name.err ]] && grep -v '^$' "$name.err" | grep -q .; then
    echo "note: run '$name' wrote to stderr:"
    sed 's/^/  | /' "$name.err"
  fi
}
args=("$@")
echo "scan: takagi bcdi ${args[*]}"

run serial
grep -E '^(TT grid|Detector|Solved)' serial.log | sed 's/^/  serial: /'
others=()
run ranks1 "$mpiexec" "$np" 1 && others+=(ranks1)
run ranks2 "$mpiexec" "$np" 2 && others+=(ranks2)
run ranks3 "$mpiexec" "$np" 3 && others+=(ranks3)
args=("$@" -angle_groups 2)
run groups2_ranks2 "$mpiexec" "$np" 2 && others+=(groups2_ranks2)
args=("$@" -angle_groups 3)
run groups3_ranks3 "$mpiexec" "$np" 3 && others+=(groups3_ranks3)
args=("$@" -angle_groups 2)
run groups2_ranks4 "$mpiexec" "$np" 4 && others+=(groups2_ranks4)

# the layout really changed: the logs report the angle groups, and the grid is the same everywhere
grid=$(grep '^TT grid' serial.log || true)
[[ -n $grid ]] || { echo "FAIL: the serial run printed no 'TT grid' line"; fail=1; }
for n in "${others[@]}"; do
  g=$(grep '^TT grid' "$n.log" || true)
  [[ $g == "$grid" ]] || { echo "FAIL: $n: '$g' differs from the serial '$grid'"; fail=1; }
done
for n in groups2_ranks2:2 groups3_ranks3:3 groups2_ranks4:2; do
  name=${n%%:*} want=${n##*:}
  [[ -f $name.log ]] || continue
  grep -q "; $want angle group(s)" "$name.log" || { echo "FAIL: $name.log does not report $want angle groups"; fail=1; }
done

files=()
for n in "${others[@]}"; do files+=("$n.cxi"); done
if [[ ${#files[@]} -gt 0 ]]; then
  "$python" "$here/bcdi_compare.py" serial.cxi "${files[@]}" || fail=1
  if [[ $kinematic -eq 1 ]]; then
    kfiles=()
    for n in "${others[@]}"; do kfiles+=("${n}_kinematic.cxi"); done
    echo "kinematic scans (-mode both):"
    "$python" "$here/bcdi_compare.py" serial_kinematic.cxi "${kfiles[@]}" || fail=1
  fi
fi
if compgen -G "*.part-*" >/dev/null; then
  echo "FAIL: temporary files left behind: $(echo *.part-*)"
  fail=1
fi
[[ $fail -eq 0 ]] && echo "PASS: identical frames at every layout"
exit $fail
