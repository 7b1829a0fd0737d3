#include "models/gru_cell.hpp"

namespace tbptt {

template <class S>
void GruCell<S>::forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
                         const uint8_t* reset, Index T, Index B) const {
  const Index H = this->hidden_;
  const auto Wh = p[this->iWh_];
  const auto bhn = p[this->ibhn_].col(0);
  this->project_input(p, x, sub(cache, 0, 3 * H, 0, T * B));
  ensure_size(this->step_, 3 * H, B);
  auto rec = this->step_.leftCols(B);
  for (Index t = 0; t < T; ++t) {
    const ConstView<S> h = this->entering_state(cview(sub(states, 0, H, t * B, B)), reset + t * B);
    rec.noalias() = Wh * h;
    auto a = cache.middleCols(t * B, B);
    auto rz = a.topRows(2 * H);
    rz = (rz + rec.topRows(2 * H)).array().logistic();
    auto hn = a.bottomRows(H);
    hn = rec.bottomRows(H).colwise() + bhn;
    auto n = a.middleRows(2 * H, H);
    n = (n.array() + a.topRows(H).array() * hn.array()).tanh();
    const auto z = a.middleRows(H, H).array();
    sub(states, 0, H, (t + 1) * B, B) = ((S(1) - z) * n.array() + z * h.array()).matrix();
  }
}

template <class S>
void GruCell<S>::backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                          ConstView<S> states, ConstView<S> cache, const uint8_t* reset, ConstView<S> dh,
                          View<S> dstate, View<S>* dx, Index T, Index B) const {
  const Index H = this->hidden_;
  const Matrix<S>& WhT = this->transposed_wh(p);
  // dA rows: [d a_r, d a_z, d hn, d a_n]: the first three are the gradients of Wh's rows r, z, n
  // (one contiguous block for the recurrent products), rows r, z and the last are Wx's.
  ensure_size(this->step_, 3 * H, B);
  auto dht = this->step_.block(0, 0, H, B).array();  // scratch: the total gradient w.r.t. h'
  const Index block = std::min(T, this->backward_block_steps(B));
  ensure_size(this->dA_, 4 * H, block * B);
  for (Index hi = T; hi > 0; hi -= block) {
    const Index lo = std::max<Index>(0, hi - block), n = hi - lo;
    View<S> dA = view(this->dA_, 0, 4 * H, 0, n * B);
    for (Index t = hi - 1; t >= lo; --t) {
      const ConstView<S> h = this->entering_state(sub(states, 0, H, t * B, B), reset + t * B);
      const auto a = sub(cache, 0, 4 * H, t * B, B).array();
      const auto r = a.topRows(H), z = a.middleRows(H, H), nn = a.middleRows(2 * H, H), hn = a.bottomRows(H);
      dht = dh.middleCols(t * B, B).array() + dstate.array();
      auto d = dA.middleCols((t - lo) * B, B).array();
      auto dan = d.bottomRows(H);
      dan = dht * (S(1) - z) * (S(1) - nn.square());                   // d a_n
      d.topRows(H) = dan * hn * r * (S(1) - r);                        // d a_r
      d.middleRows(H, H) = dht * (h.array() - nn) * z * (S(1) - z);    // d a_z
      d.middleRows(2 * H, H) = dan * r;                                // d hn
      dstate.noalias() = WhT * dA.block(0, (t - lo) * B, 3 * H, B);
      dstate.array() += dht * z;
      this->zero_reset_columns(dstate, reset + t * B, B);  // no gradient crosses a reset
    }
    // Fold this block into the weight gradients. bhn is used even at a reset step (hn = bhn
    // there), so it takes its gradient before the reset columns are zeroed.
    const LayerInput<S> xs = slice(x, lo * B, n * B);
    View<S> dxs = dx ? sub(*dx, 0, dx->rows(), lo * B, n * B) : dA;
    this->input_gradients(p, g, xs, cview(sub(dA, 0, 2 * H, 0, n * B)), 0, dx ? &dxs : nullptr, false);
    this->input_gradients(p, g, xs, cview(sub(dA, 3 * H, H, 0, n * B)), 2 * H, dx ? &dxs : nullptr, true);
    g[this->ibhn_].col(0) += sub(dA, 2 * H, H, 0, n * B).rowwise().sum();
    this->zero_reset_columns(dA, reset + lo * B, n * B);
    g[this->iWh_].noalias() += sub(dA, 0, 3 * H, 0, n * B) * sub(states, 0, H, lo * B, n * B).transpose();
  }
}

template class GruCell<float>;
template class GruCell<double>;

}  // namespace tbptt
