#include <filesystem>

#include "harness/config/load.hpp"
#include "harness/config/validate.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/expand.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt {

namespace fs = std::filesystem;

Experiment load_experiment(const std::string& path, const std::vector<std::string>& set_overrides, RunsMode mode) {
  ConfigNode tree = read_with_bases(path);
  for (const auto& o : set_overrides) apply_override(tree, o);
  return experiment_from_tree(tree, path, mode);
}

Experiment experiment_from_tree(const ConfigNode& tree, const std::string& path, RunsMode mode) {
  Diagnostics d;
  const Settings settings = check_tree(tree, d, TreeMode::experiment);
  d.throw_if_any();

  ExpandedSweep sweep = expand_sweep(tree, settings);
  Experiment e;
  e.file = path;
  const ConfigNode* name = tree.find("name");
  e.name = name != nullptr && name->is_scalar() ? name->text() : fs::path(path).stem().string();
  e.resolved = tree.to_yaml();
  e.swept_keys = std::move(sweep.swept_keys);
  e.run_list = std::move(sweep.runs);
  if (mode == RunsMode::materialized) e.runs = e.run_list.materialize();
  // The whole-experiment keys, from the values check_tree parsed.
  if (auto it = settings.find("run.jobs"); it != settings.end())
    if (const auto* n = std::get_if<int64_t>(&it->second.value)) e.jobs = static_cast<int>(*n);  // else "auto": 0
  const auto output = settings.find("run.output");
  e.output = output != settings.end() ? std::get<std::string>(output->second.value) : "results/" + e.name;
  read_report_keys(settings, e.report);
  if (e.report.metric.empty() && !e.run_list.empty())
    e.report.metric = task_info_of(e.run_list.at(0).config.task).score_metric;
  return e;
}

}  // namespace tbptt
