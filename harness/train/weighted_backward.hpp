// Backward through a window of stored steps with a weight on the gradient crossing chosen step
// boundaries (a truncation policy's boundary weights, harness/train/truncation.hpp).
//
// Kept in the harness, between steps, so that no cell needs a hook: the window is cut into
// segments at the weighted boundaries, each segment is one Tape::backward, and the gradient
// w.r.t. the state entering a segment (every layer's h and c) is scaled before it enters the
// segment before. With no weight != 1 this is exactly one Tape::backward (bit for bit).
#pragma once

#include <vector>

#include "models/tape.hpp"

namespace tbptt {

// Back-propagates stored steps [t0, t0 + n) like Tape::backward (gradients accumulate into g);
// dh_top (H, n*B) is the head's gradient at those steps. weights (empty: all 1) holds one entry
// per chunk step, the chunk starting at stored step c0: entry j multiplies the gradient w.r.t.
// the state entering stored step c0 + j. Entries of steps outside (t0, t0 + n) are not used.
template <class S>
void backward_weighted(Tape<S>& tape, const ParamBuffer<S>& p, ParamBuffer<S>& g, Index t0, Index n,
                       ConstView<S> dh_top, Index c0, const std::vector<double>& weights);

}  // namespace tbptt
