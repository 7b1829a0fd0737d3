#!/usr/bin/env bash
# Records a trace of every experiment in tests/data/trace/ with `tbptt trace` (double precision,
# and two in float) and recomputes each update with PyTorch (scripts/crosscheck_pytorch.py).
#
# Usage: scripts/tests/crosscheck_traces.sh PATH/TO/tbptt [UPDATES]
# Exit 0 when every trace matches, 1 when one does not, 77 (a skip for CTest) without torch.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tbptt=$1
updates=${2:-8}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "SKIP: torch not available (apt-get install python3-torch)"
  exit 77
fi
# Every registered cell with the standard Wx, Wh, b weights (`tbptt list --json`) must have a trace
# here, so that none escapes the check. The influence-balancing fixture (one theta, a fixed linear
# system) is checked against its written-out recurrence in tests/models instead.
for cell in $("$tbptt" list --json | /usr/bin/python3 -c 'import json, sys; print(*(c["name"] for c in json.load(sys.stdin)["cells"] if c.get("standard_weights", True)))'); do
  if ! compgen -G "$repo_root/tests/data/trace/${cell}_*.yaml" >/dev/null; then
    echo "FAIL: cell $cell has no trace in tests/data/trace/ (add ${cell}_<task>.yaml)"
    exit 1
  fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for experiment in "$repo_root"/tests/data/trace/*.yaml; do
  name=$(basename "$experiment" .yaml)
  "$tbptt" trace "$experiment" --updates "$updates" --double --out "$out/$name.json"
done
"$tbptt" trace "$repo_root/tests/data/trace/lstm_copy_stored.yaml" --updates "$updates" --out "$out/float.json"
"$tbptt" trace "$repo_root/tests/data/trace/mgu_copy_stored.yaml" --updates "$updates" --out "$out/mgu_float.json"
/usr/bin/python3 "$repo_root/scripts/crosscheck_pytorch.py" "$out"/*.json
