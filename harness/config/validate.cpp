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

// Where the checks put what they parsed (either may be null).
struct Sink {
  Settings* settings = nullptr;
  std::vector<std::string>* cleared = nullptr;
  void add(const std::string& path, Value v, const ConfigNode& n) const {
    if (settings != nullptr)
      (*settings)[path] = Setting{std::move(v), n.is_scalar() ? std::optional<std::string>(n.text()) : std::nullopt, n.loc()};
  }
};

void check_field(const Field& f, const ConfigNode& n, const std::string& path, Diagnostics& d, const Sink& out) {
  std::string err;
  if (auto v = parse_field(f, n, &err))
    out.add(path, std::move(*v), n);
  else
    d.add(n.loc(), path, err);
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

void check_task(const ConfigNode& task, Diagnostics& d, const Sink& out) {
  if (task.is_null()) {
    if (out.cleared != nullptr) out.cleared->push_back("task");
    return;
  }
  if (!task.is_map()) {
    d.add(task.loc(), "task", "expected a map, got " + task.shown());
    return;
  }
  if (const ConfigNode* k = task.find("kind")) check_field(*find_field("task.kind"), *k, "task.kind", d, out);
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
    // The kind's own table is the only validator of its parameters.
    if (!value.is_scalar()) {
      d.add(value.loc(), "task." + key, "expected one value, got " + value.shown());
      continue;
    }
    ParamValue v = written_param(*def, value);
    if (const std::string problem = check_task_param(*def, v); !problem.empty())
      d.add(value.loc(), "task." + key, problem);
    else
      out.add("task." + key, param_to_value(v), value);
  }
}

void check_map(const ConfigNode& n, const std::string& path, Diagnostics& d, TreeMode mode, const Sink& out) {
  if (n.is_null()) {  // an empty section: all defaults
    if (out.cleared != nullptr) out.cleared->push_back(path);
    return;
  }
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
        check_field(*find_field("base"), child, p, d, Sink{});
      continue;
    }
    if (key.find('.') != std::string::npos) {
      unknown_key(key, p, child.key_loc(), schema_children(path), d);
    } else if (p == "task") {
      check_task(child, d, out);
    } else if (const Field* f = find_field(p)) {
      check_field(*f, child, p, d, out);
    } else if (is_schema_map(p)) {
      check_map(child, p, d, mode, out);
    } else {
      std::vector<std::string> valid = schema_children(path);
      if (mode == TreeMode::run)
        std::erase_if(valid, [](const std::string& s) { return s == "sweep" || s == "baseline" || s == "base"; });
      unknown_key(key, p, child.key_loc(), valid, d);
    }
  }
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

template <class Root>
void check_memory(const RunConfig& c, const Task& task, Root&& root, const std::string& note) {
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
  throw ConfigError(memory_loc(root(), top.keys), top.path,
                    "needs about " + format_bytes(m.bytes) + " of memory (" + detail + "), more than the limit of " +
                        format_bytes(static_cast<double>(limit)) + " (half of the physical memory); " + top.advice + note);
}

}  // namespace

Settings check_tree(const ConfigNode& root, Diagnostics& diags, TreeMode mode) {
  Settings out;
  if (!root.is_map() && !root.is_null()) {
    diags.add(root.loc(), "", "expected a map of settings, got " + root.shown());
    return out;
  }
  check_map(root, "", diags, mode, Sink{&out, nullptr});
  return out;
}

