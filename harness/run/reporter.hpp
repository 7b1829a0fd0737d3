// SweepReporter: what a sweep tells the world, in the order it happens, after google/benchmark's
// BenchmarkReporter (ReportContext once, ReportRuns per run, Finalize once):
//   begin(start)                       once, before any run starts
//   run_started(spec)                  on the worker thread that runs it
//   run_finished(spec, outcome, secs)  on that worker thread, when the run has ended
//   run_abandoned(spec)                instead of run_finished, for a run stopped by SIGTERM
//                                      (nothing of it is recorded; a restart runs it again)
//   end(summary)                       once, after the last run (or when the sweep was stopped)
// run_started and run_finished may be called from several threads at once: implementations
// guard their own state. run_finished may throw (a run folder that cannot be written): the
// scheduler then records the run as failed. The progress display (progress.hpp) and the
// results folder (results_reporter.hpp) are the two reporters of `tbptt run`; ReporterChain
// calls several in order.
#pragma once

#include <string>
#include <vector>

#include "harness/report/outcome.hpp"
#include "harness/sweep/run_spec.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt {

// What begin() is told: the experiment, what this process may run, and how.
struct SweepStart {
  const Experiment* experiment = nullptr;
  size_t todo = 0;             // runs left to run (over all ranks or in this shard)
  double todo_cost = 0;        // their summed RunSpec::cost
  size_t done = 0;             // runs already finished before this invocation
  int jobs = 1;                // OpenMP threads over runs (per rank)
  int ranks = 1;               // MPI ranks
  std::string start_time;      // ISO 8601 UTC
};

// What end() is told: how this invocation ended.
struct SweepEnd {
  int ok = 0, diverged = 0, failed = 0;  // finished in this invocation (over all ranks)
  int not_run = 0;             // left out: fail-fast or a stop signal
  bool fail_fast_stop = false; // stopped by --fail-fast
  int signal = 0;              // the stop signal (SIGINT, SIGTERM), 0 if none
  bool abandoned = false;      // runs in progress were abandoned (they stay missing)
  long long peak_rss_bytes = 0;
};

class SweepReporter {
 public:
  virtual ~SweepReporter() = default;
  virtual void begin(const SweepStart&) {}
  virtual void run_started(const RunSpec&) {}
  virtual void run_finished(const RunSpec&, const RunOutcome&, double /*seconds*/) {}
  virtual void run_abandoned(const RunSpec&) {}
  virtual void end(const SweepEnd&) {}
};

// Calls each reporter in order. When one throws in run_finished, the later ones are told the
// run failed ("could not write results: ...") and the exception is passed on after them, so the
// progress display shows what the scheduler records.
class ReporterChain : public SweepReporter {
 public:
  explicit ReporterChain(std::vector<SweepReporter*> reporters) : reporters_(std::move(reporters)) {}
  void begin(const SweepStart& start) override;
  void run_started(const RunSpec& spec) override;
  void run_finished(const RunSpec& spec, const RunOutcome& outcome, double seconds) override;
  void run_abandoned(const RunSpec& spec) override;
  void end(const SweepEnd& end) override;

 private:
  std::vector<SweepReporter*> reporters_;
};

// The outcome a run is recorded with when its results could not be written.
RunOutcome unrecorded_outcome(const std::string& what);

}  // namespace tbptt
