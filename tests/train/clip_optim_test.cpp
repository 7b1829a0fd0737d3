// Clipping, optimizers and schedules against values computed by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "harness/train/clip.hpp"
#include "harness/train/optimizer.hpp"
#include "harness/train/schedule.hpp"

using namespace tbptt;

namespace {

// Two tensors: "a" (2x1) and "b" (1), so that per-matrix clipping differs from global clipping.
ParamBuffer<double> buffer(std::initializer_list<double> values) {
  auto layout = std::make_shared<ParamLayout>();
  layout->add_matrix("a", 2, 1);
  layout->add_vector("b", 1);
  ParamBuffer<double> p(layout);
  Index i = 0;
  for (double v : values) p.flat()(i++) = v;
  return p;
}

}  // namespace

TEST_CASE("global_norm scales the whole gradient to the threshold and reports the norm before", "[clip]") {
  auto g = buffer({3, 4, 12});  // norm 13
  const ClipResult r = clip_gradient(g, {ClipKind::global_norm, 6.5});
  CHECK(r.norm == 13);
  CHECK(r.clipped);
  CHECK(g.flat()(0) == Approx(1.5));
  CHECK(g.flat()(1) == Approx(2.0));
  CHECK(g.flat()(2) == Approx(6.0));
  auto small = buffer({3, 4, 12});
  CHECK_FALSE(clip_gradient(small, {ClipKind::global_norm, 20}).clipped);
  CHECK(small.flat()(2) == 12);
}

TEST_CASE("matrix_norm clips each tensor on its own", "[clip]") {
  auto g = buffer({3, 4, 12});  // ||a|| = 5, ||b|| = 12
  const ClipResult r = clip_gradient(g, {ClipKind::matrix_norm, 6});
  CHECK(r.norm == 13);
  CHECK(r.clipped);
  CHECK(g.flat()(0) == 3);  // a untouched: 5 <= 6
  CHECK(g.flat()(1) == 4);
  CHECK(g.flat()(2) == Approx(6));
}

TEST_CASE("value clipping clamps elements", "[clip]") {
  auto g = buffer({-3, 0.5, 12});
  const ClipResult r = clip_gradient(g, {ClipKind::value, 1});
  CHECK(r.clipped);
  CHECK(g.flat()(0) == -1);
  CHECK(g.flat()(1) == 0.5);
  CHECK(g.flat()(2) == 1);
  auto none = buffer({-3, 0.5, 12});
  CHECK_FALSE(clip_gradient(none, {ClipKind::none, 1}).clipped);
  CHECK(none.flat()(0) == -3);
}

TEST_CASE("SGD with momentum, Nesterov and weight decay follows torch.optim.SGD", "[optim]") {
  OptimizerConfig c;
  c.kind = OptimizerKind::sgd;
  c.lr = 0.1;
  c.momentum = 0.9;
  c.weight_decay = 0.5;
  auto p = buffer({1, 2, 3});
  auto g = buffer({1, 1, 1});
  Optimizer<double> opt(c, 3);
  opt.step(p, g, c.lr);
  // d = 1 + 0.5 * 1 = 1.5; buf = 1.5; p = 1 - 0.1 * 1.5
  CHECK(p.flat()(0) == Approx(0.85));
  opt.step(p, g, c.lr);
  // d = 1 + 0.5 * 0.85 = 1.425; buf = 0.9 * 1.5 + 1.425 = 2.775; p = 0.85 - 0.2775
  CHECK(p.flat()(0) == Approx(0.5725));

  c.nesterov = true;
  c.weight_decay = 0;
  auto q = buffer({1, 2, 3});
  Optimizer<double> nes(c, 3);
  nes.step(q, g, c.lr);  // buf = 1; d = 1 + 0.9 * 1 = 1.9
  CHECK(q.flat()(0) == Approx(1 - 0.19));
  nes.step(q, g, c.lr);  // buf = 1.9; d = 1 + 0.9 * 1.9 = 2.71
  CHECK(q.flat()(0) == Approx(1 - 0.19 - 0.271));
}

TEST_CASE("Adam follows torch.optim.Adam, bias corrections included", "[optim]") {
  OptimizerConfig c;
  c.kind = OptimizerKind::adam;
  c.lr = 0.01;
  auto p = buffer({1, 2, 3});
  auto g = buffer({0.5, -2, 0});
  Optimizer<double> opt(c, 3);
  opt.step(p, g, c.lr);
  // Step 1: m_hat = g, v_hat = g^2, so p -= lr * g / (|g| + eps).
  CHECK(p.flat()(0) == Approx(1 - 0.01 * 0.5 / (0.5 + 1e-8)));
  CHECK(p.flat()(1) == Approx(2 + 0.01 * 2 / (2 + 1e-8)));
  CHECK(p.flat()(2) == 3);
  auto g2 = buffer({1.5, -2, 0});
  opt.step(p, g2, c.lr);
  // Step 2 for the first entry: m = 0.1*0.5*0.9 + 0.1*1.5 = 0.195, v = 0.999*0.001*0.25 + 0.001*2.25
  const double m = 0.9 * 0.05 + 0.1 * 1.5, v = 0.999 * 0.00025 + 0.001 * 2.25;
  const double expected = 1 - 0.01 * 0.5 / (0.5 + 1e-8) - 0.01 / (1 - 0.81) * m / (std::sqrt(v) / std::sqrt(1 - 0.998001) + 1e-8);
  CHECK(p.flat()(0) == Approx(expected).epsilon(1e-12));
}

TEST_CASE("RMSprop follows torch.optim.RMSprop", "[optim]") {
  OptimizerConfig c;
  c.kind = OptimizerKind::rmsprop;
  c.lr = 0.01;
  c.alpha = 0.99;
  auto p = buffer({1, 2, 3});
  auto g = buffer({2, 0, -1});
  Optimizer<double> opt(c, 3);
  opt.step(p, g, c.lr);
  // s = 0.01 * 4 = 0.04, p -= 0.01 * 2 / (0.2 + eps)
  CHECK(p.flat()(0) == Approx(1 - 0.01 * 2 / (0.2 + 1e-8)));
  CHECK(p.flat()(1) == 2);
  CHECK(p.flat()(2) == Approx(3 + 0.01 * 1 / (0.1 + 1e-8)));
}

TEST_CASE("learning-rate schedules", "[schedule]") {
  ScheduleConfig s;
  s.kind = ScheduleKind::step;
  s.step_every = 10;
  s.gamma = 0.5;
  LrSchedule step(s, 1.0, 100);
  CHECK(step.lr(0) == 1.0);
  CHECK(step.lr(9) == 1.0);
  CHECK(step.lr(10) == 0.5);
  CHECK(step.lr(25) == 0.25);

  s.kind = ScheduleKind::cosine;
  s.min_lr = 0.1;
  LrSchedule cosine(s, 1.0, 100);
  CHECK(cosine.lr(0) == Approx(1.0));
  CHECK(cosine.lr(50) == Approx(0.55));
  CHECK(cosine.lr(100) == Approx(0.1));

  s.kind = ScheduleKind::plateau;
  s.patience = 1;
  s.threshold = 0.01;
  LrSchedule plateau(s, 1.0, 100);
  plateau.on_validation(2.0);
  CHECK(plateau.lr(5) == 1.0);
  plateau.on_validation(1.5);  // improved
  CHECK(plateau.lr(5) == 1.0);
  plateau.on_validation(1.499);  // less than 1% better: halve
  CHECK(plateau.lr(5) == 0.5);
  plateau.on_validation(1.0);
  CHECK(plateau.lr(5) == 0.5);
}
