// The machine's multiply-add peak on one core, the yardstick for "fraction of peak" claims:
// independent fused multiply-add chains on registers, float, the widest vectors the build
// targets (AVX-512 under -march=native on this project's machines). Twelve accumulators hide
// the FMA latency (4 cycles x 2 pipes on current x86 cores needs at least 8).
//   tbptt_bench --benchmark_filter=BM_FmaPeak
#include <benchmark/benchmark.h>
#include <immintrin.h>

namespace tbptt {
namespace {

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec splat(float x) { return _mm512_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline float sum(Vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline float sum(Vec v) {
  alignas(32) float f[8];
  _mm256_store_ps(f, v);
  return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#endif

#if defined(__AVX512F__) || defined(__FMA__)
void BM_FmaPeak(benchmark::State& state) {
  constexpr int kChains = 12, kRounds = 4096;
  const Vec a = splat(0.999999f), b = splat(1e-7f);
  for (auto _ : state) {
    Vec acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = splat(static_cast<float>(c));
    for (int r = 0; r < kRounds; ++r)
      for (int c = 0; c < kChains; ++c) acc[c] = fma(acc[c], a, b);
    float s = 0;
    for (int c = 0; c < kChains; ++c) s += sum(acc[c]);
    benchmark::DoNotOptimize(s);
  }
  const double flops = 2.0 * kLanes * kChains * kRounds;  // one FMA = 2 FLOPs per lane
  state.counters["GFLOP"] = benchmark::Counter(flops * 1e-9 * static_cast<double>(state.iterations()),
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FmaPeak);
#endif

}  // namespace
}  // namespace tbptt
