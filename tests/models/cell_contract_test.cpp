// The backward contract of models/cell.hpp, the registry of models/cell_registry.hpp, and that a
// const Network holds no scratch (two threads may share one).
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "models/cell_registry.hpp"
#include "models/check.hpp"
#include "gradcheck.hpp"

using namespace tbptt;
using namespace tbptt::test;

namespace {

Matrix<double> random(Index rows, Index cols, Rng& rng) {
  Matrix<double> m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = rng.uniform(-0.5, 0.5);
  return m;
}

// One cell over a window with resets, driven directly (no Tape), in double.
struct CellWindow {
  static constexpr Index I = 3, H = 4, T = 6, B = 3;
  explicit CellWindow(const std::string& name) : cell(make_cell<double>(name, I, H)) {
    ParamLayout layout;
    cell->add_params(layout, "l0");
    p = ParamBuffer<double>(std::make_shared<const ParamLayout>(layout));
    Rng rng(7);
    for (Index i = 0; i < p.flat().size(); ++i) p.flat()(i) = rng.uniform(-0.5, 0.5);
    x = random(I, T * B, rng);
    dh = random(H, T * B, rng);
    dstate_end = random(cell->state_rows(), B, rng);
    states = Matrix<double>::Zero(cell->state_rows(), (T + 1) * B);
    states.leftCols(B) = random(cell->state_rows(), B, rng);
    cache.resize(cell->cache_rows(), T * B);
    reset.assign(static_cast<size_t>(T * B), 0);
    reset[1] = 1;          // step 0, lane 1
    reset[3 * B + 2] = 1;  // step 3, lane 2
    cell->forward(p, input(), view(states, 0, states.rows(), 0, (T + 1) * B), view(cache, 0, cache.rows(), 0, T * B),
                  reset.data(), T, B, ws);
  }
  LayerInput<double> input() const { return LayerInput<double>(cview(x, 0, I, 0, T * B)); }
  // Backward into (g, dx, dstate), which hold whatever the caller put there.
  void backward(ParamBuffer<double>& g, Matrix<double>& dx, Matrix<double>& dstate, CellWorkspace<double>& w) const {
    View<double> dxv = view(dx, 0, I, 0, T * B);
    cell->backward(p, g, input(), cview(states, 0, states.rows(), 0, (T + 1) * B), cview(cache, 0, cache.rows(), 0, T * B),
                   reset.data(), cview(dh, 0, H, 0, T * B), view(dstate, 0, dstate.rows(), 0, B), &dxv, T, B, w);
  }
  std::unique_ptr<Cell<double>> cell;
  ParamBuffer<double> p;
  Matrix<double> x, dh, dstate_end, states, cache;
  std::vector<uint8_t> reset;
  CellWorkspace<double> ws;
};

}  // namespace

TEST_CASE("the registry lists each cell once, with the rows its cells report", "[cell][registry]") {
  const std::vector<std::string> names = cell_names();
  REQUIRE(names.size() == cell_types().size());
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  for (const std::string& name : names) {
    INFO(name);
    const CellType& type = cell_type(name);
    CHECK(type.name == name);
    CHECK_FALSE(type.summary.empty());
    for (Index H : {1, 5}) {
      const auto f = type.make_float(3, H);
      const auto d = make_cell<double>(name, 3, H);
      CHECK(f->gate_rows() == type.shape.gates * H);
      CHECK(d->state_rows() == type.shape.state * H);
      CHECK(d->cache_rows() == type.shape.cache * H);
      CHECK(d->state_rows() >= H);  // the top H rows of a state are h
      ParamLayout layout;
      d->add_params(layout, "l0");
      CHECK(cell_param_count(name, 3, H) == layout.size());
    }
  }
  try {
    cell_type("lsmt");
    FAIL("no error for an unknown cell");
  } catch (const ShapeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("no cell named 'lsmt'") && Catch::Contains("lstm"));
  }
}

