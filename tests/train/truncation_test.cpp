// The truncation schemes (harness/train/truncation.hpp): every scheme and toolkit mapping against
// the naive reference, with the policy's decisions drawn once and given to both; the unbiasedness
// of randomized truncation (ARTBP); the adaptive choice of k2; the policy's own stream.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "harness/train/tbptt_trainer.hpp"
#include "naive_tbptt.hpp"
#include "scripted_stream.hpp"

using namespace tbptt;
using namespace tbptt::test;

namespace {

struct Scheme {
  std::string name;
  TruncationConfig t;
  Index episode = 0;  // aligned episodes of this length (0: a stream with random resets)
};

TruncationConfig kind(TruncationKind k) {
  TruncationConfig t;
  t.kind = k;
  return t;
}

std::vector<Scheme> schemes() {
  std::vector<Scheme> out;
  TruncationConfig t = kind(TruncationKind::fixed);
  t.k1 = 3;
  t.k2 = 5;
  out.push_back({"fixed TBPTT(3, 5)", t});
  t.recompute = true;
  out.push_back({"fixed TBPTT(3, 5) recompute", t});
  t = kind(TruncationKind::variable);
  t.k1 = 4;
  t.p = 0.5;
  t.sd = 1.5;
  t.min = 1;
  t.max = 7;
  out.push_back({"variable k 4 sd 1.5", t});
  t = kind(TruncationKind::randomized);
  t.mean = 3;
  t.max = 6;
  t.loss_reduction = LossReduction::sum;
  out.push_back({"randomized geometric mean 3", t});
  t.distribution = "1 2 3 1";
  out.push_back({"randomized lengths 1..4 weighted 1 2 3 1", t});
  t = kind(TruncationKind::adaptive);
  t.k1 = 3;
  t.min = 1;
  t.max = 6;
  t.every = 2;
  t.delta = 0.2;
  out.push_back({"adaptive k1 3", t});
  t.recompute = true;
  out.push_back({"adaptive k1 3 recompute", t});
  t = kind(TruncationKind::rnnlm);
  t.bptt = 3;
  t.bptt_block = 2;
  out.push_back({"rnnlm -bptt 3 -bptt-block 2", t});
  t = kind(TruncationKind::faster_rnnlm);
  t.bptt = 2;
  t.bptt_skip = 1;
  out.push_back({"faster_rnnlm --bptt 2 --bptt-skip 1", t, 7});
  t = kind(TruncationKind::dl4j);
  t.forward_length = 4;
  t.backward_length = 2;
  out.push_back({"dl4j forward 4 backward 2", t});
  t = kind(TruncationKind::keras);
  t.timesteps = 3;
  out.push_back({"keras stateful timesteps 3", t});
  t = kind(TruncationKind::lightning);
  t.truncated_bptt_steps = 3;
  out.push_back({"lightning truncated_bptt_steps 3", t, 7});
  return out;
}

// A geometric per-lag profile 0.6^k: what the adaptive policy is given in these tests.
std::vector<double> synthetic_profile(Index lags) {
  std::vector<double> phi;
  for (Index k = 0; k <= lags; ++k) phi.push_back(std::pow(0.6, static_cast<double>(k)));
  return phi;
}

struct Outcome {
  double worst = 0;
  std::set<Index> lengths, windows;
  bool weighted = false, scaled = false;
};

// faster-rnnlm's UpdateWeights, written out from its source for a sentence of n steps on dense
// inputs: recurrent matrices / n, input matrices / (n + 1), biases / (n - 1) (0 for n = 1), the
// output layer untouched (it is updated per word, outside this division).
void faster_rnnlm_divide(ParamBuffer<double>& g, Index n) {
  const double steps = static_cast<double>(n);
  for (Index i = 0; i < g.layout().count(); ++i) {
    const std::string& name = g.layout().spec(i).name;
    const auto ends = [&](const std::string& tail) { return name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0; };
    if (name.rfind("out.", 0) == 0) continue;
    g[i] *= ends(".Wh") ? 1 / steps : ends(".Wx") ? 1 / (steps + 1) : (n > 1 ? 1 / (steps - 1) : 0.0);
  }
}

// Trainer and reference side by side over one script, the plans drawn by the trainer's policy.
Outcome run_against_reference(const Scheme& sc, const std::string& cell, Index layers, uint64_t seed) {
  ScriptSpec s;
  s.model = ModelSpec{cell, InputKind::dense, HeadKind::softmax_xent, 3, 4, 3, layers};
  s.lanes = 3;
  s.steps = 21;
  s.seed = seed;
  StepBlock all = make_script(s);
  if (sc.episode > 0)
    for (Index t = 0; t < s.steps; ++t)
      for (Index b = 0; b < s.lanes; ++b) all.reset[static_cast<size_t>(t * s.lanes + b)] = t % sc.episode == 0;
  Network<double> net(s.model);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(seed);
  net.init(p, InitSpec{}, rng);
  p.flat() *= 2.0;
  TrainConfig tc;
  tc.batch = s.lanes;
  tc.tbptt = sc.t;
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.lr = 0.3;
  TbpttTrainer<double> trainer(net, p, tc, sc.episode > 0 ? sc.episode : s.steps, sc.episode > 0, seed);
  trainer.set_lag_profiler(synthetic_profile);
  const TruncationConfig& r = trainer.policy().config();
  NaiveTbptt naive(s.model, 0, 0, r.recompute, r.loss_reduction == LossReduction::mean);
  ScriptedStream stream(all, sc.episode);
  ParamBuffer<double> expected = net.make_buffer();
  Outcome o;
  for (Index t = 0;;) {
    const ChunkPlan plan = trainer.next_plan(stream);
    if (t + plan.steps > s.steps) break;
    StepBlock chunk;
    stream.next(plan.steps, chunk);
    naive.set_params(p);
    const double naive_loss = naive.chunk(chunk, plan.window.is_full() ? 0 : plan.window.steps(), plan.boundary_weight);
    naive.get_grad(expected);
    if (sc.t.kind == TruncationKind::faster_rnnlm) faster_rnnlm_divide(expected, plan.steps);
    const Vector<double> before = p.flat();
    UpdateStats st = trainer.compute_gradient(chunk);
    INFO(sc.name << " " << cell << " L=" << layers << " seed " << seed << " chunk at " << t << " of "
                 << plan.steps << " steps, window " << plan.window.text());
    REQUIRE(st.loss == Approx(naive_loss).epsilon(1e-12).margin(1e-14));
    const double scale = std::max(1e-300, expected.flat().cwiseAbs().maxCoeff());
    const double err = (trainer.grad().flat() - expected.flat()).cwiseAbs().maxCoeff() / scale;
    CHECK(err <= 1e-10);
    o.worst = std::max(o.worst, err);
    const Vector<double> g = trainer.grad().flat();
    trainer.apply(st, tc.optimizer.lr);
    // Plain SGD: the step is the learning rate times the plan's scale times the gradient.
    if (!st.skipped)
      CHECK((p.flat() - (before - tc.optimizer.lr * plan.lr_scale * g)).cwiseAbs().maxCoeff() <= 1e-12);
    o.lengths.insert(plan.steps);
    o.windows.insert(st.window_steps);
    for (double w : plan.boundary_weight) o.weighted = o.weighted || w != 1.0;
    o.scaled = o.scaled || plan.lr_scale != 1.0;
    t += plan.steps;
  }
  return o;
}

}  // namespace

