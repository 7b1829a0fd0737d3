// The bias of the TBPTT(1, K) gradient against truncation length, at fixed parameters (Aicher,
// Foti & Fox 2019, "Adaptively truncating backpropagation through time to control gradient
// bias", sec. 3): for one probe window of T steps of a task's validation stream,
//   L = sum_t L_t,  L_t = the mean head loss of step t's masked entries (the loss of one
//                         TBPTT(1, K) update),
//   g      = dL/dtheta with back-propagation to the window start (full BPTT over the window),
//   g~(K)  = the TBPTT(1, K) gradient: each L_t back-propagated through steps t-K+1 .. t only,
// and rel_error[K-1] = ||g~(K) - g|| / ||g|| for K = 1..T. g~ is summed from per-lag parts
// G_j = sum_t (the part of dL_t/dtheta contributed at step t-j), one step of backward at a time;
// g is one ordinary backward over the window, so at K = T the two are independent computations
// of the same gradient and differ by rounding alone.
//
// Cost: O(T^2 / 2) single-step backward passes and T parameter-sized buffers.
#pragma once

#include <string>
#include <vector>

#include "harness/tasks/task.hpp"
#include "models/network.hpp"

namespace tbptt {

struct BiasProfile {
  Index length = 0, lanes = 0;
  double grad_norm = 0;            // ||g||
  std::vector<double> rel_error;   // K = 1..length
};

// Reads T steps of `lanes` lanes from task.stream(Split::valid, lanes, seed); params unchanged.
template <class S>
BiasProfile truncation_bias(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index length,
                            Index lanes, uint64_t seed);

// The truncated sensitivity of the output to the parameters (Tallec & Ollivier 2017, sec. 5:
// the influence of theta on s_1 over K steps): over the same probe window, the gradient of
// sum_{units, lanes} h_{T-1} back-propagated K steps (the state entering step T-K held fixed),
// for K = 1..T, from the per-lag parts of the engine's backward. truncated[K-1] is that gradient,
// one value per parameter scalar (names: the tensors' names, with [i] for multi-entry tensors).
struct SensitivityProfile {
  Index length = 0, lanes = 0;
  std::vector<std::string> names;
  std::vector<std::vector<double>> truncated;  // K = 1..length
};

template <class S>
SensitivityProfile truncated_sensitivity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                         Index length, Index lanes, uint64_t seed);

}  // namespace tbptt
