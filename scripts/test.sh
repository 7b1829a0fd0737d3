#!/usr/bin/env bash
# The test command: install missing packages, then build and run the whole CTest suite in three
# legs, each in its own build folder:
#   release  build/        Release (-O3 -march=native), tests and benchmarks
#   asan     build-asan/   AddressSanitizer + UndefinedBehaviorSanitizer (-DTBPTT_SANITIZE=ON)
#   debug    build-debug/  Debug with -D_GLIBCXX_ASSERTIONS and asserts on (no NDEBUG: Eigen's
#                          size and index checks too): bounds-checked containers. -Og rather than
#                          -O0 so that the double-precision gradient checks finish within CTest's
#                          timeout on 2 cores.
# A Release build can hide undefined behaviour; the other two legs are there to catch it.
#
# Usage: scripts/test.sh [LEG ...]        default: release asan debug
#   TBPTT_SANITIZE=1 scripts/test.sh      the asan leg alone (kept for old habits)
# Every leg prints CTest's own summary line; the last line sums them up as
# "tests: N passed, N failed". Exits non-zero when any leg failed to build or had a failing test.
# After the legs, when clang++ can build libFuzzer programs, a short fuzzing run: build-fuzz/
# (clang, libFuzzer, ASan/UBSan; the fuzz targets alone) is built, then each target of tests/fuzz
# runs for TBPTT_FUZZ_SECONDS (default 30; 0 skips the step) on one core, starting from the kept
# inputs and the shipped experiment files, and its executions and time are printed
# ("fuzz: experiment: 41234 executions in 30 s, no crash"). An input that crashes a target, leaks,
# times out or runs out of memory fails the step and is saved under build-fuzz/crashes/: fix the
# bug, then copy the input to tests/fuzz/regressions/<target>/ so that ctest replays it from then
# on. The step costs about its build (~3 min on 2 cores, cold) plus 2 x TBPTT_FUZZ_SECONDS.
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
                  "-DCMAKE_CXX_FLAGS_DEBUG=-Og -g -D_GLIBCXX_ASSERTIONS") ;;
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

fuzz_seconds=${TBPTT_FUZZ_SECONDS:-30}
# Can clang++ build a libFuzzer program with OpenMP (libclang-rt-dev, libomp-dev)? A few lines
# compiled once say so; without it the step is skipped, as without clang.
fuzz_probe_ok() {
  local dir
  dir=$(mktemp -d)
  printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$dir/probe.cpp"
  clang++ -fsanitize=fuzzer,address,undefined -fopenmp "$dir/probe.cpp" -o "$dir/probe" >/dev/null 2>&1
  local ok=$?
  rm -rf "$dir"
  return $ok
}
if [[ "$fuzz_seconds" == 0 ]]; then
  echo "== test.sh: fuzzing skipped (TBPTT_FUZZ_SECONDS=0)"
elif ! command -v clang++ >/dev/null || ! fuzz_probe_ok; then
  echo "== test.sh: fuzzing skipped: clang++ cannot build libFuzzer programs (apt-get install clang libomp-dev)"
else
  echo "== test.sh: fuzzing, ${fuzz_seconds} s per target, in build-fuzz/"
  build_start=$(date +%s)
  # MPI off: the fuzz targets never start ranks, and its headers only slow the build.
  if TBPTT_TARGETS="fuzz_experiment fuzz_text_corpus" bash scripts/build.sh build-fuzz \
       -DCMAKE_CXX_COMPILER=clang++ -DTBPTT_FUZZ=ON -DTBPTT_SANITIZE=ON -DTBPTT_TESTS=OFF \
       -DTBPTT_BENCHMARKS=OFF -DTBPTT_MPI=OFF >build-fuzz.log 2>&1; then
    echo "fuzz: build-fuzz/ built in $(( $(date +%s) - build_start )) s"
    mkdir -p build-fuzz/crashes
    for target in experiment text_corpus; do
      corpus=build-fuzz/corpus-$target  # the first folder: where libFuzzer keeps new inputs
      rm -rf "$corpus"
      mkdir -p "$corpus"
      seeds=(tests/fuzz/regressions/$target)
      if [[ $target == experiment ]]; then seeds+=(experiments tests/data/config); else seeds+=(tests/data/tasks); fi
      fuzz_log=build-fuzz/fuzz-$target.log
      # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GiB is far more than any
      # refused input may take (the experiment target caps sweeps at 256 MiB).
      if build-fuzz/tests/fuzz/fuzz_$target "$corpus" "${seeds[@]}" -max_total_time="$fuzz_seconds" \
           -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
           -artifact_prefix=build-fuzz/crashes/$target- >"$fuzz_log" 2>&1; then
        runs=$(grep -E '^stat::number_of_executed_units' "$fuzz_log" | awk '{print $2}')
        secs=$(grep -E 'Done [0-9]+ runs in' "$fuzz_log" | sed -E 's/.*in ([0-9]+) second.*/\1/')
        echo "fuzz: $target: ${runs:-?} executions in ${secs:-?} s, no crash"
      else
        echo "test.sh: error: fuzz_$target failed; the input is in build-fuzz/crashes/ (log: $fuzz_log)" >&2
        tail -n 30 "$fuzz_log" >&2
        status=1
      fi
    done
  else
    echo "test.sh: error: the fuzz build failed (build-fuzz.log)" >&2
    tail -n 30 build-fuzz.log >&2
    status=1
  fi
fi

echo "tests: $passed passed, $failed failed"
exit "$status"
