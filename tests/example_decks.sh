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
    # the deck's full recipe (3*(20ER+180HIO)+20ER, two starts) takes ~70 s; the test runs a short one on the
    # same data, which still goes through loading, cropping, shrink-wrap, the free LLK and both outputs
    args=(phase -options_file_yaml "$deck" -o "$work/$name.cxi" -object "$work/$name.h5" -print_period 0 -algorithm 20ER+40HIO+10ER -nruns 1)
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png") || args+=(-plot "")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $work/$name.cxi && -s $work/$name.h5 ]]; then
      echo "PASS: $deck (object written)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  reconstruct_*) # dynamical reconstruction: needs the scan its demonstration script simulates (the deck says how)
    data=$(sed -n 's/^data: *//p' "$deck")
    if [[ -n $data && ! -e $data ]]; then
      echo "SKIP: $deck (no $data: run the script the deck names first)"
      continue
    fi
    args=(reconstruct -options_file_yaml "$deck" -o "$work/$name.h5" -cxi "$work/$name.cxi" -tao_max_it 1 -rec_checkpoint_every 0)
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png") || args+=(-plot "")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $work/$name.h5 ]]; then
      echo "PASS: $deck (object written)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  deform_*) # takagi deform: the first 20 steps of the deck (the full decks take minutes), curve and fields written
    args=(deform -options_file_yaml "$deck" -o "$work/$name" -load_steps 20 -fields_steps 10 -plot false)
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ $(wc -l <"$work/${name}_curve.csv") -eq 21 && -s $work/${name}_fields_final.h5 ]]; then
      echo "PASS: $deck (20 steps)"
    else
      echo "FAIL: $deck"
      sed 's/^/  | /' "$work/$name.log"
      fail=1
    fi
    continue ;;
  strain_*) # defect fields: the grid file (or, for a deck with points:, the CSV table) must exist
    out=$work/$name.h5 what="grid written"
    grep -q '^points:' "$deck" && out=$work/$name.csv what="point table written"
    args=(strain -options_file_yaml "$deck" -o "$out")
    [[ $plot -eq 1 ]] && grep -q '^plot:' "$deck" && args+=(-plot "$work/$name.png")
    if "$takagi" "${args[@]}" >"$work/$name.log" 2>&1 && [[ -s $out ]] && [[ $out != *.csv || $(wc -l <"$out") -gt 1 ]]; then
      echo "PASS: $deck ($what)"
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
