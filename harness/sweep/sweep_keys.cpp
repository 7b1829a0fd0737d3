#include "harness/sweep/sweep_keys.hpp"

#include <algorithm>

#include "harness/config/error.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/suggest.hpp"
#include "harness/config/validate.hpp"

namespace tbptt {
namespace {

// Every dotted path a sweep or baseline key may name, for "did you mean".
std::vector<std::string> all_paths(const ConfigNode& base) {
  std::vector<std::string> out;
  for (const auto& f : schema_fields()) {
    if (whole_experiment_key(f.path)) continue;
    const std::vector<std::string> parts = split_path(f.path);
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string prefix = join_path(parts, i);
      if (std::find(out.begin(), out.end(), prefix) == out.end()) out.push_back(prefix);
    }
    out.push_back(f.path);
  }
  const ConfigNode* kind = base.find_path({"task", "kind"});
  if (const TaskKindInfo* k = find_task_kind(kind != nullptr ? kind->text() : TaskConfig{}.kind))
    for (const auto& p : k->params) out.push_back("task." + p.name);
  return out;
}

}  // namespace

bool whole_experiment_key(const std::string& path) {
  const std::string first = path.substr(0, path.find('.'));
  return first == "name" || first == "base" || first == "run" || first == "report" || first == "sweep" ||
         first == "baseline";
}

bool overlaps(const std::string& a, const std::string& b) {
  const std::string& s = a.size() < b.size() ? a : b;
  const std::string& l = a.size() < b.size() ? b : a;
  return l.compare(0, s.size(), s) == 0 && (l.size() == s.size() || l[s.size()] == '.');
}

void add_leaves(const ConfigNode& n, const std::string& prefix, std::vector<std::string>& out) {
  if (n.is_map()) {
    for (const auto& [k, v] : n.entries()) add_leaves(v, prefix + "." + k, out);
  } else if (std::find(out.begin(), out.end(), prefix) == out.end()) {
    out.push_back(prefix);
  }
}

bool ends_with_component(const std::string& key, const std::string& last) {
  return key.size() > last.size() && key.compare(key.size() - last.size() - 1, std::string::npos, "." + last) == 0;
}

std::string short_name(const std::string& key, const std::vector<std::string>& all) {
  const std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  const auto same = std::count_if(all.begin(), all.end(),
                                  [&](const std::string& k) { return k == last || ends_with_component(k, last); });
  return same == 1 ? last : key;
}

bool check_key(const std::string& section, const std::string& key, const ConfigNode& value, const ConfigNode& base,
               Diagnostics& d) {
  const std::string p = section + "." + key;
  if (whole_experiment_key(key)) {
    d.add(value.key_loc(), p, std::string("cannot be ") + (section == "sweep" ? "swept" : "part of a baseline") +
                                  " (name, base, run.* and report.* apply to the whole experiment)");
    return false;
  }
  if (!schema_has_path(key)) {
    const std::string near = closest_name(key, all_paths(base));
    d.add(value.key_loc(), p, near.empty() ? "unknown key" : "unknown key (did you mean " + near + "?)");
    return false;
  }
  return true;
}

}  // namespace tbptt
