// The product backends of models/gemm.hpp against a plain triple loop in double: every
// transpose combination, strided views, shapes with partial row, column and inner blocks (the
// inner dimension spans more than one kInnerBlock), overwrite and accumulate. And the exactness
// the trainer relies on: the same product gives the same bits through PackedMatrix and Gemm, and
// on 1 or 2 threads.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "models/gemm.hpp"

namespace tbptt {
namespace {

template <class S>
Matrix<S> random_matrix(Index rows, Index cols, std::mt19937& gen) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Matrix<S> m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = static_cast<S>(u(gen));
  return m;
}

// C0 + op(A) op(B), summed in double.
template <class S>
Matrix<double> reference(const Matrix<S>& A, Op opA, const Matrix<S>& B, Op opB, const Matrix<S>& C0, bool acc) {
  Matrix<double> a = A.template cast<double>(), b = B.template cast<double>();
  if (opA == Op::T) a.transposeInPlace();
  if (opB == Op::T) b.transposeInPlace();
  Matrix<double> c = Matrix<double>::Zero(a.rows(), b.cols());
  if (acc) c = C0.template cast<double>();
  for (Index j = 0; j < b.cols(); ++j)
    for (Index p = 0; p < a.cols(); ++p)
      for (Index i = 0; i < a.rows(); ++i) c(i, j) += a(i, p) * b(p, j);
  return c;
}

template <class S>
ConstView<S> whole(const Matrix<S>& m) {
  return cview(m, 0, m.rows(), 0, m.cols());
}

}  // namespace

TEMPLATE_TEST_CASE("Gemm equals the triple loop for every transpose, stride and partial block", "[gemm]", float,
                   double) {
  using S = TestType;
  const Index KB = PackedMatrix<S>::kInnerBlock;
  // (m, n, k): a per-step shape, partial row / column blocks, an inner dimension over two blocks.
  const auto [m, n, k] = GENERATE(std::tuple<Index, Index, Index>{128, 32, 64}, std::tuple<Index, Index, Index>{70, 37, 5},
                                  std::tuple<Index, Index, Index>{3, 1, 1},
                                  std::tuple<Index, Index, Index>{65, 33, PackedMatrix<float>::kInnerBlock + 17});
  const Op opA = GENERATE(Op::N, Op::T), opB = GENERATE(Op::N, Op::T);
  const bool acc = GENERATE(false, true);
  std::mt19937 gen(static_cast<unsigned>(m * 131 + n * 7 + k));
  // Operands live inside bigger matrices, so every view has an outer stride beyond its rows.
  const Matrix<S> Abig = random_matrix<S>((opA == Op::N ? m : k) + 3, (opA == Op::N ? k : m) + 2, gen);
  const Matrix<S> Bbig = random_matrix<S>((opB == Op::N ? k : n) + 5, (opB == Op::N ? n : k) + 1, gen);
  Matrix<S> Cbig = random_matrix<S>(m + 4, n + 2, gen);
  const Matrix<S> A = Abig.block(1, 2, opA == Op::N ? m : k, opA == Op::N ? k : m);
  const Matrix<S> B = Bbig.block(2, 1, opB == Op::N ? k : n, opB == Op::N ? n : k);
  const Matrix<S> C0 = Cbig.block(3, 1, m, n);
  const Matrix<double> want = reference<S>(A, opA, B, opB, C0, acc);

  Gemm<S> gemm;
  for (int round = 0; round < 2; ++round) {  // the second call reuses the grown buffers
    Cbig.block(3, 1, m, n) = C0;
    const Matrix<S> before = Cbig;
    gemm(cview(Abig, 1, A.rows(), 2, A.cols()), opA, cview(Bbig, 2, B.rows(), 1, B.cols()), opB,
         view(Cbig, 3, m, 1, n), acc);
    const Matrix<double> got = Cbig.block(3, 1, m, n).template cast<double>();
    const double tol = (std::is_same_v<S, float> ? 4e-6 : 1e-13) * static_cast<double>(k + 1);
    INFO("m " << m << " n " << n << " k " << k << " (kInnerBlock " << KB << ") round " << round);
    CHECK((got - want).cwiseAbs().maxCoeff() <= tol);
    Matrix<S> frame = Cbig;  // nothing outside C's view is touched
    frame.block(3, 1, m, n) = C0;
    CHECK(frame == before);
  }
}

