#!/usr/bin/env bash
# Faults a user meets on one machine, with real processes and real signals:
#  - SIGINT: no new run starts, the running one finishes, manifest (status interrupted, end time)
#    and table.md are written, the exit code is 130 and the message says how to resume; the
#    same command then finishes the sweep;
#  - SIGTERM, or SIGINT twice: the running run is abandoned at once, what is complete is
#    written, exit 143 (130);
#  - a second sweep on a folder in use is refused (exit 1) and writes nothing, the first is intact;
#  - an output path that cannot be created, and a file size limit hit mid-write (as a full disk
#    would), give a clear message and exit 1, never a corrupt table;
#  - an allocation that fails inside a run (the evaluation of eval.sequences: 1000000 under an
#    address-space limit; under AddressSanitizer, its allocator returning null instead) fails
#    that run with a clear reason, the sweep writes its files and exits 1: no double free while
#    the exception unwinds (Eigen's resize, models/tensor.hpp), nothing corrupt.
#
# Usage: scripts/tests/faults.sh PATH/TO/tbptt
set -euo pipefail
tbptt=$1
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
scratch
manifest_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
wait_for_runs() {  # DIR N: until N runs of DIR are done (up to 20 s)
  for _ in $(seq 400); do
    [[ $(compgen -G "$1/runs/*/metrics.json" | wc -l || true) -ge $2 ]] && return 0
    sleep 0.05
  done
  return 1
}

tiny_experiment "$work/slow.yaml" 30000

# SIGINT: the running run finishes, nothing new starts.
"$tbptt" run "$work/slow.yaml" --output "$work/int" --jobs 1 >"$work/int.out" 2>"$work/int.err" &
pid=$!
wait_for_runs "$work/int" 1 || fail "no run finished"
kill -INT "$pid"
status=0; wait "$pid" || status=$?
[[ $status -eq 130 ]] || { cat "$work/int.err" >&2; fail "SIGINT: exit $status, expected 130"; }
grep -q 'interrupted by SIGINT: [0-9] of 6 runs done; run the same command again to resume' "$work/int.err" ||
  fail "SIGINT: no resume message: $(cat "$work/int.err")"
[[ $(manifest_field "$work/int/manifest.json" status) == interrupted ]] || fail "SIGINT: manifest status"
[[ $(manifest_field "$work/int/manifest.json" end_time) != None ]] || fail "SIGINT: manifest end_time null"
[[ -s "$work/int/table.md" ]] || fail "SIGINT: no table.md"
done_int=$( (compgen -G "$work/int/runs/*/metrics.json" || true) | wc -l)
[[ $done_int -ge 1 && $done_int -lt 6 ]] || fail "SIGINT: $done_int runs done (the running one should finish, no new one start)"
[[ -z $(find "$work/int" -name '.tbptt-tmp.*') ]] || fail "SIGINT: temporary files left"
echo "SIGINT: exit 130, $done_int of 6 runs done, $(grep -o 'interrupted by SIGINT.*' "$work/int.err")"
"$tbptt" run "$work/slow.yaml" --output "$work/int" --jobs 1 >/dev/null 2>&1 || fail "resume after SIGINT failed"
compare_results valid "$work/int" || fail "after SIGINT and a resume the folder is not valid"

# SIGTERM: abandon the running run at once.
"$tbptt" run "$work/slow.yaml" --output "$work/term" --jobs 1 >/dev/null 2>"$work/term.err" &
pid=$!
wait_for_runs "$work/term" 1 || fail "no run finished"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
[[ $status -eq 143 ]] || { cat "$work/term.err" >&2; fail "SIGTERM: exit $status, expected 143"; }
grep -q 'SIGTERM: abandoning the runs in progress' "$work/term.err" || fail "SIGTERM: no message"
grep -q 'interrupted by SIGTERM: [0-9] of 6 runs done; run the same command again' "$work/term.err" || fail "SIGTERM: no resume message"
[[ $(manifest_field "$work/term/manifest.json" status) == interrupted ]] || fail "SIGTERM: manifest status"
[[ -s "$work/term/table.md" ]] || fail "SIGTERM: no table.md"
echo "SIGTERM: exit 143, $( (compgen -G "$work/term/runs/*/metrics.json" || true) | wc -l) of 6 runs done"
"$tbptt" run "$work/slow.yaml" --output "$work/term" --jobs 1 >/dev/null 2>&1 || fail "resume after SIGTERM failed"
compare_results valid "$work/term" || fail "after SIGTERM and a resume the folder is not valid"

# SIGINT twice: the second abandons the running run at once.
"$tbptt" run "$work/slow.yaml" --output "$work/int2" --jobs 1 >/dev/null 2>"$work/int2.err" &
pid=$!
wait_for_runs "$work/int2" 1 || fail "no run finished"
kill -INT "$pid"; sleep 0.05; kill -INT "$pid"
status=0; wait "$pid" || status=$?
[[ $status -eq 130 ]] && grep -q 'SIGINT: abandoning the runs in progress' "$work/int2.err" ||
  fail "SIGINT twice: exit $status: $(cat "$work/int2.err")"
[[ $(manifest_field "$work/int2/manifest.json" status) == interrupted ]] || fail "SIGINT twice: manifest status"
echo "SIGINT twice: exit 130, abandoned, $( (compgen -G "$work/int2/runs/*/metrics.json" || true) | wc -l) of 6 runs done"

