#include "models/gru_cell.hpp"

namespace tbptt {

template <class S>
void GruCell<S>::add_params(ParamLayout& layout, const std::string& prefix) {
  Cell<S>::add_params(layout, prefix);
  ibhn_ = layout.add_vector(prefix + ".bhn", this->hidden_);
}

template <class S>
void GruCell<S>::init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  this->init_gates(p, spec, rng);
  this->init_bias(p[ibhn_], spec, rng);
  this->init_recurrent(p, spec, rng);
}

template <class S>
void GruCell<S>::project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S>, View<S> cache) const {
  this->project_input(p, x, sub(cache, 0, 3 * this->hidden_, 0, cache.cols()));
}

template <class S>
void GruCell<S>::forward_step(const ParamBuffer<S>& p, ConstView<S> h, View<S> next, View<S> a,
                              CellWorkspace<S>& ws) const {
  const Index H = this->hidden_;
  const auto bhn = p[ibhn_].col(0);
  View<S> rec = view(ws.step, 0, ws.step.rows(), 0, next.cols());
  ws.wh.multiply(h, rec, false);
  auto rz = a.topRows(2 * H);
  rz = (rz + rec.topRows(2 * H)).array().logistic();
  auto hn = a.bottomRows(H);
  hn = rec.bottomRows(H).colwise() + bhn;
  auto n = a.middleRows(2 * H, H);
  n = (n.array() + a.topRows(H).array() * hn.array()).tanh();
  const auto z = a.middleRows(H, H).array();
  next = ((S(1) - z) * n.array() + z * h.array()).matrix();
}

template <class S>
void GruCell<S>::backward_step(const ParamBuffer<S>&, ConstView<S> h, ConstView<S>, ConstView<S> cache,
                               ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const {
  const Index H = this->hidden_, B = dstate.cols();
  auto dht = ws.step.block(0, 0, H, B).array();  // the total gradient w.r.t. h'
  const auto a = cache.array();
  const auto r = a.topRows(H), z = a.middleRows(H, H), nn = a.middleRows(2 * H, H), hn = a.bottomRows(H);
  dht = dh.array() + dstate.array();
  auto d = dA.array();
  auto dan = d.bottomRows(H);
  dan = dht * (S(1) - z) * (S(1) - nn.square());                 // d a_n
  d.topRows(H) = dan * hn * r * (S(1) - r);                      // d a_r
  d.middleRows(H, H) = dht * (h.array() - nn) * z * (S(1) - z);  // d a_z
  d.middleRows(2 * H, H) = dan * r;                              // d hn
  ws.wh_t.multiply(sub(cview(dA), 0, 3 * H, 0, B), dstate, false);
  dstate.array() += dht * z;
}

template <class S>
void GruCell<S>::fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                            ConstView<S> entering, ConstView<S>, const uint8_t* reset, View<S>* dx) const {
  // bhn is used even at a reset step (hn = bhn there), so it takes its gradient before the reset
  // columns are zeroed.
  const Index H = this->hidden_, m = dA.cols();
  this->input_gradients(p, g, x, cview(sub(dA, 0, 2 * H, 0, m)), 0, dx);
  this->input_gradients(p, g, x, cview(sub(dA, 3 * H, H, 0, m)), 2 * H, dx);
  g[ibhn_].col(0) += sub(dA, 2 * H, H, 0, m).rowwise().sum();
  this->zero_reset_columns(dA, reset, m);
  thread_gemm<S>()(cview(sub(dA, 0, 3 * H, 0, m)), Op::N, sub(entering, 0, H, 0, m), Op::T,
                   this->param_view(g, this->iWh_), true);
}

template class GruCell<float>;
template class GruCell<double>;

}  // namespace tbptt
