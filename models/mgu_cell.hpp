// The minimal gated unit (Zhou, Wu, Zhang & Zhou 2016, "Minimal Gated Unit for Recurrent Neural
// Networks", eqs. 8-10), gates stacked f, n:
//   f = sigmoid(Wx_f x + b_f + Wh_f h);  n = tanh(Wx_n x + b_n + Wh_n (f*h));  h' = (1-f)*h + f*n
// State: h (H rows). Cache: f, n and f*h (3H rows; f*h is what Wh_n multiplies, kept for its
// weight gradient). Gate gradients dA: d a_f, d a_n (2H rows, the rows of Wx, b and Wh alike).
// N.B. the step has two dependent recurrent products (Wh_n needs f), so it cannot be one GEMM.
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class MguCell final : public Cell<S> {
 public:
  //                                       gates state cache gradient step
  static constexpr CellShape kShape = {2, 1, 3, 2, 2};
  MguCell(Index input, Index hidden) : Cell<S>(kShape, input, hidden) {}

 protected:
  void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const override;
  // The steps multiply by halves of Wh (and of Wh^T): no packed copy; ws.weights = Wh^T.
  void prepare_forward(const ParamBuffer<S>&, CellWorkspace<S>&) const override {}
  void prepare_backward(const ParamBuffer<S>& p, CellWorkspace<S>& ws) const override {
    ws.weights = p[this->iWh_].transpose();
  }
  void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                    CellWorkspace<S>& ws) const override;
  void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                     ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const override;
  void fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                  ConstView<S> entering, ConstView<S> cache, const uint8_t* reset, View<S>* dx) const override;
};

}  // namespace tbptt
