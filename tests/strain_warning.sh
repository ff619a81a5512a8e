#!/usr/bin/env bash
# A questionable but valid input to `takagi strain` must warn and still run: exit status 0, exactly one line
# "takagi strain: warning: ..." on stderr (stdout carries the run summary; under mpiexec printed once, not once per
# rank) matching a regex, no error line, no PETSc traceback, and the requested output written with no temporary
# *.part-* left.
#
# usage: strain_warning.sh <regex> <output file> <command> [args...]   (give the command a relative -o)
# The command runs in a fresh empty directory.
set -euo pipefail

regex=$1 out=$2
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
logs=$(mktemp -d "${TMPDIR:-/tmp}/takagi-logs.XXXXXX")
trap 'rm -rf "$work" "$logs"' EXIT

echo "running: $*"
rc=0
(cd "$work" && "$@") >"$logs/stdout" 2>"$logs/stderr" || rc=$?
echo "exit status: $rc"
echo "stdout:"
sed 's/^/  | /' "$logs/stdout"
echo "stderr:"
sed 's/^/  | /' "$logs/stderr"

fail=0
bad() {
  echo "FAIL: $*"
  fail=1
}
[[ $rc -eq 0 ]] || bad "exit status $rc; a warning must not stop the run"
nout=$(grep -c '^takagi strain: warning: ' "$logs/stdout" || true)
nerr=$(grep -c '^takagi strain: warning: ' "$logs/stderr" || true)
[[ $((nout + nerr)) -eq 1 ]] || bad "$((nout + nerr)) warning lines ($nout on stdout, $nerr on stderr); want exactly one"
[[ $nout -eq 0 ]] || bad "the warning went to stdout; warnings belong on stderr (stdout carries the run summary)"
msg=$(cat "$logs/stdout" "$logs/stderr" | grep '^takagi strain: warning: ' | head -n 1 || true)
if [[ -n $regex ]] && ! grep -Eq -- "$regex" <<<"$msg"; then bad "warning does not match /$regex/"; fi
if grep -q 'error' "$logs/stderr"; then bad "an error was printed"; fi
if grep -q 'PETSC ERROR' "$logs/stderr"; then bad "a PETSc traceback was printed"; fi
[[ -s $work/$out ]] || bad "the output $out was not written"
if compgen -G "$work/*.part-*" >/dev/null; then bad "temporary *.part-* files left behind"; fi
if [[ $fail -eq 0 ]]; then
  echo "PASS: one warning line on stderr, exit 0, $out written"
fi
exit $fail
