#!/usr/bin/env bash
# MPI: `mpirun -np 2 tbptt run` gives the same metrics and report as `--jobs 1`, every run once
# over the ranks (rank 0 hands them out), also with two threads per rank; a rank killed with
# SIGKILL mid-sweep loses only what it was running, and the same mpirun again finishes the sweep
# with every file valid. Signals, as a user sends them (Open MPI 4.1, measured: README "MPI"):
#  - Ctrl-C or SIGTERM to mpirun: Open MPI sends every rank SIGCONT at once, SIGTERM
#    odls_base_sigkill_timeout (1 s) later and SIGKILL 1 s after that, and SIGKILLs the rest as
#    soon as one rank exits. The ranks abandon their runs at the next update, rank 0 prints how to
#    resume and writes the manifest ("interrupted", with an end time) and the table of what is
#    complete, every rank leaves together before the SIGKILL, and mpirun exits non-zero; the
#    same mpirun again runs exactly the missing runs, and the metrics equal those of --jobs 1;
#  - SIGINT to one rank alone: the hand-out stops for every rank, the running runs finish, the
#    same files are written, every rank exits 130 and a restart finishes the sweep.
# Each signal case runs TBPTT_SIGNAL_REPEATS times (default 1).
#
# Usage: scripts/tests/mpi_sweep.sh PATH/TO/tbptt
# Exit 0 on success, 1 on a failed check, 77 (a skip for CTest) without mpirun or an MPI build.
set -euo pipefail
tbptt=$1
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
if ! command -v mpirun >/dev/null; then echo "SKIP: no mpirun (apt-get install openmpi-bin libopenmpi-dev)"; exit 77; fi
if ! ldd "$tbptt" | grep libmpi >/dev/null; then echo "SKIP: $tbptt was built without MPI (-DTBPTT_MPI=ON)"; exit 77; fi

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
# Open MPI's own allocations are not ours to report (the ASan leg).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpi=(mpirun --oversubscribe --bind-to none -np 2)
scratch

tiny_experiment "$work/tiny.yaml" 12
"$tbptt" run "$work/tiny.yaml" --output "$work/one" --jobs 1 >/dev/null 2>"$work/one.err"
"${mpi[@]}" "$tbptt" run "$work/tiny.yaml" --output "$work/two" --jobs 1 >"$work/two.out" 2>"$work/two.err" ||
  { cat "$work/two.err" >&2; fail "mpirun -np 2 exited with $?"; }
compare_results metrics "$work/one" "$work/two" || fail "mpirun -np 2 and --jobs 1 give different metrics"
compare_results summary "$work/one" "$work/two" || fail "different summary.csv"
compare_results valid "$work/two" || fail "the MPI results folder is not valid"
/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(m["mpi_ranks"] != 2)' \
  "$work/two/manifest.json" || fail "manifest.json does not record 2 ranks"
# Every run finished exactly once over both ranks: "[rank R] [k/6] <id> ..." lines.
finished=$(grep -oE '^\[rank [01]\] \[[0-9]+/6\] [0-9a-f]{16}' "$work/two.err" | awk '{print $4}' | sort)
[[ $(wc -l <<<"$finished") -eq 6 && $(uniq <<<"$finished" | wc -l) -eq 6 ]] ||
  fail "runs finished over the ranks: $(tr '\n' ' ' <<<"$finished")"
echo "mpirun -np 2: same metrics as --jobs 1; runs per rank: $(grep -oE '^\[rank [01]\]' "$work/two.err" | sort | uniq -c | tr '\n' ' ')"

# Two threads per rank: several threads of a rank ask rank 0 for runs (MPI_THREAD_SERIALIZED).
"${mpi[@]}" "$tbptt" run "$work/tiny.yaml" --output "$work/threads" --jobs 2 >/dev/null 2>"$work/threads.err" ||
  { cat "$work/threads.err" >&2; fail "mpirun -np 2 --jobs 2 failed"; }
