// Initialisation: the uniform and Xavier bounds, orthogonal recurrent blocks, the LSTM forget bias,
// and reproducibility from the seed.
#include "models/gradcheck.hpp"

namespace tbptt::test {
namespace {

ModelSpec init_spec(const std::string& cell) {
  ModelSpec m;
  m.cell = cell;
  m.input = 7;
  m.hidden = 16;
  m.output = 5;
  m.layers = 2;
  return m;
}

template <class S>
ParamBuffer<S> initialised(const Network<S>& net, const InitSpec& spec, uint64_t seed) {
  ParamBuffer<S> p = net.make_buffer();
  Rng rng(seed);
  net.init(p, spec, rng);
  return p;
}

}  // namespace

TEST_CASE("uniform init respects 1/sqrt(H) and the head's 1/sqrt(fan_in)", "[init]") {
  const std::string cell = GENERATE(from_range(scheme_init_cell_names()));
  const Network<float> net(init_spec(cell));
  const ParamBuffer<float> p = initialised(net, InitSpec{}, 42);
  const double bound = 1.0 / std::sqrt(16.0);  // hidden 16; the head's fan-in is also H
  for (const auto& s : p.layout().specs()) {
    CAPTURE(s.name);
    const auto t = p[s.name];
    const double m = t.cwiseAbs().maxCoeff();
    CHECK(m <= bound);
    if (s.size() >= 16) CHECK(m >= 0.75 * bound);  // fills the range, not a smaller one
    if (s.size() >= 64) CHECK(std::abs(t.mean()) <= 0.25 * bound);
  }
}

TEST_CASE("xavier init respects sqrt(6/(fan_in+fan_out)) per gate block, biases zero", "[init]") {
  const std::string cell = GENERATE(from_range(scheme_init_cell_names()));
  const Network<double> net(init_spec(cell));
  InitSpec spec;
  spec.scheme = InitScheme::xavier;
  const ParamBuffer<double> p = initialised(net, spec, 3);
  CHECK(p["l0.Wx"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / (7 + 16)));
  CHECK(p["l0.Wx"].cwiseAbs().maxCoeff() >= 0.75 * std::sqrt(6.0 / (7 + 16)));
  CHECK(p["l1.Wx"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 32));
  CHECK(p["l0.Wh"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 32));
  CHECK(p["out.W"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / (16 + 5)));
  CHECK(p["l0.b"].isZero(0.0));
  CHECK(p["l1.b"].isZero(0.0));
  CHECK(p["out.b"].isZero(0.0));
  if (cell == "gru") CHECK(p["l0.bhn"].isZero(0.0));
}

TEST_CASE("orthogonal recurrent init gives orthogonal Wh gate blocks", "[init]") {
  const std::string cell = GENERATE(from_range(scheme_init_cell_names()));
  const Network<float> net(init_spec(cell));
  InitSpec spec;
  spec.orthogonal_recurrent = true;
  const ParamBuffer<float> p = initialised(net, spec, 9);
  const Index H = 16;
  for (const char* name : {"l0.Wh", "l1.Wh"}) {
    const Matrix<float> Wh = p[name];
    REQUIRE(Wh.rows() == net.cell(0).gate_rows());
    for (Index g0 = 0; g0 < Wh.rows(); g0 += H) {
      CAPTURE(name, g0);
      const Matrix<float> Q = Wh.middleRows(g0, H);
      const double err = (Q.transpose() * Q - Matrix<float>::Identity(H, H)).cwiseAbs().maxCoeff();
      CHECK(err <= 1e-5);
      // Distinct blocks are distinct draws.
      if (g0 > 0) CHECK((Q - Wh.topRows(H)).cwiseAbs().maxCoeff() > 0.1);
    }
  }
}

TEST_CASE("the LSTM forget bias is added to the forget-gate rows only", "[init]") {
  const Network<double> net(init_spec("lstm"));
  InitSpec with;
  with.forget_bias = 1.0;
  const ParamBuffer<double> p0 = initialised(net, InitSpec{}, 5);
  const ParamBuffer<double> p1 = initialised(net, with, 5);
  const Index H = 16;
  for (const char* name : {"l0.b", "l1.b"}) {
    CAPTURE(name);
    const Vector<double> d = p1[name] - p0[name];
    CHECK(d.segment(0, H).isZero(0.0));              // i
    CHECK((d.segment(H, H).array() - 1.0).abs().maxCoeff() <= 1e-15);  // f
    CHECK(d.segment(2 * H, 2 * H).isZero(0.0));      // g, o
  }
  // Everything else is untouched.
  for (const char* name : {"l0.Wx", "l0.Wh", "l1.Wx", "l1.Wh", "out.W", "out.b"}) CHECK(p1[name] == p0[name]);
  // Xavier biases are zero, so the forget rows are exactly the forget bias.
  InitSpec xavier = with;
  xavier.scheme = InitScheme::xavier;
  const ParamBuffer<double> px = initialised(net, xavier, 5);
  CHECK((px["l0.b"].col(0).segment(H, H).array() == 1.0).all());
}

TEST_CASE("the same seed gives the same parameters, another seed different ones", "[init]") {
  const std::string cell = GENERATE(from_range(scheme_init_cell_names()));
  const bool orthogonal = GENERATE(false, true);
  const Network<float> net(init_spec(cell));
  InitSpec spec;
  spec.orthogonal_recurrent = orthogonal;
  const ParamBuffer<float> a = initialised(net, spec, 2024);
  const ParamBuffer<float> b = initialised(net, spec, 2024);
  const ParamBuffer<float> c = initialised(net, spec, 2025);
  CHECK(a.flat() == b.flat());
  CHECK(a.flat() != c.flat());
  // Two separately constructed networks of the same spec agree too.
  const Network<float> net2(init_spec(cell));
  const ParamBuffer<float> d = initialised(net2, spec, 2024);
  CHECK(a.flat() == d.flat());
  // The double network draws the same numbers (rounded to float).
  const Network<double> netd(init_spec(cell));
  const ParamBuffer<double> e = initialised(netd, spec, 2024);
  if (!orthogonal) CHECK(e.flat().cast<float>() == a.flat());
}

}  // namespace tbptt::test
