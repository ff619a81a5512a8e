#!/usr/bin/env bash
# 'takagi --help' lists the commands and 'takagi rocking -help' documents every rocking option; both exit 0.
#
# usage: help.sh <takagi>
set -euo pipefail
takagi=$1
fail=0

out=$("$takagi" --help) || { echo "FAIL: takagi --help exited non-zero"; fail=1; }
if grep -Eq '^ +rocking +' <<<"$out"; then echo "PASS: takagi --help lists 'rocking'"; else
  echo "FAIL: takagi --help does not list 'rocking':"
  echo "$out"
  fail=1
fi

version=$("$takagi" --version) || { echo "FAIL: takagi --version exited non-zero"; fail=1; }
if grep -Eq '^takagi [0-9]+\.[0-9]+' <<<"$version"; then echo "PASS: takagi --version prints '$version'"; else
  echo "FAIL: takagi --version printed '$version'"
  fail=1
fi

out=$("$takagi" rocking -help) || { echo "FAIL: takagi rocking -help exited non-zero"; fail=1; }
for opt in -crystal -hkl -energy_keV -thickness_um -asymmetry_deg -polarization -scan_urad -scan_meV -bragg_deg \
  -strain_profile -bend_radius_m -poisson -debye_waller -o -plot; do
  # PETSc prints one option per line: "  -name <default...>: help" or "  -name: <...>"
  if grep -Eq -- "^ +$opt( |:)" <<<"$out"; then echo "PASS: rocking -help documents $opt"; else
    echo "FAIL: rocking -help does not document $opt"
    fail=1
  fi
done
exit $fail
