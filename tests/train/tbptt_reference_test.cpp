// The trainer against the naive reference (naive_tbptt.hpp), and TBPTT(full, full) against plain
// unrolled BPTT, bit for bit.
#include <catch2/catch.hpp>

#include "harness/train/tbptt_trainer.hpp"
#include "naive_tbptt.hpp"
#include "scripted_stream.hpp"

using namespace tbptt;
using namespace tbptt::test;

namespace {

struct Case {
  std::string cell;
  Index layers;
  Index k1, k2;  // 0: full
  bool recompute;
  InputKind input = InputKind::dense;
  HeadKind head = HeadKind::softmax_xent;
  bool mean = true;
};

std::string describe(const Case& c) {
  auto k = [](Index v) { return v ? std::to_string(v) : std::string("full"); };
  return c.cell + " L=" + std::to_string(c.layers) + " TBPTT(" + k(c.k1) + ", " + k(c.k2) +
         ")" + (c.recompute ? " recompute" : " stored") + " " + to_string(c.input) + " " + to_string(c.head) +
         (c.mean ? " mean" : " sum");
}

double max_abs(const Vector<double>& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }
Window win(Index k) { return k ? Window(k) : Window::full(); }  // the cases write full as 0

// Runs the trainer and the reference side by side over one script; returns the worst relative
// gradient error over all updates (and checks the losses).
double worst_error(const Case& c, uint64_t seed) {
  ScriptSpec s;
  s.model = ModelSpec{c.cell, c.input, c.head, 3, 4, 3, c.layers};
  s.lanes = 3;
  s.steps = 17;  // 17 = 5 chunks of 3 and a final chunk of 2 for k1 = 3
  s.seed = seed;
  const StepBlock all = make_script(s);
  Network<double> net(s.model);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(seed);
  net.init(p, InitSpec{}, rng);
  p.flat() *= 2.0;  // weights in about +-1, so that the states are far from linear
  TrainConfig tc;
  tc.batch = s.lanes;
  tc.tbptt = {win(c.k1), win(c.k2), c.recompute, c.mean ? LossReduction::mean : LossReduction::sum};
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.lr = 0.3;
  TbpttTrainer<double> trainer(net, p, tc, s.steps, false);
  NaiveTbptt naive(s.model, c.k1, c.k2, c.recompute, c.mean);
  ParamBuffer<double> expected = net.make_buffer();
  const Index k1 = c.k1 ? c.k1 : s.steps;
  double worst = 0;
  for (Index t0 = 0; t0 < s.steps; t0 += k1) {
    const StepBlock chunk = slice_steps(all, t0, std::min(k1, s.steps - t0));
    naive.set_params(p);
    const double naive_loss = naive.chunk(chunk);
    naive.get_grad(expected);
    UpdateStats st = trainer.compute_gradient(chunk);
    INFO(describe(c) << " seed " << seed << " chunk at " << t0);
    REQUIRE(st.loss == Approx(naive_loss).epsilon(1e-12).margin(1e-14));
    const double scale = std::max(1e-300, max_abs(expected.flat()));
    const double err = (trainer.grad().flat() - expected.flat()).cwiseAbs().maxCoeff() / scale;
    if (err > 1e-10) {
      for (Index i = 0; i < p.layout().count(); ++i) {
        const double e = (trainer.grad()[i] - expected[i]).cwiseAbs().maxCoeff();
        UNSCOPED_INFO(p.layout().spec(i).name << ": max |trainer - reference| = " << e);
      }
    }
    CHECK(err <= 1e-10);
    worst = std::max(worst, err);
    trainer.apply(st, tc.optimizer.lr);
  }
  return worst;
}

}  // namespace

TEST_CASE("TBPTT(k1, k2) equals the naive reference for every cell, depth and window", "[tbptt][reference]") {
  const std::vector<std::pair<Index, Index>> windows = {{3, 2}, {3, 3}, {3, 5}, {3, 7}, {2, 5}, {4, 1}, {1, 1}, {1, 4}, {3, 0}, {0, 0}, {0, 4}};
  double worst = 0;
  int cases = 0;
  for (const std::string& cell : scheme_init_cell_names())  // standard Wx, Wh, b cells
    for (Index layers : {1, 2})
      for (auto [k1, k2] : windows)
        for (bool recompute : {false, true}) {
          worst = std::max(worst, worst_error({cell, layers, k1, k2, recompute}, 7 + cases));
          ++cases;
        }
  WARN("naive reference: " << cases << " cases, worst relative gradient error " << worst);
}

TEST_CASE("TBPTT reference also holds for token inputs, the mse head and summed losses", "[tbptt][reference]") {
  for (const std::string& cell : scheme_init_cell_names())  // standard Wx, Wh, b cells
    for (bool recompute : {false, true}) {
      worst_error({cell, 2, 3, 5, recompute, InputKind::tokens, HeadKind::softmax_xent, true}, 101);
      worst_error({cell, 1, 3, 7, recompute, InputKind::dense, HeadKind::mse, false}, 102);
      worst_error({cell, 2, 4, 2, recompute, InputKind::tokens, HeadKind::mse, true}, 103);
    }
}

