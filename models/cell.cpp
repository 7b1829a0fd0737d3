// What every cell shares: the time loops and the reset protocol, parameter registration and
// initialisation, the batched input projection and the batched input-side gradients.
#include "models/cell.hpp"

#include <cmath>

#include "models/check.hpp"

namespace tbptt {

template <class S>
Cell<S>::Cell(const CellShape& shape, Index input, Index hidden) : shape_(shape), input_(input), hidden_(hidden) {
  TBPTT_CHECK(input >= 1, "cell input size must be >= 1, got " << input);
  TBPTT_CHECK(hidden >= 1, "cell hidden size must be >= 1, got " << hidden);
}

template <class S>
double Cell<S>::recurrent_macs() const {
  return static_cast<double>(gate_rows()) * static_cast<double>(hidden_);
}

template <class S>
double Cell<S>::input_macs() const {
  return static_cast<double>(gate_rows()) * static_cast<double>(input_);
}

template <class S>
void Cell<S>::add_params(ParamLayout& layout, const std::string& prefix) {
  const Index G = gate_rows();
  iWx_ = layout.add_matrix(prefix + ".Wx", G, input_);
  iWh_ = layout.add_matrix(prefix + ".Wh", G, hidden_);
  ib_ = layout.add_vector(prefix + ".b", G);
}

template <class S>
void Cell<S>::init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  init_gates(p, spec, rng);
  init_recurrent(p, spec, rng);
}

template <class S>
void Cell<S>::init_gates(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  const Index H = hidden_, G = gate_rows();
  auto Wx = p[iWx_];
  auto Wh = p[iWh_];
  auto b = p[ib_];
  if (spec.scheme == InitScheme::uniform) {
    // PyTorch's nn.RNN / nn.LSTM / nn.GRU: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)).
    const double a = 1.0 / std::sqrt(static_cast<double>(H));
    fill_uniform<S>(Wx, a, rng);
    fill_uniform<S>(Wh, a, rng);
    fill_uniform<S>(b, a, rng);
  } else {
    // Glorot & Bengio 2010, per gate block: each block maps fan_in to H units.
    for (Index g0 = 0; g0 < G; g0 += H) {
      fill_uniform<S>(Wx.middleRows(g0, H), std::sqrt(6.0 / static_cast<double>(input_ + H)), rng);
      fill_uniform<S>(Wh.middleRows(g0, H), std::sqrt(6.0 / static_cast<double>(2 * H)), rng);
    }
    b.setZero();
  }
}

template <class S>
void Cell<S>::init_recurrent(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  auto Wh = p[iWh_];
  if (spec.orthogonal_recurrent)
    for (Index g0 = 0; g0 < gate_rows(); g0 += hidden_) fill_orthogonal<S>(Wh.middleRows(g0, hidden_), rng);
  // Each gate's block rescaled to the requested spectral radius (Pascanu et al. 2013 use 0.95).
  if (spec.spectral_radius > 0)
    for (Index g0 = 0; g0 < gate_rows(); g0 += hidden_)
      scale_to_spectral_radius<S>(Wh.middleRows(g0, hidden_), spec.spectral_radius);
}

template <class S>
void Cell<S>::init_bias(Eigen::Ref<Matrix<S>> bias, const InitSpec& spec, Rng& rng) const {
  if (spec.scheme == InitScheme::uniform)
    fill_uniform<S>(bias, 1.0 / std::sqrt(static_cast<double>(hidden_)), rng);
  else
    bias.setZero();
}

template <class S>
void Cell<S>::reserve(CellWorkspace<S>& ws, Index steps, Index B) const {
  const Index H = hidden_;
  ensure_size(ws.dA, shape_.gradient * H, std::min(steps, backward_block_steps(B)) * B);
  ensure_size(ws.step, shape_.step * H, B);
  ensure_size(ws.prev, state_rows(), B);
}

template <class S>
void Cell<S>::forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
                      const uint8_t* reset, Index T, Index B, CellWorkspace<S>& ws) const {
  const Index SR = state_rows(), CR = cache_rows();
  reserve(ws, T, B);
  prepare_forward(p, ws);
  project_window(p, x, sub(states, 0, SR, B, T * B), cache);
  for (Index t = 0; t < T; ++t) {
    const ConstView<S> prev = entering_state(cview(sub(states, 0, SR, t * B, B)), reset + t * B, ws);
    forward_step(p, prev, sub(states, 0, SR, (t + 1) * B, B), sub(cache, 0, CR, t * B, B), ws);
  }
}