Assignment check_value_at(const ConfigNode& root, const std::string& path, const ConfigNode& value, Diagnostics& d) {
  Assignment a;
  a.path = path;
  a.replaces = !value.is_map();
  const Sink out{&a.leaves, &a.cleared};
  const std::vector<std::string> parts = split_path(path);
  if (parts.front() == "task") {
    // Task parameters are checked against the kind in force: root's, or the one this value sets.
    ConfigNode merged = root;
    const ConfigNode* old = root.find_path(parts);
    merged.set_path(parts, old != nullptr ? ConfigNode::merge(*old, value) : value, value.loc());
    Settings all;
    std::vector<std::string> cleared;
    if (const ConfigNode* task = merged.find("task")) check_task(*task, d, Sink{&all, &cleared});
    // Only what this value writes (the merged task also holds root's own parameters).
    const std::string prefix = path + ".";
    for (auto& [p, s] : all)
      if (p == path || p.compare(0, prefix.size(), prefix) == 0) a.leaves.emplace(p, std::move(s));
    if (value.is_null()) a.leaves.clear();
    if (path == "task" && value.is_map())  // merging drops a parameter set to null
      for (const auto& [k, v] : value.entries())
        if (v.is_null()) a.cleared.push_back("task." + k);
  } else if (const Field* f = find_field(path)) {
    check_field(*f, value, path, d, out);
  } else if (is_schema_map(path)) {
    check_map(value, path, d, TreeMode::experiment, out);
  }
  return a;
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

std::optional<FullWindowProblem> full_window_problem(const RunConfig& c) {
  const TaskInfo info = task_info_of(c.task);
  const bool stream = info.max_episode_length == 0;
  // On the resolved windows (a toolkit's flags may imply full).
  const TruncationPolicy policy(c.train.tbptt, info.max_episode_length, info.aligned_episodes, 0);
  const TruncationConfig& t = policy.config();
  const bool draws_own_chunks = c.train.tbptt.kind == TruncationKind::variable || c.train.tbptt.kind == TruncationKind::randomized;
  if (!draws_own_chunks && t.k1.is_full() && stream)
    return FullWindowProblem{"k1", "task " + c.task.kind + " is one endless stream; full needs episodes"};
  if (!draws_own_chunks && t.k1.is_full() && !info.aligned_episodes)
    return FullWindowProblem{"k1", "the lanes of task " + c.task.kind +
                                       " do not start episodes together; k1: full needs aligned episodes"};
  if (c.train.tbptt.kind != TruncationKind::adaptive && !draws_own_chunks && t.k2.is_full() && stream)
    return FullWindowProblem{"k2", "task " + c.task.kind + " is one endless stream; full needs episodes"};
  return std::nullopt;
}

void check_run(const RunConfig& c, const ConfigNode& root, const std::string& note) {
  check_run(c, [&] { return root; }, note);
}

void check_run(const RunConfig& c, const std::function<ConfigNode()>& tree, const std::string& note) {
  std::optional<ConfigNode> built;
  auto root = [&]() -> const ConfigNode& {
    if (!built) built.emplace(tree());
    return *built;
  };
  std::shared_ptr<const Task> task;
  try {
    task = task_of(c.task);
  } catch (const std::exception& e) {
    throw ConfigError(root().nearest_loc({"task"}), "task", e.what() + note);
  }
  // The scheme's own checks (a kind's missing flag, min > max, ...), then `full` against the task.
  std::optional<FullWindowProblem> full;
  try {
    full = full_window_problem(c);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(root().nearest_loc({"train", "tbptt"}), "train.tbptt", std::string(e.what()) + note);
  }
  if (full) {
    const std::vector<std::string> path = {"train", "tbptt", full->key};
    const bool written = root().find_path(path) != nullptr;
    throw ConfigError(root().nearest_loc(path), join_path(path),
                      std::string("expected an integer >= 1, got full") + (written ? "" : " (the default)") + " (" +
                          full->why + ")" + note);
  }
  if (const std::string why = optimizer_problem(c.train.tbptt.kind, c.train.optimizer); !why.empty())
    throw ConfigError(root().nearest_loc({"train", "optimizer"}), "train.optimizer", why + note);
  if (c.model.head == HeadLayer::identity && c.model.hidden != task->info().output_size)
    throw ConfigError(root().nearest_loc({"model", "hidden"}), "model.hidden",
                      "an identity head (model.head: identity) needs hidden = the task's " +
                          std::to_string(task->info().output_size) + " outputs, got " + std::to_string(c.model.hidden) + note);
  check_memory(c, *task, root, note);
}

}  // namespace tbptt
