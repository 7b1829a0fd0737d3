// The influence-balancing system of Tallec & Ollivier (2017, "Unbiased online recurrent
// optimization", sec. 5), as set up in the PES code of Vicol, Metz & Sohl-Dickstein (2021,
// google-research/persistent_es/influence_balancing.py): a fixed linear system driven by one
// learned scalar,
//   s' = A s + theta u,   A = 0.5 I + 0.5 (superdiagonal) (n x n),   u = (+1 x p, -1 x (n - p)),
// with n = 23, p = 10 and s_0 = (1, ..., 1). Only theta is learned; A and u are constants. Its
// point: the short-horizon influence of theta on s_1 is positive (+1 per step for the first p
// steps) while the long-horizon one is negative (-6 = 2 (p - (n - p))), so truncated gradients
// with too short a window have the wrong sign.
//
// As a cell of the harness (any I, H): H independent copies of the system, copy k driven by
// d_k = theta_k . x (theta (H, I), "prefix.theta"); the paper's system is H = 1 with the constant
// input x = 1. The output h_k is s_1 of copy k. The state is stored as its offset z = s - s_0 from
// the all-ones start, so that the engine's zero state (the start of a stream, or a reset) is s_0:
//   z' = A z + u d + (A - I) 1,   (A - I) 1 = -0.5 e_n,   h' = z'_1 + 1.
// State: h (H rows) then z_1 .. z_n (n blocks of H rows, component i of every copy in block i).
// Cache: d (H rows). Gate gradients dA: dL/dd = u . dL/dz' (H rows). Step scratch: dL/dz' (n H).
// theta starts at 0.5 in every entry (the paper's theta_0), not drawn: the init scheme does not
// apply (CellType::scheme_init is false).
#pragma once

#include "models/cell.hpp"

namespace tbptt {

template <class S>
class InfluenceCell final : public Cell<S> {
 public:
  static constexpr Index kN = 23;  // state dimension n
  static constexpr Index kP = 10;  // components with u_i = +1
  static constexpr double kTheta0 = 0.5;
  //                                       gates state cache gradient step
  static constexpr CellShape kShape = {1, kN + 1, 1, 1, kN};
  InfluenceCell(Index input, Index hidden) : Cell<S>(kShape, input, hidden) {}

  double recurrent_macs() const override { return 2.0 * kN * static_cast<double>(this->hidden_); }
  double input_macs() const override {
    return static_cast<double>(this->hidden_) * (static_cast<double>(this->input_) + kN);
  }
  void add_params(ParamLayout& layout, const std::string& prefix) override;
  void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const override;

 protected:
  void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const override;
  void prepare_forward(const ParamBuffer<S>&, CellWorkspace<S>&) const override {}   // no Wh to pack
  void prepare_backward(const ParamBuffer<S>&, CellWorkspace<S>&) const override {}
  void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                    CellWorkspace<S>& ws) const override;
  void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                     ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const override;
  void fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                  ConstView<S> entering, ConstView<S> cache, const uint8_t* reset, View<S>* dx) const override;

 private:
  static S u(Index i) { return i < kP ? S(1) : S(-1); }
  Index itheta_ = -1;
};

}  // namespace tbptt
