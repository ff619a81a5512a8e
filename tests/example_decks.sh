#!/usr/bin/env bash
# Every example deck in inputs/ runs as shipped (from the top of the source tree, as the decks say) and writes a
# curve with data rows. Outputs are redirected to a temporary directory so the source tree stays clean.
#
# usage: example_decks.sh <takagi> <source dir> [--no-plot]
set -euo pipefail
takagi=$1 src=$2
plot=1
[[ ${3:-} == --no-plot ]] && plot=0

work=$(mktemp -d "${TMPDIR:-/tmp}/takagi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$src"

fail=0 n=0
for deck in inputs/*.yaml; do
  [[ -e $deck ]] || continue
  n=$((n + 1))
  name=$(basename "$deck" .yaml)
  case $name in
  *bcdi*) # the 3D forward model: outputs to the work directory, the CXI file must exist
    args=(bcdi -options_file_yaml "$deck" -o "$work/$name.cxi")
    grep -q '^object:' "$deck" && args+=(-object "$work/${name}_object.h5")
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $work/$name.cxi ]]; then
      echo "PASS: $deck (CXI written)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  phase_*) # phase retrieval of the measured scan in shared/ beside the repository: the object files must exist
    data=$(sed -n 's/^data: *//p' "$deck")
    if [[ -n $data && ! -e $data ]]; then
      echo "SKIP: $deck (no $data beside the repository)"
      continue
    fi
    args=(phase -options_file_yaml "$deck" -o "$work/$name.cxi" -object "$work/$name.h5" -print_period 0)
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png") || args+=(-plot "")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $work/$name.cxi && -s $work/$name.h5 ]]; then
      echo "PASS: $deck (object written)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  strain_*) # defect fields: the grid file must exist
    args=(strain -options_file_yaml "$deck" -o "$work/$name.h5")
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $work/$name.h5 ]]; then
      echo "PASS: $deck (grid written)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  esac
  args=(rocking -options_file_yaml "$deck" -o "$work/$name.csv")
  [[ $plot -eq 1 ]] && args+=(-plot "$work/$name.png")
  if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ $(wc -l <"$work/$name.csv") -gt 1 ]]; then
    echo "PASS: $deck ($(($(wc -l <"$work/$name.csv") - 1)) points$([[ $plot -eq 1 && -s $work/$name.png ]] && echo ", plot"))"
  else
    echo "FAIL: $deck"
    sed 's/^/  | /' "$work/$name.log"
    fail=1
  fi
done
[[ $n -gt 0 ]] || { echo "FAIL: no decks in $src/inputs"; fail=1; }
exit $fail
