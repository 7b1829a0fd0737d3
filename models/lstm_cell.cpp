#include "models/lstm_cell.hpp"

namespace tbptt {

template <class S>
void LstmCell<S>::forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
                          const uint8_t* reset, Index T, Index B) const {
  const Index H = this->hidden_;
  const auto Wh = p[this->iWh_];
  this->project_input(p, x, sub(cache, 0, 4 * H, 0, T * B));
  ensure_size(this->step_, 4 * H, B);
  auto rec = this->step_.leftCols(B);
  for (Index t = 0; t < T; ++t) {
    const ConstView<S> prev = this->entering_state(cview(sub(states, 0, 2 * H, t * B, B)), reset + t * B);
    rec.noalias() = Wh * prev.topRows(H);
    auto a = cache.middleCols(t * B, B);
    a += rec;
    a.topRows(2 * H) = a.topRows(2 * H).array().logistic();       // i, f
    a.middleRows(2 * H, H) = a.middleRows(2 * H, H).array().tanh();  // g
    a.bottomRows(H) = a.bottomRows(H).array().logistic();          // o
    auto next = sub(states, 0, 2 * H, (t + 1) * B, B);
    next.bottomRows(H) = a.middleRows(H, H).cwiseProduct(prev.bottomRows(H)) +
                         a.topRows(H).cwiseProduct(a.middleRows(2 * H, H));
    next.topRows(H) = a.bottomRows(H).cwiseProduct(next.bottomRows(H).array().tanh().matrix());
  }
}

template <class S>
void LstmCell<S>::backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                           ConstView<S> states, ConstView<S> cache, const uint8_t* reset, ConstView<S> dh,
                           View<S> dstate, View<S>* dx, Index T, Index B) const {
  const Index H = this->hidden_;
  const Matrix<S>& WhT = this->transposed_wh(p);
  auto dh_next = dstate.topRows(H);
  auto dc_next = dstate.bottomRows(H);
  // Per-step scratch, no allocation in the loop: rows [0, H) tanh(c'), [H, 2H) dh, [2H, 3H) dc.
  ensure_size(this->step_, 4 * H, B);
  auto tc = this->step_.block(0, 0, H, B).array();
  auto dht = this->step_.block(H, 0, H, B).array();
  auto dc = this->step_.block(2 * H, 0, H, B).array();
  const Index block = std::min(T, this->backward_block_steps(B));
  ensure_size(this->dA_, 4 * H, block * B);
  for (Index hi = T; hi > 0; hi -= block) {
    const Index lo = std::max<Index>(0, hi - block), n = hi - lo;
    View<S> dA = view(this->dA_, 0, 4 * H, 0, n * B);
    for (Index t = hi - 1; t >= lo; --t) {
      const ConstView<S> prev = this->entering_state(sub(states, 0, 2 * H, t * B, B), reset + t * B);
      const auto a = sub(cache, 0, 4 * H, t * B, B).array();
      const auto i = a.topRows(H), f = a.middleRows(H, H), gg = a.middleRows(2 * H, H), o = a.bottomRows(H);
      tc = sub(states, H, H, (t + 1) * B, B).array().tanh();
      dht = dh.middleCols(t * B, B).array() + dh_next.array();
      dc = dc_next.array() + dht * o * (S(1) - tc.square());  // through h' = o * tanh(c')
      auto d = dA.middleCols((t - lo) * B, B).array();
      d.topRows(H) = dc * gg * i * (S(1) - i);                                // d a_i
      d.middleRows(H, H) = dc * prev.bottomRows(H).array() * f * (S(1) - f);  // d a_f
      d.middleRows(2 * H, H) = dc * i * (S(1) - gg.square());                 // d a_g
      d.bottomRows(H) = dht * tc * o * (S(1) - o);                            // d a_o
      dc_next = (dc * f).matrix();
      dh_next.noalias() = WhT * dA.middleCols((t - lo) * B, B);
      this->zero_reset_columns(dstate, reset + t * B, B);  // no gradient crosses a reset
    }
    this->fold_block(p, g, x, dA, states, reset, lo, n, B, dx);
  }
}

template class LstmCell<float>;
template class LstmCell<double>;

}  // namespace tbptt
