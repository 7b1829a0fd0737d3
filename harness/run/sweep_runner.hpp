// `tbptt run`: an Experiment's runs into a results folder, resumable.
//
// Resume: the runs whose runs/<id>/metrics.json exists are done (whatever their status) and are
// not run again. A folder whose stored run ids (manifest run list plus runs/* folders) differ from
// the experiment's is refused with std::invalid_argument. `fresh` starts over whenever the folder
// holds results (changed experiment or not: run ids do not change when the code does): it renames
// the old folder to "<DIR>.old-<UTC time>" (nothing is deleted).
// With MPI (size > 1), rank r takes the runs at positions r, r+size, ... of the longest-first
// order of what is left, using OpenMP within; rank 0 alone writes manifest.json and the report,
// after a barrier. Fail-fast stops only the rank that saw the failure.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/run/scheduler.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct SweepOptions {
  std::optional<int> jobs;  // overrides Experiment::jobs (0: one per core)
  std::string output;       // overrides Experiment::output
  bool fresh = false;
  bool fail_fast = false;
  ProgressStyle progress = ProgressStyle::automatic;
  std::ostream* log = nullptr;  // progress and notes; nullptr: std::cerr
};

struct SweepPlan {
  std::filesystem::path output;
  std::vector<RunSpec> todo;        // runs without metrics.json, in experiment order
  size_t done = 0;                  // runs already finished
  bool conflict = false;            // the folder holds a different experiment
  std::string conflict_message;     // why (with how many ids differ)
  bool move_aside = false;          // `fresh` and the folder holds results
  int jobs = 0;                     // resolved thread count for `todo`
};

// Reads the folder only (no file is touched). With `fresh`, todo is every run.
SweepPlan plan_sweep(const Experiment& experiment, const SweepOptions& options);

struct SweepOutcome {
  std::filesystem::path output;
  std::optional<std::filesystem::path> moved_to;  // where --fresh put the old folder
  size_t skipped = 0;      // already done before this invocation
  ScheduleResult schedule; // this rank's share
  long long failed_total = 0;  // failed runs over all ranks
  bool stopped = false;        // some rank stopped on fail-fast
  std::string table_md;    // the report (rank 0; empty elsewhere)
};

// Plans, runs what is missing with `runner`, writes each run folder, then manifest and report.
// Throws std::invalid_argument on a conflict without `fresh`.
SweepOutcome run_sweep(const Experiment& experiment, const SweepOptions& options, const Runner& runner);

}  // namespace tbptt
