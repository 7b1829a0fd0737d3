// The tanh RNN (Elman 1990): h' = tanh(Wx x + b + Wh h). No cache: tanh' = 1 - h'^2 comes from
// the stored output.
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class RnnCell final : public Cell<S> {
 public:
  RnnCell(Index input, Index hidden) : Cell<S>(CellKind::rnn, input, hidden) {}
  void forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
               const uint8_t* reset, Index T, Index B) const override;
  void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, ConstView<S> states,
                ConstView<S> cache, const uint8_t* reset, ConstView<S> dh, View<S> dstate, View<S>* dx,
                Index T, Index B) const override;
};

}  // namespace tbptt
