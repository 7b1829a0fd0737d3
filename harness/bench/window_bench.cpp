// Micro-benchmarks of one TBPTT window through the models layer: a 1-layer cell over T = 32 stored
// steps of a Tape, then the softmax_xent head (O = 64), in float, on one thread.
//
//   BM_Forward/<cell>/<hidden>/<batch>          Tape::forward + Head::loss (no gradients)
//   BM_ForwardBackward/<cell>/<hidden>/<batch>  the same + Head gradients + Tape::backward
//
// for every cell of models/cell_registry.hpp, hidden in {64, 128, 256, 512, 1024}, batch in
// {1, 32, 128}. The dense input width is fixed at 64 (not = hidden), as for a task with a small
// observation.
// Counters: items_per_second = time-steps x lanes per second; GFLOP (shown as a rate, GFLOP/s) from
// Network::forward_flops_per_token() / train_flops_per_token() (matrix products only).
// Setup (network, init, tape, random inputs and targets, a warm-up pass that sizes the scratch
// buffers) is outside the timed loop; the loop zeroes the gradient buffer as a trainer would.
// A quick run: tbptt_bench --benchmark_min_time=0.1 --benchmark_filter='/256/32$'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/cell_registry.hpp"
#include "models/init.hpp"
#include "models/network.hpp"
#include "models/rng.hpp"
#include "models/tape.hpp"

namespace tbptt {
namespace {

constexpr Index kSteps = 32;
constexpr Index kInput = 64;
constexpr Index kOutput = 64;

void bm_window(benchmark::State& state, const std::string& cell, bool with_backward) {
  Eigen::setNbThreads(1);
  const Index H = state.range(0), B = state.range(1), n = kSteps * B;

  ModelSpec spec;
  spec.cell = cell;
  spec.input_kind = InputKind::dense;
  spec.head = HeadKind::softmax_xent;
  spec.input = kInput;
  spec.hidden = H;
  spec.output = kOutput;
  spec.layers = 1;
  const Network<float> net(spec);
  ParamBuffer<float> p = net.make_buffer();
  ParamBuffer<float> g = net.make_buffer();
  Rng rng(mix_seed(static_cast<uint64_t>(H), static_cast<uint64_t>(B)));
  net.init(p, InitSpec{}, rng);

  Tape<float> tape(net, kSteps, B);
  tape.append(kSteps);
  View<float> x = tape.dense_input(0, kSteps);
  for (Index j = 0; j < x.cols(); ++j)
    for (Index i = 0; i < x.rows(); ++i) x(i, j) = static_cast<float>(rng.uniform(-1.0, 1.0));
  std::fill_n(tape.reset(0), n, uint8_t{0});
  std::vector<int32_t> classes(static_cast<size_t>(n));
  for (auto& c : classes) c = static_cast<int32_t>(rng.below(kOutput));
  const std::vector<uint8_t> mask(static_cast<size_t>(n), 1);
  const Targets<float> targets(classes.data());
  Matrix<float> dh(H, n);
  View<float> dhv = view(dh, 0, H, 0, n);
  const Head<float>& head = net.head();

  auto run_once = [&] {
    tape.forward(p, 0, kSteps);
    if (!with_backward) return head.loss(p, tape.top_h(0, kSteps), targets, mask.data(), 1.0f, nullptr, nullptr);
    g.set_zero();
    const float loss = head.loss(p, tape.top_h(0, kSteps), targets, mask.data(), 1.0f, &g, &dhv);
    tape.backward(p, g, 0, kSteps, cview(dh, 0, H, 0, n));
    return loss;
  };
  run_once();  // warm-up: grows every scratch buffer to its final size

  for (auto _ : state) {
    float loss = run_once();
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(tape.top_h(0, kSteps).data());
    benchmark::DoNotOptimize(g.flat().data());
    benchmark::ClobberMemory();
  }

  const double tokens = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.SetItemsProcessed(static_cast<int64_t>(tokens));
  const double flops_per_token = with_backward ? net.train_flops_per_token() : net.forward_flops_per_token();
  state.counters["GFLOP"] = benchmark::Counter(tokens * flops_per_token * 1e-9, benchmark::Counter::kIsRate);
}

const bool registered = [] {
  for (const std::string& cell : cell_names()) {
    for (bool with_backward : {false, true}) {
      const std::string name = std::string(with_backward ? "BM_ForwardBackward/" : "BM_Forward/") + cell;
      benchmark::RegisterBenchmark(name.c_str(), [cell, with_backward](benchmark::State& state) {
        bm_window(state, cell, with_backward);
      })
          ->ArgsProduct({{64, 128, 256, 512, 1024}, {1, 32, 128}})
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace tbptt
