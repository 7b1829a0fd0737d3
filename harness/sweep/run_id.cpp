#include "harness/sweep/run_id.hpp"

#include <cstdio>
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

}  // namespace

std::string canonical_text(const RunConfig& c) {
  std::map<std::string, std::string> sorted;
  for (const auto& [path, value] : settings(c)) {
    const Field* f = find_field(path);
    if (excluded_from_id(path) || (f != nullptr && !f->id_when_default && value_text(value) == f->default_text)) continue;
    sorted[path] = value_text(value);
  }
  std::string out;
  for (const auto& [path, text] : sorted) out += path + "=" + text + "\n";
  return out;
}

std::string run_id(const RunConfig& c) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_string(canonical_text(c))));
  return buf;
}

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
