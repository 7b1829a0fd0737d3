// The folder a sweep leaves behind, and how each file in it is written and read back.
//
//   DIR/manifest.json          the experiment, its run list, build and machine facts, times
//   DIR/runs/<id>/config.yaml  the run's resolved configuration
//   DIR/runs/<id>/curve.csv    one row per evaluation point
//   DIR/runs/<id>/metrics.json status, reason, final and best metrics, swept values, setting,
//                              series (e.g. grad_lag_profile; non-finite entries as null)
//   DIR/summary.csv, DIR/table.md   the report (report/table.hpp)
//
// Invariants: every file is written atomically (atomic_file.hpp); metrics.json is written last,
// so a run counts as done exactly when its metrics.json exists. JSON never holds NaN or inf:
// such a metric is written as null, and the reason says which were not finite.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness/report/outcome.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

inline constexpr const char* kManifestFormat = "tbptt-manifest/1";
inline constexpr const char* kMetricsFormat = "tbptt-metrics/1";

// One run as the report sees it (from metrics.json, or from the manifest when not done).
struct RunRecord {
  std::string id, setting, baseline_setting;
  bool is_baseline = false;
  std::map<std::string, std::string> swept;
  bool done = false;                            // metrics.json exists
  RunStatus status = RunStatus::ok;
  std::string reason;
  std::map<std::string, double> final_metrics;  // finite values only (null in the file: absent)
  std::map<std::string, double> best_metrics;
  std::map<std::string, std::vector<double>> series;  // null entries read back as NaN
  std::vector<CurvePoint> curve;  // filled by report_files.hpp (read_report_records), not here
};

// The content of the files (pure functions, no I/O).
nlohmann::json metrics_json(const RunSpec& spec, const RunOutcome& outcome);
// Columns: update, tokens, wall_s, cpu_s, train_loss, grad_norm, clip_rate, lr, then the union of
// the eval metric names, sorted; a non-finite or missing value is an empty cell.
std::string curve_csv(const std::vector<CurvePoint>& curve);
nlohmann::json run_entry_json(const RunSpec& spec);  // one element of manifest "runs"
RunRecord record_from_metrics(const nlohmann::json& metrics);
RunRecord record_from_run_entry(const nlohmann::json& entry);  // done = false

class ResultsDir {
 public:
  // A trailing slash is dropped ("out/" and "out" are the same folder).
  explicit ResultsDir(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path manifest_path() const { return root_ / "manifest.json"; }
  std::filesystem::path runs_path() const { return root_ / "runs"; }
  std::filesystem::path run_path(const std::string& id) const { return runs_path() / id; }
  std::filesystem::path metrics_path(const std::string& id) const {
    return run_path(id) / "metrics.json";
  }

  bool run_done(const std::string& id) const;
  // Writes config.yaml, curve.csv, then metrics.json of one run (safe from several threads for
  // different ids).
  void write_run(const RunSpec& spec, const RunOutcome& outcome) const;

  bool has_manifest() const;
  nlohmann::json read_manifest() const;  // throws std::invalid_argument if missing or unreadable
  void write_manifest(const nlohmann::json& manifest) const;

  // The run ids this folder holds results for: the manifest's run list plus every runs/<id> folder.
  std::set<std::string> stored_ids() const;

  // Every run of the manifest, in manifest order, read from its metrics.json when it exists.
  std::vector<RunRecord> read_records(const nlohmann::json& manifest) const;

  // Removes leftover temporary files of killed writers (root and every run folder); see
  // tbptt::remove_stale_temp_files for `every_writer`.
  int remove_stale_temp_files(bool every_writer = true) const;

  // Renames the folder to "<root>.old-<UTC time>" (a numbered suffix if taken); returns the new
  // path. Used by `--fresh`: old results are kept, never deleted.
  std::filesystem::path move_aside() const;

 private:
  std::filesystem::path root_;
};

}  // namespace tbptt
