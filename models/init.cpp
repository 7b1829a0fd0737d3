#include "models/init.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include "models/check.hpp"

namespace tbptt {

template <class S>
void fill_uniform(Eigen::Ref<Matrix<S>> m, double a, Rng& rng) {
  // Column-major order, so the draws do not depend on how the matrix is later viewed.
  for (Index j = 0; j < m.cols(); ++j)
    for (Index i = 0; i < m.rows(); ++i) m(i, j) = static_cast<S>(rng.uniform(-a, a));
}

template <class S>
void fill_orthogonal(Eigen::Ref<Matrix<S>> m, Rng& rng) {
  // Saxe et al. 2014: Q of the QR decomposition of a Gaussian matrix, with the signs of R's
  // diagonal folded in so that Q is uniformly (Haar) distributed (Mezzadri 2007).
  const Index n = m.rows();
  Eigen::MatrixXd a(n, m.cols());
  for (Index j = 0; j < a.cols(); ++j)
    for (Index i = 0; i < n; ++i) a(i, j) = rng.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(n, m.cols());
  const Eigen::MatrixXd r = qr.matrixQR();
  for (Index j = 0; j < q.cols(); ++j)
    if (r(j, j) < 0) q.col(j) = -q.col(j);
  m = q.cast<S>();
}

template <class S>
void scale_to_spectral_radius(Eigen::Ref<Matrix<S>> m, double radius) {
  TBPTT_CHECK(m.rows() == m.cols(), "spectral radius of a " << m.rows() << "x" << m.cols() << " matrix");
  // Eigenvalues in double whatever S: a float matrix would lose digits of rho before the rescale.
  const Eigen::MatrixXd a = m.template cast<double>();
  const double rho = Eigen::EigenSolver<Eigen::MatrixXd>(a, false).eigenvalues().cwiseAbs().maxCoeff();
  TBPTT_CHECK(rho > 0, "cannot rescale a matrix with spectral radius 0 to " << radius);
  m = (a * (radius / rho)).cast<S>();
}

template void fill_uniform<float>(Eigen::Ref<Matrix<float>>, double, Rng&);
template void fill_uniform<double>(Eigen::Ref<Matrix<double>>, double, Rng&);
template void fill_orthogonal<float>(Eigen::Ref<Matrix<float>>, Rng&);
template void fill_orthogonal<double>(Eigen::Ref<Matrix<double>>, Rng&);
template void scale_to_spectral_radius<float>(Eigen::Ref<Matrix<float>>, double);
template void scale_to_spectral_radius<double>(Eigen::Ref<Matrix<double>>, double);

}  // namespace tbptt