TEST_CASE("TBPTT(full, full) is plain unrolled BPTT, bit for bit", "[tbptt][exact]") {
  for (const std::string& cell : scheme_init_cell_names())  // standard Wx, Wh, b cells
    for (Index layers : {1, 2}) {
      INFO(cell << " layers " << layers);
      const Index T = 6, episodes = 3;
      ScriptSpec s;
      s.model = ModelSpec{cell, InputKind::dense, HeadKind::softmax_xent, 3, 5, 4, layers};
      s.lanes = 4;
      s.steps = T * episodes;
      s.reset_p = 0;
      StepBlock all = make_script(s);
      for (Index t = 0; t < s.steps; ++t)
        for (Index b = 0; b < s.lanes; ++b) all.reset[static_cast<size_t>(t * s.lanes + b)] = t % T == 0;
      Network<float> net(s.model);
      ParamBuffer<float> p = net.make_buffer();
      Rng rng(3);
      net.init(p, InitSpec{}, rng);
      TrainConfig tc;
      tc.batch = s.lanes;
      tc.tbptt = {Window::full(), Window::full(), false, LossReduction::mean};
      tc.optimizer.kind = OptimizerKind::adam;
      TbpttTrainer<float> trainer(net, p, tc, T, true);
      ScriptedStream stream(all, T);
      for (Index e = 0; e < episodes; ++e) {
        // The reference: one forward and one backward over the whole episode, from a zero state.
        const StepBlock ep = slice_steps(all, e * T, T);
        Tape<float> tape(net, T, s.lanes);
        tape.append(T);
        load_inputs(tape, 0, ep);
        tape.forward(p, 0, T);
        Index count = 0;
        for (uint8_t m : ep.mask) count += m;
        ParamBuffer<float> g = net.make_buffer();
        Matrix<float> dh(s.model.hidden, T * s.lanes), values;
        View<float> dhv = view(dh, 0, dh.rows(), 0, dh.cols());
        const float loss = net.head().loss(p, tape.top_h(0, T), block_targets(ep, values), ep.mask.data(),
                                           1.0f / static_cast<float>(count), &g, &dhv);
        tape.backward(p, g, 0, T, cview(dh, 0, dh.rows(), 0, dh.cols()));

        REQUIRE(trainer.next_chunk_length(stream) == T);
        StepBlock chunk;
        stream.next(T, chunk);
        UpdateStats st = trainer.compute_gradient(chunk);
        CHECK(st.loss == static_cast<double>(loss * (1.0f / static_cast<float>(count))));
        CHECK(st.steps == T);
        CHECK((trainer.grad().flat().array() == g.flat().array()).all());
        trainer.apply(st, 1e-2);
      }
    }
}

TEST_CASE("the tape holds max(k1, k2) steps whatever the stream length", "[tbptt][memory]") {
  ScriptSpec s;
  s.model = ModelSpec{"lstm", InputKind::tokens, HeadKind::softmax_xent, 5, 8, 5, 2};
  s.lanes = 2;
  s.steps = 400;
  const StepBlock all = make_script(s);
  for (auto [k1, k2] : std::vector<std::pair<Index, Index>>{{4, 10}, {10, 4}, {7, 7}}) {
    Network<float> net(s.model);
    ParamBuffer<float> p = net.make_buffer();
    TrainConfig tc;
    tc.batch = s.lanes;
    tc.tbptt = {k1, k2, false, LossReduction::mean};
    TbpttTrainer<float> trainer(net, p, tc, 0, false);
    CHECK(trainer.tape().capacity() == std::max(k1, k2));
    const size_t bytes = trainer.tape().bytes();
    ScriptedStream stream(all, 0);
    for (int u = 0; u < 380 / k1; ++u) {
      trainer.update(stream, 0.01);
      CHECK(trainer.tape().size() <= std::max(k1, k2));
    }
    CHECK(trainer.tape().bytes() == bytes);
  }
}

TEST_CASE("a chunk without any target makes no update", "[tbptt]") {
  ScriptSpec s;
  s.model = ModelSpec{"gru", InputKind::dense, HeadKind::mse, 2, 3, 1, 1};
  s.lanes = 2;
  s.steps = 4;
  s.mask_p = 0;
  const StepBlock all = make_script(s);
  Network<double> net(s.model);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(1);
  net.init(p, InitSpec{}, rng);
  const Vector<double> before = p.flat();
  TrainConfig tc;
  tc.batch = 2;
  tc.tbptt = {4, 4, false, LossReduction::mean};
  TbpttTrainer<double> trainer(net, p, tc, 0, false);
  UpdateStats st = trainer.compute_gradient(all);
  trainer.apply(st, 0.1);
  CHECK(st.skipped);
  CHECK(st.count == 0);
  CHECK(st.loss == 0);
  CHECK((p.flat().array() == before.array()).all());
}
