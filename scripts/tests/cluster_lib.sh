# Shared by the cluster and fault tests (sourced, not run): a tiny experiment and checks.
#   tiny_experiment FILE [UPDATES]   writes a 6-run sweep (copy task, rnn, k1 x seed) to FILE
#   compare_results MODE A B / DIR   scripts/tests/compare_results.py (metrics, summary, valid)
#   scratch                          sets $work to a new folder removed on exit
#   fail MESSAGE                     prints "FAIL: MESSAGE" to stderr and exits 1
# N.B. the caller sets -euo pipefail and $tbptt.
tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

tiny_experiment() {
  local file=$1 updates=${2:-12}
  cat >"$file" <<YAML
name: tiny
task: {kind: copy, delay: 3, length: 3, symbols: 4}
model: {cell: rnn, hidden: 8}
train:
  batch: 4
  updates: $updates
  optimizer: {kind: sgd, lr: 0.1}
  tbptt: {k1: 4, k2: full}
eval: {every: 6, sequences: 8}
sweep:
  train.tbptt.k1: [2, 4, full]
  seed: [1, 2]
report: {tolerance: 0.5}
YAML
}

compare_results() {
  /usr/bin/python3 "$tests_dir/compare_results.py" "$@"
}

scratch() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
