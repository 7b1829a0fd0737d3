// The tbptt_bench executable: Google Benchmark's main. The benchmarks register themselves from
// the other files of harness/bench/.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
