// The sweep report: summary.csv (one row per run) and table.md (one row per setting, seeds
// grouped), built only from RunRecords so that `tbptt report DIR` can rebuild it from the files.
//
// table.md, for each setting: runs ok / total; the final metric's mean over the ok seeds, the
// 95% CI half-width (Student t; "-" for one seed) and the ratio to the setting's own baseline
// (the group whose setting == baseline_setting); then CPU seconds, wall seconds, tokens per second,
// activation bytes and fidelity_cos (when any run has them) as "mean ± half-width" with their
// ratios; and "<- pick" on the cheapest settings (least mean cpu_seconds, else wall_seconds)
// whose every run is ok and whose mean metric is within report.tolerance of the baseline mean in
// the metric's direction (metric_names.hpp). Ties are all picked; one pick column per baseline.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/results_dir.hpp"
#include "harness/report/statistics.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct SettingRow {
  std::string setting, baseline_setting;
  bool is_baseline = false;
  int total = 0, ok = 0;                          // runs in the group / with status ok
  std::map<std::string, Summary> stats;           // quantity -> summary over the ok runs
  std::map<std::string, double> ratio;            // quantity -> mean / baseline mean (if defined)
  bool pick = false;
};

struct ReportTable {
  std::string title;
  std::string metric;                  // the compared metric ("" if no run has any)
  double tolerance = 0;
  std::vector<std::string> quantities; // metric first, then the cost/fidelity columns present
  std::vector<SettingRow> rows;        // in order of first appearance in the run list
};

// The quantities beside the metric, in table order.
const std::vector<std::string>& report_quantities();

ReportTable build_report(const std::vector<RunRecord>& runs, const ReportConfig& config,
                         const std::string& title);
std::string table_markdown(const ReportTable& table);

// id, setting, baseline_setting, is_baseline, status ("missing" when not done), reason, the
// swept keys (given order, then any other keys sorted), every final metric (sorted), then every
// best metric as best.<name> (sorted). Numbers are exact (shortest round-trip).
std::string summary_csv(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys);

}  // namespace tbptt
