// The settings of a checked configuration, parsed once.
//
// check_tree (validate.hpp) parses every value it checks into a Setting, keyed by its dotted
// path: schema fields by the schema's parser, task parameters by their task's own table
// (check_task_param). Everything after it reads these typed values, never the text again:
// build_run_config fills a RunConfig from them, and the sweep composes a run's settings from the
// base's and each axis value's (apply) instead of re-reading a merged tree for every run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/config/error.hpp"
#include "harness/train/run_config.hpp"
#include "harness/config/schema.hpp"

namespace tbptt {

struct Setting {
  Value value;                      // a field's parsed value, or a task parameter's (converted)
  std::optional<std::string> text;  // the scalar as written (what tables show); none for a list
  Loc loc;                          // where the value was written
};

// Dotted path ("train.tbptt.k1", "task.kind", "task.delay") -> its setting.
using Settings = std::map<std::string, Setting>;

// Writing one value at a path, as a sweep axis or a baseline does: a map merges into what is
// there key by key (a null inside it clears that part), anything else replaces what was at or
// under the path.
struct Assignment {
  std::string path;
  bool replaces = false;
  std::vector<std::string> cleared;  // map paths set to null inside a map value
  Settings leaves;                   // the settings it writes
};

void apply(Settings& settings, const Assignment& a);

// The RunConfig the settings describe, defaults filled and the task's parameters completed from
// its kind's table. Throws ConfigError at a task parameter that does not fit the kind (a swept
// task.kind under parameters checked for another).
RunConfig build_run_config(const Settings& settings);

// A task parameter's value as written: text for a text parameter, else the integer, number or
// boolean it reads as (quoted: text), for check_task_param to convert and check.
ParamValue written_param(const TaskParamDef& def, const ConfigNode& n);

}  // namespace tbptt
