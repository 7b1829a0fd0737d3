// Runs one resolved configuration from start to end: builds the task and the network, trains
// with the TBPTT trainer, evaluates on whole held-out sequences, and returns the outcome.
// Never throws for a run's own failure: a diverged or failed run is a status with a reason.
#pragma once

#include <functional>

#include "harness/config/run_config.hpp"
#include "harness/run/outcome.hpp"

namespace tbptt {

// Called after each evaluation point (for progress displays); may be empty.
using CurveCallback = std::function<void(const CurvePoint&)>;

RunOutcome execute_run(const RunConfig& config, uint64_t run_seed, const CurveCallback& on_point = {});

}  // namespace tbptt
