// The LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), gates
// stacked i, f, g, o:
//   a = Wx x + b + Wh h;  i, f, o = sigmoid(a_i, a_f, a_o);  g = tanh(a_g)
//   c' = f*c + i*g;  h' = o*tanh(c')
// State: h above c (2H rows). Cache: i, f, g, o after their nonlinearities (4H rows); tanh(c') is
// recomputed in backward from the stored c' rather than stored. Gate gradients dA: d a_i, d a_f,
// d a_g, d a_o (4H rows, the rows of Wx, b and Wh alike).
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class LstmCell final : public Cell<S> {
 public:
  //                                       gates state cache gradient step
  static constexpr CellShape kShape = {4, 2, 4, 4, 4};
  LstmCell(Index input, Index hidden) : Cell<S>(kShape, input, hidden) {}
  // The scheme of Cell::init, then forget_bias added to b_f (Gers et al. 2000).
  void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const override;

 protected:
  void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const override;
  void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                    CellWorkspace<S>& ws) const override;
  void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                     ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const override;
};

}  // namespace tbptt
