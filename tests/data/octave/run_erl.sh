#!/bin/bash
# Reference ERL values from the IEEE 802.3 COM MATLAB code under GNU Octave (batch, no figures).
#   usage: run_erl.sh COM_SOURCE.m OUT.json SHEET.xlsx THRU.s4p [--set OP.KEY=VALUE ...] [-- SHEET THRU [--set ...]] ...
#   needs: apt-get install octave octave-io octave-signal; the shims of ../shared/tools/ieee-com-octave/shims.
#   COM_SOURCE.m: com_ieee8023_93a_450.m from the public mirror Omer-Sella/COM (sourceFiles/), unedited.
# One Octave session runs every job (sheet, channel) and writes OUT.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shims=${COMREF_SHIMS:-$here/../../../../shared/tools/ieee-com-octave/shims}
shims=$(cd "$shims" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
src=$(abs "$1"); out=$(abs "$2"); shift 2
ver=$(basename "$src" .m); ver=${ver##*_}
work=$(mktemp -d); cp "$src" "$work/"
jobs="{"; cur=""; mode=""
flush() { if [ -n "$cur" ]; then jobs="$jobs{$cur,{${ov%,}}},"; fi; }
ov=""; n=0
for a in "$@"; do
  if [ "$a" = "--" ]; then flush; cur=""; ov=""; n=0; mode=""; continue; fi
  if [ "$a" = "--set" ]; then mode=set; continue; fi
  if [ "$mode" = set ]; then ov="$ov'${a%%=*}','${a#*=}',"; continue; fi
  if [ $n -eq 0 ]; then cp "$a" "$work/"; cur="'$(basename "$a")'"; n=1
  else cur="$cur,'$(abs "$a")'"; fi
done
flush; jobs="${jobs%,}}"
cd "$work"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
octave-cli --no-gui --no-window-system --no-history --eval \
  "pkg load io; pkg load signal; addpath('$here'); addpath('$shims'); addpath('$work'); run_erl('$ver', $jobs, '$out');"
rm -rf "$work"
