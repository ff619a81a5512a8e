#!/usr/bin/env bash
# The same rocking curve at 1, 2 and 3 MPI ranks must give byte-identical CSV files (scan points are dealt out
# round-robin and summed, so the rank count must not change a single digit).
#
# usage: mpi_same_curve.sh <mpiexec> <numproc-flag> <takagi> <takagi args without -o...>
set -euo pipefail

mpiexec=$1 np=$2 takagi=$3
shift 3

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "curve: takagi $*"
"$takagi" "$@" -o serial.csv >serial.log
for n in 1 2 3; do
  "$mpiexec" "$np" "$n" "$takagi" "$@" -o "ranks$n.csv" >"ranks$n.log"
done

fail=0
rows=$(($(wc -l <serial.csv) - 1))
echo "serial run (no mpiexec): $rows data rows, header '$(head -n 1 serial.csv)'"
[[ $rows -gt 0 ]] || { echo "FAIL: serial curve has no data rows"; fail=1; }
for n in 1 2 3; do
  if cmp -s serial.csv "ranks$n.csv"; then
    echo "PASS: $n rank(s) under mpiexec give the same bytes as the serial run"
  else
    echo "FAIL: $n rank(s) differ from the serial run:"
    diff serial.csv "ranks$n.csv" | head -n 10
    fail=1
  fi
done
if compgen -G "*.part-*" >/dev/null; then
  echo "FAIL: temporary files left behind: $(echo *.part-*)"
  fail=1
fi
exit $fail
