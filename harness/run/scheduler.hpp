// Runs a list of runs in parallel: OpenMP threads, each taking the next run from a RunQueue
// when it becomes free. On one machine the queue is LocalQueue (longest first: RunSpec::cost,
// ties in list order); under MPI it is MpiQueue (mpi_queue.hpp), rank 0 handing out the runs.
// Each run is single-threaded unless its RunConfig::threads asks for more (nested parallelism
// is then enabled).
//
// The runner is a parameter so that tests can inject a fake one. A run that throws is recorded
// as status failed with the exception text; diverged is whatever the runner says. The reporter
// is told each start and finish on the worker thread; if run_finished throws (its run folder
// could not be written) the run counts as failed (and, having no metrics.json, runs again on
// resume). The scheduler does not call the reporter's begin() or end(): the sweep does.
// fail_fast: after the first failed run no new run starts; running ones finish. A stop request
// (stop_signals.hpp) also starts no new run. A runner that throws RunAbandoned (SIGTERM) has
// its run counted as abandoned and reported with run_abandoned, not run_finished.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "harness/report/outcome.hpp"
#include "harness/run/reporter.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

using Runner = std::function<RunOutcome(const RunSpec&)>;

// Hands out runs to worker threads. Safe to call from several threads.
class RunQueue {
 public:
  virtual ~RunQueue() = default;
  virtual const std::vector<RunSpec>& runs() const = 0;
  // The index in runs() of the next run to start, or -1: none is left, or the sweep stops.
  virtual long long next() = 0;
  // Fail-fast: no run is handed out any more (to any thread, or any rank).
  virtual void halt() = 0;
};

// One process: longest first, one run at a time; stops on halt() or a stop request.
class LocalQueue : public RunQueue {
 public:
  explicit LocalQueue(const std::vector<RunSpec>& runs);
  const std::vector<RunSpec>& runs() const override { return runs_; }
  long long next() override;
  void halt() override { halted_.store(true); }
  size_t handed_out() const;

 private:
  const std::vector<RunSpec>& runs_;
  std::vector<size_t> order_;
  mutable std::mutex mutex_;
  size_t position_ = 0;
  std::atomic<bool> halted_{false};
};

struct SchedulerOptions {
  int jobs = 0;               // 0: one per core (omp_get_num_procs() / max RunConfig::threads)
  bool fail_fast = false;
};

struct ScheduleResult {
  int jobs = 0;                          // threads used
  int ok = 0, diverged = 0, failed = 0, time_limit = 0;  // finished runs by status
  int not_run = 0;                       // left out after a stop (LocalQueue only)
  int abandoned = 0;                     // stopped mid-run by SIGTERM (recorded nowhere)
  bool stopped = false;                  // fail-fast triggered
  std::vector<std::string> order;        // ids in the order the runs were handed out
};

// Indices of `runs` sorted by decreasing cost (stable).
std::vector<size_t> longest_first(const std::vector<RunSpec>& runs);

// The number of threads: `requested` (> 0), or one per core divided by the largest
// RunConfig::threads; at least 1 and at most runs.size(). Throws std::invalid_argument if < 0.
int resolve_jobs(int requested, const std::vector<RunSpec>& runs);

// Runs what `queue` hands out with options.jobs threads (resolved against queue.runs()).
ScheduleResult run_queue(RunQueue& queue, const Runner& runner, SweepReporter& reporter,
                         const SchedulerOptions& options);

// run_queue over a LocalQueue of `runs`.
ScheduleResult run_scheduled(const std::vector<RunSpec>& runs, const Runner& runner,
                             SweepReporter& reporter, const SchedulerOptions& options);

}  // namespace tbptt
