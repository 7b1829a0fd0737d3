// The GRU (Cho et al. 2014) in PyTorch's convention, gates stacked r, z, n:
//   r = sigmoid(Wx_r x + b_r + Wh_r h);  z = sigmoid(Wx_z x + b_z + Wh_z h)
//   n = tanh(Wx_n x + b_n + r*(Wh_n h + bhn));  h' = (1-z)*n + z*h
// State: h (H rows). Cache: r, z, n and hn = Wh_n h + bhn (4H rows).
// N.B. b_n sits outside the reset gate and bhn inside it, so they receive different gradients;
// bhn still gets gradient at a reset step (hn = bhn there), Wh does not.
// Gate gradients dA: [d a_r, d a_z, d hn, d a_n] (4H rows): the first three are the gradients of
// Wh's rows r, z, n (one contiguous block for the recurrent products), rows r, z and the last are
// Wx's.
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class GruCell final : public Cell<S> {
 public:
  //                                       gates state cache gradient step
  static constexpr CellShape kShape = {3, 1, 4, 4, 3};
  GruCell(Index input, Index hidden) : Cell<S>(kShape, input, hidden) {}
  // Cell's tensors, then prefix.bhn (H); bhn is drawn as a bias, after b.
  void add_params(ParamLayout& layout, const std::string& prefix) override;
  void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const override;

 protected:
  void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const override;
  void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                    CellWorkspace<S>& ws) const override;
  void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                     ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const override;
  void fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                  ConstView<S> entering, ConstView<S> cache, const uint8_t* reset, View<S>* dx) const override;

 private:
  Index ibhn_ = -1;
};

}  // namespace tbptt
