// The sweep report: summary.csv (one row per run) and table.md (one row per setting, seeds
// grouped), built only from RunRecords so that `tbptt report DIR` can rebuild it from the files.
//
// table.md has two sections.
// 1. "Cost to reach the target" (cost_table.hpp): per setting, k2 and the effective context, the
//    seeds that reached the target (run_targets.hpp), median and 95% interval of CPU seconds and
//    tokens to target with their ratios to the baseline's medians, activation memory and its
//    ratio, and `<- pick`: the least median CPU seconds to target among the settings whose every
//    run is ok and reached the target, ties broken by activation memory (one pick per baseline).
// 2. "Equal token budget": runs ok / total; the final metric's mean over the ok seeds, the 95% CI
//    half-width (Student t; "-" for one seed) and the ratio to the setting's own baseline (the
//    group whose setting == baseline_setting); then CPU seconds, wall seconds (training only),
//    tokens per second, activation bytes and fidelity_cos (when any run has them) as
//    "mean ± half-width" with their ratios; and "<- pick" on the cheapest settings (least mean
//    cpu_seconds, else wall_seconds) whose every run is ok and whose mean metric is within the
//    tolerance of the baseline mean in the metric's direction (metric_names.hpp).
// Runs that diverged, failed or are missing are counted as such ("2/3, diverged 1/3"); a
// setting without an ok run shows its status instead of numbers and is never picked.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/results_dir.hpp"
#include "harness/report/statistics.hpp"
#include "harness/sweep/run_spec.hpp"
#include "harness/config/report_keys.hpp"

namespace tbptt {

// Section 1 of one setting (cost_table.hpp).
struct CostSummary {
  int reached = 0;                          // ok runs that reached the target
  Spread cpu, tokens;                       // cpu_to_target, tokens_to_target over those runs
  std::optional<double> cpu_ratio, tokens_ratio;  // median / the baseline's median
  std::optional<double> effective_context;  // on the seeds' mean context curve
  double longest_period = 0;                // largest reset period measured (0: no curve)
  bool pick = false;
};

struct SettingRow {
  std::string setting, baseline_setting;
  std::string k2;                                 // as swept ("full", "12"), else the experiment's
  bool is_baseline = false;
  int total = 0, ok = 0;                          // runs in the group / with status ok
  int diverged = 0, failed = 0, missing = 0;      // the others, by status (missing: not done)
  CostSummary cost;
  std::map<std::string, Summary> stats;           // quantity -> summary over the ok runs
  std::map<std::string, double> ratio;            // quantity -> mean / baseline mean (if defined)
  bool pick = false;
};

struct ReportTable {
  std::string title;
  std::string metric;                  // the compared metric ("" if no run has any)
  ReportConfig config;                 // tolerance and target as configured
  std::string target_metric;           // the metric the target is on
  double tolerance = 0;
  std::vector<std::string> quantities; // metric first, then the cost/fidelity columns present
  std::vector<SettingRow> rows;        // in order of first appearance in the run list
  // The baselines are full BPTT (the implicit baseline, or a `baseline:` that keeps k1 = k2 =
  // full), so the tables may call them so; else "the baseline".
  bool full_bptt_baseline = true;
};

// "full-BPTT baseline" or "baseline", for the tables' explanations.
std::string baseline_name(const ReportTable& t);

// The quantities beside the metric, in table order.
const std::vector<std::string>& report_quantities();

// `runs` should carry annotate_targets' metrics (read_report_records does it) for section 1.
// fixed_k2: the k2 of settings that do not sweep it (the experiment's train.tbptt.k2).
ReportTable build_report(const std::vector<RunRecord>& runs, const ReportConfig& config,
                         const std::string& title, const std::string& fixed_k2 = "full");
// Both sections, the cost to target first.
std::string table_markdown(const ReportTable& table);
// "3/3", or e.g. "1/3, diverged 2/3", "failed 1/1", "2/3, missing 1/3".
std::string runs_text(const SettingRow& row, int count_ok);
// For a setting without an ok run: "diverged", "failed" or "missing" (the most common); else "-".
std::string no_value_text(const SettingRow& row);

// id, setting, baseline_setting, is_baseline, status ("missing" when not done), reason, the
// swept keys (given order, then any other keys sorted), every final metric (sorted), then every
// best metric as best.<name> (sorted). Numbers are exact (shortest round-trip).
std::string summary_csv(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys);

}  // namespace tbptt
