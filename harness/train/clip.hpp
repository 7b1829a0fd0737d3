// Gradient clipping on the flat gradient buffer, before the optimizer sees it.
//   none
//   global_norm: if ||g|| > t, g *= t / ||g||  (Pascanu, Mikolov & Bengio 2013, Algorithm 1)
//   matrix_norm: the same rule applied to each parameter tensor on its own
//   value:       each element clamped to [-t, t]  (the gradient cutoff of Mikolov's RNNLM)
// The global L2 norm before clipping is returned whatever the kind, so that it can be logged
// (as Flashlight's clipGradNorm does).
#pragma once

#include "harness/train/run_config.hpp"
#include "models/params.hpp"

namespace tbptt {

struct ClipResult {
  double norm = 0;       // global L2 norm before clipping
  bool clipped = false;  // whether any value changed
};

template <class S>
ClipResult clip_gradient(ParamBuffer<S>& g, const ClipConfig& config);

}  // namespace tbptt
