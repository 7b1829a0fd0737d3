// Matrix products of the models layer behind one small interface, with the backend chosen at
// build time: C (m, n) = op(A) (m, k) * op(B) (k, n), or C += that, on column-major views.
//
// Backends (float only; double, for the gradient checks, always runs on Eigen):
//   libxsmm  (TBPTT_WITH_LIBXSMM): JIT-generated small kernels on a copy of op(A) packed into
//            contiguous row blocks of kRowBlock rows, columns tiled by kColBlock and the inner
//            dimension by kInnerBlock (see PackedMatrix). No allocation once the buffers fit.
//   eigen    otherwise: Eigen's GEMM (which allocates packing buffers inside each call).
// oneDNN's dnnl_sgemm was measured too (harness/bench/gemm_bench.cpp): on a Xeon with AVX-512 it
// beats these kernels at the window weight gradients (dWh 159 against 130 GFLOP/s, dWx 111
// against 83, H = 512) but allocates a packing buffer inside every call, which the training loop
// must not do (tests/alloc); Eigen's GEMM allocates too. oneDNN 2.6's matmul primitive, with a
// user-owned scratchpad, one primitive per shape created once and run through the C API
// (dnnl_primitive_execute with a fixed argument array), still allocates 6-7 times inside every
// execute (its execution context), measured with a malloc-counting probe: dWh 139, dWx 108,
// proj 147 GFLOP/s at H = 512 (brg:avx512_core), faster than these kernels at the weight
// gradients but not allocation-free, so it is not used.
//
// Invariants: the packed buffers only grow (ensure_size), so a loop over the same or smaller
// shapes never allocates; results depend only on the shapes and values (fixed summation order),
// so equal inputs give bit-identical outputs whatever the call site, which is what keeps full
// BPTT equal to the unrolled reference.
#pragma once

#include "models/tensor.hpp"

namespace tbptt {

enum class Op { N, T };  // op(X) = X or X^T

// Names of the backend of the per-step recurrent products and of the window-sized products
// (input projection, weight gradients, head) for float; "eigen" for double.
const char* step_gemm_backend();
const char* window_gemm_backend();

// A matrix W packed once (e.g. per window: Wh for the forward steps, or Wh^T for the backward
// ones) and then multiplied by many right-hand sides: C (m, n) (+)= op(W) (m, k) * X (k, n).
// The packed copy replaces the transposed copy the cells used to build.
template <class S>
class PackedMatrix {
 public:
  static constexpr Index kRowBlock = 64;     // rows of one packed block: 4 AVX-512 vectors of float
  static constexpr Index kColBlock = 64;     // columns of C per kernel call (measured: 64 beats 32 and 128)
  static constexpr Index kInnerBlock = 1024; // inner dimension per kernel call

  // Copies op(W) into the packed layout (grows the buffer only if needed).
  void pack(ConstView<S> W, Op op);
  Index rows() const { return m_; }
  Index cols() const { return k_; }
  // C (m, n) = op(W) op(X), or += when accumulate; op(X) is (k, n). Overwrites or accumulates
  // into C only. libxsmm reads a transposed X in place (its TRANS_B kernels).
  void multiply(ConstView<S> X, View<S> C, bool accumulate) const { multiply(X, Op::N, C, accumulate); }
  void multiply(ConstView<S> X, Op opX, View<S> C, bool accumulate) const;

 private:
  Index m_ = 0, k_ = 0;
  // libxsmm: for inner block kb and row block i, the (mb_i, kb_len) block, column-major,
  // contiguous, blocks in order (kb, i). Eigen: op(W) itself, (m, k) column-major.
  Matrix<S> packed_;
};

// A general product with its own packing buffers, kept by whoever calls it in a loop. With
// libxsmm it walks the inner dimension in blocks of kInnerBlock, packing that slice of op(A) and,
// when op(B) = B^T, copying that slice of B^T: the buffers stay at most (m, kInnerBlock) and
// (kInnerBlock, n) whatever k (a long window's weight gradient).
template <class S>
class Gemm {
 public:
  // Inner block of the window products, shorter than PackedMatrix's: a (64, 256) block of op(A)
  // and a (256, 64) tile of op(B) stay in L2 beside each other. Measured (gemm_bench, libxsmm,
  // Xeon AVX-512, loaded machine) against 1024: dWh 134 against 122 GFLOP/s, dWx 104 against 97,
  // head_dW 150 against 113 at H = 512; 128 ran dWx faster still but dWh and head_dW slower.
  static constexpr Index kInnerBlock = 256;
  // C (m, n) = op(A) op(B), or C += op(A) op(B) when accumulate.
  void operator()(ConstView<S> A, Op opA, ConstView<S> B, Op opB, View<S> C, bool accumulate);

 private:
  PackedMatrix<S> a_;
  Matrix<S> b_t_;  // (kInnerBlock, n): a slice of B^T (libxsmm only)
};

// This thread's Gemm, for window products whose caller holds no workspace (Cell's input
// projection and weight gradients). N.B. its buffer grows to the largest product the thread has
// run and is then reused: no allocation once a run's first update has sized it.
template <class S>
Gemm<S>& thread_gemm();

}  // namespace tbptt
