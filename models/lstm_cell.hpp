// The LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), gates
// stacked i, f, g, o:
//   a = Wx x + b + Wh h;  i, f, o = sigmoid(a_i, a_f, a_o);  g = tanh(a_g)
//   c' = f*c + i*g;  h' = o*tanh(c')
// State: h above c (2H rows). Cache: i, f, g, o after their nonlinearities (4H rows); tanh(c') is
// recomputed in backward from the stored c' rather than stored.
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class LstmCell final : public Cell<S> {
 public:
  LstmCell(Index input, Index hidden) : Cell<S>(CellKind::lstm, input, hidden) {}
  void forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
               const uint8_t* reset, Index T, Index B) const override;
  void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, ConstView<S> states,
                ConstView<S> cache, const uint8_t* reset, ConstView<S> dh, View<S> dstate, View<S>* dx,
                Index T, Index B) const override;
};

}  // namespace tbptt
