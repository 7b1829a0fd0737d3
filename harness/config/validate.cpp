#include "harness/config/validate.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "harness/config/error.hpp"
#include "harness/config/memory.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/suggest.hpp"
#include "harness/train/truncation.hpp"

namespace tbptt {
namespace {

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void check_field(const Field& f, const ConfigNode& n, const std::string& path, Diagnostics& d) {
  std::string err;
  if (!parse_field(f, n, &err)) d.add(n.loc(), path, err);
}

void unknown_key(const std::string& key, const std::string& path, const Loc& loc,
                 const std::vector<std::string>& valid, Diagnostics& d) {
  if (key.find('.') != std::string::npos && schema_has_path(key)) {
    d.add(loc, path, "unknown key (dotted keys belong under sweep: or baseline:; write nested maps here)");
    return;
  }
  const std::string near = closest_name(key, valid);
  d.add(loc, path, near.empty() ? "unknown key, expected one of " + join_names(valid)
                                : "unknown key (did you mean " + near + "?)");
}

std::string task_kind_text(const ConfigNode* task) {
  if (task != nullptr && task->is_map())
    if (const ConfigNode* k = task->find("kind"); k != nullptr && k->is_scalar()) return k->text();
  return TaskConfig{}.kind;
}

void check_task(const ConfigNode& task, Diagnostics& d) {
  if (task.is_null()) return;
  if (!task.is_map()) {
    d.add(task.loc(), "task", "expected a map, got " + task.shown());
    return;
  }
  if (const ConfigNode* k = task.find("kind")) check_field(*find_field("task.kind"), *k, "task.kind", d);
  const TaskKindInfo* kind = find_task_kind(task_kind_text(&task));
  if (kind == nullptr) return;  // reported above
  std::vector<std::string> valid = {"kind"};
  for (const auto& p : kind->params) valid.push_back(p.name);
  for (const auto& [key, value] : task.entries()) {
    if (key == "kind") continue;
    const TaskParamDef* def = nullptr;
    for (const auto& p : kind->params)
      if (p.name == key) def = &p;
    if (def == nullptr) {
      std::string msg;
      const std::string near = closest_name(key, valid);
      msg = near.empty() ? "unknown parameter of task " + kind->kind + ", expected one of " + join_names(valid)
                         : "unknown parameter of task " + kind->kind + " (did you mean " + near + "?)";
      d.add(value.key_loc(), "task." + key, msg);
      continue;
    }
    check_field(task_param_field(*def), value, "task." + key, d);
  }
}

void check_map(const ConfigNode& n, const std::string& path, Diagnostics& d, TreeMode mode) {
  if (n.is_null()) return;  // an empty section: all defaults
  if (!n.is_map()) {
    d.add(n.loc(), path, "expected a map, got " + n.shown());
    return;
  }
  for (const auto& [key, child] : n.entries()) {
    const std::string p = child_path(path, key);
    if (path.empty() && (key == "sweep" || key == "baseline" || key == "base")) {
      if (mode == TreeMode::run)
        d.add(child.key_loc(), p, "not allowed in a resolved run configuration");
      else if (key == "base")
        check_field(*find_field("base"), child, p, d);
      continue;
    }
    if (key.find('.') != std::string::npos) {
      unknown_key(key, p, child.key_loc(), schema_children(path), d);
    } else if (p == "task") {
      check_task(child, d);
    } else if (const Field* f = find_field(p)) {
      check_field(*f, child, p, d);
    } else if (is_schema_map(p)) {
      check_map(child, p, d, mode);
    } else {
      std::vector<std::string> valid = schema_children(path);
      if (mode == TreeMode::run)
        std::erase_if(valid, [](const std::string& s) { return s == "sweep" || s == "baseline" || s == "base"; });
      unknown_key(key, p, child.key_loc(), valid, d);
    }
  }
}

ParamValue to_param(const Value& v) {
  if (std::holds_alternative<int64_t>(v)) return std::get<int64_t>(v);
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v);
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return std::string();
}

Value parse_or_throw(const Field& f, const ConfigNode& n, const std::string& path) {
  std::string err;
  auto v = parse_field(f, n, &err);
  if (!v) throw ConfigError(n.loc(), path, err);
  return *v;
}

// Where a memory error points: the first of the part's keys that was set on the command line
// (the override that made it too big), else the part's own key.
const ConfigNode* from_command_line(const ConfigNode& n) {
  if (n.loc().file == "<command line>") return &n;
  for (const auto& [k, v] : n.entries())
    if (const ConfigNode* hit = from_command_line(v)) return hit;
  return nullptr;
}

Loc memory_loc(const ConfigNode& root, const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (const ConfigNode* n = root.find_path(split_path(k)))
      if (const ConfigNode* hit = from_command_line(*n)) return hit->loc();
  return root.nearest_loc(split_path(keys.front()));
}

std::string count_text(Index n) { return std::to_string(n); }

void check_memory(const RunConfig& c, const Task& task, const ConfigNode& root, const std::string& note) {
  const TaskInfo& info = task.info();
  const MemoryEstimate m = estimate_memory(c, info, task.eval_plan_for(Split::valid, c.eval.sequences));
  const uint64_t limit = memory_limit_bytes();
  if (m.bytes <= static_cast<double>(limit)) return;
  struct Part {
    double bytes;
    std::string path;                // reported key
    std::vector<std::string> keys;   // its factors, for memory_loc (the reported key first)
    std::string advice;
  };
  const std::string model = " x " + count_text(c.model.layers) + " layers x hidden " + count_text(c.model.hidden);
  std::vector<Part> parts = {
      {m.training_bytes, "train.tbptt", {"train.tbptt", "train.batch", "model.hidden", "model.layers"},
       "reduce train.batch, model.hidden, model.layers or max(k1, k2)"},
      {m.eval_bytes, "eval.sequences", {"eval.sequences", "model.hidden", "model.layers"},
       "reduce eval.sequences, model.hidden or model.layers"},
      {m.fidelity_bytes, "eval.fidelity", {"eval.fidelity", "eval.fidelity_lags", "model.hidden", "model.layers"},
       "reduce model.hidden, model.layers or eval.fidelity_lags, or set eval.fidelity: false"},
      {m.parameter_bytes, "model.hidden", {"model.hidden", "model.layers"}, "reduce model.hidden or model.layers"},
  };
  const Part& top = *std::max_element(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.bytes < b.bytes; });
  std::string detail = "training " + format_bytes(m.training_bytes) + ": batch " + count_text(c.train.batch) +
                       " x window " + count_text(m.window) + " steps" + model + "; evaluation " +
                       format_bytes(m.eval_bytes) + ": " + count_text(m.eval_lanes) + " lanes x " +
                       count_text(m.eval_block) + " steps";
  if (c.eval.fidelity)
    detail += "; fidelity probe " + format_bytes(m.fidelity_bytes) + ": " + count_text(m.probe_lanes) + " lanes x " +
              count_text(m.probe_steps) + " steps";
  detail += "; parameters " + format_bytes(m.parameter_bytes);
  throw ConfigError(memory_loc(root, top.keys), top.path,
                    "needs about " + format_bytes(m.bytes) + " of memory (" + detail + "), more than the limit of " +
                        format_bytes(static_cast<double>(limit)) + " (half of the physical memory); " + top.advice + note);
}

}  // namespace

