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
  const Index block = std::min(T, this->backward_block_steps(B));
  ensure_size(this->dA_, H, block * B);
  for (Index hi = T; hi > 0; hi -= block) {
    const Index lo = std::max<Index>(0, hi - block), n = hi - lo;
    View<S> dA = view(this->dA_, 0, H, 0, n * B);
    for (Index t = hi - 1; t >= lo; --t) {
      const ConstView<S> h = sub(states, 0, H, (t + 1) * B, B);
      auto da = dA.middleCols((t - lo) * B, B);
      // tanh'(a) = 1 - h'^2.
      da = (dh.middleCols(t * B, B) + dstate).cwiseProduct((S(1) - h.array().square()).matrix());
      dstate.noalias() = WhT * da;
      this->zero_reset_columns(dstate, reset + t * B, B);  // no gradient crosses a reset
    }
    this->fold_block(p, g, x, dA, states, reset, lo, n, B, dx);
  }
}

template class RnnCell<float>;
template class RnnCell<double>;

}  // namespace tbptt
