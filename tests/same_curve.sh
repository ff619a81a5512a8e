#!/usr/bin/env bash
# Two spellings of the same input must give byte-identical curves (e.g. an alias and the xraylib name, a default
# given explicitly, -bend_radius_m 0 documented as "flat" and no bending at all).
#
# usage: same_curve.sh <takagi> <args of run A...> -- <args of run B...>   (both without -o)
set -euo pipefail
takagi=$1
shift
a=()
while [[ $# -gt 0 && $1 != -- ]]; do
  a+=("$1")
  shift
done
[[ ${1:-} == -- ]] || { echo "usage: same_curve.sh <takagi> <args A> -- <args B>"; exit 2; }
shift
b=("$@")

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "A: takagi ${a[*]}"
"$takagi" "${a[@]}" -o a.csv >a.log
echo "B: takagi ${b[*]}"
"$takagi" "${b[@]}" -o b.csv >b.log
if cmp -s a.csv b.csv; then
  echo "PASS: the same curve ($(($(wc -l <a.csv) - 1)) rows, identical bytes)"
else
  echo "FAIL: the curves differ:"
  diff a.csv b.csv | head -n 6 || true
  echo "--- run A said:"
  cat a.log
  echo "--- run B said:"
  cat b.log
  exit 1
fi
