#!/usr/bin/env bash
# Job-array shards: `--shard 0/2` and `--shard 1/2` started together on one folder run disjoint
# runs that together cover the sweep, and `tbptt report DIR` gives the summary of one process;
# the shard also comes from Slurm's variables; a whole sweep is refused while a shard holds the
# folder, and the same shard twice is refused; a shard killed by SIGKILL, whose file still says
# "running", shows as "died" in `tbptt status` and `tbptt report`, with the command that resumes
# it, and that command finishes it.
#
# Usage: scripts/tests/shard_sweep.sh PATH/TO/tbptt
set -euo pipefail
tbptt=$1
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
scratch

tiny_experiment "$work/tiny.yaml" 12
"$tbptt" run "$work/tiny.yaml" --output "$work/one" --jobs 1 >/dev/null 2>&1
"$tbptt" run "$work/tiny.yaml" --output "$work/sharded" --jobs 1 --shard 0/2 >/dev/null 2>"$work/s0.err" &
first=$!
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 \
  "$tbptt" run "$work/tiny.yaml" --output "$work/sharded" --jobs 1 >/dev/null 2>"$work/s1.err" ||
  { cat "$work/s1.err" >&2; fail "shard 1/2 (from SLURM_ARRAY_TASK_ID) failed"; }
wait "$first" || { cat "$work/s0.err" >&2; fail "shard 0/2 failed"; }
ids() { grep -oE '^\[shard [0-9]-of-2\] \[[0-9]+/[0-9]+\] [0-9a-f]{16}' "$1" | awk '{print $4}' | sort; }
s0=$(ids "$work/s0.err"); s1=$(ids "$work/s1.err")
[[ -z $(comm -12 <(echo "$s0") <(echo "$s1")) ]] || fail "the shards share runs"
[[ $(cat <(echo "$s0") <(echo "$s1") | sort -u | wc -l) -eq 6 ]] || fail "the shards do not cover the 6 runs"
echo "shard 0/2 ran $(wc -l <<<"$s0") runs, shard 1/2 ran $(wc -l <<<"$s1"), disjoint, 6 together"
"$tbptt" report "$work/sharded" >/dev/null
compare_results summary "$work/one" "$work/sharded" || fail "merged shards and one process give different summaries"
compare_results metrics "$work/one" "$work/sharded" || fail "merged shards and one process give different metrics"
compare_results valid "$work/sharded" || fail "the merged folder is not valid"
cmp -s "$work/one/table.md" "$work/sharded/table.md" || echo "note: table.md differs (timing columns)"

# Locks: a whole sweep beside a running shard, and a shard twice, are refused.
tiny_experiment "$work/long.yaml" 60000
"$tbptt" run "$work/long.yaml" --output "$work/busy" --jobs 1 --shard 0/2 >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do [[ -f "$work/busy/manifest.json" ]] && break; sleep 0.05; done
status=0
"$tbptt" run "$work/long.yaml" --output "$work/busy" --jobs 1 >/dev/null 2>"$work/whole.err" || status=$?
[[ $status -eq 1 ]] && grep -q 'in use by another tbptt process' "$work/whole.err" ||
  { kill "$holder"; fail "a whole sweep beside a shard: exit $status: $(cat "$work/whole.err")"; }
status=0
"$tbptt" run "$work/long.yaml" --output "$work/busy" --jobs 1 --shard 0/2 >/dev/null 2>"$work/twice.err" || status=$?
[[ $status -eq 1 ]] && grep -q "in use by another tbptt process (pid $holder" "$work/twice.err" ||
  { kill "$holder"; fail "the same shard twice: exit $status: $(cat "$work/twice.err")"; }
echo "refused: $(head -n 1 "$work/twice.err")"
kill -TERM "$holder"; wait "$holder" || true

# A shard killed by SIGKILL: its file keeps "running", but no process holds its lock.
tiny_experiment "$work/mid.yaml" 4000
"$tbptt" run "$work/mid.yaml" --output "$work/killed" --jobs 1 --shard 1/2 >/dev/null 2>&1 &
victim=$!
for _ in $(seq 200); do [[ -f "$work/killed/shards/1-of-2.json" ]] && break; sleep 0.05; done
"$tbptt" status "$work/killed" >"$work/live.txt"
grep -q "shard 1-of-2: running (pid $victim on " "$work/live.txt" || { kill "$victim"; fail "a live shard: $(cat "$work/live.txt")"; }
grep -q "shard 0-of-2: not started" "$work/live.txt" || { kill "$victim"; fail "a shard not started: $(cat "$work/live.txt")"; }
kill -KILL "$victim"; wait "$victim" 2>/dev/null || true
grep -q '"status": "running"' "$work/killed/shards/1-of-2.json" || fail "the killed shard's file no longer says running"
resume="resume it with: tbptt run $work/mid.yaml --output $work/killed --shard 1/2"
"$tbptt" status "$work/killed" >"$work/dead.txt"
grep -q "shard 1-of-2: died" "$work/dead.txt" && grep -qF "shard 1-of-2 died (pid $victim on " "$work/dead.txt" &&
  grep -qF "$resume" "$work/dead.txt" || fail "tbptt status of a killed shard: $(cat "$work/dead.txt")"
"$tbptt" report "$work/killed" >/dev/null 2>"$work/report.err"
grep -qF "$resume" "$work/report.err" || fail "tbptt report of a killed shard: $(cat "$work/report.err")"
/usr/bin/python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["shard_status"] != {"1-of-2": "died", "0-of-2": "not started"})' \
  "$work/killed/manifest.json" || fail "manifest shard_status: $(grep -A3 shard_status "$work/killed/manifest.json")"
echo "SIGKILLed shard: $(grep -F 'died (' "$work/dead.txt")"
"$tbptt" run "$work/mid.yaml" --output "$work/killed" --jobs 1 --shard 1/2 >/dev/null 2>&1 || fail "resuming the killed shard failed"
"$tbptt" status "$work/killed" | grep -q "shard 1-of-2: complete" || fail "after the resume: $("$tbptt" status "$work/killed")"
echo "resumed with the printed command: shard 1-of-2 complete"
echo "PASS"
