#!/usr/bin/env bash
# The test command: install missing packages, then build and run the whole CTest suite in three
# legs, each in its own build folder:
#   release  build/        Release (-O3 -march=native), tests and benchmarks
#   asan     build-asan/   AddressSanitizer + UndefinedBehaviorSanitizer (-DTBPTT_SANITIZE=ON)
#   debug    build-debug/  Debug (-O0) with -D_GLIBCXX_ASSERTIONS: bounds-checked containers, and
#                          no inlining to hide an ODR violation or a use after scope
# A Release build can hide undefined behaviour; the other two legs are there to catch it.
#
# Usage: scripts/test.sh [LEG ...]        default: release asan debug
#   TBPTT_SANITIZE=1 scripts/test.sh      the asan leg alone (kept for old habits)
# Every leg prints CTest's own summary line; the last line sums them up as
# "tests: N passed, N failed". Exits non-zero when any leg failed to build or had a failing test.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

legs=("$@")
if [[ ${#legs[@]} -eq 0 ]]; then
  if [[ "${TBPTT_SANITIZE:-0}" == 1 ]]; then legs=(asan); else legs=(release asan debug); fi
fi
for leg in "${legs[@]}"; do
  case "$leg" in
    release|asan|debug) ;;
    *) echo "test.sh: error: unknown leg '$leg' (valid: release, asan, debug)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh

passed=0
failed=0
status=0
for leg in "${legs[@]}"; do
  case "$leg" in
    release)
      build_dir=build
      cmake_args=(-DTBPTT_TESTS=ON -DTBPTT_BENCHMARKS=ON) ;;
    asan)
      build_dir=build-asan
      # Benchmarks are timing programs: no use under a sanitizer.
      cmake_args=(-DTBPTT_TESTS=ON -DTBPTT_BENCHMARKS=OFF -DTBPTT_SANITIZE=ON) ;;
    debug)
      build_dir=build-debug
      cmake_args=(-DTBPTT_TESTS=ON -DTBPTT_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Debug
                  "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g -D_GLIBCXX_ASSERTIONS") ;;
  esac
  echo "== test.sh: $leg leg in $build_dir/"
  if ! bash scripts/build.sh "$build_dir" "${cmake_args[@]}"; then
    echo "test.sh: error: the $leg build failed" >&2
    status=1
    continue
  fi
  log=$(mktemp)
  leg_status=0
  (
    if [[ "$leg" == asan ]]; then
      export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
      export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    fi
    ctest --test-dir "$build_dir" --output-on-failure -j2
  ) 2>&1 | tee "$log" || leg_status=$?
  # "100% tests passed, 0 tests failed out of 130"
  summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  rm -f "$log"
  if [[ -n "$summary" ]]; then
    leg_failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
    leg_total=$(sed -E 's/.*failed out of ([0-9]+).*/\1/' <<<"$summary")
    passed=$((passed + leg_total - leg_failed))
    failed=$((failed + leg_failed))
  else
    failed=$((failed + 1))
  fi
  [[ $leg_status -eq 0 ]] || status=1
done

echo "tests: $passed passed, $failed failed"
exit "$status"
