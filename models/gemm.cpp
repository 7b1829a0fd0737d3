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

template <class S>
void eigen_product(const Matrix<S>& A, ConstView<S> X, View<S> C, bool accumulate) {
  if (accumulate)
    C.noalias() += A * X;
  else
    C.noalias() = A * X;
}

// The length of the block of size `block` that starts at i0, of n in all.
inline Index block_len(Index n, Index i0, Index block) { return std::min(block, n - i0); }

// Threads for one product: the caller's Eigen setting (threads_per_run), only for products big
// enough to pay for a fork (a per-step product at H = 128 is about 4 MFLOP).
inline int product_threads(Index m, Index n, Index k) {
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return flops >= 2e6 ? Eigen::nbThreads() : 1;
}

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
void PackedMatrix<S>::multiply(ConstView<S> X, View<S> C, bool accumulate) const {
  TBPTT_CHECK(X.rows() == k_ && C.rows() == m_ && C.cols() == X.cols(),
              "packed product (" << m_ << "x" << k_ << ") * (" << X.rows() << "x" << X.cols() << ") into ("
                                 << C.rows() << "x" << C.cols() << ")");
  const Index n = X.cols();
  if (n == 0 || m_ == 0) return;
#if defined(TBPTT_WITH_LIBXSMM)
  if constexpr (std::is_same_v<S, float>) {
    if (k_ == 0) {
      if (!accumulate) C.setZero();
      return;
    }
    const libxsmm_blasint ldx = static_cast<libxsmm_blasint>(X.outerStride());
    const libxsmm_blasint ldc = static_cast<libxsmm_blasint>(C.outerStride());
    const Index row_blocks = (m_ + kRowBlock - 1) / kRowBlock;
    const Index col_blocks = (n + kColBlock - 1) / kColBlock;
    const int threads = product_threads(m_, n, k_);
    const S* base = packed_.data();
    for (Index k0 = 0; k0 < k_; k0 += kInnerBlock) {
      const Index kl = block_len(k_, k0, kInnerBlock);
      const float beta = (k0 == 0 && !accumulate) ? 0.0f : 1.0f;
      const S* slice = base + k0 * m_;  // the row blocks of this inner block
      // One tile per (row block, column block); row-major over tiles so that a thread's tiles
      // share the X columns in cache.
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
#endif
      for (Index tile = 0; tile < row_blocks * col_blocks; ++tile) {
        const Index i0 = (tile % row_blocks) * kRowBlock, j0 = (tile / row_blocks) * kColBlock;
        const Index ml = block_len(m_, i0, kRowBlock), nl = block_len(n, j0, kColBlock);
        const libxsmm_blasint lda = static_cast<libxsmm_blasint>(ml);
        const float alpha = 1.0f;
        const int flags = LIBXSMM_GEMM_FLAG_NONE;
        const libxsmm_smmfunction kernel =
            libxsmm_smmdispatch(static_cast<libxsmm_blasint>(ml), static_cast<libxsmm_blasint>(nl),
                                static_cast<libxsmm_blasint>(kl), &lda, &ldx, &ldc, &alpha, &beta, &flags, nullptr);
        const S* a = slice + i0 * kl;
        const S* x = X.data() + k0 + j0 * X.outerStride();
        S* c = C.data() + i0 + j0 * C.outerStride();
        if (kernel) {
          kernel(a, x, c);
        } else {  // no JIT for this shape (should not happen on x86-64): the same tile with Eigen
          const ConstView<S> At(a, ml, kl, Eigen::OuterStride<>(ml));
          const ConstView<S> Xt(x, kl, nl, Eigen::OuterStride<>(ldx));
          View<S> Ct(c, ml, nl, Eigen::OuterStride<>(ldc));
          if (beta == 0.0f)
            Ct.noalias() = At * Xt;
          else
            Ct.noalias() += At * Xt;
        }
      }
    }
    return;
  }
#endif
  eigen_product(packed_, X, C, accumulate);
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
    constexpr Index KB = PackedMatrix<S>::kInnerBlock;
    for (Index k0 = 0; k0 < k; k0 += KB) {
      const Index kl = std::min(KB, k - k0);
      const bool acc = accumulate || k0 > 0;
      a_.pack(opA == Op::N ? sub(A, 0, m, k0, kl) : sub(A, k0, kl, 0, m), opA);
      if (opB == Op::N) {
        a_.multiply(sub(B, k0, kl, 0, n), C, acc);
      } else {
        ensure_size(bt_, KB, n);
        View<S> bt(bt_.data(), kl, n, Eigen::OuterStride<>(KB));
        bt = sub(B, 0, n, k0, kl).transpose();
        a_.multiply(cview(bt), C, acc);
      }
    }
    return;
  }
#endif
  // Eigen: the expressions the cells always used, so double results stay as they were.
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

template class PackedMatrix<float>;
template class PackedMatrix<double>;
template class Gemm<float>;
template class Gemm<double>;

}  // namespace tbptt
