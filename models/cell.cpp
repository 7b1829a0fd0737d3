// What every cell shares: parameter registration, initialisation, the batched input projection
// and the batched input-side gradients.
#include "models/cell.hpp"

#include <cmath>

#include "models/check.hpp"
#include "models/gru_cell.hpp"
#include "models/lstm_cell.hpp"
#include "models/rnn_cell.hpp"

namespace tbptt {

const char* to_string(CellKind k) {
  switch (k) {
    case CellKind::rnn: return "rnn";
    case CellKind::lstm: return "lstm";
    case CellKind::gru: return "gru";
  }
  return "?";
}

template <class S>
Cell<S>::Cell(CellKind kind, Index input, Index hidden) : kind_(kind), input_(input), hidden_(hidden) {
  TBPTT_CHECK(input >= 1, "cell input size must be >= 1, got " << input);
  TBPTT_CHECK(hidden >= 1, "cell hidden size must be >= 1, got " << hidden);
}

template <class S>
Index Cell<S>::gate_rows() const {
  switch (kind_) {
    case CellKind::rnn: return hidden_;
    case CellKind::lstm: return 4 * hidden_;
    case CellKind::gru: return 3 * hidden_;
  }
  return 0;
}

template <class S>
Index Cell<S>::state_rows() const {
  return kind_ == CellKind::lstm ? 2 * hidden_ : hidden_;
}

template <class S>
Index Cell<S>::cache_rows() const {
  return kind_ == CellKind::rnn ? 0 : 4 * hidden_;
}

template <class S>
void Cell<S>::add_params(ParamLayout& layout, const std::string& prefix) {
  const Index G = gate_rows();
  iWx_ = layout.add_matrix(prefix + ".Wx", G, input_);
  iWh_ = layout.add_matrix(prefix + ".Wh", G, hidden_);
  ib_ = layout.add_vector(prefix + ".b", G);
  if (kind_ == CellKind::gru) ibhn_ = layout.add_vector(prefix + ".bhn", hidden_);
}

template <class S>
void Cell<S>::init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
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
    if (ibhn_ >= 0) fill_uniform<S>(p[ibhn_], a, rng);
  } else {
    // Glorot & Bengio 2010, per gate block: each block maps fan_in to H units.
    for (Index g0 = 0; g0 < G; g0 += H) {
      fill_uniform<S>(Wx.middleRows(g0, H), std::sqrt(6.0 / static_cast<double>(input_ + H)), rng);
      fill_uniform<S>(Wh.middleRows(g0, H), std::sqrt(6.0 / static_cast<double>(2 * H)), rng);
    }
    b.setZero();
    if (ibhn_ >= 0) p[ibhn_].setZero();
  }
  if (spec.orthogonal_recurrent)
    for (Index g0 = 0; g0 < G; g0 += H) fill_orthogonal<S>(Wh.middleRows(g0, H), rng);
  if (spec.spectral_radius > 0)
    for (Index g0 = 0; g0 < G; g0 += H) scale_to_spectral_radius<S>(Wh.middleRows(g0, H), spec.spectral_radius);
  if (kind_ == CellKind::lstm) b.middleRows(H, H).array() += static_cast<S>(spec.forget_bias);
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
    pre.noalias() = Wx * x.dense;
    pre.colwise() += b.col(0);
  }
}

template <class S>
void Cell<S>::input_gradients(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                              ConstView<S> dA, Index row0, View<S>* dx, bool accumulate_dx) const {
  const Index R = dA.rows();
  auto dWx = g[iWx_].middleRows(row0, R);
  if (x.tokens) {
    for (Index j = 0; j < dA.cols(); ++j) dWx.col(x.tokens[j]) += dA.col(j);
  } else {
    dWx.noalias() += dA * x.dense.transpose();
  }
  g[ib_].middleRows(row0, R) += dA.rowwise().sum();
  if (dx && !x.tokens) {
    const auto Wx = p[iWx_].middleRows(row0, R);
    if (accumulate_dx)
      dx->noalias() += Wx.transpose() * dA;
    else
      dx->noalias() = Wx.transpose() * dA;
  }
}

template <class S>
void Cell<S>::fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                         ConstView<S> states, const uint8_t* reset, Index lo, Index n, Index B, View<S>* dx) const {
  View<S> dxs = dx ? sub(*dx, 0, dx->rows(), lo * B, n * B) : dA;
  input_gradients(p, g, slice(x, lo * B, n * B), cview(dA), 0, dx ? &dxs : nullptr, false);
  zero_reset_columns(dA, reset + lo * B, n * B);
  g[iWh_].noalias() += dA * sub(states, 0, hidden_, lo * B, n * B).transpose();
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
const Matrix<S>& Cell<S>::transposed_wh(const ParamBuffer<S>& p) const {
  wh_t_ = p[iWh_].transpose();
  return wh_t_;
}

template <class S>
ConstView<S> Cell<S>::entering_state(ConstView<S> block, const uint8_t* reset_t) const {
  const Index B = block.cols();
  bool any = false;
  for (Index b = 0; b < B; ++b) any |= reset_t[b] != 0;
  if (!any) return block;
  prev_ = block;
  for (Index b = 0; b < B; ++b)
    if (reset_t[b]) prev_.col(b).setZero();
  return ConstView<S>(prev_.data(), prev_.rows(), B, Eigen::OuterStride<>(prev_.rows()));
}

template <class S>
std::unique_ptr<Cell<S>> make_cell(CellKind kind, Index input, Index hidden) {
  switch (kind) {
    case CellKind::rnn: return std::make_unique<RnnCell<S>>(input, hidden);
    case CellKind::lstm: return std::make_unique<LstmCell<S>>(input, hidden);
    case CellKind::gru: return std::make_unique<GruCell<S>>(input, hidden);
  }
  TBPTT_CHECK(false, "unknown cell kind");
}

template class Cell<float>;
template class Cell<double>;
template std::unique_ptr<Cell<float>> make_cell<float>(CellKind, Index, Index);
template std::unique_ptr<Cell<double>> make_cell<double>(CellKind, Index, Index);

}  // namespace tbptt