TEST_CASE("every truncation scheme equals the naive reference for every cell and depth", "[truncation][reference]") {
  double worst = 0;
  int cases = 0;
  for (const Scheme& sc : schemes()) {
    Outcome all;
    for (const std::string& cell : scheme_init_cell_names())  // standard Wx, Wh, b cells
      for (Index layers : {1, 2}) {
        const Outcome o = run_against_reference(sc, cell, layers, 11 + static_cast<uint64_t>(cases));
        all.worst = std::max(all.worst, o.worst);
        all.lengths.insert(o.lengths.begin(), o.lengths.end());
        all.windows.insert(o.windows.begin(), o.windows.end());
        all.weighted = all.weighted || o.weighted;
        all.scaled = all.scaled || o.scaled;
        ++cases;
      }
    INFO(sc.name);
    // The cases exercise what makes each scheme: drawn lengths, weights, a scaled learning rate.
    if (sc.t.kind == TruncationKind::variable) {
      CHECK(all.lengths.size() >= 3);
      CHECK(all.scaled);
    }
    if (sc.t.kind == TruncationKind::randomized) {
      CHECK(all.lengths.size() >= 3);
      CHECK(all.weighted);
    }
    if (sc.t.kind == TruncationKind::faster_rnnlm) CHECK(all.weighted);
    worst = std::max(worst, all.worst);
  }
  WARN("truncation schemes vs the naive reference: " << cases << " cases, worst relative gradient error " << worst);
}

