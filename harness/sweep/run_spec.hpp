// One run of an expanded sweep, with its stable id (the experiment: sweep/experiment.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "harness/train/run_config.hpp"

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
  double cost = 0;           // estimated work (tokens x FLOPs per token), for longest-first order
};

}  // namespace tbptt
