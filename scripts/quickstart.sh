#!/usr/bin/env bash
# The quick start: install missing packages, build, run experiments/quickstart.yaml and print
# its result table (cost to reach full BPTT's accuracy first, then the equal-budget comparison).
#
# Usage: scripts/quickstart.sh [extra arguments for `tbptt run`]
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

bash scripts/setup.sh
TBPTT_TARGETS=tbptt bash scripts/build.sh build  # the command only; scripts/test.sh builds the rest
build/harness/tbptt run experiments/quickstart.yaml "$@"
echo "figures: python3 scripts/plot_results.py results/quickstart  (writes results/quickstart/plots/)"
