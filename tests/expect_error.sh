#!/usr/bin/env bash
# A bad input must fail cleanly: non-zero exit, exactly one line "<prefix>: error: ..." on stderr, no traceback,
# and no output file (neither the requested name nor a temporary *.part-* sibling).
#
# usage: expect_error.sh [--mpi] <prefix> <regex> <command> [args...]
#   --mpi     the command runs under mpiexec: the launcher adds its own notes to stderr, so count only the
#             lines that start with "takagi" (must be one: the message is printed once, not once per rank)
#   prefix    e.g. "takagi rocking" or "takagi"
#   regex     extended regex the message must match (names the offending input), "" for none
# The command runs in a fresh empty directory; give it relative output names (-o x.csv) so leftovers show up.
set -euo pipefail

mpi=0
if [[ ${1:-} == --mpi ]]; then
  mpi=1
  shift
fi
prefix=$1 regex=$2
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
logs=$(mktemp -d "${TMPDIR:-/tmp}/takagi-logs.XXXXXX")
trap 'rm -rf "$work" "$logs"' EXIT

echo "running: $*"
rc=0
(cd "$work" && "$@") >"$logs/stdout" 2>"$logs/stderr" || rc=$?
echo "exit status: $rc"
echo "stderr:"
sed 's/^/  | /' "$logs/stderr"

fail=0
bad() {
  echo "FAIL: $*"
  fail=1
}

[[ $rc -ne 0 ]] || bad "exit status is 0; a bad input must fail"
if [[ $mpi -eq 1 ]]; then
  lines=$(grep -c '^takagi' "$logs/stderr" || true)
  msg=$(grep '^takagi' "$logs/stderr" | head -n 1 || true)
else
  lines=$(wc -l <"$logs/stderr")
  msg=$(head -n 1 "$logs/stderr")
fi
[[ $lines -eq 1 ]] || bad "stderr has $lines message lines; want exactly one"
[[ $msg == "$prefix: error: "* ]] || bad "message does not start with '$prefix: error: '"
if [[ -n $regex ]] && ! grep -Eq -- "$regex" <<<"$msg"; then bad "message does not match /$regex/"; fi
if grep -q 'PETSC ERROR' "$logs/stderr"; then bad "a PETSc traceback was printed"; fi
if grep -q 'MPI_ABORT' "$logs/stderr"; then bad "the run was aborted (internal-error path) instead of a clean exit"; fi
left=$(cd "$work" && find . -mindepth 1 | sort)
[[ -z $left ]] || bad "files left behind in the working directory: $left"
if compgen -G "$work/*.part-*" >/dev/null; then bad "temporary *.part-* files left behind"; fi

if [[ $fail -eq 0 ]]; then echo "PASS: failed cleanly with one line on stderr and no output file"; fi
exit $fail