# The lock: a second process on a folder in use refuses and writes nothing.
tiny_experiment "$work/other.yaml" 20   # a different experiment, as in the issue
sed -i 's/seed: \[1, 2\]/seed: [3, 4]/' "$work/other.yaml"
"$tbptt" run "$work/slow.yaml" --output "$work/locked" --jobs 1 >/dev/null 2>"$work/first.err" &
pid=$!
for _ in $(seq 200); do [[ -f "$work/locked/manifest.json" ]] && break; sleep 0.05; done
for file in slow other; do
  status=0
  "$tbptt" run "$work/$file.yaml" --output "$work/locked" --jobs 1 >/dev/null 2>"$work/second.err" || status=$?
  [[ $status -eq 1 ]] || { kill "$pid"; fail "a second sweep ($file) on a folder in use: exit $status"; }
  grep -q "locked: in use by another tbptt process (pid $pid on .* since .*); wait until it ends, or use another --output" \
    "$work/second.err" || { kill "$pid"; fail "unclear refusal: $(cat "$work/second.err")"; }
done
echo "lock: $(cat "$work/second.err")"
status=0; wait "$pid" || status=$?
[[ $status -eq 0 ]] || fail "the first sweep failed beside the refused ones ($status): $(cat "$work/first.err")"
compare_results valid "$work/locked" || fail "the locked folder is not valid"

# Write errors: a path that cannot be a folder, and a file size limit (EFBIG, like ENOSPC).
touch "$work/a-file"
status=0
"$tbptt" run "$work/slow.yaml" --output "$work/a-file/out" --jobs 1 >/dev/null 2>"$work/nodir.err" || status=$?
[[ $status -eq 1 ]] && grep -q "a-file/out: cannot create the results folder: Not a directory" "$work/nodir.err" ||
  fail "unwritable output: exit $status: $(cat "$work/nodir.err")"
echo "unwritable: $(cat "$work/nodir.err")"
tiny_experiment "$work/quick.yaml" 12
status=0
(ulimit -f 3; exec "$tbptt" run "$work/quick.yaml" --output "$work/full" --jobs 1 >/dev/null 2>"$work/full.err") || status=$?
[[ $status -eq 1 ]] && grep -q "cannot write .*: File too large" "$work/full.err" ||
  fail "file size limit: exit $status: $(cat "$work/full.err")"
echo "size limit: exit 1, $(grep -m1 -o 'cannot write .*' "$work/full.err")"
[[ ! -e "$work/full/table.md" ]] || /usr/bin/python3 - "$work/full/table.md" <<'PY' || fail "a corrupt table.md"
import sys
text = open(sys.argv[1]).read()
sys.exit(0 if text.endswith("\n") and "|" in text else 1)
PY
# An allocation that fails mid-run. The evaluation of 1000000 sequences needs about 1 GB at once,
# within the memory check of validate on any machine with 4 GB; a 768 MiB limit makes it fail.
tiny_experiment "$work/big_eval.yaml" 12
sed -i 's/eval: {every: 6, sequences: 8}/eval: {every: 6, sequences: 1000000}/; s/k1: \[2, 4, full\]/k1: [full]/; s/seed: \[1, 2\]/seed: [1]/' "$work/big_eval.yaml"
status=0
if ldd "$tbptt" | grep -q libasan; then
  # An address-space limit and ASan's shadow memory do not mix: ASan's allocator fails instead.
  (export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1:max_allocation_size_mb=64"
   exec "$tbptt" run "$work/big_eval.yaml" --output "$work/oom" --jobs 1 >/dev/null 2>"$work/oom.err") || status=$?
else
  (ulimit -v $((768 * 1024)); exec "$tbptt" run "$work/big_eval.yaml" --output "$work/oom" --jobs 1 >/dev/null 2>"$work/oom.err") || status=$?
fi
[[ $status -eq 1 ]] || { cat "$work/oom.err" >&2; fail "a failed allocation: exit $status, expected 1 (a failed run)"; }
! grep -qE 'double free|ERROR: AddressSanitizer|runtime error' "$work/oom.err" || { cat "$work/oom.err" >&2; fail "a failed allocation corrupted memory"; }
compare_results valid "$work/oom" || fail "the folder of the run whose allocation failed is not valid"
reason=$(/usr/bin/python3 -c '
import glob, json, sys
runs = [json.load(open(p)) for p in glob.glob(sys.argv[1] + "/runs/*/metrics.json")]
bad = [r for r in runs if r["status"] != "failed"]
print("ok" if len(runs) == 1 and not bad else "statuses: " + ",".join(r["status"] for r in runs), runs[0].get("reason", "") if runs else "")
' "$work/oom")
[[ $reason == "ok out of memory"* ]] || fail "a failed allocation: $reason"
echo "failed allocation: exit 1, the run failed cleanly (${reason#ok })"
echo "PASS"
