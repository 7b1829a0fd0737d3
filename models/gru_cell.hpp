// The GRU (Cho et al. 2014) in PyTorch's convention, gates stacked r, z, n:
//   r = sigmoid(Wx_r x + b_r + Wh_r h);  z = sigmoid(Wx_z x + b_z + Wh_z h)
//   n = tanh(Wx_n x + b_n + r*(Wh_n h + bhn));  h' = (1-z)*n + z*h
// State: h (H rows). Cache: r, z, n and hn = Wh_n h + bhn (4H rows).
// N.B. b_n sits outside the reset gate and bhn inside it, so they receive different gradients;
// bhn still gets gradient at a reset step (hn = bhn there), Wh does not.
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class GruCell final : public Cell<S> {
 public:
  GruCell(Index input, Index hidden) : Cell<S>(CellKind::gru, input, hidden) {}
  void forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
               const uint8_t* reset, Index T, Index B) const override;
  void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, ConstView<S> states,
                ConstView<S> cache, const uint8_t* reset, ConstView<S> dh, View<S> dstate, View<S>* dx,
                Index T, Index B) const override;
};

}  // namespace tbptt
