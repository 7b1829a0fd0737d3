#!/usr/bin/env bash
# The test command: install missing packages, build with tests and benchmarks, run CTest.
#
# Usage: scripts/test.sh
#   TBPTT_SANITIZE=1 scripts/test.sh   builds into build-asan/ with -DTBPTT_SANITIZE=ON
#                                      (AddressSanitizer + UBSan) and runs the tests there.
# Exits with CTest's status; CTest's summary line ("N% tests passed, ...") is printed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

bash scripts/setup.sh

build_dir=build
cmake_args=(-DTBPTT_TESTS=ON -DTBPTT_BENCHMARKS=ON)
if [[ "${TBPTT_SANITIZE:-0}" == 1 ]]; then
  build_dir=build-asan
  cmake_args+=(-DTBPTT_SANITIZE=ON)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

bash scripts/build.sh "$build_dir" "${cmake_args[@]}"

status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 || status=$?
exit "$status"
