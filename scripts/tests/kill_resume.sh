#!/usr/bin/env bash
# Faults: a sweep killed with SIGKILL at random moments, several times over (a real process and a
# real signal), then started again, finishes with every run present once and every file valid,
# and its metrics equal those of a sweep that was never interrupted.
#
# Usage: scripts/tests/kill_resume.sh PATH/TO/tbptt [KILLS]
set -euo pipefail
tbptt=$1
kills=${2:-8}
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
scratch

tiny_experiment "$work/tiny.yaml" 4000
"$tbptt" run "$work/tiny.yaml" --output "$work/straight" --jobs 2 >/dev/null 2>&1
start=$(date +%s%N)
"$tbptt" run "$work/tiny.yaml" --output "$work/timed" --jobs 2 >/dev/null 2>&1
sweep_ms=$(( ($(date +%s%N) - start) / 1000000 ))
RANDOM=$$
landed=0
for i in $(seq "$kills"); do
  "$tbptt" run "$work/tiny.yaml" --output "$work/killed" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  # A random moment within the first 40% of a whole sweep's time (the process start included).
  delay_ms=$(( RANDOM % (sweep_ms * 4 / 10 + 1) ))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # It landed when the sweep had not finished: the manifest does not say "complete" yet.
  if ! grep -q '"status": "complete"' "$work/killed/manifest.json" 2>/dev/null; then landed=$((landed + 1)); fi
  done_now=$(compgen -G "$work/killed/runs/*/metrics.json" | wc -l || true)
  echo "kill $i after ${delay_ms} ms: $done_now of 6 runs done"
done
[[ $landed -ge 2 ]] || fail "only $landed of $kills kills landed before the sweep ended (a sweep takes $sweep_ms ms)"
"$tbptt" run "$work/tiny.yaml" --output "$work/killed" --jobs 2 >/dev/null 2>"$work/final.err" ||
  { cat "$work/final.err" >&2; fail "the final restart failed"; }
compare_results valid "$work/killed" || fail "the folder is not valid after $landed kills and a restart"
compare_results metrics "$work/straight" "$work/killed" || fail "metrics differ from an uninterrupted sweep"
compare_results summary "$work/straight" "$work/killed" || fail "summary differs from an uninterrupted sweep"
echo "$landed SIGKILLs landed (a sweep takes $sweep_ms ms); after a restart: 6 runs, each once, every file valid"
echo "PASS"
