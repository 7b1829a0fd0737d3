#!/usr/bin/env bash
# The quick start: install missing packages, build, run experiments/quickstart.yaml and print
# its result table.
#
# Usage: scripts/quickstart.sh [extra arguments for `tbptt run`]
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

bash scripts/setup.sh
TBPTT_TARGETS=tbptt bash scripts/build.sh build  # the command only; scripts/test.sh builds the rest
exec build/harness/tbptt run experiments/quickstart.yaml "$@"