void check_tree(const ConfigNode& root, Diagnostics& diags, TreeMode mode) {
  if (!root.is_map() && !root.is_null()) {
    diags.add(root.loc(), "", "expected a map of settings, got " + root.shown());
    return;
  }
  check_map(root, "", diags, mode);
}

void check_value_at(const ConfigNode& root, const std::string& path, const ConfigNode& value, Diagnostics& d) {
  const std::vector<std::string> parts = split_path(path);
  if (parts.front() == "task") {
    ConfigNode merged = root;
    const ConfigNode* old = root.find_path(parts);
    merged.set_path(parts, old != nullptr ? ConfigNode::merge(*old, value) : value, value.loc());
    if (const ConfigNode* task = merged.find("task")) check_task(*task, d);
  } else if (const Field* f = find_field(path)) {
    check_field(*f, value, path, d);
  } else if (is_schema_map(path)) {
    check_map(value, path, d, TreeMode::experiment);
  }
}

bool schema_has_path(const std::string& path) {
  if (path.empty() || path == "sweep" || path == "baseline") return false;
  if (find_field(path) != nullptr || is_schema_map(path)) return true;
  if (path.rfind("task.", 0) == 0 && path.find('.', 5) == std::string::npos) {
    const std::string name = path.substr(5);
    for (const auto& k : task_kinds())
      for (const auto& p : k.params)
        if (p.name == name) return true;
  }
  return false;
}

