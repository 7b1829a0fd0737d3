// `tbptt trace`: records every update of a short training run (format tbptt-trace/1) so that
// another framework (scripts/crosscheck_pytorch.py) can recompute it.
#pragma once

#include <string>

#include "harness/config/run_config.hpp"

namespace tbptt {

// Trains `updates` chunks of `config` and writes the trace JSON to out_path (atomically).
// use_double runs the model in double precision.
void write_trace(const RunConfig& config, uint64_t run_seed, long long updates, bool use_double,
                 const std::string& out_path);

}  // namespace tbptt
