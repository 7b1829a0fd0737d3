// The public entry points of the configuration layer (what `tbptt` and the runner call).
//
//   (load_experiment, which also expands the sweep, is the sweep layer's: sweep/experiment.hpp.)
//   run_config_from_yaml:  one resolved run (e.g. runs/<id>/config.yaml) -> RunConfig, validated
//                          the same way; sweep:, baseline: and base: are not allowed there.
//   describe_schema:       the text of `tbptt list`: tasks, cells, optimizers, schedules,
//                          clippers, with parameters and defaults.
//   schema_markdown:       experiments/SCHEMA.md (`tbptt schema --markdown`), generated from the
//                          same tables.
// All of them throw ConfigError ("FILE:LINE:COLUMN: error: key.path: ..."). The schema pass
// reports every problem of the file at once (ConfigError::diagnostics(), what() = the first);
// later stages stop at the first problem.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "harness/config/error.hpp"
#include "harness/train/run_config.hpp"

namespace tbptt {

RunConfig run_config_from_yaml(const YAML::Node& resolved_run, const std::string& file = "<config>");
std::string describe_schema();
std::string schema_markdown();

}  // namespace tbptt
