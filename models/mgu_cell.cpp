#include "models/mgu_cell.hpp"

namespace tbptt {

template <class S>
void MguCell<S>::project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S>, View<S> cache) const {
  this->project_input(p, x, sub(cache, 0, 2 * this->hidden_, 0, cache.cols()));
}

template <class S>
void MguCell<S>::forward_step(const ParamBuffer<S>& p, ConstView<S> h, View<S> next, View<S> a,
                              CellWorkspace<S>& ws) const {
  const Index H = this->hidden_;
  const auto Wh = p[this->iWh_];
  auto rec = ws.step.topLeftCorner(H, next.cols());
  auto f = a.topRows(H), n = a.middleRows(H, H), fh = a.bottomRows(H);
  rec.noalias() = Wh.topRows(H) * h;
  f = (f + rec).array().logistic();
  fh = f.cwiseProduct(h);
  rec.noalias() = Wh.bottomRows(H) * fh;
  n = (n + rec).array().tanh();
  next = ((S(1) - f.array()) * h.array() + f.array() * n.array()).matrix();
}

template <class S>
void MguCell<S>::backward_step(const ParamBuffer<S>&, ConstView<S> h, ConstView<S>, ConstView<S> cache,
                               ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const {
  const Index H = this->hidden_, B = dstate.cols();
  auto dht = ws.step.block(0, 0, H, B);  // the total gradient w.r.t. h'
  auto dfh = ws.step.block(H, 0, H, B);  // the gradient w.r.t. f*h
  const auto f = cache.topRows(H).array(), n = cache.middleRows(H, H).array();
  auto daf = dA.topRows(H), dan = dA.bottomRows(H);
  dht = dh + dstate;
  dan = (dht.array() * f * (S(1) - n.square())).matrix();                      // d a_n
  dfh.noalias() = ws.weights.rightCols(H) * dan;                               // Wh_n^T d a_n
  daf = ((dht.array() * (n - h.array()) + dfh.array() * h.array()) * f * (S(1) - f)).matrix();  // d a_f
  dstate.noalias() = ws.weights.leftCols(H) * daf;                             // Wh_f^T d a_f
  dstate.array() += dht.array() * (S(1) - f) + dfh.array() * f;
}

template <class S>
void MguCell<S>::fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                            ConstView<S> entering, ConstView<S> cache, const uint8_t* reset, View<S>* dx) const {
  const Index H = this->hidden_, m = dA.cols();
  this->input_gradients(p, g, x, cview(dA), 0, dx);
  this->zero_reset_columns(dA, reset, m);
  auto dWh = g[this->iWh_];
  dWh.topRows(H).noalias() += sub(dA, 0, H, 0, m) * sub(entering, 0, H, 0, m).transpose();
  dWh.bottomRows(H).noalias() += sub(dA, H, H, 0, m) * sub(cache, 2 * H, H, 0, m).transpose();
}

template class MguCell<float>;
template class MguCell<double>;

}  // namespace tbptt