TEST_CASE("the other toolkits' flags map to the documented TBPTT settings", "[truncation][toolkits]") {
  auto resolved = [](TruncationConfig t, Index episode = 0) {
    return TruncationPolicy(t, episode, episode > 0, 1).config();
  };
  TruncationConfig t = kind(TruncationKind::rnnlm);
  t.bptt = 3;
  t.bptt_block = 2;
  CHECK(resolved(t).k1 == 2);      // one pass every bptt_block words
  CHECK(resolved(t).k2 == 3);      // through bptt + bptt_block - 2 stored steps
  t.bptt = 4;
  t.bptt_block = 10;
  CHECK(resolved(t).k1 == 10);
  CHECK(resolved(t).k2 == 12);
  t.bptt = 1;                      // -bptt 1: plain one-step backpropagation at every word
  CHECK(resolved(t).k1 == 1);
  CHECK(resolved(t).k2 == 1);
  t = kind(TruncationKind::dl4j);
  t.forward_length = 4;
  t.backward_length = 2;
  CHECK(resolved(t).k1 == 4);
  CHECK(resolved(t).k2 == 2);
  t.backward_length = 9;           // a segment cannot reach back beyond its own start
  CHECK(resolved(t).k2 == 4);
  t = kind(TruncationKind::keras);
  t.timesteps = 6;
  CHECK(resolved(t).k1 == 6);
  CHECK(resolved(t).k2 == 6);
  t = kind(TruncationKind::lightning);
  t.truncated_bptt_steps = 3;
  TruncationPolicy light(t, 7, true, 1);
  CHECK(light.next(7).steps == 3);  // a batch of 7 steps is split 3, 3, 1
  CHECK(light.next(4).steps == 3);
  CHECK(light.next(1).steps == 1);
  // faster_rnnlm: one update per sentence; going back, bptt boundaries pass, bptt_skip block.
  t = kind(TruncationKind::faster_rnnlm);
  t.bptt = 2;
  t.bptt_skip = 1;
  TruncationPolicy fr(t, 10, true, 5);
  CHECK(resolved(t, 10).k1.is_full());
  for (int i = 0; i < 20; ++i) {
    const ChunkPlan plan = fr.next(10);
    REQUIRE(plan.steps == 10);
    REQUIRE(plan.boundary_weight.size() == 10);
    for (Index s = 1; s + 2 < 10; ++s) {  // any 3 consecutive boundaries: 2 pass, 1 blocks
      const double open = plan.boundary_weight[static_cast<size_t>(s)] + plan.boundary_weight[static_cast<size_t>(s + 1)] +
                          plan.boundary_weight[static_cast<size_t>(s + 2)];
      CHECK(open == 2.0);
    }
  }
  t.bptt = 0;  // --bptt 0: back-propagate through the entire sentence
  CHECK(TruncationPolicy(t, 10, true, 5).next(10).boundary_weight.empty());
  t = kind(TruncationKind::dl4j);
  CHECK_THROWS_WITH(resolved(t), Catch::Contains("forward_length"));
}

