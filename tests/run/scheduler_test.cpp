// The scheduler with a fake deterministic runner: every run exactly once, longest first,
// the same results with 1 and 2 jobs, failures recorded without stopping, fail-fast, a stop
// request, a reporter that cannot record a run.
#include <catch2/catch.hpp>

#include <omp.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include "fake_sweep.hpp"
#include "harness/run/progress.hpp"
#include "harness/run/scheduler.hpp"
#include "harness/run/stop_signals.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using namespace tbptt::test;

namespace {

// A reporter that keeps every outcome, and counts starts.
struct Collected : SweepReporter {
  std::mutex mutex;
  std::map<std::string, RunOutcome> outcomes;
  int started = 0;
  void run_started(const RunSpec&) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++started;
  }
  void run_finished(const RunSpec& spec, const RunOutcome& outcome, double) override {
    std::lock_guard<std::mutex> lock(mutex);
    outcomes[spec.id] = outcome;
  }
};

// A reporter whose run_finished throws for one id (a run folder that cannot be written).
struct ThrowingFor : SweepReporter {
  std::string id;
  int calls = 0;
  explicit ThrowingFor(std::string bad) : id(std::move(bad)) {}
  void run_finished(const RunSpec& spec, const RunOutcome&, double) override {
    ++calls;
    if (spec.id == id) throw std::runtime_error("disk full");
  }
};

SchedulerOptions quiet(int jobs) {
  SchedulerOptions o;
  o.jobs = jobs;
  return o;
}

}  // namespace

TEST_CASE("scheduler runs every run exactly once, longest first", "[run][scheduler]") {
  const Experiment e = fake_experiment(3, "unused");
  CountingRunner runner;
  Collected collected;
  const ScheduleResult r = run_scheduled(e.runs, std::ref(runner), collected, quiet(1));
  CHECK(r.jobs == 1);
  CHECK(r.ok == 9);
  CHECK(r.failed == 0);
  CHECK(runner.total() == 9);
  for (const auto& spec : e.runs) CHECK(runner.counts().at(spec.id) == 1);
  CHECK(collected.outcomes.size() == 9);
  // One job: strictly in decreasing cost, ties in list order.
  CHECK(r.order == std::vector<std::string>{"run-full-1", "run-full-2", "run-full-3", "run-10-1", "run-10-2",
                                            "run-10-3", "run-05-1", "run-05-2", "run-05-3"});
}

TEST_CASE("scheduler gives the same outcomes with 1 and 2 jobs", "[run][scheduler]") {
  const Experiment e = fake_experiment(2, "unused");
  CountingRunner one_runner, two_runner;
  Collected one, two;
  run_scheduled(e.runs, std::ref(one_runner), one, quiet(1));
  const ScheduleResult r2 = run_scheduled(e.runs, std::ref(two_runner), two, quiet(2));
  CHECK(r2.jobs == 2);
  CHECK(two_runner.total() == 6);
  REQUIRE(one.outcomes.size() == two.outcomes.size());
  for (const auto& [id, outcome] : one.outcomes) {
    CHECK(two.outcomes.at(id).final_metrics == outcome.final_metrics);
    CHECK(two.outcomes.at(id).curve.size() == outcome.curve.size());
  }
}

TEST_CASE("a run that throws is recorded as failed and the sweep goes on", "[run][scheduler]") {
  const Experiment e = fake_experiment(2, "unused");
  CountingRunner runner({"run-10-1"});
  Collected collected;
  const ScheduleResult r = run_scheduled(e.runs, std::ref(runner), collected, quiet(2));
  CHECK(r.failed == 1);
  CHECK(r.ok == 5);
  CHECK_FALSE(r.stopped);
  CHECK(runner.total() == 6);
  const RunOutcome& failed = collected.outcomes.at("run-10-1");
  CHECK(failed.status == RunStatus::failed);
  CHECK(failed.reason == "fake failure in run-10-1");
}

TEST_CASE("fail-fast starts no new run after the first failure", "[run][scheduler]") {
  const Experiment e = fake_experiment(2, "unused");
  CountingRunner runner({"run-full-2"});  // second in longest-first order
  Collected collected;
  SchedulerOptions o = quiet(1);
  o.fail_fast = true;
  const ScheduleResult r = run_scheduled(e.runs, std::ref(runner), collected, o);
  CHECK(r.stopped);
  CHECK(r.failed == 1);
  CHECK(r.ok == 1);
  CHECK(r.not_run == 4);
  CHECK(runner.total() == 2);
}

