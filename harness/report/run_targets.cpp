#include "harness/report/run_targets.hpp"

#include "harness/report/metric_names.hpp"

namespace tbptt {
namespace {

bool ok(const RunRecord& r) { return r.done && r.status == RunStatus::ok; }

}  // namespace

std::string report_metric(const std::vector<RunRecord>& runs, const ReportConfig& config) {
  if (!config.metric.empty()) return config.metric;
  std::map<std::string, double> present;
  for (const auto& r : runs) {
    if (ok(r)) present.insert(r.final_metrics.begin(), r.final_metrics.end());
  }
  return default_report_metric(present);
}

std::string target_metric(const std::vector<RunRecord>& runs, const ReportConfig& config) {
  return config.target_metric.empty() ? report_metric(runs, config) : config.target_metric;
}

std::map<std::string, Target> setting_targets(const std::vector<RunRecord>& runs, const ReportConfig& config) {
  const std::string metric = target_metric(runs, config);
  std::map<std::string, Target> out;
  if (metric.empty()) return out;
  const bool higher = higher_is_better(metric);
  std::map<std::string, std::pair<double, int>> baseline_sum;  // setting -> (sum, count)
  for (const auto& r : runs) {
    if (r.baseline_setting.empty()) continue;
    if (config.target) out[r.baseline_setting] = Target{metric, *config.target, higher};
    if (!r.is_baseline || !ok(r)) continue;
    auto it = r.final_metrics.find(metric);
    if (it == r.final_metrics.end()) continue;
    auto& [sum, n] = baseline_sum[r.setting];
    sum += it->second;
    ++n;
  }
  if (config.target) return out;
  for (const auto& [setting, sn] : baseline_sum) {
    const double mean = sn.first / sn.second;
    out[setting] = Target{metric, tolerance_level(mean, config.tolerance, config.tolerance_relative, higher), higher};
  }
  return out;
}

void annotate_targets(std::vector<RunRecord>& runs, const ReportConfig& config) {
  const std::map<std::string, Target> targets = setting_targets(runs, config);
  const std::string metric = target_metric(runs, config);
  for (auto& r : runs) {
    if (!ok(r)) continue;
    auto t = targets.find(r.baseline_setting);
    if (t != targets.end()) {
      const Target& target = t->second;
      const CostToTarget c = cost_to_target(r.curve, target);
      auto& f = r.final_metrics;
      f["target"] = target.level;
      f["reached_target"] = c.reached ? 1.0 : 0.0;
      if (c.reached) {
        f["tokens_to_target"] = c.tokens;
        f["updates_to_target"] = c.updates;
        f["cpu_to_target"] = c.cpu_seconds;
        f["wall_to_target"] = c.wall_seconds;
      }
    }
    auto periods = r.series.find("context_period");
    auto values = r.series.find("context_" + metric);
    auto never = r.final_metrics.find(metric);
    if (periods != r.series.end() && values != r.series.end() && never != r.final_metrics.end()) {
      if (auto l = effective_context(periods->second, values->second, never->second, config.tolerance,
                                     config.tolerance_relative, higher_is_better(metric))) {
        r.final_metrics["effective_context"] = *l;
      }
    }
  }
}

}  // namespace tbptt