TEST_CASE("randomized truncation is unbiased for the full-BPTT gradient; TBPTT(k, k) is not", "[truncation][unbiased]") {
  // One aligned episode of P steps on a small RNN: the full gradient of the summed losses, the
  // mean of N randomized estimates (ARTBP, geometric, mean 4, never cut before the episode end),
  // and TBPTT(4, 4).
  const Index P = 12, lanes = 2;
  ScriptSpec s;
  s.model = ModelSpec{"rnn", InputKind::dense, HeadKind::softmax_xent, 2, 3, 2, 1};
  s.lanes = lanes;
  s.steps = P;
  s.mask_p = 1;
  s.reset_p = 0;
  s.seed = 5;
  const StepBlock all = make_script(s);
  Network<double> net(s.model);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(3);
  net.init(p, InitSpec{}, rng);
  p.flat() *= 3.0;  // enough recurrence that long lags matter
  auto estimate = [&](const TruncationConfig& t, uint64_t seed) {
    TrainConfig tc;
    tc.batch = lanes;
    tc.tbptt = t;
    tc.tbptt.loss_reduction = LossReduction::sum;
    TbpttTrainer<double> trainer(net, p, tc, P, true, seed);
    ScriptedStream stream(all, P);
    Vector<double> sum = Vector<double>::Zero(p.flat().size());
    for (Index done = 0; done < P;) {
      const Index n = trainer.next_chunk_length(stream);
      StepBlock chunk;
      stream.next(n, chunk);
      trainer.compute_gradient(chunk);  // parameters frozen: no apply()
      sum += trainer.grad().flat();
      done += n;
    }
    return sum;
  };
  TruncationConfig full;  // fixed, full, full
  const Vector<double> g = estimate(full, 0);
  TruncationConfig art = kind(TruncationKind::randomized);
  art.mean = 4;
  art.max = P;
  TruncationConfig tb;
  tb.k1 = 4;
  tb.k2 = 4;
  const double bias = (estimate(tb, 0) - g).norm() / g.norm();
  // The root-mean-square error of the mean of N estimates over R independent replicates (one
  // replicate's error fluctuates: rare long chunks carry large weights).
  const std::vector<int> checkpoints = {16, 64, 256, 1024};
  const int R = 8;
  std::vector<double> sq(checkpoints.size(), 0.0);
  for (int r = 0; r < R; ++r) {
    Vector<double> mean = Vector<double>::Zero(g.size());
    size_t next = 0;
    for (int n = 1; n <= checkpoints.back(); ++n) {
      mean += (estimate(art, mix_seed(77 + static_cast<uint64_t>(r), static_cast<uint64_t>(n))) - mean) / static_cast<double>(n);
      if (n == checkpoints[next]) {
        const double e = (mean - g).norm() / g.norm();
        sq[next++] += e * e / R;
      }
    }
  }
  std::vector<double> rms;
  std::string line;
  for (size_t i = 0; i < sq.size(); ++i) {
    rms.push_back(std::sqrt(sq[i]));
    line += " N=" + std::to_string(checkpoints[i]) + ": " + std::to_string(rms[i]) + ",";
  }
  WARN("ARTBP: RMS relative error of the mean of N estimates (" << R << " replicates) to full BPTT:" << line
                                                                  << " TBPTT(4, 4): " << bias);
  // 1/sqrt(N): each 4-fold increase of N halves the error; sqrt(N) * error stays about constant.
  for (size_t i = 1; i < rms.size(); ++i) {
    CHECK(rms[i] < rms[i - 1] / 1.5);
    const double ratio = rms[i] * std::sqrt(static_cast<double>(checkpoints[i])) /
                         (rms[0] * std::sqrt(static_cast<double>(checkpoints[0])));
    CHECK(ratio > 0.5);
    CHECK(ratio < 2.0);
  }
  // The same mean length without reweighting stays biased, far above the randomized mean's error.
  CHECK(bias > 10 * rms.back());
}

