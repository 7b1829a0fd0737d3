// Eigen aliases shared by every model file.
//
// Everything is column-major. A batch of states or gradients is (rows, B); a window of T steps is
// (rows, T*B) with step t in columns [t*B, (t+1)*B). Views into shared buffers carry an outer
// stride so that, e.g., the h rows of an LSTM state block (h stacked above c) can feed a GEMM
// without a copy.
#pragma once

#include <Eigen/Dense>
#include <cstdint>

namespace tbptt {

using Index = Eigen::Index;

template <class S>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;

// A (possibly strided) writable / read-only window into column-major storage.
template <class S>
using View = Eigen::Map<Matrix<S>, 0, Eigen::OuterStride<>>;
template <class S>
using ConstView = Eigen::Map<const Matrix<S>, 0, Eigen::OuterStride<>>;

// Columns [col0, col0 + cols) and rows [row0, row0 + rows) of m, as a view.
template <class S>
View<S> view(Matrix<S>& m, Index row0, Index rows, Index col0, Index cols) {
  return View<S>(m.data() + row0 + col0 * m.rows(), rows, cols, Eigen::OuterStride<>(m.rows()));
}
template <class S>
ConstView<S> cview(const Matrix<S>& m, Index row0, Index rows, Index col0, Index cols) {
  return ConstView<S>(m.data() + row0 + col0 * m.rows(), rows, cols, Eigen::OuterStride<>(m.rows()));
}
template <class S>
ConstView<S> cview(const View<S>& m) {
  return ConstView<S>(m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.outerStride()));
}

// Rows [row0, row0 + rows) of columns [col0, col0 + cols) of a view, as a view of the same kind.
template <class S>
View<S> sub(View<S> v, Index row0, Index rows, Index col0, Index cols) {
  return View<S>(v.data() + row0 + col0 * v.outerStride(), rows, cols, Eigen::OuterStride<>(v.outerStride()));
}
template <class S>
ConstView<S> sub(const ConstView<S>& v, Index row0, Index rows, Index col0, Index cols) {
  return ConstView<S>(v.data() + row0 + col0 * v.outerStride(), rows, cols,
                      Eigen::OuterStride<>(v.outerStride()));
}

// Resizes m, leaving it unchanged when the allocation throws. N.B. Eigen 3.4's resize() frees the
// old buffer before allocating the new one and keeps the freed pointer if that allocation throws
// (std::bad_alloc), so the matrix's destructor then frees it a second time: a double free while
// the exception unwinds (`eval.sequences: 3000000` under an 8 GiB address-space limit). Building
// the new matrix first and swapping gives the strong guarantee. Contents are unspecified after.
template <class S>
void resize_safely(Matrix<S>& m, Index rows, Index cols) {
  if (m.rows() == rows && m.cols() == cols) return;
  Matrix<S> fresh(rows, cols);
  m.swap(fresh);
}

// Grows m to at least (rows, cols) and never shrinks it, so that a loop calling this with the same
// or smaller sizes never allocates. Contents are unspecified after a growth.
template <class S>
void ensure_size(Matrix<S>& m, Index rows, Index cols) {
  if (m.rows() != rows || m.cols() < cols) resize_safely(m, rows, std::max(cols, m.cols()));
}

}  // namespace tbptt
