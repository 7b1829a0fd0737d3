// The experiment schema: every key an experiment file may hold, its type, range and default.
//
// One table (schema_fields()) is the single source of truth: validation, RunConfig filling, the
// canonical resolved configuration (for run ids), `tbptt list` and experiments/SCHEMA.md all read
// it. Fields bound to RunConfig carry set/get; their defaults are read from a default-constructed
// RunConfig, so run_config.hpp stays the one place where a default is written. Maps are implied by
// the dotted paths ("train.tbptt" is a map because "train.tbptt.k1" is a field). `task` is open:
// besides `kind`, it takes the parameters its kind declares in task_kinds(). `sweep` and
// `baseline` are maps of dotted keys, handled by the sweep layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/config/config_node.hpp"
#include "harness/train/run_config.hpp"

namespace tbptt {

// A parsed scalar: null (eval.target unset), integer, number, boolean or text (including the
// words "full", "off", "auto").
using Value = std::variant<std::monostate, int64_t, double, bool, std::string>;

enum class ValueType {
  integer,          // within [min, max]
  number,           // finite, within the bounds (min_open / max_open make them exclusive)
  boolean,          // true / false
  string,           // any text
  choice,           // one of `choices`
  window,           // an integer >= 1 or "full" (k1, k2)
  positive_or_off,  // a number > 0 or "off" (clip threshold: kind none; time limit, diverge factor: none)
  optional_number,  // a number or null
  optional_integer, // an integer within [min, max], or null (unset)
  jobs,             // "auto" or an integer >= 1
  period_list,      // "auto", "off" or a list of integers >= 1 (eval.reset_periods)
  tolerance,        // a number >= 0, or a percentage "2%" (report.tolerance)
  target,           // null, a number, or {metric: NAME, value: NUMBER} (report.target)
};

// What a string field must look like beyond being UTF-8 (checked for every scalar on reading).
enum class TextRule {
  any,     // any text
  name,    // a folder name: not empty, no '/', no control characters
  path,    // a file or folder path: not empty, no control characters
};

struct Field {
  std::string path;  // dotted, e.g. "train.tbptt.k1"
  ValueType type = ValueType::string;
  TextRule text_rule = TextRule::any;  // string fields
  double min = -1e300, max = 1e300;
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;
  std::string doc;
  std::string default_text;  // as it would be written in YAML
  // Keys added after results existed: left out of the run id while at their default, so that
  // adding them kept every earlier id (and the results folders resuming by id) valid.
  bool id_when_default = true;
  void (*set)(RunConfig&, const Value&) = nullptr;  // null: not part of RunConfig
  Value (*get)(const RunConfig&) = nullptr;
  // Null: always part of the run. Else the setting matters only where this is true (e.g. a
  // truncation scheme's parameter under another kind): elsewhere it is left out of the run id and
  // the resolved config.yaml, so that adding a scheme changes no existing run.
  bool (*relevant)(const RunConfig&) = nullptr;
};

const std::vector<Field>& schema_fields();
const Field* find_field(const std::string& path);
// True for "" (the root) and every map the schema implies ("train", "train.tbptt", "task", ...),
// plus "sweep" and "baseline".
bool is_schema_map(const std::string& path);
// Keys valid directly under a map path, in schema order.
std::vector<std::string> schema_children(const std::string& map_path);

// A task parameter as a Field (path "task.<name>"), for uniform checking.
Field task_param_field(const TaskParamDef& def);
const TaskKindInfo* find_task_kind(const std::string& kind);
std::vector<std::string> task_kind_names();

// "an integer >= 1", "a number in (0, 1)", "one of rnn, lstm, gru", ...
std::string expected_text(const Field& f);
// Parses a node against the field; on failure returns nullopt and sets *error to
// "expected ..., got ..." (with "(did you mean x?)" for a near miss among choices).
std::optional<Value> parse_field(const Field& f, const ConfigNode& n, std::string* error);
// Canonical text of a value: integers as integers, numbers shortest round-trip, true/false, text.
std::string value_text(const Value& v);
Value param_to_value(const ParamValue& p);

// eval.reset_periods as text: "auto", "off", or the periods joined by commas ("1,2,8"), which
// is also what a resolved run's config.yaml holds. parse_period_list reads "1,2,8" (or "1, 2")
// back; nullopt unless every item is an integer >= 1 and there is at least one.
std::string period_list_text(bool automatic, const std::vector<Index>& periods);
std::optional<std::vector<Index>> parse_period_list(const std::string& text);

}  // namespace tbptt
