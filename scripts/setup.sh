#!/usr/bin/env bash
# Install the Debian packages tbptt-bench needs, only those that are missing.
#
# Usage: scripts/setup.sh [--openblas]
#   Open MPI (openmpi-bin libopenmpi-dev: -DTBPTT_MPI is on when it is found) and Slurm with
#   munge (slurm-wlm munge: the one-node cluster of scripts/tests/slurm_array.sh) are installed
#   by default, since the tests use them (the Slurm test runs its own daemons on its own ports).
#   --openblas  also install OpenBLAS (libopenblas0-pthread). python3-torch only recommends it;
#               without it torch runs on the reference BLAS, several times slower, which makes
#               scripts/bench_vs_peers unfair to PyTorch. N.B. it becomes the system's
#               libblas.so.3 alternative.
# Idempotent: prints nothing and touches nothing when every package is installed.
# Runs apt-get update at most once, then apt-get install of the missing packages only
# (through sudo when not root).
set -euo pipefail

packages=(g++ cmake make libeigen3-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
          catch2 libbenchmark-dev python3 python3-numpy python3-matplotlib python3-yaml python3-torch
          bible-kjv git openmpi-bin libopenmpi-dev slurm-wlm munge
          libxsmm-dev libdnnl-dev)  # libxsmm: the float products; oneDNN: its peer

for arg in "$@"; do
  case "$arg" in
    --mpi) ;;  # kept for old habits: MPI is installed by default
    --openblas) packages+=(libopenblas0-pthread) ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: error: unknown option '$arg' (valid: --openblas)" >&2; exit 2 ;;
  esac
done

is_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
  [[ "$status" == "installed" ]]
}

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "setup.sh: error: not a Debian system; install these yourself: ${missing[*]}" >&2
  exit 1
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "setup.sh: error: missing packages (${missing[*]}) and no sudo to install them" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
