#include "harness/sweep/run_id.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <map>

#include "harness/config/config_node.hpp"
#include "harness/config/schema.hpp"
#include "harness/sweep/run_spec.hpp"
#include "models/rng.hpp"

namespace tbptt {
namespace {

bool excluded_from_id(const std::string& path) {
  return path == "name" || path == "base" || path.rfind("run.", 0) == 0 || path.rfind("report.", 0) == 0;
}

// Every bound setting with its canonical value, task parameters included.
std::vector<std::pair<std::string, Value>> settings(const RunConfig& c) {
  std::vector<std::pair<std::string, Value>> out;
  for (const auto& f : schema_fields()) {
    if (f.path == "task.kind") {
      out.emplace_back("task.kind", Value(c.task.kind));
      for (const auto& [name, value] : c.task.params) out.emplace_back("task." + name, param_to_value(value));
    }
    if (f.get != nullptr && (f.relevant == nullptr || f.relevant(c))) out.emplace_back(f.path, f.get(c));
  }
  return out;
}

YAML::Node yaml_of(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return YAML::Node(YAML::NodeType::Null);
  if (std::holds_alternative<bool>(v)) return YAML::Node(std::get<bool>(v));
  return YAML::Node(value_text(v));
}

// The id's fields, sorted by path once: those with a value and not excluded from the id. task.kind
// and the task parameters ("task.<name>") are added per run. N.B. canonical_text is computed two
// or three times per run of a sweep (its user run, its baseline, the listing), so it builds no map
// and looks no field up: 1,000,000-run sweeps validate in seconds, not minutes.
const std::vector<const Field*>& id_fields() {
  static const std::vector<const Field*> kFields = [] {
    std::vector<const Field*> out;
    for (const auto& f : schema_fields())
      if (f.get != nullptr && f.path != "task.kind" && !excluded_from_id(f.path)) out.push_back(&f);
    std::stable_sort(out.begin(), out.end(), [](const Field* a, const Field* b) { return a->path < b->path; });
    return out;
  }();
  return kFields;
}

void append_line(std::string& out, std::string_view path, const std::string& text) {
  out.append(path);
  out += '=';
  out += text;
  out += '\n';
}

// Appends one "path=value" line, unless the field is left out at its default (id_when_default).
void append_setting(std::string& out, std::string_view path, const Field* f, const Value& value) {
  const std::string text = value_text(value);
  if (f != nullptr && !f->id_when_default && text == f->default_text) return;
  append_line(out, path, text);
}

void write_canonical(const RunConfig& c, std::string& out) {
  out.clear();
  // The task's lines, in path order: task.kind, then its parameters in name order ("task." + a
  // map's sorted names stays sorted, and "task.kind" sorts among them by its own path).
  std::vector<std::pair<std::string, Value>> task;
  task.reserve(c.task.params.size() + 1);
  task.emplace_back("task.kind", Value(c.task.kind));
  for (const auto& [name, value] : c.task.params) task.emplace_back("task." + name, param_to_value(value));
  std::sort(task.begin(), task.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t t = 0;
  auto flush_task_before = [&](const std::string* path) {
    for (; t < task.size() && (path == nullptr || task[t].first < *path); ++t)
      append_setting(out, task[t].first, find_field(task[t].first), task[t].second);
  };
  for (const Field* f : id_fields()) {
    if (f->relevant != nullptr && !f->relevant(c)) continue;
    flush_task_before(&f->path);
    append_setting(out, f->path, f, f->get(c));
  }
  flush_task_before(nullptr);
}

}  // namespace

std::string canonical_text(const RunConfig& c) {
  std::string out;
  write_canonical(c, out);
  return out;
}

uint64_t run_id_number(const RunConfig& c) {
  thread_local std::string text;  // reused: its capacity outlives the run
  write_canonical(c, text);
  return hash_string(text);
}

std::string run_id_text(uint64_t number) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(number));
  return buf;
}

std::string run_id(const RunConfig& c) { return run_id_text(run_id_number(c)); }

YAML::Node resolved_run_node(const RunConfig& c) {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& [path, value] : settings(c)) {
    if (path == "name" || path == "base" || (path.rfind("run.", 0) == 0 && path != "run.threads_per_run") ||
        path.rfind("report.", 0) == 0)
      continue;
    const std::vector<std::string> parts = split_path(path);
    // yaml-cpp's operator[] on a non-const node creates the nested maps in order.
    YAML::Node node = root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) node.reset(node[parts[i]]);
    node[parts.back()] = yaml_of(value);
  }
  return root;
}

YAML::Node resolved_config(const RunSpec& spec) {
  return spec.resolved.IsDefined() && !spec.resolved.IsNull() ? spec.resolved : resolved_run_node(spec.config);
}

}  // namespace tbptt