TEST_CASE("backward accumulates into g and dx and replaces dstate, with any workspace", "[cell][contract]") {
  const std::string name = GENERATE(from_range(cell_names()));
  INFO(name);
  const CellWindow w(name);
  const Index I = CellWindow::I, T = CellWindow::T, B = CellWindow::B;

  // From zero gradients, with the forward's workspace.
  ParamBuffer<double> g0(std::make_shared<const ParamLayout>(w.p.layout()));
  Matrix<double> dx0 = Matrix<double>::Zero(I, T * B), ds0 = w.dstate_end;
  CellWorkspace<double> ws = w.ws;
  w.backward(g0, dx0, ds0, ws);
  REQUIRE(g0.flat().cwiseAbs().maxCoeff() > 0);
  REQUIRE(dx0.cwiseAbs().maxCoeff() > 0);
  CHECK(ds0.col(1).isZero(0.0));  // lane 1 resets at step 0: no gradient into the entering state

  // From nonzero gradients and a fresh (empty) workspace: g and dx grow by exactly the same amount,
  // dstate does not depend on anything but its input.
  Rng rng(3);
  ParamBuffer<double> g1 = g0;
  for (Index i = 0; i < g1.flat().size(); ++i) g1.flat()(i) = rng.uniform(-1, 1);
  const ParamBuffer<double> g1_before = g1;
  Matrix<double> dx1 = random(I, T * B, rng);
  const Matrix<double> dx1_before = dx1;
  Matrix<double> ds1 = w.dstate_end;
  CellWorkspace<double> fresh;
  w.backward(g1, dx1, ds1, fresh);
  CHECK((g1.flat() - g1_before.flat() - g0.flat()).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK((dx1 - dx1_before - dx0).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK(ds1 == ds0);

  // A workspace left over from a larger window gives the same numbers.
  CellWorkspace<double> big;
  w.cell->reserve(big, 50, 7);
  big.dA.setConstant(1e300);
  big.step.setConstant(-1e300);
  ParamBuffer<double> g2 = g0;
  g2.set_zero();
  Matrix<double> dx2 = Matrix<double>::Zero(I, T * B), ds2 = w.dstate_end;
  w.backward(g2, dx2, ds2, big);
  CHECK(g2.flat() == g0.flat());
  CHECK(dx2 == dx0);
  CHECK(ds2 == ds0);
}

TEST_CASE("two threads can share one const Network", "[cell][threads]") {
  // Each thread owns its tape (and so its cells' workspaces); the network, the parameters and the
  // data are shared read-only. Every repetition must reproduce the single-threaded gradients bit
  // for bit (scratch inside the shared cells would be overwritten by the other thread).
  const std::string name = GENERATE(from_range(cell_names()));
  INFO(name);
  ModelSpec m;
  m.cell = name;
  m.input = 5;
  m.hidden = 24;
  m.output = 4;
  m.layers = 2;
  m.head = HeadKind::mse;
  const Index T = 30, B = 4;
  const Network<double> net(m);
  ParamBuffer<double> p = net.make_buffer();
  Rng rng(5);
  for (Index i = 0; i < p.flat().size(); ++i) p.flat()(i) = rng.uniform(-0.5, 0.5);
  const Matrix<double> x = random(m.input, T * B, rng), dh = random(m.hidden, T * B, rng);
  auto gradient = [&](ParamBuffer<double>& g, Matrix<double>& dx) {
    Tape<double> tape(net, T, B);
    tape.append(T);
    tape.dense_input(0, T) = x;
    for (Index j = 0; j < T * B; ++j) tape.reset(0)[j] = j % 13 == 5;
    tape.forward(p, 0, T);
    g.set_zero();
    dx.resize(m.input, T * B);
    View<double> dxv = view(dx, 0, m.input, 0, T * B);
    tape.backward(p, g, 0, T, cview(dh, 0, m.hidden, 0, T * B), nullptr, nullptr, &dxv);
  };
  ParamBuffer<double> want = net.make_buffer();
  Matrix<double> want_dx;
  gradient(want, want_dx);
  REQUIRE(want.flat().cwiseAbs().maxCoeff() > 0);
  int mismatches[2] = {0, 0};
  {
    std::vector<std::thread> threads;
    for (int k = 0; k < 2; ++k)
      threads.emplace_back([&, k] {
        ParamBuffer<double> g = net.make_buffer();
        Matrix<double> dx;
        for (int rep = 0; rep < 20; ++rep) {
          gradient(g, dx);
          mismatches[k] += !(g.flat() == want.flat() && dx == want_dx);
        }
      });
    for (auto& t : threads) t.join();
  }
  CHECK(mismatches[0] == 0);
  CHECK(mismatches[1] == 0);
}