TEST_CASE("adaptive truncation picks the smallest k2 whose estimated relative bias is below delta", "[truncation][adaptive]") {
  TruncationConfig t = kind(TruncationKind::adaptive);
  t.k1 = 5;
  t.min = 1;
  t.max = 20;
  t.delta = 0.1;
  TruncationPolicy a(t, 0, false, 1);
  CHECK(a.current_k2() == 20);  // before any estimate: the longest window allowed
  CHECK(a.tape_capacity() == 20);
  std::vector<double> phi;
  for (int k = 0; k <= 20; ++k) phi.push_back(std::pow(0.5, k));
  a.observe_lag_profile(phi);
  CHECK(a.decay_estimate() == Approx(0.5).epsilon(1e-12));
  // The mass beyond lag K is 0.5^K of the whole: 0.125 at K = 3, 0.0625 at K = 4.
  CHECK(a.current_k2() == 4);
  CHECK(a.next(0).window == 4);
  t.delta = 0.01;
  TruncationPolicy b(t, 0, false, 1);
  b.observe_lag_profile(phi);
  CHECK(b.current_k2() == 7);  // 0.5^7 = 0.0078
  t.max = 5;
  TruncationPolicy c(t, 0, false, 1);
  c.observe_lag_profile(phi);
  CHECK(c.current_k2() == 5);  // none within [min, max] is good enough: max
}

TEST_CASE("a policy's draws come from its own stream: same seed, same plans", "[truncation][determinism]") {
  for (const Scheme& sc : schemes()) {
    TruncationPolicy a(sc.t, 50, true, 9), b(sc.t, 50, true, 9), c(sc.t, 50, true, 10);
    bool differs = false;
    for (int i = 0; i < 30; ++i) {
      const ChunkPlan pa = a.next(50), pb = b.next(50), pc = c.next(50);
      CHECK(pa.steps == pb.steps);
      CHECK(pa.window == pb.window);
      CHECK(pa.boundary_weight == pb.boundary_weight);
      CHECK(pa.lr_scale == pb.lr_scale);
      CHECK(pa.steps <= a.tape_capacity());
      differs = differs || pa.steps != pc.steps || pa.boundary_weight != pc.boundary_weight;
    }
    INFO(sc.name);
    CHECK(differs == a.random());
  }
}

