#include "models/rnn_cell.hpp"

namespace tbptt {

template <class S>
void RnnCell<S>::project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S>) const {
  // The pre-activations of the whole window go straight into the output blocks 1..T.
  this->project_input(p, x, out);
}

template <class S>
void RnnCell<S>::forward_step(const ParamBuffer<S>&, ConstView<S> prev, View<S> next, View<S>,
                              CellWorkspace<S>& ws) const {
  View<S> rec = view(ws.step, 0, ws.step.rows(), 0, next.cols());
  ws.wh.multiply(prev, rec, false);
  next = (next + rec).array().tanh();
}

template <class S>
void RnnCell<S>::backward_step(const ParamBuffer<S>&, ConstView<S>, ConstView<S> next, ConstView<S>,
                               ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const {
  // tanh'(a) = 1 - h'^2.
  dA = (dh + dstate).cwiseProduct((S(1) - next.array().square()).matrix());
  ws.wh_t.multiply(cview(dA), dstate, false);
}

template class RnnCell<float>;
template class RnnCell<double>;

}  // namespace tbptt
