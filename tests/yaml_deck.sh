#!/usr/bin/env bash
# A YAML deck (-options_file_yaml) gives the same curve, byte for byte, as the equivalent command line, whether
# the lists are written as "1,1,1" or as YAML sequences "[1, 1, 1]"; command-line options override the deck.
#
# usage: yaml_deck.sh <takagi>
set -euo pipefail
takagi=$1

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$takagi" rocking -crystal Si -hkl 1,1,1 -energy_keV 5 -thickness_um 1000 -asymmetry_deg 0 -polarization sigma \
  -scan_urad -50,150,401 -o cli.csv >cli.log

cat >commas.yaml <<'EOF'
# Si(111) at 5 keV, 1 mm plate: lists as comma-separated strings
crystal: Si
hkl: 1,1,1
energy_keV: 5
thickness_um: 1000
asymmetry_deg: 0
polarization: sigma
scan_urad: -50,150,401
o: commas.csv
EOF
cat >sequences.yaml <<'EOF'
# the same deck with YAML sequences
crystal: Si
hkl: [1, 1, 1]
energy_keV: 5.0
thickness_um: 1000
asymmetry_deg: 0
polarization: sigma
scan_urad: [-50, 150, 401]
o: sequences.csv
EOF
"$takagi" rocking -options_file_yaml commas.yaml >commas.log
"$takagi" rocking -options_file_yaml sequences.yaml >sequences.log
# the command line wins over the deck
"$takagi" rocking -options_file_yaml commas.yaml -o override.csv -thickness_um 1000 >override.log

fail=0
for f in commas sequences override; do
  if cmp -s cli.csv "$f.csv"; then echo "PASS: deck '$f' gives the same bytes as the command line"; else
    echo "FAIL: deck '$f' differs from the command line"
    diff cli.csv "$f.csv" | head -n 10 || true
    fail=1
  fi
done
[[ $(wc -l <cli.csv) -eq 402 ]] || { echo "FAIL: expected 1 header + 401 rows in cli.csv"; fail=1; }
exit $fail
