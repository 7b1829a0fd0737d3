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
completed=0  # folders the kills and restarts brought to the end, each checked, then a fresh one
folder="$work/killed.0"
count_done() { (compgen -G "$1/runs/*/metrics.json" || true) | wc -l; }
for i in $(seq "$kills"); do
  before=$(count_done "$folder")
  touch "$work/ref"; sleep 0.02
  "$tbptt" run "$work/tiny.yaml" --output "$folder" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  wait_for_start "$folder" "$work/ref" || { kill -KILL "$pid"; fail "kill $i: the sweep never started its runs"; }
  # Anywhere within 0.9 of what is left of the sweep (the 6 - before runs left, 2 at a time), so
  # that kills land early in a run, late in one, between runs, and with earlier runs kept.
  left_ms=$(( (6 - before + 1) / 2 * run_ms ))
  delay_ms=$(( RANDOM % (left_ms * 9 / 10 + 1) ))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  done_now=$(count_done "$folder")
  # Mid-run: the runs had started (waited for above) and the sweep was not complete.
  mid_run=no
  if [[ $done_now -lt 6 ]] && ! grep -q '"status": "complete"' "$folder/manifest.json"; then
    landed=$((landed + 1)); mid_run=yes
  fi
  echo "kill $i ${delay_ms} ms after the runs started: $before then $done_now of 6 runs done, mid-run: $mid_run"
  if [[ $done_now -eq 6 ]]; then
    # Finished between kills: check it as the final folder is checked, then start a fresh one.
    "$tbptt" run "$work/tiny.yaml" --output "$folder" --jobs 2 >/dev/null 2>&1 || fail "kill $i: a restart of the finished sweep failed"
    compare_results valid "$folder" || fail "kill $i: the folder is not valid"
    compare_results metrics "$work/straight" "$folder" || fail "kill $i: metrics differ from an uninterrupted sweep"
    completed=$((completed + 1)); folder="$work/killed.$completed"
  fi
done
(( landed * 2 > kills )) || fail "only $landed of $kills kills landed mid-run (one run takes about $run_ms ms)"
"$tbptt" run "$work/tiny.yaml" --output "$folder" --jobs 2 >/dev/null 2>"$work/final.err" ||
  { cat "$work/final.err" >&2; fail "the final restart failed"; }
compare_results valid "$folder" || fail "the folder is not valid after $landed kills and a restart"
compare_results metrics "$work/straight" "$folder" || fail "metrics differ from an uninterrupted sweep"
compare_results summary "$work/straight" "$folder" || fail "summary differs from an uninterrupted sweep"
echo "$landed of $kills SIGKILLs landed mid-run (a run takes about $run_ms ms); $completed sweeps finished between kills and $((completed + 1)) after the last restart: each with 6 runs, each once, every file valid, metrics equal to an uninterrupted sweep"
echo "PASS"
