// Gradient fidelity (DESIGN.md section 1): how far the TBPTT(k1, k2) gradient is from the
// full-BPTT gradient of the same losses, at frozen parameters, on a fixed probe batch.
//
// The probe is one aligned episode (episodic tasks) or a window of a stream long enough to hold
// several chunks. It is cut into chunks exactly as training cuts it; each chunk's loss is reduced
// as in training. g  = the gradient of the sum of the chunk losses with backward to the start of
// the probe (each lane cut at its resets); g~ = the sum over chunks of each chunk's gradient
// through its window of k2 steps. Reported: cos(g, g~) and ||g~ - g|| / ||g||.
//
// The per-lag profile: L = the mean loss of the probe's last step that carries a target; entry k
// is ||dL/ds_{t-k}||, s_{t-k} the state of every layer after step t-k (k = 0: ||dL/dh_t||). It
// shows how fast gradients vanish with the lag, which is where a longer k2 stops paying.
#pragma once

#include <vector>

#include "harness/config/run_config.hpp"
#include "harness/tasks/task.hpp"
#include "models/tape.hpp"

namespace tbptt {

struct FidelityResult {
  double cosine = 1;
  double rel_error = 0;
  std::vector<double> lag_profile;  // k = 0..lags
};

template <class S>
FidelityResult gradient_fidelity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 const TruncationConfig& tbptt, Index lanes, Index lags, uint64_t seed);

}  // namespace tbptt
