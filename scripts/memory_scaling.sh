#!/usr/bin/env bash
# Memory against stream length: the same training workload (tbptt speed, TBPTT(64, 64)) over
# streams of 10^4, 10^5 and 10^6 steps; the peak resident memory must stay flat (within 5%),
# because the tape holds max(k1, k2) steps whatever the stream. (Memory against k2 and the
# comparison with PyTorch: scripts/bench_vs_peers --memory.)
#
# Usage: scripts/memory_scaling.sh [path/to/tbptt]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tbptt=${1:-$repo_root/build/harness/tbptt}
k=64
printf '%10s %14s %16s\n' steps peak_rss_bytes activation_bytes
first=""
for steps in 10000 100000 1000000; do
  json=$("$tbptt" speed --cell lstm --hidden 128 --batch 4 --input 16 --output 16 --k1 $k --k2 $k \
           --updates $((steps / k)) --warmup 1)
  rss=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["peak_rss_bytes"])' "$json")
  act=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["activation_bytes"])' "$json")
  printf '%10d %14d %16d\n' "$steps" "$rss" "$act"
  first=${first:-$rss}
  last=$rss
done
/usr/bin/python3 -c "import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); d = abs(b - a) / a; print(f'peak memory 10^4 -> 10^6 steps: {d:.1%} change ({\"flat\" if d <= 0.05 else \"NOT flat\"} within 5%)'); sys.exit(d > 0.05)" "$first" "$last"