TEST_CASE("a reporter that throws turns the run into a failure, shown as such by later reporters",
          "[run][scheduler]") {
  const Experiment e = fake_experiment(1, "unused");
  CountingRunner runner;
  ThrowingFor folder("run-05-1");
  Collected display;
  ReporterChain chain({&folder, &display});
  const ScheduleResult r = run_scheduled(e.runs, std::ref(runner), chain, quiet(1));
  CHECK(folder.calls == 3);
  CHECK(r.failed == 1);
  CHECK(r.ok == 2);
  CHECK(display.started == 3);
  REQUIRE(display.outcomes.size() == 3);
  CHECK(display.outcomes.at("run-05-1").status == RunStatus::failed);
  CHECK(display.outcomes.at("run-05-1").reason == "could not write results: disk full");
  CHECK(display.outcomes.at("run-10-1").status == RunStatus::ok);
}

TEST_CASE("a stop request starts no new run", "[run][scheduler]") {
  const Experiment e = fake_experiment(2, "unused");
  CountingRunner runner;
  // The first run asks to stop (as SIGINT would): it finishes, nothing else starts.
  const Runner stopping = [&](const RunSpec& spec) {
    request_stop(SIGINT);
    return runner(spec);
  };
  Collected collected;
  const ScheduleResult r = run_scheduled(e.runs, stopping, collected, quiet(1));
  clear_stop_request();
  CHECK(r.ok == 1);
  CHECK(r.not_run == 5);
  CHECK(r.order == std::vector<std::string>{"run-full-1"});
  CHECK(collected.outcomes.size() == 1);
}

TEST_CASE("an abandoned run is reported as abandoned, not finished, and nothing new starts", "[run][scheduler]") {
  const Experiment e = fake_experiment(2, "unused");
  CountingRunner runner;
  // The second run handed out is abandoned mid-run (as SIGTERM makes execute_run do).
  int calls = 0;
  const Runner abandoning = [&](const RunSpec& spec) {
    if (++calls == 2) {
      request_abandon(SIGTERM);
      throw RunAbandoned();
    }
    return runner(spec);
  };
  struct Abandoned : Collected {
    std::vector<std::string> ids;
    void run_abandoned(const RunSpec& spec) override { ids.push_back(spec.id); }
  } collected;
  const ScheduleResult r = run_scheduled(e.runs, abandoning, collected, quiet(1));
  clear_stop_request();
  CHECK(r.ok == 1);
  CHECK(r.failed == 0);
  CHECK(r.abandoned == 1);
  CHECK(r.not_run == 5);  // the abandoned run and the four never started
  CHECK(collected.outcomes.size() == 1);
  CHECK(collected.ids == std::vector<std::string>{r.order.at(1)});
  CHECK(r.order.size() == 2);
}

TEST_CASE("plain progress prints one line per finished run", "[run][scheduler]") {
  Experiment e = fake_experiment(1, "unused");
  e.runs.resize(2);  // run-05-1 (cost 10), run-10-1 (cost 20)
  CountingRunner runner({"run-05-1"});
  std::ostringstream log;
  Progress progress(ProgressStyle::lines, log, "loss");
  SweepStart start;
  start.todo = 2;
  progress.begin(start);
  run_scheduled(e.runs, std::ref(runner), progress, quiet(1));
  progress.end({});
  std::istringstream in(log.str());
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  CHECK(first.rfind("[1/2] run-10-1 k1=10 ok loss=0.101 ", 0) == 0);
  CHECK(second.rfind("[2/2] run-05-1 k1=5 failed: fake failure in run-05-1 ", 0) == 0);
  CHECK(first.back() == 's');
}

TEST_CASE("by default, jobs times threads per run never exceed the cores", "[run][scheduler]") {
  // Issue 13: a run with run.threads_per_run = N takes N cores, so the default job count divides
  // the cores by the largest N; an explicit --jobs is the user's choice and is kept.
  Experiment e = fake_experiment(1, "unused");
  for (auto& r : e.runs) r.config.threads = 2;
  const int cores = omp_get_num_procs();
  const int jobs = resolve_jobs(0, e.runs);
  CHECK(jobs == std::max(1, std::min(cores / 2, 3)));
  if (cores >= 2) CHECK(jobs * 2 <= cores);
  e.runs[1].config.threads = cores + 1;  // one run wants more than every core: one job at a time
  CHECK(resolve_jobs(0, e.runs) == 1);
  CHECK(resolve_jobs(3, e.runs) == 3);
}

TEST_CASE("jobs resolve to a positive count no larger than the runs", "[run][scheduler]") {
  const Experiment e = fake_experiment(1, "unused");
  CHECK(resolve_jobs(8, e.runs) == 3);
  CHECK(resolve_jobs(2, e.runs) == 2);
  CHECK(resolve_jobs(0, e.runs) >= 1);
  CHECK(resolve_jobs(0, e.runs) <= 3);
  CHECK_THROWS_AS(resolve_jobs(-1, e.runs), std::invalid_argument);
  CHECK(format_duration(45) == "45s");
  CHECK(format_duration(185) == "3m05s");
  CHECK(format_duration(7440) == "2h04m");
}