compare_results metrics "$work/one" "$work/threads" || fail "mpirun -np 2 --jobs 2 and --jobs 1 give different metrics"
compare_results valid "$work/threads" || fail "the MPI folder with 2 threads per rank is not valid"
echo "mpirun -np 2 --jobs 2: same metrics as --jobs 1"

# rank_pid LAUNCHER RANK: the pid of that rank of mpirun LAUNCHER (waits up to 10 s for it).
rank_pid() {
  for _ in $(seq 500); do
    for pid in $(pgrep -P "$1" || true); do
      if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -x "OMPI_COMM_WORLD_RANK=$2" >/dev/null; then
        echo "$pid"; return 0
      fi
    done
    sleep 0.02
  done
  return 1
}
# wait_for_first_run DIR: until a run of DIR has its metrics.json (up to 30 s: sanitizer builds
# are slow); then prints how many have.
wait_for_first_run() {
  for _ in $(seq 3000); do
    compgen -G "$1/runs/*/metrics.json" >/dev/null && break
    sleep 0.01
  done
  (compgen -G "$1/runs/*/metrics.json" || true) | wc -l
}
manifest_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# A rank dies with SIGKILL while the sweep runs: mpirun ends the job; a restart completes it.
tiny_experiment "$work/long.yaml" 40000
long_start=$(date +%s%N)
"$tbptt" run "$work/long.yaml" --output "$work/long-one" --jobs 1 >/dev/null 2>&1
long_ms=$(( ($(date +%s%N) - long_start) / 1000000 ))  # 6 runs of 40000 updates, for the signal cases
"${mpi[@]}" "$tbptt" run "$work/long.yaml" --output "$work/long" --jobs 1 >/dev/null 2>"$work/long.err" &
launcher=$!
victim=$(rank_pid "$launcher" 1) || { kill "$launcher" 2>/dev/null || true; fail "no rank 1 to kill"; }
done_before=$(wait_for_first_run "$work/long")
kill -KILL "$victim"
[[ $done_before -lt 6 ]] || fail "the sweep had ended before rank 1 was killed"
status=0
wait "$launcher" || status=$?
[[ $status -ne 0 ]] || fail "mpirun exited 0 after a rank was killed"
echo "killed rank 1 (pid $victim) after $done_before of 6 runs; mpirun exited with $status"
"${mpi[@]}" "$tbptt" run "$work/long.yaml" --output "$work/long" --jobs 1 >/dev/null 2>"$work/resume.err" ||
  { cat "$work/resume.err" >&2; fail "the restarted mpirun failed"; }
compare_results valid "$work/long" || fail "the resumed MPI folder is not valid"
compare_results metrics "$work/long-one" "$work/long" || fail "the resumed MPI sweep has different metrics"
grep -qE 'runs already done' "$work/resume.err" || fail "the restart did not resume"
echo "restart: $(grep -oE '[0-9]+ of 6 runs already done' "$work/resume.err"), all 6 valid and equal to --jobs 1"

