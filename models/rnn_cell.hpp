// The tanh RNN (Elman 1990): h' = tanh(Wx x + b + Wh h). State h (H rows), no cache: tanh' =
// 1 - h'^2 comes from the stored output. Gate gradients dA = da (H rows).
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class RnnCell final : public Cell<S> {
 public:
  //                                       gates state cache gradient step
  static constexpr CellShape kShape = {1, 1, 0, 1, 1};
  RnnCell(Index input, Index hidden) : Cell<S>(kShape, input, hidden) {}

 protected:
  void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const override;
  void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                    CellWorkspace<S>& ws) const override;
  void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                     ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const override;
};

}  // namespace tbptt
