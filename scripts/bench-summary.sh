#!/usr/bin/env bash
# Ends `make bench`: the headline figures every benchmark added to target/bench-summary.tsv,
# as one table (figure, value, baseline from the same run, ratio, goal, pass/fail), printed and
# written to docs/benchmarks.md so that two versions compare line by line.
set -euo pipefail
cd "$(dirname "$0")/.."
summary=${VETDESK_BENCH_SUMMARY:-target/bench-summary.tsv}
out=docs/benchmarks.md
if [[ ! -s $summary ]]; then
  echo "no benchmark figures in $summary" >&2
  exit 1
fi
# The dated sections below the table (what changed between runs, and why) are kept: only the
# part before the first "## " heading is replaced.
history=$(awk 'found || /^## / { found = 1; print }' "$out" 2>/dev/null || true)
{
  echo "# Benchmarks"
  echo
  echo "The last \`make bench\` run ($(date -u +%Y-%m-%d), $(nproc) cores, commit"
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)). Every figure is measured beside a baseline from the same run;"
  echo "the ratio is figure ÷ baseline. Release builds; whole-process figures include starting"
  echo "\`vetdesk\`, opening the store and closing it."
  echo
  echo "| figure | value | baseline (same run) | ratio | goal | result |"
  echo "| --- | --- | --- | ---: | --- | --- |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$summary"
  if [[ -n $history ]]; then
    echo
    echo "$history"
  fi
} > "$out.new"
mv "$out.new" "$out"
echo
awk '/^\| figure/ { p = 1 } p && /^$/ { exit } p' "$out"
echo
echo "written to $out"
