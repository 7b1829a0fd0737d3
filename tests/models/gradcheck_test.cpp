// Analytic gradients of every cell, stack depth, head and input kind against central differences in
// double: parameters, the entering state (h, and c for the LSTM), dense inputs, with a nonzero
// gradient arriving at the final state, with and without resets inside the window.
#include "models/gradcheck.hpp"

namespace tbptt::test {
namespace {

// Resets at a few (step, lane) entries, one of them at step 0 (so that lane's entering state gets
// no gradient), and one masked-out column.
ProblemSpec with_resets(ProblemSpec s) {
  s.resets = {{0, 1}, {2, 0}, {3, 1}};
  s.masked = {{1, 0}};
  return s;
}

}  // namespace

TEST_CASE("full-window gradients of every cell match central differences", "[gradcheck]") {
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.layers = GENERATE(1, 2);
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.input = GENERATE(InputKind::dense, InputKind::tokens);
  const bool resets = GENERATE(false, true);
  if (resets) s = with_resets(s);
  require_window_gradients(s, 0);
}

TEST_CASE("gradients with non-square shapes match central differences", "[gradcheck]") {
  // I, H, O, B all different, so that a transposed or mis-strided block cannot pass by accident.
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.input = GENERATE(InputKind::dense, InputKind::tokens);
  s.layers = 2;
  s.I = 5;
  s.H = 3;
  s.O = 2;
  s.B = 3;
  s.T = 4;
  s.head = HeadKind::mse;
  s.seed = 7;
  s.resets = {{1, 2}, {3, 0}};
  require_window_gradients(s, 0);
}

TEST_CASE("a sub-window backward matches central differences of the truncated loss", "[gradcheck]") {
  // Backward over stored steps [2, 5) with the state entering step 2 held constant: the loss of
  // that window is recomputed by Tape::forward from the stored block 2.
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.layers = GENERATE(1, 2);
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.input = GENERATE(InputKind::dense, InputKind::tokens);
  const bool resets = GENERATE(false, true);
  if (resets) {
    s.resets = {{2, 0}, {1, 1}, {4, 1}};  // one at the window's first step, one before the window
    s.masked = {{3, 1}};
  }
  s.seed = 3;
  require_window_gradients(s, 2);
}

TEST_CASE("a lane that resets at the first step gets no entering-state gradient", "[gradcheck]") {
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.layers = 2;
  s.resets = {{0, 1}};
  GradProblem prob(s);
  const Gradients g = prob.analytic(0);
  for (Index l = 0; l < s.layers; ++l) {
    const auto& d = g.dstate[static_cast<size_t>(l)];
    CAPTURE(l);
    CHECK(d.col(1).isZero(0.0));
    CHECK(d.col(0).cwiseAbs().maxCoeff() > 1e-6);  // the other lane still receives gradient
  }
}

TEST_CASE("tape backward accumulates parameter gradients and overwrites dx", "[gradcheck]") {
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.layers = 2;
  GradProblem prob(s);
  prob.analytic(0);  // runs the window forward
  Tape<double>& tape = prob.tape();
  const Index n = s.T * s.B;
  Matrix<double> dh(s.H, n);
  View<double> dhv = view(dh, 0, s.H, 0, n);
  ParamBuffer<double> head_g = prob.net().make_buffer();
  prob.net().head().loss(prob.params(), tape.top_h(0, s.T), prob.targets(0), prob.mask().data(), 1.0, &head_g,
                         &dhv);
  const ConstView<double> dhc = cview(dh, 0, s.H, 0, n);
  Matrix<double> dx = Matrix<double>::Constant(s.I, n, -7.0);
  View<double> dxv = view(dx, 0, s.I, 0, n);
  ParamBuffer<double> once = prob.net().make_buffer();
  tape.backward(prob.params(), once, 0, s.T, dhc, nullptr, nullptr, &dxv);
  const Matrix<double> dx_once = dx;
  ParamBuffer<double> twice = once;
  tape.backward(prob.params(), twice, 0, s.T, dhc, nullptr, nullptr, &dxv);
  const double scale = once.flat().cwiseAbs().maxCoeff();
  CHECK(scale > 0);
  CHECK((twice.flat() - 2.0 * once.flat()).cwiseAbs().maxCoeff() <= 1e-12 * scale);
  CHECK((dx_once.array() != -7.0).all());
  CHECK(dx == dx_once);  // overwritten, not accumulated
}

TEST_CASE("windows longer than one backward block match central differences", "[gradcheck]") {
  // Backward folds the gate gradients into the weight gradients in blocks of
  // backward_columns / B steps; with 6 columns and B = 3 a block is 2 steps, so T = 7 takes four
  // blocks ([5, 7), [3, 5), [1, 3), [0, 1)), with resets inside a block and on a block boundary.
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.input = GENERATE(InputKind::dense, InputKind::tokens);
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.layers = 2;
  s.B = 3;
  s.T = 7;
  s.seed = 11;
  s.backward_columns = 6;
  s.resets = {{2, 1}, {3, 0}, {6, 2}};
  s.masked = {{4, 1}};
  require_window_gradients(s, 0);
  require_window_gradients(s, 2);  // a sub-window starting inside a block
}

TEST_CASE("an identity head (no out.W, out.b) passes the gradient of h itself", "[gradcheck][head]") {
  // z = h: every cell, both losses, with a window that starts inside the stored steps.
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.head_layer = HeadLayer::identity;
  s.layers = GENERATE(1, 2);
  s.H = s.O = 3;
  s.resets = {{2, 1}};
  s.masked = {{3, 0}};
  const Network<double> net(model_spec(s));
  for (const auto& p : net.layout()->specs()) CHECK(p.name.rfind("out.", 0) != 0);
  require_window_gradients(s, 0);
  require_window_gradients(s, 2);
}

TEST_CASE("the influence cell is the system of Tallec & Ollivier 2017 from s_0 = 1", "[gradcheck][influence]") {
  // One copy, input 1, theta = 0.5: s_1 after K steps from s_0 = 1 against the recurrence written
  // out here, and d s_1 / d theta over K steps from the engine's backward against
  // sum_{j < K} (A^j u)_1, which is j + 1 for j < 10 (u_1 .. u_10 = +1) and tends to
  // 2 (10 - 13) = -6 = the full sensitivity (I - A)^{-1} u, first component.
  ModelSpec m;
  m.cell = "influence";
  m.head = HeadKind::mse;
  m.head_layer = HeadLayer::identity;
  const Network<double> net(m);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(1);
  net.init(p, InitSpec{}, rng);
  REQUIRE(p.flat().size() == 1);
  CHECK(p["l0.theta"](0, 0) == 0.5);
  const Index T = 100, n = 23;
  Tape<double> tape(net, T, 1);
  tape.append(T);
  tape.dense_input(0, T).setOnes();
  tape.forward(p, 0, T);
  std::vector<double> s(static_cast<size_t>(n), 1.0), v(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i < 10 ? 1.0 : -1.0;  // A^j u, j = 0
  double sensitivity = 0;
  for (Index t = 0; t < T; ++t) {
    for (Index i = 0; i < n; ++i) {
      const double next = i + 1 < n ? s[static_cast<size_t>(i + 1)] : 0.0;
      s[static_cast<size_t>(i)] = 0.5 * s[static_cast<size_t>(i)] + 0.5 * next + 0.5 * (i < 10 ? 1.0 : -1.0);
    }
    CHECK(std::abs(tape.top_h(t, 1)(0, 0) - s[0]) <= 1e-12 * (1 + std::abs(s[0])));
    sensitivity += v[0];
    for (Index i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 0.5 * v[static_cast<size_t>(i)] + (i + 1 < n ? 0.5 * v[static_cast<size_t>(i + 1)] : 0.0);
    // The engine: d h_{T-1} / d theta back-propagated K = t + 1 steps (window [T-1-t, T)).
    ParamBuffer<double> g = net.make_buffer();
    Matrix<double> dh = Matrix<double>::Zero(1, t + 1);
    dh(0, t) = 1.0;
    tape.backward(p, g, T - 1 - t, t + 1, cview(dh, 0, 1, 0, t + 1));
    CAPTURE(t);
    CHECK(std::abs(g.flat()(0) - sensitivity) <= 1e-12 * (1 + std::abs(sensitivity)));
    if (t < 10) CHECK(std::abs(g.flat()(0) - static_cast<double>(t + 1)) <= 1e-12);
  }
  CHECK(std::abs(sensitivity + 6.0) <= 1e-6);
}

}  // namespace tbptt::test
