// `tbptt run`: an Experiment's runs into a results folder, resumable.
//
// Resume: the runs whose runs/<id>/metrics.json exists are done (whatever their status) and are
// not run again. A folder whose stored run ids (manifest run list plus runs/* folders) differ from
// the experiment's is refused with std::invalid_argument. `fresh` starts over whenever the folder
// holds results (changed experiment or not: run ids do not change when the code does): it renames
// the old folder to "<DIR>.old-<UTC time>" (nothing is deleted).
//
// The folder is locked (folder_lock.hpp) before it is read: a second sweep on it throws
// FolderBusy. run_sweep wires two reporters (reporter.hpp): the results folder and the progress
// display, plus any in SweepOptions::reporters.
//   One process: OpenMP threads take runs longest first.
//   MPI (size > 1): rank 0 hands out run ids to the ranks as they become free (mpi_queue.hpp);
//     every rank writes its own run folders; rank 0 alone writes manifest.json and the report.
//   Shard I/N (job arrays): only the shard's runs (shard.hpp); shards share the folder.
// A stop request (stop_signals.hpp) starts no new run; the sweep ends as usual, with status
// "interrupted", and SweepOutcome::signal says which signal it was.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/run/progress.hpp"
#include "harness/run/scheduler.hpp"
#include "harness/run/shard.hpp"
#include "harness/sweep/run_spec.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt {

struct SweepOptions {
  std::optional<int> jobs;  // overrides Experiment::jobs (0: one per core)
  std::string output;       // overrides Experiment::output
  bool fresh = false;
  bool fail_fast = false;
  std::optional<Shard> shard;  // run only this shard of the runs
  ProgressStyle progress = ProgressStyle::automatic;
  std::ostream* log = nullptr;  // progress and notes; nullptr: std::cerr
  std::vector<SweepReporter*> reporters;  // told everything after the folder and the progress
};

struct SweepPlan {
  std::filesystem::path output;
  std::vector<RunSpec> todo;        // runs without metrics.json (of the shard), in experiment order
  size_t done = 0;                  // runs (of the shard) already finished
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
  long long ok_total = 0, diverged_total = 0, failed_total = 0;  // finished runs over all ranks
  long long missing = 0;       // runs of this invocation's share not finished (stop, fail-fast)
  bool stopped = false;        // some rank stopped on fail-fast
  int signal = 0;              // the stop signal, 0 if none
  std::string table_md;    // the report (rank 0; empty elsewhere)
};

// Locks the folder, plans, runs what is missing with `runner` and reports it (run folders,
// manifest, report, progress). Throws std::invalid_argument on a conflict without `fresh` and
// on `fresh` or MPI with a shard, FolderBusy when another process holds the folder.
SweepOutcome run_sweep(const Experiment& experiment, const SweepOptions& options, const Runner& runner);

// "DIR: interrupted by SIGINT: 7 of 12 runs done; run the same command again to resume ...".
std::string resume_note(const std::filesystem::path& output, int signal, size_t done, size_t total);

}  // namespace tbptt