TEMPLATE_TEST_CASE("a packed matrix gives the same bits as Gemm, on 1 and 2 threads", "[gemm]", float, double) {
  using S = TestType;
  const Index m = 256, n = 32, k = PackedMatrix<S>::kInnerBlock + 100;
  std::mt19937 gen(7);
  const Matrix<S> W = random_matrix<S>(k, m, gen);  // packed as W^T, as the backward steps do
  const Matrix<S> X = random_matrix<S>(k, n, gen);
  PackedMatrix<S> packed;
  packed.pack(whole(W), Op::T);
  CHECK(packed.rows() == m);
  CHECK(packed.cols() == k);

  Matrix<S> by_packed(m, n), by_gemm(m, n), two_threads(m, n);
  packed.multiply(whole(X), view(by_packed, 0, m, 0, n), false);
  Gemm<S> gemm;
  gemm(whole(W), Op::T, whole(X), Op::N, view(by_gemm, 0, m, 0, n), false);
  CHECK(by_packed == by_gemm);

  const int before = Eigen::nbThreads();
  Eigen::setNbThreads(2);
  packed.multiply(whole(X), view(two_threads, 0, m, 0, n), false);
  Eigen::setNbThreads(before);
  CHECK(two_threads == by_packed);
  CHECK(reference<S>(W, Op::T, X, Op::N, by_packed, false).isApprox(by_packed.template cast<double>(),
                                                                  std::is_same_v<S, float> ? 1e-4 : 1e-12));
}

TEMPLATE_TEST_CASE("a weight gradient gives the same bits through the copied B^T as through TRANS_B", "[gemm]",
                   float, double) {
  // Gemm copies B^T for op(B) = B^T over more than one row block (models/gemm.cpp); the packed
  // matrix's TRANS_B product sums in the same order, so the copy moves no result.
  using S = TestType;
  const Index m = 256, k = PackedMatrix<S>::kInnerBlock + 100;
  const Index n = GENERATE(Index{64}, Index{130});
  std::mt19937 gen(static_cast<unsigned>(n));
  const Matrix<S> A = random_matrix<S>(m, k, gen);  // dA
  const Matrix<S> B = random_matrix<S>(n, k, gen);  // the states, read as B^T
  Matrix<S> by_gemm = random_matrix<S>(m, n, gen);
  Matrix<S> by_packed = by_gemm;
  Gemm<S> gemm;
  gemm(whole(A), Op::N, whole(B), Op::T, view(by_gemm, 0, m, 0, n), true);
  // The same product on TRANS_B, block by block of the inner dimension as Gemm walks it with
  // libxsmm (Eigen, for double or without libxsmm, takes the whole inner dimension at once).
  const bool blocked = std::is_same_v<S, float> && std::string(window_gemm_backend()) == "libxsmm";
  const Index block = blocked ? PackedMatrix<S>::kInnerBlock : k;
  PackedMatrix<S> packed;
  for (Index k0 = 0; k0 < k; k0 += block) {
    const Index kl = std::min(block, k - k0);
    packed.pack(cview(A, 0, m, k0, kl), Op::N);
    packed.multiply(cview(B, 0, n, k0, kl), Op::T, view(by_packed, 0, m, 0, n), true);
  }
  CHECK(by_gemm == by_packed);
}

TEST_CASE("the backends are named", "[gemm]") {
  const std::string step = step_gemm_backend(), window = window_gemm_backend();
  CHECK((step == "libxsmm" || step == "eigen"));
  CHECK((window == "libxsmm" || window == "eigen"));
}

}  // namespace tbptt
