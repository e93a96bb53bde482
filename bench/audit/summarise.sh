#!/usr/bin/env bash
# Prints the audit's outcome from its run dir: each suite's cases (. passed,
# X failed), the totals, and the first lines of difference of each failing case.
set -euo pipefail
run_dir=${1:?usage: summarise.sh <audit run dir>}
results=$run_dir/results.txt
[ -f "$results" ] || { echo "the audit wrote no $results" >&2; exit 1; }
# results.txt: suite id and its case marks on alternate lines, then a blank line and the totals.
paste - - < <(sed '/^$/,$d' "$results") | awk '{printf "%-38s %s\n", $1, $2}'
sed -n '/^---/,$p' "$results"; echo
shopt -s nullglob
failing=0
for log in "$run_dir"/logs/*-tests.log; do
  if grep -q '^    not ok ' "$log"; then
    [ "$failing" = 0 ] && echo "failing cases:"
    failing=1
    awk '/^    not ok /{name=$NF; n=0; print "  " name; next}
         name!="" && /^        [-+]  / && n<4 {print "      " $0; n++}
         /^    # Subtest:/{name=""}' "$log"
  fi
done
