#!/usr/bin/env bash
# PETSc's own options that PETSc reads only at PetscFinalize (-options_view, -options_left, -log_view) are not
# "unknown options" for takagi strain: the run succeeds and they act (option table, no unused options, log summary).
#
# usage: strain_options_view.sh <takagi>
set -euo pipefail
takagi=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
rc=0
out=$(cd "$work" && "$takagi" strain -defects d1 -d1_type edge -grid 4 -o x.h5 -options_view -options_left -log_view 2>&1) || rc=$?
fail=0
[[ $rc -eq 0 ]] || { echo "FAIL: exit status $rc"; fail=1; }
grep -q '^-d1_type edge' <<<"$out" || { echo "FAIL: -options_view printed no option table"; fail=1; }
grep -q 'There are no unused options' <<<"$out" || { echo "FAIL: -options_left did not report"; fail=1; }
grep -q 'Performance Summary' <<<"$out" || { echo "FAIL: -log_view printed no summary"; fail=1; }
[[ -s $work/x.h5 ]] || { echo "FAIL: x.h5 not written"; fail=1; }
if [[ $fail -ne 0 ]]; then sed 's/^/  | /' <<<"$out"; exit 1; fi
echo "PASS: -options_view, -options_left and -log_view accepted and acted on"
