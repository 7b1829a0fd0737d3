// The spectral-radius init option (models/init.hpp): every recurrent gate block ends with the
// requested largest eigenvalue modulus, and 0 leaves the scheme's Wh untouched.
#include <Eigen/Eigenvalues>

#include "models/gradcheck.hpp"

namespace tbptt::test {
namespace {

double spectral_radius(const Matrix<double>& m) {
  return Eigen::EigenSolver<Eigen::MatrixXd>(m, false).eigenvalues().cwiseAbs().maxCoeff();
}

// Two layers of 12 units (gradcheck's model_spec), so that every gate block of both Wh is checked.
ModelSpec spec_of(const std::string& cell) {
  ProblemSpec s;
  s.cell = cell;
  s.layers = 2;
  s.I = 5;
  s.H = 12;
  return model_spec(s);
}

}  // namespace

TEST_CASE("spectral_radius rescales each recurrent gate block to that radius", "[init]") {
  const std::string cell = GENERATE(as<std::string>{}, "rnn", "lstm", "gru");
  const double radius = GENERATE(0.8, 1.1);
  const Network<double> net(spec_of(cell));
  ParamBuffer<double> p = net.make_buffer(), plain = net.make_buffer();
  InitSpec spec;
  spec.spectral_radius = radius;
  Rng rng(7), rng_plain(7);
  net.init(p, spec, rng);
  net.init(plain, InitSpec{}, rng_plain);
  const Index H = 12;
  for (const char* name : {"l0.Wh", "l1.Wh"}) {
    CAPTURE(name, radius);
    const Matrix<double> Wh = p[name], Wh0 = plain[name];
    for (Index g0 = 0; g0 < Wh.rows(); g0 += H) {
      const Matrix<double> block = Wh.middleRows(g0, H), block0 = Wh0.middleRows(g0, H);
      CHECK(spectral_radius(block) == Approx(radius).epsilon(1e-10));
      // A rescale of the same draw: the direction is the scheme's.
      const double ratio = block.norm() / block0.norm();
      CHECK((block - ratio * block0).norm() <= 1e-12 * block.norm());
    }
  }
  // Nothing but Wh changes.
  CHECK(p["l0.Wx"].isApprox(plain["l0.Wx"]));
  CHECK(p["l0.b"].isApprox(plain["l0.b"]));
}

TEST_CASE("spectral_radius 0 keeps the scheme's recurrent weights bit for bit", "[init]") {
  const Network<float> net(spec_of("rnn"));
  ParamBuffer<float> a = net.make_buffer(), b = net.make_buffer();
  Rng ra(3), rb(3);
  net.init(a, InitSpec{}, ra);
  InitSpec zero;
  zero.spectral_radius = 0;
  net.init(b, zero, rb);
  CHECK(a.flat() == b.flat());
}

TEST_CASE("scale_to_spectral_radius refuses a zero matrix", "[init]") {
  Matrix<double> z = Matrix<double>::Zero(4, 4);
  CHECK_THROWS_WITH(scale_to_spectral_radius<double>(z, 0.9), Catch::Contains("spectral radius 0"));
}

}  // namespace tbptt::test
