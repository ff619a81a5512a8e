#!/usr/bin/env bash
# Defects in a YAML deck (-options_file_yaml) give the same grid file, bit for bit, as the equivalent command line:
# a nested map `d1: {type: edge, b: [0.5, 0, 0.5]}` (flow or block style) is read as -d1_type edge -d1_b 0.5,0,0.5,
# and the list of names may be written `defects: [d1, d2]`, as a block sequence or as the string "d1,d2". The
# command line overrides one option of a group given in the deck.
#
# usage: strain_yaml.sh <python with numpy and h5py> <takagi>
set -euo pipefail
python=$1 takagi=$2
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

common=(-crystal Au -hkl 1,1,1 -grid 12,10,8 -spacing_nm 6)
cli=(-defects d1,d2 -d1_type edge -d1_b 0.5,0,0.5 -d1_line 1,-2,-1 -d1_pos_nm 5,0,0
     -d2_type loop -d2_b 0.5,0.5,0 -d2_normal 1,1,0 -d2_radius_nm 12 -d2_sides 6 -d2_pos_nm 0,5,10)
"$takagi" strain "${common[@]}" "${cli[@]}" -o cli.h5 >cli.log

cat >flow.yaml <<'EOF'
# flow maps and a flow sequence of names
crystal: Au
hkl: [1, 1, 1]
grid: [12, 10, 8]
spacing_nm: 6
defects: [d1, d2]
d1: {type: edge, b: [0.5, 0, 0.5], line: [1, -2, -1], pos_nm: [5, 0, 0]}
d2: {type: loop, b: [0.5, 0.5, 0], normal: [1, 1, 0], radius_nm: 12, sides: 6, pos_nm: [0, 5, 10]}
o: flow.h5
EOF
cat >block.yaml <<'EOF'
# block maps, a block sequence of names, lists as strings
crystal: Au
hkl: 1,1,1
grid: 12,10,8
spacing_nm: 6.0
defects:
  - d1
  - d2
d1:
  type: edge
  b: 0.5,0,0.5
  line: "1,-2,-1"
  pos_nm: 5,0,0
d2:
  type: loop
  b: [0.5, 0.5, 0]
  normal: [1, 1, 0]
  radius_nm: 12
  sides: 6
  pos_nm: [0, 5, 10]
o: block.h5
EOF
# the names as one string; d1 at the origin in the deck, moved to 5,0,0 on the command line
sed -e 's/^defects: \[d1, d2\]/defects: "d1,d2"/' -e 's/pos_nm: \[5, 0, 0\]/pos_nm: [0, 0, 0]/' -e 's/^o: flow.h5/o: string.h5/' flow.yaml >string.yaml

fail=0
"$takagi" strain -options_file_yaml flow.yaml >flow.log || { echo "FAIL: flow.yaml"; cat flow.log; fail=1; }
"$takagi" strain -options_file_yaml block.yaml >block.log || { echo "FAIL: block.yaml"; cat block.log; fail=1; }
"$takagi" strain -options_file_yaml string.yaml -d1_pos_nm 5,0,0 >string.log || { echo "FAIL: string.yaml"; cat string.log; fail=1; }
[[ $fail -eq 0 ]] || exit 1
grep '^Defect' flow.log | sed 's/^/  | /'
"$python" "$here/strain_compare.py" cli.h5 flow.h5 block.h5 string.h5 || fail=1
for f in flow block string; do
  if diff <(grep -v '^Evaluated' cli.log) <(grep -v '^Evaluated' "$f.log") >/dev/null; then echo "PASS: $f.yaml describes the same defects as the command line"; else
    echo "FAIL: $f.yaml: the run summary differs from the command line's"
    diff <(grep -v '^Evaluated' cli.log) <(grep -v '^Evaluated' "$f.log") || true
    fail=1
  fi
done
exit $fail
