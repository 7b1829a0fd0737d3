// Masked-out columns (mask 0) contribute nothing: neither to the loss nor to any gradient.
#include "models/gradcheck.hpp"

namespace tbptt::test {

TEST_CASE("a masked-out column's target changes neither the loss nor any gradient", "[mask]") {
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.input = InputKind::dense;
  s.layers = 2;
  s.masked = {{1, 0}, {4, 1}};
  GradProblem prob(s);
  const Index j = 4 * s.B + 1;  // the masked column (step 4, lane 1)
  auto change_target = [&] {
    if (s.head == HeadKind::softmax_xent) {
      auto& c = prob.classes()[static_cast<size_t>(j)];
      c = (c + 1) % static_cast<int32_t>(s.O);
    } else {
      prob.values().col(j).array() += 3.0;
    }
  };

  const double loss0 = prob.loss(0);
  const Gradients g0 = prob.analytic(0);
  change_target();
  const double loss1 = prob.loss(0);
  const Gradients g1 = prob.analytic(0);
  CHECK(loss1 == loss0);
  CHECK(g1.g.flat() == g0.g.flat());
  CHECK(g1.dx == g0.dx);
  for (size_t l = 0; l < g0.dstate.size(); ++l) CHECK(g1.dstate[l] == g0.dstate[l]);

  // The head's gradient w.r.t. h is zero in a masked column, and its column loss is zero.
  const Index n = s.T * s.B;
  Matrix<double> dh(s.H, n);
  View<double> dhv = view(dh, 0, s.H, 0, n);
  ParamBuffer<double> g = prob.net().make_buffer();
  std::vector<double> column(static_cast<size_t>(n), -1.0);
  prob.net().head().loss(prob.params(), prob.tape().top_h(0, s.T), prob.targets(0), prob.mask().data(), 1.0, &g,
                         &dhv, column.data());
  CHECK(dh.col(j).isZero(0.0));
  CHECK(column[static_cast<size_t>(j)] == 0.0);
  CHECK(dh.col(j - 1).cwiseAbs().maxCoeff() > 0);

  // The same column unmasked does change the loss: the comparison above can fail.
  prob.mask()[static_cast<size_t>(j)] = 1;
  CHECK(prob.loss(0) != loss1);
}

TEST_CASE("the head's loss is the sum of its column losses over masked-in columns", "[mask]") {
  ProblemSpec s;
  s.head = GENERATE(HeadKind::softmax_xent, HeadKind::mse);
  s.masked = {{0, 0}, {2, 1}};
  GradProblem prob(s);
  prob.analytic(0);
  const Index n = s.T * s.B;
  std::vector<double> column(static_cast<size_t>(n), -1.0);
  const double total = prob.net().head().loss(prob.params(), prob.tape().top_h(0, s.T), prob.targets(0),
                                              prob.mask().data(), 1.0, nullptr, nullptr, column.data());
  double sum = 0;
  for (Index j = 0; j < n; ++j) {
    if (prob.mask()[static_cast<size_t>(j)])
      CHECK(column[static_cast<size_t>(j)] > 0);
    else
      CHECK(column[static_cast<size_t>(j)] == 0);
    sum += column[static_cast<size_t>(j)];
  }
  CHECK(total == Approx(sum).epsilon(1e-14));
}

TEST_CASE("the head's loss matches its definition on a hand-computed column", "[mask]") {
  // h = e_0 (H = 2), W = [[1, 0], [2, 0], [0, 0]], b = [0, 0, 1]: logits z = [1, 2, 1].
  ParamLayout layout;
  Head<double> xent(HeadKind::softmax_xent, 2, 3);
  xent.add_params(layout);
  auto shared = std::make_shared<const ParamLayout>(layout);
  ParamBuffer<double> p(shared);
  p["out.W"] << 1, 0, 2, 0, 0, 0;
  p["out.b"] << 0, 0, 1;
  Matrix<double> h(2, 1);
  h << 1, 0;
  const uint8_t mask = 1;
  const int32_t cls = 1;
  const double expected_xent = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(1.0)) - 2.0;
  CHECK(xent.loss(p, cview(h, 0, 2, 0, 1), Targets<double>(&cls), &mask, 1.0, nullptr, nullptr) ==
        Approx(expected_xent).epsilon(1e-14));

  Head<double> mse(HeadKind::mse, 2, 3);
  ParamLayout layout2;
  mse.add_params(layout2);
  ParamBuffer<double> p2(std::make_shared<const ParamLayout>(layout2));
  p2.flat() = p.flat();
  Matrix<double> y(3, 1);
  y << 0, 0, 0;
  // (1/O) sum (z - y)^2 = (1 + 4 + 1) / 3.
  CHECK(mse.loss(p2, cview(h, 0, 2, 0, 1), Targets<double>(cview(y, 0, 3, 0, 1)), &mask, 1.0, nullptr, nullptr) ==
        Approx(2.0).epsilon(1e-14));
}

}  // namespace tbptt::test
