// The float products (libxsmm when built with it, models/gemm.hpp) against the double ones
// (always Eigen, and checked by finite differences in gradcheck_test.cpp): the same network,
// parameters and window give the same loss and gradients to float precision. The gradient
// checks run in double only, so this is what covers the float kernels inside the cells.
#include <catch2/catch.hpp>

#include "models/network.hpp"
#include "models/rng.hpp"
#include "models/tape.hpp"

namespace tbptt {
namespace {

template <class S>
struct Window {
  Window(const ModelSpec& spec, const Vector<double>& params, const Matrix<double>& x, const std::vector<int32_t>& tokens,
         const std::vector<uint8_t>& reset, const std::vector<int32_t>& classes, Index T, Index B)
      : net(spec), p(net.make_buffer()), g(net.make_buffer()), tape(net, T, B) {
    p.flat() = params.cast<S>();
    tape.append(T);
    if (spec.input_kind == InputKind::dense)
      tape.dense_input(0, T) = x.cast<S>();
    else
      std::copy(tokens.begin(), tokens.end(), tape.tokens(0));
    std::copy(reset.begin(), reset.end(), tape.reset(0));
    tape.forward(p, 0, T);
    const Index n = T * B;
    Matrix<S> dh(spec.hidden, n);
    View<S> dhv = view(dh, 0, spec.hidden, 0, n);
    const std::vector<uint8_t> mask(static_cast<size_t>(n), 1);
    loss = static_cast<double>(net.head().loss(p, tape.top_h(0, T), Targets<S>(classes.data()), mask.data(), S(1),
                                               &g, &dhv));
    tape.backward(p, g, 0, T, cview(dh, 0, spec.hidden, 0, n));
  }
  Network<S> net;
  ParamBuffer<S> p, g;
  Tape<S> tape;
  double loss = 0;
};

}  // namespace

TEST_CASE("float gradients match double gradients to float precision", "[gemm][float]") {
  const std::string cell = GENERATE(std::string("rnn"), std::string("lstm"), std::string("gru"));
  const InputKind input = GENERATE(InputKind::dense, InputKind::tokens);
  const Index layers = 2, I = 7, H = 70, O = 9, B = 5, T = 6;  // H: a partial 64-row block
  ModelSpec spec;
  spec.cell = cell;
  spec.input_kind = input;
  spec.input = I;
  spec.hidden = H;
  spec.output = O;
  spec.layers = layers;
  Rng rng(11);
  const Network<double> shape(spec);
  Vector<double> params(shape.make_buffer().flat().size());
  for (Index i = 0; i < params.size(); ++i) params(i) = rng.uniform(-0.3, 0.3);
  Matrix<double> x(I, T * B);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1.0, 1.0);
  std::vector<int32_t> tokens(static_cast<size_t>(T * B)), classes(tokens.size());
  std::vector<uint8_t> reset(tokens.size(), 0);
  for (auto& t : tokens) t = static_cast<int32_t>(rng.below(static_cast<uint64_t>(I)));
  for (auto& c : classes) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(O)));
  reset[static_cast<size_t>(3 * B + 1)] = 1;

  const Window<double> d(spec, params, x, tokens, reset, classes, T, B);
  const Window<float> f(spec, params, x, tokens, reset, classes, T, B);
  INFO(cell << ", " << to_string(input) << " input");
  CHECK(f.loss == Approx(d.loss).epsilon(1e-5));
  const auto& layout = d.net.layout();
  for (Index i = 0; i < layout->count(); ++i) {
    const Matrix<double> gd = d.g[i], gf = f.g[i].cast<double>();
    const double scale = std::max(1e-3, gd.cwiseAbs().maxCoeff());
    INFO(layout->spec(i).name << ": max |float - double| " << (gf - gd).cwiseAbs().maxCoeff() << ", max |g| " << scale);
    CHECK((gf - gd).cwiseAbs().maxCoeff() <= 1e-4 * scale);
  }
}

}  // namespace tbptt
