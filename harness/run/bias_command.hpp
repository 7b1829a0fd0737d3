// `tbptt bias`: the truncation-bias profile (train/bias_probe.hpp) of each run of an experiment,
// in double precision, at the run's initial parameters or after a short training.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/train/run_config.hpp"

namespace tbptt {

// Initialises the run's network from config.seed as a run does, trains it for `train_updates`
// updates of config.train (0: none), then probes `length` steps of config.train.batch lanes.
// Returns {"length", "lanes", "train_updates", "grad_norm", "rel_error": [K = 1..length]}.
nlohmann::json bias_profile_json(const RunConfig& config, Index length, long long train_updates);

// `tbptt bias --sensitivity`: at the run's initial parameters, the truncated sensitivity of the
// top h at the last of `length` probe steps (train/bias_probe.hpp), for models of at most
// kMaxSensitivityParams scalars. Returns {"length", "lanes", "parameters": [names],
// "sensitivity": [K = 1..length: one value per parameter]}.
constexpr Index kMaxSensitivityParams = 64;
nlohmann::json sensitivity_json(const RunConfig& config, Index length);

}  // namespace tbptt
