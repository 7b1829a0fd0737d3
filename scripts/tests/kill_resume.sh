#!/usr/bin/env bash
# Faults: a sweep killed with SIGKILL at random moments, several times over (a real process and a
# real signal), then started again, finishes with every run present once and every file valid,
# and its metrics equal those of a sweep that was never interrupted.
# Each kill is timed from the moment the runs start (the process rewrites manifest.json just
# before its first run), at a random point within 0.8 run lengths, so that nearly every kill lands
# while runs are in progress (a few just after a run ends, as its files are written), whatever the
# build's speed; a kill "landed mid-run" when the sweep had started its runs and was not complete.
#
# Usage: scripts/tests/kill_resume.sh PATH/TO/tbptt [KILLS]
set -euo pipefail
tbptt=$1
kills=${2:-10}
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
scratch

tiny_experiment "$work/tiny.yaml" 20000
"$tbptt" run "$work/tiny.yaml" --output "$work/straight" --jobs 2 >/dev/null 2>&1
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# until DIR/manifest.json is newer than the file REF (the sweep has started its runs), up to 30 s
wait_for_start() {
  for _ in $(seq 6000); do
    [[ "$1/manifest.json" -nt "$2" ]] && return 0
    sleep 0.005
  done
  return 1
}
# How long one run takes: a whole sweep's runs (6 runs on 2 threads) take about 3 run lengths.
touch "$work/ref"; sleep 0.02
"$tbptt" run "$work/tiny.yaml" --output "$work/timed" --jobs 2 >/dev/null 2>&1 &
pid=$!
wait_for_start "$work/timed" "$work/ref" || fail "the timed sweep never started its runs"
start=$(now_ms)
wait "$pid" || fail "the timed sweep failed"
runs_ms=$(( $(now_ms) - start ))
run_ms=$(( runs_ms / 3 + 1 ))
RANDOM=$$
landed=0
for i in $(seq "$kills"); do
  touch "$work/ref"; sleep 0.02
  "$tbptt" run "$work/tiny.yaml" --output "$work/killed" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  wait_for_start "$work/killed" "$work/ref" || { kill -KILL "$pid"; fail "kill $i: the sweep never started its runs"; }
  delay_ms=$(( RANDOM % (run_ms * 8 / 10 + 1) ))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  done_now=$( (compgen -G "$work/killed/runs/*/metrics.json" || true) | wc -l)
  # Mid-run: the runs had started (waited for above) and the sweep was not complete.
  mid_run=no
  if [[ $done_now -lt 6 ]] && ! grep -q '"status": "complete"' "$work/killed/manifest.json"; then
    landed=$((landed + 1)); mid_run=yes
  fi
  echo "kill $i ${delay_ms} ms after the runs started: $done_now of 6 runs done, mid-run: $mid_run"
done
(( landed * 2 > kills )) || fail "only $landed of $kills kills landed mid-run (one run takes about $run_ms ms)"
"$tbptt" run "$work/tiny.yaml" --output "$work/killed" --jobs 2 >/dev/null 2>"$work/final.err" ||
  { cat "$work/final.err" >&2; fail "the final restart failed"; }
compare_results valid "$work/killed" || fail "the folder is not valid after $landed kills and a restart"
compare_results metrics "$work/straight" "$work/killed" || fail "metrics differ from an uninterrupted sweep"
compare_results summary "$work/straight" "$work/killed" || fail "summary differs from an uninterrupted sweep"
echo "$landed of $kills SIGKILLs landed mid-run (a run takes about $run_ms ms); after a restart: 6 runs, each once, every file valid, metrics equal to an uninterrupted sweep"
echo "PASS"