RunConfig build_run_config(const ConfigNode& root) {
  RunConfig c;
  for (const auto& f : schema_fields()) {
    if (f.set == nullptr) continue;
    const ConfigNode* n = root.find_path(split_path(f.path));
    if (n == nullptr) continue;
    f.set(c, parse_or_throw(f, *n, f.path));
  }
  const ConfigNode* task = root.find("task");
  c.task.kind = task_kind_text(task);
  const TaskKindInfo* kind = find_task_kind(c.task.kind);
  if (kind == nullptr)
    throw ConfigError(root.nearest_loc({"task", "kind"}), "task.kind",
                      "expected one of " + join_names(task_kind_names()) + ", got " + c.task.kind);
  for (const auto& p : kind->params) {
    c.task.params[p.name] = p.default_value;
    if (task != nullptr && task->is_map())
      if (const ConfigNode* n = task->find(p.name))
        c.task.params[p.name] = to_param(parse_or_throw(task_param_field(p), *n, "task." + p.name));
  }
  return c;
}

std::shared_ptr<const Task> task_of(const TaskConfig& task) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Task>> cache;
  std::string key = task.kind;
  for (const auto& [name, value] : task.params) key += "\n" + name + "=" + value_text(param_to_value(value));
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::shared_ptr<const Task> built = make_task(task.kind, task.params);
  std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(key, std::move(built)).first->second;
}

TaskInfo task_info_of(const TaskConfig& task) { return task_of(task)->info(); }

void check_run(const RunConfig& c, const ConfigNode& root, const std::string& note) {
  TaskInfo info;
  std::shared_ptr<const Task> task;
  try {
    task = task_of(c.task);
    info = task->info();
  } catch (const std::exception& e) {
    throw ConfigError(root.nearest_loc({"task"}), "task", e.what() + note);
  }
  const bool stream = info.max_episode_length == 0;
  auto full_error = [&](const char* key, const std::string& why) {
    const std::vector<std::string> path = {"train", "tbptt", key};
    const bool written = root.find_path(path) != nullptr;
    throw ConfigError(root.nearest_loc(path), join_path(path),
                      std::string("expected an integer >= 1, got full") + (written ? "" : " (the default)") + " (" +
                          why + ")" + note);
  };
  // The scheme's own checks (a kind's missing flag, min > max, ...), then `full` against the
  // task, on the resolved windows (a toolkit's flags may imply full).
  std::optional<TruncationPolicy> policy;
  try {
    policy.emplace(c.train.tbptt, info.max_episode_length, info.aligned_episodes, 0);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(root.nearest_loc({"train", "tbptt"}), "train.tbptt", std::string(e.what()) + note);
  }
  const TruncationConfig& t = policy->config();
  const bool draws_own_chunks = c.train.tbptt.kind == TruncationKind::variable || c.train.tbptt.kind == TruncationKind::randomized;
  if (!draws_own_chunks && t.k1.is_full() && stream)
    full_error("k1", "task " + c.task.kind + " is one endless stream; full needs episodes");
  if (!draws_own_chunks && t.k1.is_full() && !info.aligned_episodes)
    full_error("k1", "the lanes of task " + c.task.kind + " do not start episodes together; k1: full needs aligned episodes");
  if (c.train.tbptt.kind != TruncationKind::adaptive && !draws_own_chunks && t.k2.is_full() && stream)
    full_error("k2", "task " + c.task.kind + " is one endless stream; full needs episodes");

  if (c.model.head == HeadLayer::identity && c.model.hidden != info.output_size)
    throw ConfigError(root.nearest_loc({"model", "hidden"}), "model.hidden",
                      "an identity head (model.head: identity) needs hidden = the task's " +
                          std::to_string(info.output_size) + " outputs, got " + std::to_string(c.model.hidden) + note);
  check_memory(c, *task, root, note);
}

}  // namespace tbptt
