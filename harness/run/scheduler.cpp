#include "harness/run/scheduler.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>

#include "harness/run/stop_signals.hpp"

namespace tbptt {

std::vector<size_t> longest_first(const std::vector<RunSpec>& runs) {
  std::vector<size_t> order(runs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return runs[a].cost > runs[b].cost; });
  return order;
}

int resolve_jobs(int requested, const std::vector<RunSpec>& runs) {
  if (requested < 0) {
    throw std::invalid_argument("--jobs: expected 0 (one per core) or a positive count, got " +
                                std::to_string(requested));
  }
  int jobs = requested;
  if (jobs == 0) {
    long long threads = 1;
    for (const auto& r : runs) threads = std::max<long long>(threads, r.config.threads);
    jobs = static_cast<int>(std::max<long long>(1, omp_get_num_procs() / threads));
  }
  return std::max(1, std::min<int>(jobs, static_cast<int>(std::max<size_t>(runs.size(), 1))));
}

LocalQueue::LocalQueue(const std::vector<RunSpec>& runs) : runs_(runs), order_(longest_first(runs)) {}

long long LocalQueue::next() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (halted_.load() || stop_requested() || position_ >= order_.size()) return -1;
  return static_cast<long long>(order_[position_++]);
}

size_t LocalQueue::handed_out() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return position_;
}

namespace {

RunOutcome run_one(const Runner& runner, const RunSpec& spec) {
  try {
    return runner(spec);
  } catch (const RunAbandoned&) {
    throw;
  } catch (const std::exception& e) {
    RunOutcome outcome;
    outcome.status = RunStatus::failed;
    outcome.reason = e.what();
    return outcome;
  } catch (...) {
    RunOutcome outcome;
    outcome.status = RunStatus::failed;
    outcome.reason = "unknown exception";
    return outcome;
  }
}

}  // namespace

ScheduleResult run_queue(RunQueue& queue, const Runner& runner, SweepReporter& reporter,
                         const SchedulerOptions& options) {
  const std::vector<RunSpec>& runs = queue.runs();
  ScheduleResult result;
  result.jobs = resolve_jobs(options.jobs, runs);
  bool nested = false;
  for (const auto& r : runs) nested = nested || r.config.threads > 1;
  if (nested && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);

  std::mutex mutex;  // guards result
#pragma omp parallel num_threads(result.jobs)
  {
    for (long long index = queue.next(); index >= 0; index = queue.next()) {
      const RunSpec& spec = runs[static_cast<size_t>(index)];
      {
        std::lock_guard<std::mutex> lock(mutex);
        result.order.push_back(spec.id);
      }
      reporter.run_started(spec);
      const auto start = std::chrono::steady_clock::now();
      RunOutcome outcome;
      try {
        outcome = run_one(runner, spec);
      } catch (const RunAbandoned&) {
        reporter.run_abandoned(spec);
        std::lock_guard<std::mutex> lock(mutex);
        ++result.abandoned;
        continue;  // the queue hands out nothing more: the stop is requested
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      try {
        reporter.run_finished(spec, outcome, seconds);
      } catch (const std::exception& e) {
        outcome = unrecorded_outcome(e.what());
      }
      std::lock_guard<std::mutex> lock(mutex);
      switch (outcome.status) {
        case RunStatus::ok: ++result.ok; break;
        case RunStatus::diverged: ++result.diverged; break;
        case RunStatus::time_limit: ++result.time_limit; break;
        case RunStatus::failed:
          ++result.failed;
          if (options.fail_fast) {
            queue.halt();
            result.stopped = true;
          }
          break;
      }
    }
  }
  return result;
}

ScheduleResult run_scheduled(const std::vector<RunSpec>& runs, const Runner& runner,
                             SweepReporter& reporter, const SchedulerOptions& options) {
  LocalQueue queue(runs);
  ScheduleResult result = run_queue(queue, runner, reporter, options);
  result.not_run = static_cast<int>(runs.size() - queue.handed_out()) + result.abandoned;
  return result;
}

}  // namespace tbptt