namespace {

// One rnnlm-style chunk update with and without the per-step output update (ChunkPlan::
// online_head), from the same parameters: the trainer of kind rnnlm, and a fixed TBPTT(k1, k2)
// trainer with the same windows and summed losses (the chunk-level head update).
struct OnlineCase {
  Vector<double> online_params, batch_params, online_grad, batch_grad;
  std::vector<Index> head;  // head tensor indices
  ParamBuffer<double> before;
};

OnlineCase online_vs_batch(double lr) {
  ScriptSpec s;
  s.model = ModelSpec{"rnn", InputKind::dense, HeadKind::softmax_xent, 3, 4, 3, 1};
  s.lanes = 2;
  s.steps = 4;
  s.mask_p = 1;
  s.reset_p = 0;
  s.seed = 21;
  const StepBlock all = make_script(s);
  Network<double> net(s.model);
  OnlineCase c{{}, {}, {}, {}, {}, net.make_buffer()};
  Rng rng(4);
  net.init(c.before, InitSpec{}, rng);
  c.before.flat() *= 2.0;
  for (Index i = 0; i < c.before.layout().count(); ++i)
    if (c.before.layout().spec(i).name.rfind("out.", 0) == 0) c.head.push_back(i);
  auto run = [&](const TruncationConfig& t, Vector<double>& params_after, Vector<double>& grad) {
    ParamBuffer<double> p = c.before;
    TrainConfig tc;
    tc.batch = s.lanes;
    tc.tbptt = t;
    tc.optimizer.kind = OptimizerKind::sgd;
    tc.optimizer.lr = lr;
    TbpttTrainer<double> trainer(net, p, tc, 0, false, 1);
    ScriptedStream stream(all, 0);
    StepBlock chunk;
    stream.next(trainer.next_chunk_length(stream), chunk);
    UpdateStats st = trainer.compute_gradient(chunk, lr);
    grad = trainer.grad().flat();
    trainer.apply(st, lr);
    params_after = p.flat();
  };
  TruncationConfig rnnlm;
  rnnlm.kind = TruncationKind::rnnlm;
  rnnlm.bptt = 2;
  rnnlm.bptt_block = 4;  // one chunk of 4 steps, window 4
  TruncationConfig fixed;
  fixed.k1 = 4;
  fixed.k2 = 4;
  fixed.loss_reduction = LossReduction::sum;
  run(rnnlm, c.online_params, c.online_grad);
  run(fixed, c.batch_params, c.batch_grad);
  return c;
}

}  // namespace

TEST_CASE("rnnlm and faster_rnnlm update the output layer after every step, as learnNet does", "[truncation][toolkits]") {
  // The exact replay of the per-step updates is PyTorch's (scripts/crosscheck_pytorch.py on the
  // rnnlm and faster_rnnlm traces); here, what must hold whatever the arithmetic.
  const OnlineCase big = online_vs_batch(0.5);
  // The head's own steps were taken inside compute_gradient: its gradient never reaches the
  // optimizer, and the recurrent weights take one SGD step with the gradient shown.
  for (Index i : big.head) {
    const auto& sp = big.before.layout().spec(i);
    CHECK(big.online_grad.segment(sp.offset, sp.size()).cwiseAbs().maxCoeff() == 0.0);
    CHECK((big.online_params.segment(sp.offset, sp.size()) - big.before.flat().segment(sp.offset, sp.size()))
              .cwiseAbs()
              .maxCoeff() > 1e-3);
  }
  // Updating the head step by step is not the chunk's summed step: the two differ at O(lr^2) in
  // the head and O(lr) in the recurrent gradient (later steps see an updated head) ...
  const double d_big = (big.online_params - big.batch_params).cwiseAbs().maxCoeff();
  CHECK(d_big > 1e-4);
  // ... and agree as lr -> 0: ten times smaller a rate, about a hundred times closer parameters.
  const OnlineCase small = online_vs_batch(0.05);
  const double d_small = (small.online_params - small.batch_params).cwiseAbs().maxCoeff();
  CHECK(d_small < d_big / 30);
  CHECK(d_small > 0);
}

TEST_CASE("rnnlm and faster_rnnlm refuse an optimizer their per-step output update cannot follow", "[truncation][toolkits]") {
  ModelSpec m{"rnn", InputKind::dense, HeadKind::softmax_xent, 3, 4, 3, 1};
  Network<double> net(m);
  ParamBuffer<double> p = net.make_buffer();
  TrainConfig tc;
  tc.tbptt.kind = TruncationKind::rnnlm;
  tc.tbptt.bptt = 3;
  tc.optimizer.kind = OptimizerKind::adam;
  CHECK_THROWS_WITH((TbpttTrainer<double>(net, p, tc, 0, false, 1)), Catch::Contains("optimizer sgd"));
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.momentum = 0.9;
  CHECK_THROWS_WITH((TbpttTrainer<double>(net, p, tc, 0, false, 1)), Catch::Contains("without momentum"));
  tc.optimizer.momentum = 0;
  CHECK_NOTHROW(TbpttTrainer<double>(net, p, tc, 0, false, 1));
}
