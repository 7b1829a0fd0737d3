// Validation of a configuration tree against the schema, and the RunConfig it describes.
//
//   check_tree:        every key known (else "unknown key (did you mean ...?)"), every value of
//                      the right type and range, task parameters by their kind's own table
//                      (check_task_param). Collects every problem into `diags` (sweep: and
//                      baseline: are checked by the sweep layer) and returns what it parsed
//                      (settings.hpp: build_run_config turns it into a RunConfig, without
//                      parsing again).
//   check_run:         what needs the whole run: the task can be built with these parameters,
//                      k1/k2 `full` suit the task's episodes, and the run fits in memory. Throws
//                      ConfigError at the most specific position the tree has; `note` (e.g.
//                      " (in the run k1=5 k2=full)") is appended to the message.
//   full_window_problem: the typed outcome of the `full` check, for callers that decide by it
//                      (the sweep drops an implicit full-BPTT baseline that cannot run).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "harness/config/config_node.hpp"
#include "harness/train/run_config.hpp"
#include "harness/config/settings.hpp"

namespace tbptt {

enum class TreeMode {
  experiment,  // a whole experiment file (sweep:, baseline: allowed)
  run,         // one resolved run: no sweep:, baseline: or base:
};

class Diagnostics;

Settings check_tree(const ConfigNode& root, Diagnostics& diags, TreeMode mode);
// Checks one value (or map) written at `path` (dotted, e.g. "train.tbptt" or "task.delay")
// as if it stood there in `root` (task parameters are checked against root's task kind, or the
// one the value sets); returns what writing it changes.
Assignment check_value_at(const ConfigNode& root, const std::string& path, const ConfigNode& value, Diagnostics& diags);
// Whether `path` names a key the schema knows (a field, a map, or a parameter of some task kind).
bool schema_has_path(const std::string& path);

// `tree` gives the run's whole tree, for error positions only: it is called only to report one.
void check_run(const RunConfig& config, const std::function<ConfigNode()>& tree, const std::string& note = "");
void check_run(const RunConfig& config, const ConfigNode& root, const std::string& note = "");

// Why k1 or k2 `full` cannot run on the task: key is "k1" or "k2". nullopt: they can (or are
// not full). Throws what check_run reports when the task or the truncation scheme cannot be built.
struct FullWindowProblem {
  std::string key;
  std::string why;
};
std::optional<FullWindowProblem> full_window_problem(const RunConfig& config);

// The task of a RunConfig, built once per distinct parameter set and shared (read-only).
std::shared_ptr<const Task> task_of(const TaskConfig& task);
TaskInfo task_info_of(const TaskConfig& task);

}  // namespace tbptt
