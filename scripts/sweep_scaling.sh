#!/usr/bin/env bash
# Run one sweep with --jobs 1 and --jobs N into fresh output folders; print the wall time, the
# throughput ratio (runs per second) and whether both wrote the same metrics (they must: a run's
# result may not depend on how many runs execute beside it).
#
# Usage: scripts/sweep_scaling.sh [EXPERIMENT.yaml] [N]
#   defaults: experiments/scaling.yaml, N = number of CPUs (at least 2).
#   TBPTT=path/to/tbptt overrides build/harness/tbptt. Output: results/scaling/jobs<J>/.
# Assumes `tbptt run EXPERIMENT --jobs J --output DIR`.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

experiment=${1:-experiments/scaling.yaml}
n_jobs=${2:-$(nproc)}
(( n_jobs < 2 )) && n_jobs=2
tbptt=${TBPTT:-build/harness/tbptt}
out_root=results/scaling

if [[ ! -x "$tbptt" ]]; then
  echo "sweep_scaling.sh: error: $tbptt not found; run scripts/build.sh first" >&2
  exit 2
fi

mkdir -p "$out_root"
declare -A seconds
for jobs in 1 "$n_jobs"; do
  out="$out_root/jobs$jobs"
  rm -rf "$out"
  start=$(date +%s.%N)
  "$tbptt" run "$experiment" --jobs "$jobs" --output "$out" > "$out_root/jobs$jobs.log" 2>&1 || {
    echo "sweep_scaling.sh: error: tbptt run --jobs $jobs failed; see $out_root/jobs$jobs.log" >&2
    exit 1
  }
  end=$(date +%s.%N)
  seconds[$jobs]=$(echo "$end - $start" | bc -l 2>/dev/null || awk "BEGIN{print $end - $start}")
done

/usr/bin/python3 - "$out_root/jobs1" "$out_root/jobs$n_jobs" "${seconds[1]}" "${seconds[$n_jobs]}" "$n_jobs" <<'PY'
import csv, os, sys
one, many, t1, tn, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
def rows(folder):
    path = os.path.join(folder, "summary.csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
r1, rn = rows(one), rows(many)
runs = len(r1) if r1 else None
print(f"jobs 1: {t1:.2f} s   jobs {n}: {tn:.2f} s   speed-up {t1 / tn:.2f}x"
      + (f"   ({runs} runs: {runs / t1:.2f} vs {runs / tn:.2f} runs/s)" if runs else ""))
if r1 is None or rn is None:
    print("no summary.csv: metrics not compared")
    sys.exit(0)
timing = ("second", "time", "wall", "cpu", "tokens_per_second", "gflops", "rss", "memory", "date", "host")
cols = [c for c in r1[0] if not any(w in c.lower() for w in timing)]
key = lambda r: tuple(r.get(c, "") for c in cols)
same = sorted(map(key, r1)) == sorted(map(key, rn))
print(f"metrics ({len(cols)} columns, timing left out): {'identical' if same else 'DIFFERENT'}")
sys.exit(0 if same else 1)
PY
