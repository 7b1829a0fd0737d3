// Tape::slide keeps the newest steps exactly, and forward (and backward) after a slide are
// identical (==) to a bigger tape that ran the same stream in the same chunks without sliding.
#include <algorithm>

#include "models/gradcheck.hpp"

namespace tbptt::test {
namespace {

// A stream of `steps` steps for B lanes: inputs, resets, and the random parameters and entering
// state of a network.
template <class S>
struct Stream {
  Stream(const ModelSpec& m, Index steps, Index lanes, uint64_t seed) : net(m), p(net.make_buffer()), B(lanes) {
    Rng rng(seed);
    for (Index i = 0; i < p.flat().size(); ++i) p.flat()(i) = static_cast<S>(rng.uniform(-0.5, 0.5));
    for (Index l = 0; l < net.layers(); ++l) {
      Matrix<S> h(net.cell(l).state_rows(), B);
      for (Index i = 0; i < h.size(); ++i) h(i) = static_cast<S>(rng.uniform(-0.5, 0.5));
      h0.push_back(h);
    }
    dense.resize(m.input, steps * B);
    for (Index i = 0; i < dense.size(); ++i) dense(i) = static_cast<S>(rng.uniform(-1, 1));
    for (Index j = 0; j < steps * B; ++j) {
      tokens.push_back(static_cast<int32_t>(rng.below(static_cast<uint64_t>(m.input))));
      resets.push_back(rng.bernoulli(0.15) ? 1 : 0);
    }
  }

  // Writes stream steps [s0, s0+n) into the tape's stored steps [t0, t0+n).
  void write(Tape<S>& tape, Index t0, Index s0, Index n) const {
    if (net.spec().input_kind == InputKind::dense)
      tape.dense_input(t0, n) = dense.middleCols(s0 * B, n * B);
    else
      std::copy_n(tokens.begin() + s0 * B, n * B, tape.tokens(t0));
    std::copy_n(resets.begin() + s0 * B, n * B, tape.reset(t0));
  }

