// `tbptt trace`: records every update of a short training run (format tbptt-trace/1) so that
// another framework (scripts/crosscheck_pytorch.py) can recompute it.
//
// The JSON: format, precision, model, tbptt {kind, k1, k2 (the resolved windows, null = full),
// recompute, loss_reduction, all as resolved from the kind's flags}, clip, optimizer, batch, params (initial), steps (per step: x, y,
// mask, reset per lane), and per update:
//   last_step      steps consumed so far (the chunk ends at step last_step - 1)
//   chunk_first, chunk_last   the chunk's first and last step (0-based, inclusive)
//   window_first   the first step back-propagated (each lane also cut at its resets)
//   boundary_weights  (only when the policy weights a boundary) one per chunk step: entry j
//                  multiplies the gradient w.r.t. the state entering step chunk_first + j
//   lr             the update's learning rate (the trace's constant lr times the plan's scale)
//   grad_scale     (only when the policy scales gradients: faster_rnnlm) the factor on each
//                  tensor's gradient, already applied to `grad`
//   online_head    (only when true: rnnlm, faster_rnnlm) the head took a plain SGD step at `lr`
//                  after each step's loss, in step order, and the next step used the updated head;
//                  `grad` of the head tensors is then zero
//   loss, grad (before clipping), grad_norm, clipped, skipped, params_after
// So an update can be replayed from the trace alone, whatever the truncation scheme.
#pragma once

#include <string>

#include "harness/train/run_config.hpp"

namespace tbptt {

// Trains `updates` chunks of `config` and writes the trace JSON to out_path (atomically).
// use_double runs the model in double precision.
void write_trace(const RunConfig& config, long long updates, bool use_double,
                 const std::string& out_path);

}  // namespace tbptt