# check_interrupted NAME DIR ERR STATUS DONE: what a stop by a signal must leave behind, then a
# restart that runs exactly the missing runs.
check_interrupted() {
  local name=$1 dir=$2 err=$3 status=$4 done_before=$5
  [[ $status -ne 0 ]] || fail "$name: mpirun exited 0"
  grep -qE 'interrupted by SIG(INT|TERM): [0-9] of 6 runs done; run the same command again to resume' "$err" ||
    { cat "$err" >&2; fail "$name: no resume message from rank 0"; }
  [[ $(manifest_field "$dir/manifest.json" status) == interrupted ]] || { cat "$err" >&2; fail "$name: manifest status"; }
  [[ $(manifest_field "$dir/manifest.json" end_time) != None ]] || fail "$name: manifest end_time null"
  [[ -s "$dir/table.md" && -s "$dir/summary.csv" ]] || fail "$name: no table.md or summary.csv"
  local done_now
  done_now=$( (compgen -G "$dir/runs/*/metrics.json" || true) | wc -l)
  [[ $done_now -ge $done_before && $done_now -lt 6 ]] || fail "$name: $done_now of 6 runs done"
  [[ -z $(find "$dir" -name '.tbptt-tmp.*') ]] || fail "$name: temporary files left"
  echo "$name: mpirun exited with $status, $done_now of 6 runs done, manifest interrupted, table.md written, $(grep -oE 'interrupted by SIG[A-Z]+' "$err" | head -n 1)"
  "${mpi[@]}" "$tbptt" run "$work/slow.yaml" --output "$dir" --jobs 1 >/dev/null 2>"$dir.resume.err" ||
    { cat "$dir.resume.err" >&2; fail "$name: the restarted mpirun failed"; }
  compare_results valid "$dir" || fail "$name: the resumed folder is not valid"
  compare_results metrics "$work/slow-one" "$dir" || fail "$name: the resumed sweep has different metrics"
  # Each run finished once over both invocations: the restart ran exactly the missing ones.
  local rerun
  rerun=$(grep -cE '^\[rank [01]\] \[[0-9]+/[0-9]+\] [0-9a-f]{16}' "$dir.resume.err" || true)
  [[ $((done_now + rerun)) -eq 6 ]] || fail "$name: $done_now done before the restart, $rerun run by it"
  echo "$name: restart ran the $rerun missing runs; all 6 present once, valid, equal to --jobs 1"
}

# Runs of about 2 s on average whatever the build (Release, sanitizers; timed above), so that the
# SIGTERM, which mpirun sends 1 s after it is signalled, lands mid-run after the first run.
slow_updates=$(( 40000 * 2000 * 6 / (long_ms > 0 ? long_ms : 1) ))
slow_updates=$(( slow_updates < 40000 ? 40000 : slow_updates > 1000000 ? 1000000 : slow_updates ))
echo "signal cases: runs of $slow_updates updates (6 runs of 40000 took $long_ms ms)"
tiny_experiment "$work/slow.yaml" "$slow_updates"
"$tbptt" run "$work/slow.yaml" --output "$work/slow-one" --jobs 1 >/dev/null 2>&1
for repeat in $(seq "${TBPTT_SIGNAL_REPEATS:-1}"); do
  # Ctrl-C (SIGINT, as a terminal sends it to mpirun; the ranks are in process groups of their
  # own), then SIGTERM (as a batch system sends it): Open MPI treats both alike.
  for sig in INT TERM; do
    dir="$work/to-mpirun-$sig-$repeat"
    "${mpi[@]}" "$tbptt" run "$work/slow.yaml" --output "$dir" --jobs 1 >/dev/null 2>"$dir.err" &
    launcher=$!
    done_before=$(wait_for_first_run "$dir")
    kill "-$sig" "$launcher"
    status=0; wait "$launcher" || status=$?
    grep -q 'SIGTERM: abandoning the runs in progress' "$dir.err" || fail "SIG$sig to mpirun: the ranks got no SIGTERM"
    check_interrupted "SIG$sig to mpirun ($repeat)" "$dir" "$dir.err" "$status" "$done_before"
  done

  # SIGINT to rank 1 alone: rank 1's next request stops rank 0's hand-out; the running runs finish.
  dir="$work/rank-int-$repeat"
  "${mpi[@]}" "$tbptt" run "$work/slow.yaml" --output "$dir" --jobs 1 >/dev/null 2>"$dir.err" &
  launcher=$!
  rank1=$(rank_pid "$launcher" 1) || { kill "$launcher" 2>/dev/null || true; fail "no rank 1"; }
  done_before=$(wait_for_first_run "$dir")
  kill -INT "$rank1"
  status=0; wait "$launcher" || status=$?
  grep -q 'SIGINT: starting no new runs' "$dir.err" || { cat "$dir.err" >&2; fail "SIGINT to rank 1: no message"; }
  ! grep -q 'abandoning the runs' "$dir.err" || { cat "$dir.err" >&2; fail "SIGINT to rank 1: runs were abandoned, not finished"; }
  check_interrupted "SIGINT to rank 1 ($repeat)" "$dir" "$dir.err" "$status" "$done_before"
done
echo "PASS"
