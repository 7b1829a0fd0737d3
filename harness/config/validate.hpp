// Validation of a configuration tree against the schema, and the RunConfig it describes.
//
//   check_tree:        every key known (else "unknown key (did you mean ...?)"), every value of
//                      the right type and range, task parameters per their kind. Collects every
//                      problem into `diags` (sweep: and baseline: are checked by the sweep layer).
//   build_run_config:  a checked tree -> RunConfig, defaults filled, task parameters completed.
//   check_run:         what needs the whole run: the task can be built with these parameters,
//                      k1/k2 `full` suit the task's episodes, and the run fits in memory. Throws
//                      ConfigError at the most specific position the tree has; `note` (e.g.
//                      " (in the run k1=5 k2=full)") is appended to the message.
#pragma once

#include <memory>
#include <string>

#include "harness/config/config_node.hpp"
#include "harness/config/run_config.hpp"

namespace tbptt {

enum class TreeMode {
  experiment,  // a whole experiment file (sweep:, baseline: allowed)
  run,         // one resolved run: no sweep:, baseline: or base:
};

class Diagnostics;

void check_tree(const ConfigNode& root, Diagnostics& diags, TreeMode mode);
// Checks one value (or map) written at `path` (dotted, e.g. "train.tbptt" or "task.delay")
// as if it stood there in `root` (task parameters are checked against root's task kind).
void check_value_at(const ConfigNode& root, const std::string& path, const ConfigNode& value, Diagnostics& diags);
// Whether `path` names a key the schema knows (a field, a map, or a parameter of some task kind).
bool schema_has_path(const std::string& path);

RunConfig build_run_config(const ConfigNode& root);
void check_run(const RunConfig& config, const ConfigNode& root, const std::string& note = "");

// The task of a RunConfig, built once per distinct parameter set and shared (read-only).
std::shared_ptr<const Task> task_of(const TaskConfig& task);
TaskInfo task_info_of(const TaskConfig& task);

}  // namespace tbptt
