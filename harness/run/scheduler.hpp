// Runs a list of runs in parallel on one machine: OpenMP threads, dynamic scheduling one run
// at a time, longest first (RunSpec::cost, ties in list order). Each run is single-threaded
// unless its RunConfig::threads asks for more (nested parallelism is then enabled).
//
// The runner is a parameter so that tests can inject a fake one. A run that throws is recorded
// as status failed with the exception text; diverged is whatever the runner says. After each run
// the sink is called on the worker thread (it writes the run folder); if the sink throws, the
// run counts as failed (and, having no metrics.json, is run again on resume).
// fail_fast: after the first failed run no new run starts; running ones finish.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/run/outcome.hpp"
#include "harness/run/progress.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

using Runner = std::function<RunOutcome(const RunSpec&)>;
using RunSink = std::function<void(const RunSpec&, const RunOutcome&)>;

struct SchedulerOptions {
  int jobs = 0;               // 0: one per core (omp_get_num_procs() / max RunConfig::threads)
  bool fail_fast = false;
  ProgressStyle progress = ProgressStyle::automatic;
  std::ostream* log = nullptr;  // progress output; nullptr: std::cerr
  std::string metric;           // the metric shown per finished run ("" : default_report_metric)
  std::string label;            // prefix of progress lines (e.g. "[rank 1] ")
};

struct ScheduleResult {
  int jobs = 0;                          // threads used
  int ok = 0, diverged = 0, failed = 0, time_limit = 0;  // finished runs by status
  int not_run = 0;                       // left out after a fail-fast stop
  bool stopped = false;                  // fail-fast triggered
  std::vector<std::string> order;        // ids in the order the runs were handed out
};

// Indices of `runs` sorted by decreasing cost (stable).
std::vector<size_t> longest_first(const std::vector<RunSpec>& runs);

// The number of threads: `requested` (> 0), or one per core divided by the largest
// RunConfig::threads; at least 1 and at most runs.size(). Throws std::invalid_argument if < 0.
int resolve_jobs(int requested, const std::vector<RunSpec>& runs);

ScheduleResult run_scheduled(const std::vector<RunSpec>& runs, const Runner& runner,
                             const RunSink& sink, const SchedulerOptions& options);

}  // namespace tbptt
