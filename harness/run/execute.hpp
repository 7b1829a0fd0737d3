// Runs one resolved configuration from start to end: builds the task and the network, trains
// with the TBPTT trainer, evaluates on whole held-out sequences, and returns the outcome.
// Never throws for a run's own failure: a diverged or failed run is a status with a reason.
// Throws RunAbandoned (run/stop_signals.hpp) between two updates once abandon_requested().
//
// Evaluation points: after the first update at which the tokens seen reach each multiple of
// eval.every_tokens, and after the last update; with eval.every > 0, every eval.every updates
// instead. Costs: the curve's and the final cpu_seconds / wall_seconds count training only (the
// loop's time minus evaluation, fidelity probe and context measurement, which are reported as
// eval_*, fidelity_*, context_* seconds, wall and thread CPU). At the end of an ok run the
// context-utilisation curve (train/context.hpp) is stored as the series "context_period" and
// "context_<metric>" (one value per period).
#pragma once

#include <functional>

#include "harness/train/run_config.hpp"
#include "harness/report/outcome.hpp"

namespace tbptt {

// Called after each evaluation point (for progress displays); may be empty.
using CurveCallback = std::function<void(const CurvePoint&)>;

// Every random stream comes from config.seed (train/make_run.hpp lists them).
RunOutcome execute_run(const RunConfig& config, const CurveCallback& on_point = {});

}  // namespace tbptt
