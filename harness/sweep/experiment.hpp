// An experiment: a file (after base: and --set) checked and expanded into its runs.
//
//   load_experiment:       reads an experiment file, follows `base:` (paths relative to the
//                          including file, deep-merged, cycles refused), applies --set overrides
//                          ("key.path=value", value parsed as YAML; under sweep./baseline. the rest
//                          of the path is one dotted key), validates everything against the schema
//                          (experiments/SCHEMA.md) and expands the sweep (sweep/expand.hpp).
// Throws ConfigError ("FILE:LINE:COLUMN: error: key.path: ..."); the schema pass reports every
// problem of the file at once (ConfigError::diagnostics(), what() = the first).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "harness/config/config_node.hpp"
#include "harness/config/report_keys.hpp"
#include "harness/sweep/run_list.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct Experiment {
  std::string name;
  std::string file;                    // the YAML file it came from
  YAML::Node resolved;                 // the whole file after `base:` and --set
  std::vector<std::string> swept_keys; // in file order
  std::vector<RunSpec> runs;           // baselines included, each once (empty when loaded lazily)
  RunList run_list;                    // the same runs, made on demand (empty for a hand-built one)
  int jobs = 0;                        // 0: one per core
  std::string output;                  // results folder
  ReportConfig report;
};

// materialized: `runs` holds every RunSpec (what running a sweep needs); lazy: only run_list,
// which makes each on demand (what `tbptt validate` of a huge sweep needs).
enum class RunsMode { materialized, lazy };

Experiment load_experiment(const std::string& path, const std::vector<std::string>& set_overrides,
                           RunsMode mode = RunsMode::materialized);
// The rest of load_experiment: validation and sweep expansion of a merged tree read from `path`.
Experiment experiment_from_tree(const ConfigNode& tree, const std::string& path,
                                RunsMode mode = RunsMode::materialized);

}  // namespace tbptt