template <class S>
void Cell<S>::backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, ConstView<S> states,
                       ConstView<S> cache, const uint8_t* reset, ConstView<S> dh, View<S> dstate, View<S>* dx,
                       Index T, Index B, CellWorkspace<S>& ws) const {
  const Index H = hidden_, SR = state_rows(), CR = cache_rows(), R = shape_.gradient * H;
  reserve(ws, T, B);
  prepare_backward(p, ws);
  const Index block = std::min(T, backward_block_steps(B));
  for (Index hi = T; hi > 0; hi -= block) {
    const Index lo = std::max<Index>(0, hi - block), n = hi - lo;
    View<S> dA = view(ws.dA, 0, R, 0, n * B);
    for (Index t = hi - 1; t >= lo; --t) {
      const ConstView<S> prev = entering_state(sub(states, 0, SR, t * B, B), reset + t * B, ws);
      backward_step(p, prev, sub(states, 0, SR, (t + 1) * B, B), sub(cache, 0, CR, t * B, B),
                    sub(dh, 0, H, t * B, B), dstate, sub(dA, 0, R, (t - lo) * B, B), ws);
      zero_reset_columns(dstate, reset + t * B, B);  // no gradient crosses a reset
    }
    View<S> dxs = dx ? sub(*dx, 0, dx->rows(), lo * B, n * B) : dA;
    fold_block(p, g, slice(x, lo * B, n * B), dA, sub(states, 0, SR, lo * B, n * B),
               sub(cache, 0, CR, lo * B, n * B), reset + lo * B, dx ? &dxs : nullptr);
  }
}

template <class S>
void Cell<S>::prepare_forward(const ParamBuffer<S>& p, CellWorkspace<S>& ws) const {
  // Wh packed once per window, not re-packed inside every per-step product (an Eigen GEMM packs
  // both operands at each call: about 15% of an LSTM update at H = 512, issue 13's profile).
  ws.wh.pack(param_view(p, iWh_), Op::N);
}

template <class S>
void Cell<S>::prepare_backward(const ParamBuffer<S>& p, CellWorkspace<S>& ws) const {
  // Wh^T packed once per backward window: the per-step product Wh^T dA then runs on it directly
  // (this replaces the transposed copy; perf put re-packing the transposed Wh at every step at
  // about 8% of an LSTM update at H = 256).
  ws.wh_t.pack(param_view(p, iWh_), Op::T);
}

template <class S>
void Cell<S>::fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                         ConstView<S> entering, ConstView<S>, const uint8_t* reset, View<S>* dx) const {
  input_gradients(p, g, x, cview(dA), 0, dx);
  zero_reset_columns(dA, reset, dA.cols());
  thread_gemm<S>()(cview(dA), Op::N, sub(entering, 0, hidden_, 0, dA.cols()), Op::T, param_view(g, iWh_), true);
}

template <class S>
void Cell<S>::project_input(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> pre) const {
  const auto Wx = p[iWx_].topRows(pre.rows());
  const auto b = p[ib_].topRows(pre.rows());
  if (x.tokens) {
    // One-hot input: Wx * e_k is column k of Wx, a gather instead of a product.
    for (Index j = 0; j < pre.cols(); ++j) {
      const int32_t k = x.tokens[j];
      TBPTT_CHECK(k >= 0 && k < input_, "token id " << k << " outside the vocabulary [0, " << input_ << ")");
      pre.col(j) = Wx.col(k) + b;
    }
  } else {
    TBPTT_CHECK(x.dense.rows() == input_ && x.dense.cols() == pre.cols(),
                "dense input is " << x.dense.rows() << "x" << x.dense.cols() << ", the cell expects "
                                  << input_ << "x" << pre.cols());
    thread_gemm<S>()(param_view(p, iWx_, 0, pre.rows()), Op::N, x.dense, Op::N, pre, false);
    pre.colwise() += b.col(0);
  }
}

template <class S>
void Cell<S>::input_gradients(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                              ConstView<S> dA, Index row0, View<S>* dx) const {
  const Index R = dA.rows();
  auto dWx = g[iWx_].middleRows(row0, R);
  if (x.tokens) {
    for (Index j = 0; j < dA.cols(); ++j) dWx.col(x.tokens[j]) += dA.col(j);
  } else {
    thread_gemm<S>()(dA, Op::N, x.dense, Op::T, param_view(g, iWx_, row0, R), true);
  }
  g[ib_].middleRows(row0, R) += dA.rowwise().sum();
  if (dx && !x.tokens) thread_gemm<S>()(param_view(p, iWx_, row0, R), Op::T, dA, Op::N, *dx, true);
}

template <class S>
void Cell<S>::zero_reset_columns(View<S> m, const uint8_t* reset, Index n) {
  for (Index j = 0; j < n; ++j)
    if (reset[j]) m.col(j).setZero();
}

template <class S>
void Cell<S>::set_backward_columns(Index columns) {
  TBPTT_CHECK(columns >= 1, "backward block must hold at least 1 column, got " << columns);
  backward_columns_ = columns;
}

template <class S>
ConstView<S> Cell<S>::entering_state(ConstView<S> block, const uint8_t* reset_t, CellWorkspace<S>& ws) const {
  const Index B = block.cols();
  bool any = false;
  for (Index b = 0; b < B; ++b) any |= reset_t[b] != 0;
  if (!any) return block;
  ensure_size(ws.prev, block.rows(), B);
  auto prev = ws.prev.leftCols(B);
  prev = block;
  for (Index b = 0; b < B; ++b)
    if (reset_t[b]) prev.col(b).setZero();
  return ConstView<S>(ws.prev.data(), block.rows(), B, Eigen::OuterStride<>(ws.prev.rows()));
}

template class Cell<float>;
template class Cell<double>;

}  // namespace tbptt
