#!/usr/bin/env bash
# A real single-node Slurm cluster (slurmctld, slurmd and munged, started here in a temporary
# folder on their own ports, stopped on exit) runs the README's example,
#   sbatch --array=0-1 scripts/slurm/sweep_array.sbatch EXPERIMENT --output DIR
# then `tbptt report DIR` merges the shards, and the merged summary equals one process's.
# Recipe: ../shared/notes/cluster-testing.md (no file in /etc is touched).
#
# Usage: scripts/tests/slurm_array.sh PATH/TO/tbptt
# Exit 0 on success, 1 on a failed check, 77 (a skip for CTest) without Slurm, munge or root.
set -euo pipefail
tbptt=$(realpath "$1")
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo_root/scripts/tests/cluster_lib.sh"
for tool in slurmctld slurmd munged munge sbatch squeue sinfo; do
  command -v "$tool" >/dev/null || { echo "SKIP: no $tool (apt-get install slurm-wlm munge)"; exit 77; }
done
[[ $(id -u) -eq 0 ]] || { echo "SKIP: the test cluster runs its daemons as root"; exit 77; }
fail() { echo "FAIL: $*" >&2; [[ -n "${base:-}" ]] && tail -n 20 "$base"/log/*.log >&2 2>/dev/null; exit 1; }

base=$(mktemp -d)
host=$(hostname -s)
stop_cluster() {
  local pids=()
  for f in "$base/slurmd.pid" "$base/slurmctld.pid"; do [[ -s $f ]] && pids+=("$(cat "$f")"); done
  [[ ${#pids[@]} -gt 0 ]] && kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 100); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  if [[ -s "$base/munge/munged.pid" ]]; then  # munged last: stopping it first slows the others
    local m; m=$(cat "$base/munge/munged.pid")
    kill "$m" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$m" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$base"
}
trap stop_cluster EXIT

mkdir -p "$base"/{munge,state,spool,log,etc,jobs,tmp}
chmod 755 "$base" "$base/munge"  # munged refuses a socket path others cannot enter
dd if=/dev/urandom of="$base/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$base/munge/munge.key"
munged --key-file="$base/munge/munge.key" --socket="$base/munge/munge.socket" \
  --pid-file="$base/munge/munged.pid" --log-file="$base/munge/munged.log" --seed-file="$base/munge/munged.seed"
munge -n -S "$base/munge/munge.socket" | unmunge -S "$base/munge/munge.socket" >/dev/null || fail "munge does not work"
cat >"$base/etc/slurm.conf" <<CONF
ClusterName=tbptt
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$base/munge/munge.socket
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MailProg=/bin/true
TmpFS=$base/tmp
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$base/etc/slurm.conf
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -x idle >/dev/null && break; sleep 0.2; done
sinfo -h -o %T | grep -x idle >/dev/null || fail "the node did not become idle"

work=$base/jobs
tiny_experiment "$work/tiny.yaml" 12
"$tbptt" run "$work/tiny.yaml" --output "$work/one" --jobs 1 >/dev/null 2>&1
cd "$work"
job=$(TBPTT=$tbptt sbatch --parsable --array=0-1 "$repo_root/scripts/slurm/sweep_array.sbatch" \
        "$work/tiny.yaml" --output "$work/array") || fail "sbatch refused the job"
for _ in $(seq 600); do squeue -h -j "$job" 2>/dev/null | grep . >/dev/null || break; sleep 0.1; done
squeue -h -j "$job" 2>/dev/null | grep . >/dev/null && fail "job $job did not end within 60 s"
for task in 0 1; do
  log="$work/tbptt-sweep-${job}_$task.log"
  [[ -f $log ]] || fail "no log of array task $task"
  grep -qE "^\[shard $task-of-2\] " "$log" || { cat "$log" >&2; fail "array task $task ran no shard $task-of-2"; }
done
"$tbptt" report "$work/array" >/dev/null
compare_results summary "$work/one" "$work/array" || fail "the merged array report differs from one process"
compare_results metrics "$work/one" "$work/array" || fail "the array's metrics differ from one process"
compare_results valid "$work/array" || fail "the array's folder is not valid"
echo "Slurm job $job: array tasks 0-1 ran shards 0-of-2 and 1-of-2; merged report equals the one-process one"
echo "PASS"
