// An expanded experiment: the run list a sweep produces, each run with its stable id.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/config/run_config.hpp"

namespace tbptt {

struct RunSpec {
  std::string id;            // 16 hex digits: hash of the resolved configuration (stable)
  RunConfig config;
  // The resolved configuration written to runs/<id>/config.yaml. Left empty by the expansion
  // (a yaml-cpp tree costs ~60 KB per run; a million-run list must fit): resolved_config(spec)
  // builds it from `config` when it is empty.
  YAML::Node resolved;
  // Swept key -> value as written in tables ("full" for k1/k2 full, "off" for no clipping).
  std::map<std::string, std::string> swept;
  std::string setting;       // the swept values except the seed: groups the seeds of one setting
  bool is_baseline = false;  // this run is a full-BPTT (or `baseline:`) run
  std::string baseline_setting;  // the setting of the baseline this run is compared with
  uint64_t run_seed = 0;     // mix_seed(config.seed, hash_string(id)): seeds every stream of the run
  double cost = 0;           // estimated work (tokens x FLOPs per token), for longest-first order
};

struct ReportConfig {
  std::string metric;        // the metric tables compare (default: the task's score metric)
  double tolerance = 0.01;   // "within tolerance of full BPTT": absolute, on the metric ...
  bool tolerance_relative = false;  // ... or (report.tolerance: "2%") a fraction of |baseline|
  // report.target: an explicit level to reach, on target_metric (empty: `metric`); none: the
  // setting's baseline's final metric (mean over its seeds) within the tolerance.
  std::string target_metric;
  std::optional<double> target;
};

struct Experiment {
  std::string name;
  std::string file;                    // the YAML file it came from
  YAML::Node resolved;                 // the whole file after `base:` and --set
  std::vector<std::string> swept_keys; // in file order
  std::vector<RunSpec> runs;           // baselines included, each once
  int jobs = 0;                        // 0: one per core
  std::string output;                  // results folder
  ReportConfig report;
};

}  // namespace tbptt
