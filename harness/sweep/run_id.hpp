// The canonical form of a resolved run, and its stable id.
//
// canonical_text lists every setting that shapes the run's result as "path=value" lines in sorted
// key order, from the RunConfig itself (defaults filled), so that the id depends on what the run
// does, not on how the file was written: key order, omitted defaults, 1e-3 vs 0.001 and `base:`
// indirections give the same id. Excluded: the experiment name, run.* (jobs, threads, output) and
// report.* keys. run_id = 16 hex digits of FNV-1a 64 (hash_string) of that text.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "harness/train/run_config.hpp"

namespace tbptt {

std::string canonical_text(const RunConfig& config);
std::string run_id(const RunConfig& config);
// The same id as its 64-bit number (what the sweep's id sets and run list keep), and back to text:
// run_id(c) == run_id_text(run_id_number(c)).
uint64_t run_id_number(const RunConfig& config);
std::string run_id_text(uint64_t number);
// The resolved configuration as YAML (seed, task, model, train, eval, run.threads_per_run), every
// key present, in schema order; run_config_from_yaml reads it back to the same RunConfig.
YAML::Node resolved_run_node(const RunConfig& config);
struct RunSpec;
// spec.resolved when it was set, else resolved_run_node(spec.config).
YAML::Node resolved_config(const RunSpec& spec);

}  // namespace tbptt
