// A caller's shape mistake is a tbptt::ShapeError with a clear message naming the source line,
// never a crash. Every message is asserted word for word.
#include "models/gradcheck.hpp"
#include "models/check.hpp"

namespace tbptt::test {
namespace {

// f() must throw ShapeError with exactly "<message> (<path>/models/<file>:<line>)".
template <class F>
void require_shape_error(F&& f, const std::string& message, const std::string& file) {
  try {
    f();
  } catch (const ShapeError& e) {
    const std::string what = e.what();
    INFO("message: " << what);
    CHECK(what.rfind(message + " (", 0) == 0);
    CHECK(what.find("models/" + file + ":") != std::string::npos);
    CHECK(what.back() == ')');
    return;
  }
  FAIL("no tbptt::ShapeError thrown; expected: " << message);
}

ProblemSpec small(const std::string& cell, InputKind input, Index layers = 1) {
  ProblemSpec s;
  s.cell = cell;
  s.input = input;
  s.layers = layers;
  return s;
}

}  // namespace

TEST_CASE("a dense input with the wrong number of rows is a ShapeError", "[shape]") {
  const std::string kind = GENERATE(from_range(cell_names()));
  const Index I = 3, H = 4, T = 5, B = 2;
  auto cell = make_cell<double>(kind, I, H);
  ParamLayout layout;
  cell->add_params(layout, "l0");
  ParamBuffer<double> p(std::make_shared<const ParamLayout>(layout));
  Matrix<double> states = Matrix<double>::Zero(cell->state_rows(), (T + 1) * B);
  Matrix<double> cache(std::max<Index>(cell->cache_rows(), 1), T * B);
  Matrix<double> x = Matrix<double>::Zero(I + 1, T * B);
  std::vector<uint8_t> reset(static_cast<size_t>(T * B), 0);
  CellWorkspace<double> ws;
  require_shape_error(
      [&] {
        cell->forward(p, LayerInput<double>(cview(x, 0, I + 1, 0, T * B)), view(states, 0, states.rows(), 0, (T + 1) * B),
                      view(cache, 0, cell->cache_rows(), 0, T * B), reset.data(), T, B, ws);
      },
      "dense input is 4x10, the cell expects 3x10", kind == "influence" ? "influence_cell.cpp" : "cell.cpp");
}

TEST_CASE("a token id outside the vocabulary is a ShapeError", "[shape]") {
  const std::string kind = GENERATE(from_range(cell_names()));
  const int32_t bad = GENERATE(3, -1);
  GradProblem prob(small(kind, InputKind::tokens));
  prob.tape().tokens(2)[1] = bad;
  require_shape_error([&] { prob.tape().forward(prob.params(), 0, 5); },
                      "token id " + std::to_string(bad) + " outside the vocabulary [0, 3)",
                      kind == "influence" ? "influence_cell.cpp" : "cell.cpp");  // its own input projection
}

TEST_CASE("a class id outside the outputs is a ShapeError", "[shape]") {
  const int32_t bad = GENERATE(3, -2);
  GradProblem prob(small("lstm", InputKind::dense));
  prob.analytic(0);
  prob.classes()[4] = bad;
  require_shape_error([&] { prob.loss(0); }, "class id " + std::to_string(bad) + " outside [0, 3)", "head.cpp");
}

TEST_CASE("regression targets or dh of the wrong shape are a ShapeError", "[shape]") {
  ProblemSpec s = small("gru", InputKind::dense);
  s.head = HeadKind::mse;
  GradProblem prob(s);
  prob.analytic(0);
  const auto& head = prob.net().head();
  Matrix<double> y = Matrix<double>::Zero(2, 10);
  require_shape_error(
      [&] {
        head.loss(prob.params(), prob.tape().top_h(0, 5), Targets<double>(cview(y, 0, 2, 0, 10)), prob.mask().data(), 1.0,
                  nullptr, nullptr);
      },
      "mse targets are 2x10, expected 3x10", "head.cpp");
  require_shape_error(
      [&] {
        head.loss(prob.params(), prob.tape().top_h(0, 4), prob.targets(0), prob.mask().data(), 1.0, nullptr, nullptr);
      },
      "mse targets are 3x10, expected 3x8", "head.cpp");
  Matrix<double> dh(4, 8);
  View<double> dhv = view(dh, 0, 4, 0, 8);
  ParamBuffer<double> g = prob.net().make_buffer();
  require_shape_error(
      [&] { head.loss(prob.params(), prob.tape().top_h(0, 5), prob.targets(0), prob.mask().data(), 1.0, &g, &dhv); },
      "dh is 4x8, expected 4x10", "head.cpp");
  Matrix<double> h5(5, 10);
  require_shape_error(
      [&] {
        head.loss(prob.params(), cview(h5, 0, 5, 0, 10), prob.targets(0), prob.mask().data(), 1.0, nullptr, nullptr);
      },
      "head input has 5 rows, expected 4", "head.cpp");
}

TEST_CASE("appending beyond the tape's capacity is a ShapeError", "[shape]") {
  Network<double> net(model_spec(small("rnn", InputKind::dense)));
  Tape<double> tape(net, 5, 2);
  tape.append(4);
  require_shape_error([&] { tape.append(2); }, "tape holds 4 of 5 steps, cannot append 2", "tape.cpp");
  CHECK(tape.size() == 4);
  tape.append(1);
  CHECK(tape.size() == 5);
  require_shape_error([&] { tape.append(1); }, "tape holds 5 of 5 steps, cannot append 1", "tape.cpp");
  require_shape_error([&] { tape.dense_input(3, 3); }, "dense inputs of steps [3, 6) outside the capacity of 5",
                      "tape.cpp");
  require_shape_error([&] { tape.tokens(0); }, "this network reads dense inputs, not token ids", "tape.cpp");
  require_shape_error([&] { tape.slide(6); }, "cannot keep 6 of 5 stored steps", "tape.cpp");
  tape.slide(2);
  ParamBuffer<double> p = net.make_buffer();
  require_shape_error([&] { tape.forward(p, 1, 2); }, "forward over steps [1, 3) outside the 2 stored", "tape.cpp");
}

TEST_CASE("set_entering_state with the wrong shape is a ShapeError", "[shape]") {
  GradProblem prob(small("lstm", InputKind::dense, 2));
  auto& tape = prob.tape();
  std::vector<Matrix<double>> one_layer = {Matrix<double>::Zero(8, 2)};
  require_shape_error([&] { tape.set_entering_state(one_layer); }, "entering state has 1 layers, expected 2",
                      "tape.cpp");
  // The LSTM state is h above c: 2H = 8 rows; h alone is not enough.
  std::vector<Matrix<double>> h_only = {Matrix<double>::Zero(8, 2), Matrix<double>::Zero(4, 2)};
  require_shape_error([&] { tape.set_entering_state(h_only); }, "entering state of layer 1 is 4x2, expected 8x2",
                      "tape.cpp");
  std::vector<Matrix<double>> wrong_lanes = {Matrix<double>::Zero(8, 3), Matrix<double>::Zero(8, 2)};
  require_shape_error([&] { tape.set_entering_state(wrong_lanes); }, "entering state of layer 0 is 8x3, expected 8x2",
                      "tape.cpp");
}

TEST_CASE("Tape::backward with a wrong dh_top, dstate_end or dx is a ShapeError", "[shape]") {
  GradProblem prob(small("gru", InputKind::dense, 2));
  prob.analytic(0);
  auto& tape = prob.tape();
  ParamBuffer<double> g = prob.net().make_buffer();
  Matrix<double> dh = Matrix<double>::Zero(4, 10);
  const auto dhc = cview(dh, 0, 4, 0, 10);
  require_shape_error([&] { tape.backward(prob.params(), g, 0, 4, dhc); }, "dh_top is 4x10, expected 4x8", "tape.cpp");
  require_shape_error([&] { tape.backward(prob.params(), g, 3, 4, dhc); }, "backward over steps [3, 7) outside the 5 stored",
                      "tape.cpp");
  std::vector<Matrix<double>> one = {Matrix<double>::Zero(4, 2)};
  require_shape_error([&] { tape.backward(prob.params(), g, 0, 5, dhc, &one); }, "dstate_end has 1 layers, expected 2",
                      "tape.cpp");
  std::vector<Matrix<double>> wrong = {Matrix<double>::Zero(4, 2), Matrix<double>::Zero(4, 3)};
  require_shape_error([&] { tape.backward(prob.params(), g, 0, 5, dhc, &wrong); },
                      "dstate_end of layer 1 is 4x3, expected 4x2", "tape.cpp");
  Matrix<double> dx(3, 8);
  View<double> dxv = view(dx, 0, 3, 0, 8);
  require_shape_error([&] { tape.backward(prob.params(), g, 0, 5, dhc, nullptr, nullptr, &dxv); },
                      "dx is 3x8, expected 3x10", "tape.cpp");
  // An empty matrix in dstate_end means zero gradient for that layer: allowed.
  std::vector<Matrix<double>> partly_empty = {Matrix<double>(), Matrix<double>::Zero(4, 2)};
  CHECK_NOTHROW(tape.backward(prob.params(), g, 0, 5, dhc, &partly_empty));
}

}  // namespace tbptt::test
