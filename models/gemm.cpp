// The product backends of models/gemm.hpp. With libxsmm, every tile is one JIT kernel call
// C_tile (mb, nb) (+)= A_block (mb, kb) X_tile (kb, nb) on a packed, contiguous A_block: the
// tiles of C are independent, so they may run on several threads (Eigen::nbThreads(), the
// run's threads_per_run) and the result does not depend on how many.
#include "models/gemm.hpp"

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(TBPTT_WITH_LIBXSMM)
#include <libxsmm.h>
#endif

#include "models/check.hpp"

namespace tbptt {

#if defined(TBPTT_WITH_LIBXSMM)
const char* step_gemm_backend() { return "libxsmm"; }
const char* window_gemm_backend() { return "libxsmm"; }
#else
const char* step_gemm_backend() { return "eigen"; }
const char* window_gemm_backend() { return "eigen"; }
#endif

namespace {

// C (+)= op(A) op(B) with Eigen: the expressions the cells always used, so double results stay
// as they were.
template <class S, class MA>
void eigen_product(const MA& A, Op opA, ConstView<S> B, Op opB, View<S> C, bool accumulate) {
  if (opA == Op::N && opB == Op::N) {
    if (accumulate) C.noalias() += A * B; else C.noalias() = A * B;
  } else if (opA == Op::N) {
    if (accumulate) C.noalias() += A * B.transpose(); else C.noalias() = A * B.transpose();
  } else if (opB == Op::N) {
    if (accumulate) C.noalias() += A.transpose() * B; else C.noalias() = A.transpose() * B;
  } else {
    if (accumulate) C.noalias() += A.transpose() * B.transpose(); else C.noalias() = A.transpose() * B.transpose();
  }
}

// The length of the block of size `block` that starts at i0, of n in all.
inline Index block_len(Index n, Index i0, Index block) { return std::min(block, n - i0); }

// Threads for one product: the caller's Eigen setting (threads_per_run), only for products big
// enough to pay for a fork (a per-step product at H = 128 is about 4 MFLOP).
inline int product_threads(Index m, Index n, Index k) {
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return flops >= 2e6 ? Eigen::nbThreads() : 1;
}

#if defined(TBPTT_WITH_LIBXSMM)
// X^T, copied into buf (grown only if needed), as a view. Its leading dimension is padded by one
// cache line: with kInnerBlock = 1024 rows unpadded, the kernel's loads from consecutive columns
// would sit 4 KiB apart, on the same L1 sets (measured: the head's weight gradient ran at a third
// of the rate).
ConstView<float> transposed(ConstView<float> X, Matrix<float>& buf) {
  const Index ld = X.cols() + 16;
  ensure_size(buf, ld, X.rows());
  View<float> t(buf.data(), X.cols(), X.rows(), Eigen::OuterStride<>(ld));
  t.noalias() = X.transpose();
  return cview(t);
}

// C (m, n) (+)= A (m, k) op(X) tile by tile. A is either packed (lda == 0: the layout of
// PackedMatrix::packed_) or a plain column-major matrix with leading dimension lda.
void tiled_product(const float* A, Index lda, Index m, Index k, ConstView<float> X, Op opX, View<float> C,
                   bool accumulate) {
  constexpr Index RB = PackedMatrix<float>::kRowBlock, CB = PackedMatrix<float>::kColBlock,
                  KB = PackedMatrix<float>::kInnerBlock;
  const Index n = C.cols();
  if (k == 0) {
    if (!accumulate) C.setZero();
    return;
  }
  const libxsmm_blasint ldx = static_cast<libxsmm_blasint>(X.outerStride());
  const libxsmm_blasint ldc = static_cast<libxsmm_blasint>(C.outerStride());
  const Index row_blocks = (m + RB - 1) / RB, col_blocks = (n + CB - 1) / CB;
  const int threads = product_threads(m, n, k);
  for (Index k0 = 0; k0 < k; k0 += KB) {
    const Index kl = block_len(k, k0, KB);
    const float beta = (k0 == 0 && !accumulate) ? 0.0f : 1.0f;
    // One tile per (row block, column block), row blocks fastest: consecutive tiles share the
    // columns of X in cache.
    auto run_tile = [&](Index tile) {
      const Index i0 = (tile % row_blocks) * RB, j0 = (tile / row_blocks) * CB;
      const Index ml = block_len(m, i0, RB), nl = block_len(n, j0, CB);
      const libxsmm_blasint la = static_cast<libxsmm_blasint>(lda == 0 ? ml : lda);
      const float alpha = 1.0f;
      const int flags = opX == Op::N ? LIBXSMM_GEMM_FLAG_NONE : LIBXSMM_GEMM_FLAG_TRANS_B;
      const libxsmm_smmfunction kernel =
          libxsmm_smmdispatch(static_cast<libxsmm_blasint>(ml), static_cast<libxsmm_blasint>(nl),
                              static_cast<libxsmm_blasint>(kl), &la, &ldx, &ldc, &alpha, &beta, &flags, nullptr);
      const float* a = lda == 0 ? A + k0 * m + i0 * kl : A + i0 + k0 * lda;
      const float* x = X.data() + (opX == Op::N ? k0 + j0 * ldx : j0 + k0 * ldx);
      float* c = C.data() + i0 + j0 * C.outerStride();
      if (kernel) {
        kernel(a, x, c);
      } else {  // no JIT for this shape (should not happen on x86-64): the same tile with Eigen
        const ConstView<float> At(a, ml, kl, Eigen::OuterStride<>(la));
        const ConstView<float> Xt(x, opX == Op::N ? kl : nl, opX == Op::N ? nl : kl, Eigen::OuterStride<>(ldx));
        eigen_product<float>(At, Op::N, Xt, opX, View<float>(c, ml, nl, Eigen::OuterStride<>(ldc)), beta != 0.0f);
      }
    };
    const Index tiles = row_blocks * col_blocks;
    if (threads > 1) {
      // N.B. only here: entering an OpenMP region, even a serial one (if(false)), allocates.
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(static)
#endif
      for (Index tile = 0; tile < tiles; ++tile) run_tile(tile);
    } else {
      for (Index tile = 0; tile < tiles; ++tile) run_tile(tile);
    }
  }
}
#endif

}  // namespace

template <class S>
void PackedMatrix<S>::pack(ConstView<S> W, Op op) {
  m_ = op == Op::N ? W.rows() : W.cols();
  k_ = op == Op::N ? W.cols() : W.rows();
#if defined(TBPTT_WITH_LIBXSMM)
  if constexpr (std::is_same_v<S, float>) {
    ensure_size(packed_, 1, m_ * k_);
    S* dst = packed_.data();
    for (Index k0 = 0; k0 < k_; k0 += kInnerBlock) {
      const Index kl = block_len(k_, k0, kInnerBlock);
      for (Index i0 = 0; i0 < m_; i0 += kRowBlock) {
        const Index ml = block_len(m_, i0, kRowBlock);
        View<S> block(dst, ml, kl, Eigen::OuterStride<>(ml));
        if (op == Op::N)
          block = W.block(i0, k0, ml, kl);
        else
          block = W.block(k0, i0, kl, ml).transpose();
        dst += ml * kl;
      }
    }
    return;
  }
#endif
  if (op == Op::N)
    packed_ = W;
  else
    packed_ = W.transpose();
}

template <class S>
void PackedMatrix<S>::multiply(ConstView<S> X, Op opX, View<S> C, bool accumulate) const {
  const Index xk = opX == Op::N ? X.rows() : X.cols(), n = opX == Op::N ? X.cols() : X.rows();
  TBPTT_CHECK(xk == k_ && C.rows() == m_ && C.cols() == n,
              "packed product (" << m_ << "x" << k_ << ") * (" << xk << "x" << n << ") into (" << C.rows() << "x"
                                 << C.cols() << ")");
  if (n == 0 || m_ == 0) return;
#if defined(TBPTT_WITH_LIBXSMM)
  if constexpr (std::is_same_v<S, float>) {
    tiled_product(packed_.data(), 0, m_, k_, X, opX, C, accumulate);
    return;
  }
#endif
  eigen_product<S>(packed_, Op::N, X, opX, C, accumulate);
}

template <class S>
void Gemm<S>::operator()(ConstView<S> A, Op opA, ConstView<S> B, Op opB, View<S> C, bool accumulate) {
  const Index m = opA == Op::N ? A.rows() : A.cols(), k = opA == Op::N ? A.cols() : A.rows();
  const Index kb = opB == Op::N ? B.rows() : B.cols(), n = opB == Op::N ? B.cols() : B.rows();
  TBPTT_CHECK(k == kb && C.rows() == m && C.cols() == n,
              "product (" << m << "x" << k << ") * (" << kb << "x" << n << ") into (" << C.rows() << "x"
                          << C.cols() << ")");
#if defined(TBPTT_WITH_LIBXSMM)
  if constexpr (std::is_same_v<S, float>) {
    if (k == 0) {
      if (!accumulate) C.setZero();
      return;
    }
    constexpr Index KB = kInnerBlock;
    for (Index k0 = 0; k0 < k; k0 += KB) {
      const Index kl = std::min(KB, k - k0);
      // op(B) = B^T (the weight gradients dA x^T) with more than one row block: B^T is copied
      // (one pass over B, reused by every row block) so that the kernels read it untransposed.
      // Measured (harness/bench/gemm_bench.cpp, Xeon with AVX-512): libxsmm 1.17's TRANS_B
      // kernels ran dWh at 82 and dWx at 44 GFLOP/s at H = 512, the copy and untransposed kernels
      // at 121 and 96; with a single row block (the head's dW, O = 64 rows) TRANS_B stays faster.
      const bool copy_bt = opB == Op::T && m > PackedMatrix<S>::kRowBlock;
      const ConstView<S> Bk = opB == Op::N ? sub(B, k0, kl, 0, n)
                              : copy_bt    ? transposed(sub(B, 0, n, k0, kl), b_t_)
                                           : sub(B, 0, n, k0, kl);
      a_.pack(opA == Op::N ? sub(A, 0, m, k0, kl) : sub(A, k0, kl, 0, m), opA);
      a_.multiply(Bk, copy_bt ? Op::N : opB, C, accumulate || k0 > 0);
    }
    return;
  }
#endif
  eigen_product<S>(A, opA, B, opB, C, accumulate);
}

template <class S>
Gemm<S>& thread_gemm() {
  thread_local Gemm<S> gemm;
  return gemm;
}

template class PackedMatrix<float>;
template class PackedMatrix<double>;
template class Gemm<float>;
template class Gemm<double>;
template Gemm<float>& thread_gemm<float>();
template Gemm<double>& thread_gemm<double>();

}  // namespace tbptt
