#!/usr/bin/env bash
# -plot writes a PNG (checked by its signature) next to the curve, and leaves no temporary files.
#
# usage: plot.sh <takagi>
set -euo pipefail
takagi=$1

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

fail=0
for scan in "-energy_keV 8.048 -scan_urad -40,110,151" "-bragg_deg 14 -scan_meV -500,1500,101"; do
  rm -f curve.csv curve.png
  # shellcheck disable=SC2086
  "$takagi" rocking -crystal Si -hkl 1,1,1 -thickness_um 20 $scan -o curve.csv -plot curve.png >run.log
  if [[ -s curve.png && $(head -c 8 curve.png | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
    echo "PASS: '$scan' -plot wrote a PNG ($(stat -c %s curve.png) bytes)"
  else
    echo "FAIL: '$scan' -plot did not write a PNG"
    fail=1
  fi
  [[ -s curve.csv ]] || { echo "FAIL: the curve was not written alongside the plot"; fail=1; }
  grep -q '^plot: *curve.png' run.log || { echo "FAIL: the run does not say where the plot is"; fail=1; }
done
left=$(find . -name '*.part-*')
[[ -z $left ]] || { echo "FAIL: temporary files left behind: $left"; fail=1; }
exit $fail
