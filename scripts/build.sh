#!/usr/bin/env bash
# Configure (Release) and build tbptt-bench with all cores.
#
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
#   BUILD_DIR defaults to build/ (relative paths are taken from the repository root).
#   e.g. scripts/build.sh build-asan -DTBPTT_SANITIZE=ON
#        scripts/build.sh build -DTBPTT_BENCHMARKS=OFF
#   TBPTT_TARGETS="tbptt" builds only those targets (space-separated); default: all.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

build_dir=${1:-build}
[[ $# -gt 0 ]] && shift

jobs=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

launcher=()
# ccache, when installed, makes rebuilds of unchanged files (another build folder, another
# checkout of the same commit) nearly free; CCACHE_BASEDIR lets checkouts share the cache.
if command -v ccache >/dev/null && [[ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]]; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$repo_root")}
fi

cmake -S "$repo_root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@"
targets=()
for t in ${TBPTT_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$jobs" "${targets[@]}"
