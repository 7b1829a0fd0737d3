// The truncation-bias probe (harness/train/bias_probe.hpp) against the definition written out
// naively here: for each K, every step's loss back-propagated through its own window of K steps
// by one ordinary backward call, summed, and compared with one full backward.
#include <catch2/catch.hpp>

#include "harness/train/bias_probe.hpp"
#include "harness/train/tbptt_trainer.hpp"

using namespace tbptt;

namespace {

struct Probe {
  std::unique_ptr<Task> task;
  Network<double> net;
  ParamBuffer<double> params;
};

Probe make_probe(const std::string& cell, const std::string& kind, const ParamMap& task_params) {
  auto task = make_task(kind, task_params);
  const TaskInfo& info = task->info();
  Network<double> net(ModelSpec{cell, info.input_kind, info.head, info.input_size, 6, info.output_size, 2});
  ParamBuffer<double> params = net.make_buffer();
  Rng rng(11);
  InitSpec init;
  init.spectral_radius = 1.3;  // large enough that the error does not vanish within the window
  net.init(params, init, rng);
  return {std::move(task), std::move(net), std::move(params)};
}

// ||g~(K) - g|| / ||g|| for every K, straight from the definition.
std::vector<double> naive_bias(const Probe& p, Index T, Index B, uint64_t seed) {
  auto stream = p.task->stream(Split::valid, B, seed);
  StepBlock block;
  stream->next(T, block);
  Tape<double> tape(p.net, T, B);
  tape.append(T);
  load_inputs(tape, 0, block);
  tape.forward(p.params, 0, T);
  Matrix<double> values;
  const Targets<double> y = block_targets(block, values);
  const Index H = p.net.spec().hidden;
  Matrix<double> dh = Matrix<double>::Zero(H, T * B);
  ParamBuffer<double> g_head = p.net.make_buffer();
  for (Index t = 0; t < T; ++t) {
    Index count = 0;
    for (Index b = 0; b < B; ++b) count += block.mask[static_cast<size_t>(t * B + b)];
    if (count == 0) continue;
    View<double> dh_t = view(dh, 0, H, t * B, B);
    const Targets<double> yt =
        y.classes ? Targets<double>(y.classes + t * B) : Targets<double>(sub(y.values, 0, y.values.rows(), t * B, B));
    p.net.head().loss(p.params, tape.top_h(t, 1), yt, block.mask.data() + t * B, 1.0 / static_cast<double>(count),
                      &g_head, &dh_t);
  }
  ParamBuffer<double> g_full = p.net.make_buffer();
  tape.backward(p.params, g_full, 0, T, cview(dh, 0, H, 0, T * B));
  g_full.flat() += g_head.flat();
  std::vector<double> out;
  for (Index K = 1; K <= T; ++K) {
    ParamBuffer<double> g = p.net.make_buffer();
    for (Index t = 0; t < T; ++t) {
      const Index w0 = std::max<Index>(0, t - K + 1), n = t - w0 + 1;
      Matrix<double> d = Matrix<double>::Zero(H, n * B);
      d.rightCols(B) = dh.middleCols(t * B, B);
      tape.backward(p.params, g, w0, n, cview(d, 0, H, 0, n * B));
    }
    g.flat() += g_head.flat();
    out.push_back((g.flat() - g_full.flat()).norm() / g_full.flat().norm());
  }
  return out;
}

}  // namespace

TEST_CASE("the bias profile equals the truncated gradients written out one window at a time", "[bias]") {
  const std::string cell = GENERATE(as<std::string>{}, "rnn", "lstm");
  // A token stream (copy_stream, masks on the echo steps only) and a dense regression stream.
  const bool tokens = GENERATE(true, false);
  CAPTURE(cell, tokens);
  const Probe p = tokens ? make_probe(cell, "copy_stream", {{"lag", int64_t{4}}}) : make_probe(cell, "sine", {});
  const Index T = 15, B = 3;
  const BiasProfile r = truncation_bias(p.net, p.params, *p.task, T, B, 5);
  const std::vector<double> want = naive_bias(p, T, B, 5);
  REQUIRE(r.rel_error.size() == static_cast<size_t>(T));
  CHECK(r.length == T);
  CHECK(r.lanes == B);
  CHECK(r.grad_norm > 0);
  for (Index K = 0; K < T; ++K) {
    CAPTURE(K + 1);
    CHECK(r.rel_error[static_cast<size_t>(K)] == Approx(want[static_cast<size_t>(K)]).margin(1e-13).epsilon(1e-9));
  }
  CHECK(r.rel_error.front() > 1e-3);  // truncation to one step is biased here
  CHECK(r.rel_error.back() < 1e-12);  // a window of T steps is full BPTT
}

TEST_CASE("the bias probe refuses an empty window", "[bias]") {
  const Probe p = make_probe("rnn", "sine", {});
  CHECK_THROWS_WITH(truncation_bias(p.net, p.params, *p.task, 0, 2, 1), Catch::Contains("length >= 1"));
}
