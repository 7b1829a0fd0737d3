// The results folder (report/results_dir.hpp) as a SweepReporter:
//   begin         manifest.json with end_time null and status "running"; stale temp files go
//   run_finished  runs/<id>/: config.yaml, curve.csv, then metrics.json (throws if it cannot)
//   end           manifest.json with the end time, status and counts, then summary.csv and
//                 table.md (holding kReportLock, so that concurrent shards never interleave)
// Roles: `whole` (one process, or MPI rank 0: the only writer of manifest and report),
// `runs_only` (MPI ranks > 0: run folders alone), `shard` (a job-array shard: writes the manifest
// only if absent, its status to DIR/shards/I-of-N.json, and at the end the merged manifest and
// report of every shard's runs so far; the last shard to end leaves the complete report).
// end() writes once: a later call (the abandon action of a signal racing the normal end) does
// nothing. Writing errors propagate as std::runtime_error naming the file and the OS reason.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "harness/report/results_dir.hpp"
#include "harness/run/reporter.hpp"
#include "harness/run/shard.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt {

class ResultsFolderReporter : public SweepReporter {
 public:
  enum class Role { whole, runs_only, shard };
  ResultsFolderReporter(ResultsDir dir, const Experiment& experiment, Role role,
                        std::optional<Shard> shard = std::nullopt, std::string first_start_time = {});
  void begin(const SweepStart& start) override;
  void run_finished(const RunSpec& spec, const RunOutcome& outcome, double seconds) override;
  void end(const SweepEnd& end) override;
  std::string table_md() const;  // written by end() (whole, shard), else ""

 private:
  ResultsDir dir_;
  const Experiment& experiment_;
  Role role_;
  std::optional<Shard> shard_;
  std::string first_start_, start_time_;
  int jobs_ = 1, ranks_ = 1;
  mutable std::mutex mutex_;
  bool ended_ = false;
  std::string table_md_;
};

// "complete", "interrupted", "stopped" or "incomplete" (see manifest.hpp) for a sweep that
// ended like `end` with `missing` runs still without metrics.json.
std::string sweep_status(const SweepEnd& end, long long missing);

// `tbptt report DIR`: holding kReportLock, rewrites summary.csv and table.md from the files; in a
// folder written by shards (DIR/shards/), first merges their state into manifest.json (counts,
// status, end time). Returns table.md.
std::string rebuild_report(const ResultsDir& dir);

}  // namespace tbptt
