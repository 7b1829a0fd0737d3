// Per-run cost to target and effective context, added to each run's final metrics so that
// summary.csv, table.md and `tbptt report --pivot` read them like any other metric.
//
// For every done ok run whose setting has a target (cost_to_target.hpp), annotate_targets adds:
//   target             the level on the target metric
//   reached_target     1 if some evaluation point reached it, else 0
//   tokens_to_target, updates_to_target, cpu_to_target, wall_to_target
//                      only when reached (a run that did not reach it has no cost)
// and, when the run has a context-utilisation curve (series context_period, context_<metric>),
//   effective_context  the smallest reset period within the tolerance of the final (never-reset)
//                      metric; absent when only "never" is.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/report/cost_to_target.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/config/report_keys.hpp"

namespace tbptt {

// The metric tables compare: report.metric, else the default over the ok runs' final metrics.
std::string report_metric(const std::vector<RunRecord>& runs, const ReportConfig& config);
// The metric the target is on: report.target's metric, else report_metric.
std::string target_metric(const std::vector<RunRecord>& runs, const ReportConfig& config);

// baseline_setting -> the target of the settings compared with it. With report.target, every
// baseline setting present gets that level; otherwise a baseline without an ok run reporting the
// metric gives no target.
std::map<std::string, Target> setting_targets(const std::vector<RunRecord>& runs, const ReportConfig& config);

void annotate_targets(std::vector<RunRecord>& runs, const ReportConfig& config);

}  // namespace tbptt
