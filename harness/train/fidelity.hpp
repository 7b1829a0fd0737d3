// Gradient fidelity (DESIGN.md section 1): how far the gradient of the truncation scheme trained
// is from the full-BPTT gradient of the same losses, at frozen parameters, on a fixed probe batch.
//
// The probe is one aligned episode (episodic tasks) or a window of a stream long enough to hold
// several chunks. It is cut into chunks by the run's truncation policy (a copy with its own
// stream, so training's draws are untouched); each chunk's loss is reduced as in training.
// g  = the gradient of the sum of the chunk losses with backward to the start of the probe (each
// lane cut at its resets); g~ = the sum over chunks of each chunk's gradient through its window,
// with the policy's boundary weights. Reported: cos(g, g~) and ||g~ - g|| / ||g||. A scheme that
// draws its chunks (variable, randomized, faster_rnnlm) is probed kFidelityDraws times: the
// figures are the means over the draws, with their standard deviations (cosine_sd, rel_error_sd).
//
// The per-lag profile: L = the mean loss of the probe's last step that carries a target; entry k
// is ||dL/ds_{t-k}||, s_{t-k} the state of every layer after step t-k (k = 0: ||dL/dh_t||). It
// shows how fast gradients vanish with the lag, which is where a longer k2 stops paying.
#pragma once

#include <vector>

#include "harness/train/run_config.hpp"
#include "harness/tasks/task.hpp"
#include "harness/train/truncation.hpp"
#include "models/tape.hpp"

namespace tbptt {

inline constexpr int kFidelityDraws = 8;

struct FidelityResult {
  double cosine = 1;
  double rel_error = 0;
  int draws = 1;                    // probes of the policy's draws the two figures average
  double cosine_sd = 0, rel_error_sd = 0;  // over the draws (0 for one)
  std::vector<double> lag_profile;  // k = 0..lags
};

template <class S>
FidelityResult gradient_fidelity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 const TruncationPolicy& policy, Index lanes, Index lags, uint64_t seed);

// The per-lag profile alone (k = 0..lags) on the probe of a `split` stream seeded by `seed`: what
// the adaptive policy measures (on a private training stream).
template <class S>
std::vector<double> lag_profile(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Split split,
                                Index lanes, Index lags, uint64_t seed);

}  // namespace tbptt
