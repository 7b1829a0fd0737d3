#include "harness/config/settings.hpp"

#include <algorithm>
#include <vector>

#include "harness/config/yaml_reader.hpp"

namespace tbptt {
namespace {

void erase_at_or_under(Settings& s, const std::string& path) {
  const std::string prefix = path + ".";
  for (auto it = s.lower_bound(path); it != s.end();) {
    if (it->first == path || it->first.compare(0, prefix.size(), prefix) == 0)
      it = s.erase(it);
    else if (it->first.compare(0, path.size(), path) == 0)
      ++it;  // a sibling sharing the prefix ("train.batch" after "train.b")
    else
      break;
  }
}

ParamValue to_param(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* t = std::get_if<std::string>(&v)) return *t;
  return std::string();
}

}  // namespace

void apply(Settings& settings, const Assignment& a) {
  if (a.replaces) erase_at_or_under(settings, a.path);
  for (const auto& c : a.cleared) erase_at_or_under(settings, c);
  for (const auto& [path, s] : a.leaves) settings[path] = s;
}

RunConfig build_run_config(const Settings& settings) {
  RunConfig c;
  // The written settings are set in schema order (a setter may depend on an earlier one). N.B.
  // Looked up by walking the few written settings, not the ~100 fields through the map: the sweep
  // builds two configs per combination.
  const std::vector<Field>& fields = schema_fields();
  thread_local std::vector<std::pair<size_t, const Value*>> written;
  written.clear();
  for (const auto& [path, setting] : settings)
    if (const Field* f = find_field(path); f != nullptr && f->set != nullptr)
      written.emplace_back(static_cast<size_t>(f - fields.data()), &setting.value);
  std::sort(written.begin(), written.end());
  for (const auto& [index, value] : written) fields[index].set(c, *value);
  if (auto it = settings.find("task.kind"); it != settings.end()) c.task.kind = std::get<std::string>(it->second.value);
  const TaskKindInfo* kind = find_task_kind(c.task.kind);
  if (kind == nullptr) throw std::logic_error("build_run_config: unchecked task kind " + c.task.kind);
  for (const auto& p : kind->params) {
    ParamValue v = p.default_value;
    if (auto it = settings.find("task." + p.name); it != settings.end()) {
      v = to_param(it->second.value);
      if (const std::string problem = check_task_param(p, v); !problem.empty())
        throw ConfigError(it->second.loc, "task." + p.name, problem + " (for task " + c.task.kind + ")");
    }
    c.task.params[p.name] = std::move(v);
  }
  return c;
}

ParamValue written_param(const TaskParamDef& def, const ConfigNode& n) {
  if (def.type == TaskParamDef::Type::string || n.quoted()) return n.text();
  if (const auto i = scalar_int(n)) return *i;
  if (const auto d = scalar_number(n)) return *d;
  if (const auto b = scalar_bool(n)) return *b;
  return n.text();
}

}  // namespace tbptt