  Network<S> net;
  ParamBuffer<S> p;
  Index B;
  std::vector<Matrix<S>> h0;
  Matrix<S> dense;
  std::vector<int32_t> tokens;
  std::vector<uint8_t> resets;
};

// Backward over stored steps [t0, t0+n) of a tape with a fixed head gradient: gradients, the
// entering-state gradient and dx, as one vector for an exact comparison.
template <class S>
Vector<S> backward_all(Tape<S>& tape, const ParamBuffer<S>& p, Index t0, Index n, const Matrix<S>& dh) {
  const Network<S>& net = tape.network();
  ParamBuffer<S> g = net.make_buffer();
  std::vector<Matrix<S>> dstate;
  const Index B = tape.lanes();
  Matrix<S> dx = Matrix<S>::Zero(net.spec().input, n * B);
  View<S> dxv = view(dx, 0, dx.rows(), 0, n * B);
  tape.backward(p, g, t0, n, cview(dh, 0, dh.rows(), 0, n * B), nullptr, &dstate,
                net.spec().input_kind == InputKind::dense ? &dxv : nullptr);
  Index size = g.flat().size() + dx.size();
  for (const auto& d : dstate) size += d.size();
  Vector<S> all(size);
  Index k = 0;
  all.segment(k, g.flat().size()) = g.flat();
  k += g.flat().size();
  all.segment(k, dx.size()) = dx.reshaped();
  k += dx.size();
  for (const auto& d : dstate) {
    all.segment(k, d.size()) = d.reshaped();
    k += d.size();
  }
  return all;
}

template <class S>
void check_slide(const std::string& cell, InputKind input) {
  ModelSpec m;
  m.cell = cell;
  m.input_kind = input;
  m.input = 5;
  m.hidden = 8;
  m.output = 3;
  m.layers = 2;
  const Index B = 3, steps = 10, capacity = 6, keep = 2;
  const Stream<S> stream(m, steps, B, 11);
  const Network<S>& net = stream.net;
  const ParamBuffer<S>& p = stream.p;
  CAPTURE(cell, to_string(input));

  // N.B. The bigger tape runs forward in the same chunks ([0, 6), then [6, 10)) as the sliding
  // one. One forward over [0, 10) is not bit-identical: Eigen's GEMM rounds a column differently
  // depending on its place in the product's 4-column panels (for inner dimension >= 8), so the
  // input projection of layer 1 depends on where the window starts.
  Tape<S> big(net, steps, B);
  big.append(steps);
  stream.write(big, 0, 0, steps);
  big.set_entering_state(stream.h0);
  big.forward(p, 0, capacity);
  big.forward(p, capacity, steps - capacity);

  Tape<S> tape(net, capacity, B);
  tape.append(capacity);
  stream.write(tape, 0, 0, capacity);
  tape.set_entering_state(stream.h0);
  tape.forward(p, 0, capacity);
  std::vector<Matrix<S>> before;
  for (Index l = 0; l < net.layers(); ++l)
    for (Index k = capacity - keep; k <= capacity; ++k) before.push_back(tape.state(l, k));
  Matrix<S> dense_before;
  if (input == InputKind::dense) dense_before = tape.dense_input(capacity - keep, keep);
  const std::vector<int32_t> tokens_before =
      input == InputKind::tokens ? std::vector<int32_t>(tape.tokens(capacity - keep), tape.tokens(capacity - keep) + keep * B)
                                 : std::vector<int32_t>();
  const std::vector<uint8_t> reset_before(tape.reset(capacity - keep), tape.reset(capacity - keep) + keep * B);

  // A fixed head gradient for the backward comparisons.
  Rng rng(5);
  Matrix<S> dh(m.hidden, capacity * B);
  for (Index i = 0; i < dh.size(); ++i) dh(i) = static_cast<S>(rng.uniform(-1, 1));
  const Vector<S> kept_backward_before = backward_all(tape, p, capacity - keep, keep, dh);

  tape.slide(keep);
  REQUIRE(tape.size() == keep);
  size_t i = 0;
  for (Index l = 0; l < net.layers(); ++l)
    for (Index k = 0; k <= keep; ++k) CHECK(Matrix<S>(tape.state(l, k)) == before[i++]);
  if (input == InputKind::dense)
    CHECK(Matrix<S>(tape.dense_input(0, keep)) == dense_before);
  else
    CHECK(std::equal(tokens_before.begin(), tokens_before.end(), tape.tokens(0)));
  CHECK(std::equal(reset_before.begin(), reset_before.end(), tape.reset(0)));
  // The caches moved too: backward over the kept steps is unchanged.
  CHECK(backward_all(tape, p, 0, keep, dh) == kept_backward_before);

  // Continue the stream: steps 6..9 land in stored steps 2..5.
  tape.append(steps - capacity);
  stream.write(tape, keep, capacity, steps - capacity);
  tape.forward(p, keep, steps - capacity);
  const Index offset = capacity - keep;  // stored step t of `tape` is stream step t + offset
  for (Index l = 0; l < net.layers(); ++l)
    for (Index k = 0; k <= tape.size(); ++k) {
      CAPTURE(l, k);
      CHECK(Matrix<S>(tape.state(l, k)) == Matrix<S>(big.state(l, k + offset)));
    }
  CHECK(backward_all(tape, p, 0, capacity, dh) == backward_all(big, p, offset, capacity, dh));
}

}  // namespace

TEST_CASE("after slide the kept steps are the former newest and forward continues exactly", "[tape]") {
  const std::string cell = GENERATE(from_range(cell_names()));
  const InputKind input = GENERATE(InputKind::dense, InputKind::tokens);
  SECTION("float") { check_slide<float>(cell, input); }
  SECTION("double") { check_slide<double>(cell, input); }
}

TEST_CASE("slide(0) keeps only the final state as the next entering state", "[tape]") {
  ProblemSpec s;
  s.cell = GENERATE(from_range(cell_names()));
  s.layers = 2;
  GradProblem prob(s);
  prob.analytic(0);
  std::vector<Matrix<double>> last;
  prob.tape().final_state(last);
  prob.tape().slide(0);
  CHECK(prob.tape().size() == 0);
  for (Index l = 0; l < s.layers; ++l) CHECK(Matrix<double>(prob.tape().state(l, 0)) == last[static_cast<size_t>(l)]);
}

}  // namespace tbptt::test
