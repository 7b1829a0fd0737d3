#!/usr/bin/env bash
# Job-array shards: `--shard 0/2` and `--shard 1/2` started together on one folder run disjoint
# runs that together cover the sweep, and `tbptt report DIR` gives the summary of one process;
# the shard also comes from Slurm's variables; a whole sweep is refused while a shard holds the
# folder, and the same shard twice is refused.
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
echo "PASS"
