#include "models/lstm_cell.hpp"

namespace tbptt {

template <class S>
void LstmCell<S>::init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  Cell<S>::init(p, spec, rng);
  const Index H = this->hidden_;
  p[this->ib_].middleRows(H, H).array() += static_cast<S>(spec.forget_bias);
}

template <class S>
void LstmCell<S>::project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S>, View<S> cache) const {
  this->project_input(p, x, cache);
}

template <class S>
void LstmCell<S>::forward_step(const ParamBuffer<S>&, ConstView<S> prev, View<S> next, View<S> a,
                               CellWorkspace<S>& ws) const {
  const Index H = this->hidden_;
  View<S> rec = view(ws.step, 0, ws.step.rows(), 0, next.cols());
  ws.wh.multiply(sub(prev, 0, H, 0, prev.cols()), rec, false);
  a += rec;
  a.topRows(2 * H) = a.topRows(2 * H).array().logistic();          // i, f
  a.middleRows(2 * H, H) = a.middleRows(2 * H, H).array().tanh();  // g
  a.bottomRows(H) = a.bottomRows(H).array().logistic();            // o
  next.bottomRows(H) = a.middleRows(H, H).cwiseProduct(prev.bottomRows(H)) +
                       a.topRows(H).cwiseProduct(a.middleRows(2 * H, H));
  next.topRows(H) = a.bottomRows(H).cwiseProduct(next.bottomRows(H).array().tanh().matrix());
}

template <class S>
void LstmCell<S>::backward_step(const ParamBuffer<S>&, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                                ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const {
  const Index H = this->hidden_, B = dstate.cols();
  auto dh_next = dstate.topRows(H);
  auto dc_next = dstate.bottomRows(H);
  // Scratch rows [0, H) tanh(c'), [H, 2H) dh, [2H, 3H) dc.
  auto tc = ws.step.block(0, 0, H, B).array();
  auto dht = ws.step.block(H, 0, H, B).array();
  auto dc = ws.step.block(2 * H, 0, H, B).array();
  const auto a = cache.array();
  const auto i = a.topRows(H), f = a.middleRows(H, H), gg = a.middleRows(2 * H, H), o = a.bottomRows(H);
  tc = next.bottomRows(H).array().tanh();
  dht = dh.array() + dh_next.array();
  dc = dc_next.array() + dht * o * (S(1) - tc.square());  // through h' = o * tanh(c')
  auto d = dA.array();
  d.topRows(H) = dc * gg * i * (S(1) - i);                                // d a_i
  d.middleRows(H, H) = dc * prev.bottomRows(H).array() * f * (S(1) - f);  // d a_f
  d.middleRows(2 * H, H) = dc * i * (S(1) - gg.square());                 // d a_g
  d.bottomRows(H) = dht * tc * o * (S(1) - o);                            // d a_o
  dc_next = (dc * f).matrix();
  ws.wh_t.multiply(cview(dA), sub(dstate, 0, H, 0, B), false);
}

template class LstmCell<float>;
template class LstmCell<double>;

}  // namespace tbptt
