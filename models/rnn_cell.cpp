#include "models/rnn_cell.hpp"

namespace tbptt {

template <class S>
void RnnCell<S>::forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S>,
                         const uint8_t* reset, Index T, Index B) const {
  const Index H = this->hidden_;
  const auto Wh = p[this->iWh_];
  // The pre-activations of the whole window go straight into the output blocks 1..T.
  View<S> out = sub(states, 0, H, B, T * B);
  this->project_input(p, x, out);
  ensure_size(this->step_, H, B);
  auto rec = this->step_.leftCols(B);
  for (Index t = 0; t < T; ++t) {
    const ConstView<S> h = this->entering_state(cview(sub(states, 0, H, t * B, B)), reset + t * B);
    rec.noalias() = Wh * h;
    auto a = out.middleCols(t * B, B);
    a = (a + rec).array().tanh();
  }
}

template <class S>
void RnnCell<S>::backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                          ConstView<S> states, ConstView<S>, const uint8_t* reset, ConstView<S> dh,
                          View<S> dstate, View<S>* dx, Index T, Index B) const {
  const Index H = this->hidden_;
  const Matrix<S>& WhT = this->transposed_wh(p);
  ensure_size(this->dA_, H, T * B);
  View<S> dA = view(this->dA_, 0, H, 0, T * B);
  for (Index t = T - 1; t >= 0; --t) {
    const ConstView<S> h = sub(states, 0, H, (t + 1) * B, B);
    auto da = dA.middleCols(t * B, B);
    // tanh'(a) = 1 - h'^2.
    da = (dh.middleCols(t * B, B) + dstate).cwiseProduct((S(1) - h.array().square()).matrix());
    dstate.noalias() = WhT * da;
    for (Index b = 0; b < B; ++b)
      if (reset[t * B + b]) dstate.col(b).setZero();
  }
  this->input_gradients(p, g, x, cview(dA), 0, dx, false);
  this->zero_reset_columns(dA, reset, T * B);
  g[this->iWh_].noalias() += dA * sub(states, 0, H, 0, T * B).transpose();
}

template class RnnCell<float>;
template class RnnCell<double>;

}  // namespace tbptt
