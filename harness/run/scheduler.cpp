#include "harness/run/scheduler.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <numeric>
#include <stdexcept>

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

ScheduleResult run_scheduled(const std::vector<RunSpec>& runs, const Runner& runner,
                             const RunSink& sink, const SchedulerOptions& options) {
  ScheduleResult result;
  result.jobs = resolve_jobs(options.jobs, runs);
  const std::vector<size_t> order = longest_first(runs);
  double total_cost = 0;
  bool nested = false;
  for (const auto& r : runs) {
    total_cost += r.cost;
    nested = nested || r.config.threads > 1;
  }
  if (nested && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);

  Progress progress(options.progress, options.log ? *options.log : std::cerr,
                    static_cast<int>(runs.size()), total_cost, options.metric, options.label);
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards result

  const long long n = static_cast<long long>(order.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(result.jobs)
  for (long long i = 0; i < n; ++i) {
    const RunSpec& spec = runs[order[static_cast<size_t>(i)]];
    if (stop.load()) {
      progress.skipped(spec);
      std::lock_guard<std::mutex> lock(mutex);
      ++result.not_run;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      result.order.push_back(spec.id);
    }
    progress.started(spec);
    const auto start = std::chrono::steady_clock::now();
    RunOutcome outcome;
    try {
      outcome = runner(spec);
    } catch (const std::exception& e) {
      outcome = RunOutcome{};
      outcome.status = RunStatus::failed;
      outcome.reason = e.what();
    } catch (...) {
      outcome = RunOutcome{};
      outcome.status = RunStatus::failed;
      outcome.reason = "unknown exception";
    }
    try {
      if (sink) sink(spec, outcome);
    } catch (const std::exception& e) {
      outcome.status = RunStatus::failed;
      outcome.reason = std::string("could not write results: ") + e.what();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finished(spec, outcome, seconds);
    std::lock_guard<std::mutex> lock(mutex);
    switch (outcome.status) {
      case RunStatus::ok: ++result.ok; break;
      case RunStatus::diverged: ++result.diverged; break;
      case RunStatus::time_limit: ++result.time_limit; break;
      case RunStatus::failed:
        ++result.failed;
        if (options.fail_fast) {
          stop.store(true);
          result.stopped = true;
        }
        break;
    }
  }
  progress.close();
  return result;
}

}  // namespace tbptt
