// A sweep into a results folder: resume runs only what is missing and ends with the same files,
// a changed experiment is refused unless --fresh (which keeps the old folder), no temporary
// files are left, and `tbptt report` rebuilds the same report from the files alone; shards merge
// into the files of one process; a folder in use is refused; a stop request ends the sweep as
// interrupted; clean-up spares live writers' files; extra reporters hear everything.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "fake_sweep.hpp"
#include "harness/report/atomic_file.hpp"
#include "harness/report/report_files.hpp"
#include "harness/run/folder_lock.hpp"
#include "harness/run/results_reporter.hpp"
#include "harness/run/stop_signals.hpp"
#include "harness/run/sweep_runner.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using namespace tbptt::test;
namespace fs = std::filesystem;

namespace {

SweepOptions quiet(int jobs) {
  SweepOptions o;
  o.jobs = jobs;
  o.progress = ProgressStyle::none;
  static std::ostringstream notes;  // the sweep's notes are not checked here
  o.log = &notes;
  return o;
}

// Everything but manifest.json (its times differ between invocations).
std::map<std::string, std::string> results_of(const fs::path& dir) {
  auto files = snapshot(dir);
  files.erase("manifest.json");
  return files;
}

bool has_temp_files(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(std::string(kTempPrefix), 0) == 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a sweep writes every run folder, the manifest and the report", "[run][sweep]") {
  const fs::path dir = scratch_dir("straight") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  CountingRunner runner;
  const SweepOutcome r = run_sweep(e, quiet(2), std::ref(runner));
  CHECK(r.schedule.ok == 6);
  CHECK(r.skipped == 0);
  for (const auto& spec : e.runs) {
    CHECK(fs::is_regular_file(dir / "runs" / spec.id / "metrics.json"));
    CHECK(fs::is_regular_file(dir / "runs" / spec.id / "curve.csv"));
    CHECK(fs::is_regular_file(dir / "runs" / spec.id / "config.yaml"));
  }
  CHECK(read_file(dir / "runs/run-10-2/config.yaml") == "train:\n  tbptt:\n    k1: 10\nseed: 2\n");
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  CHECK(manifest["runs"].size() == 6);
  CHECK(manifest["counts"]["ok"] == 6);
  CHECK(manifest["experiment"]["sweep"]["train.tbptt.k1"][2] == "full");
  CHECK(manifest["experiment"]["sweep"]["seed"][0] == 1);
  CHECK(manifest["end_time"].is_string());
  CHECK(manifest["jobs"] == 2);
  CHECK(manifest["peak_rss_bytes"].get<long long>() > 0);
  CHECK(r.table_md == read_file(dir / "table.md"));
  CHECK(r.table_md.find("| k1=10 | 2/2 |") != std::string::npos);
  CHECK_FALSE(has_temp_files(dir));

  SECTION("the report rebuilds identically from the files") {
    const std::string summary = read_file(dir / "summary.csv");
    fs::remove(dir / "summary.csv");
    fs::remove(dir / "table.md");
    CHECK(write_report_files(ResultsDir(dir)) == r.table_md);
    CHECK(read_file(dir / "summary.csv") == summary);
  }
  SECTION("1 and 2 jobs write the same files") {
    const fs::path dir1 = scratch_dir("one-job") / "out";
    CountingRunner runner1;
    run_sweep(fake_experiment(2, dir1.string()), quiet(1), std::ref(runner1));
    CHECK(results_of(dir1) == results_of(dir));
  }
}

TEST_CASE("a resumed sweep runs only the missing runs and ends with the same files", "[run][sweep]") {
  const fs::path straight = scratch_dir("resume-straight") / "out";
  CountingRunner straight_runner;
  run_sweep(fake_experiment(2, straight.string()), quiet(2), std::ref(straight_runner));

  const fs::path dir = scratch_dir("resume") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  CountingRunner first;
  run_sweep(e, quiet(2), std::ref(first));
  // An interruption: two runs never started, one was killed while writing (no metrics.json, a
  // temporary file left), and the report was never written.
  fs::remove_all(dir / "runs/run-05-1");
  fs::remove_all(dir / "runs/run-full-2");
  fs::remove(dir / "runs/run-10-1/metrics.json");
  std::ofstream(dir / "runs/run-10-1" / (std::string(kTempPrefix) + "metrics.json.99.0")) << "{\"half";
  fs::remove(dir / "table.md");

  CountingRunner second;
  const SweepOutcome r = run_sweep(e, quiet(2), std::ref(second));
  CHECK(r.skipped == 3);
  CHECK(second.counts() == std::map<std::string, int>{{"run-05-1", 1}, {"run-10-1", 1}, {"run-full-2", 1}});
  CHECK(results_of(dir) == results_of(straight));
  CHECK_FALSE(has_temp_files(dir));

  CountingRunner third;
  CHECK(run_sweep(e, quiet(2), std::ref(third)).skipped == 6);
  CHECK(third.total() == 0);
}

TEST_CASE("fail-fast stops the sweep and a restart runs what was not run", "[run][sweep]") {
  const fs::path dir = scratch_dir("fail-fast") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  CountingRunner failing({"run-full-2"});
  SweepOptions o = quiet(1);
  o.fail_fast = true;
  const SweepOutcome r = run_sweep(e, o, std::ref(failing));
  CHECK(r.stopped);
  CHECK(r.failed_total == 1);
  CHECK(failing.total() == 2);
  const auto metrics = nlohmann::json::parse(read_file(dir / "runs/run-full-2/metrics.json"));
  CHECK(metrics["status"] == "failed");
  CHECK(metrics["reason"] == "fake failure in run-full-2");
  CHECK(r.table_md.find("| k1=full (baseline) | 1/2, failed 1/2 |") != std::string::npos);

  CountingRunner second;
  const SweepOutcome again = run_sweep(e, quiet(1), std::ref(second));
  CHECK(again.skipped == 2);  // the failed run has its metrics.json: it is a result
  CHECK(second.total() == 4);
  CHECK(second.counts().count("run-full-2") == 0);
}

TEST_CASE("a changed experiment is refused unless --fresh, which keeps the old folder", "[run][sweep]") {
  const fs::path dir = scratch_dir("changed") / "out";
  CountingRunner runner;
  run_sweep(fake_experiment(2, dir.string()), quiet(2), std::ref(runner));
  const auto before = snapshot(dir);

  const Experiment changed = fake_experiment(3, dir.string());  // a third seed: 3 new ids
  CountingRunner refused;
  CHECK_THROWS_WITH(run_sweep(changed, quiet(2), std::ref(refused)),
                    dir.string() + ": holds results of a different experiment (3 run ids differ: 0 stored runs "
                                   "are not in fake.yaml, 3 of its runs are new); use --fresh to move the old "
                                   "folder aside, or --output DIR");
  CHECK(refused.total() == 0);
  CHECK(snapshot(dir) == before);
  const SweepPlan plan = plan_sweep(changed, quiet(2));
  CHECK(plan.conflict);

  SweepOptions fresh = quiet(2);
  fresh.fresh = true;
  CountingRunner rerun;
  const SweepOutcome r = run_sweep(changed, fresh, std::ref(rerun));
  REQUIRE(r.moved_to);
  CHECK(rerun.total() == 9);
  CHECK(snapshot(*r.moved_to) == before);
  CHECK(fs::is_regular_file(dir / "runs/run-05-3/metrics.json"));

  // --fresh on the same experiment also starts over (the code may have changed, the ids not).
  CountingRunner same;
  const SweepOutcome again = run_sweep(changed, fresh, std::ref(same));
  REQUIRE(again.moved_to);
  CHECK(*again.moved_to != *r.moved_to);
  CHECK(same.total() == 9);
  CHECK(again.skipped == 0);
}

TEST_CASE("a folder without a manifest but with foreign run folders is also refused", "[run][sweep]") {
  const fs::path dir = scratch_dir("foreign") / "out";
  fs::create_directories(dir / "runs/0123456789abcdef");
  CountingRunner runner;
  CHECK_THROWS_AS(run_sweep(fake_experiment(1, dir.string()), quiet(1), std::ref(runner)), std::invalid_argument);
  CHECK(runner.total() == 0);
}

TEST_CASE("two shards together write the files of one process, each run once", "[run][sweep][shard]") {
  const fs::path whole = scratch_dir("shard-whole") / "out";
  CountingRunner whole_runner;
  run_sweep(fake_experiment(2, whole.string()), quiet(1), std::ref(whole_runner));

  const fs::path dir = scratch_dir("shards") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  std::map<std::string, int> runs;
  for (int i = 0; i < 2; ++i) {
    SweepOptions o = quiet(1);
    o.shard = Shard{i, 2};
    CountingRunner runner;
    const SweepOutcome r = run_sweep(e, o, std::ref(runner));
    CHECK(r.schedule.ok == 3);
    for (const auto& [id, n] : runner.counts()) runs[id] += n;
    CHECK(fs::is_regular_file(dir / "shards" / (o.shard->name() + ".json")));
  }
  CHECK(runs.size() == 6);
  for (const auto& [id, n] : runs) CHECK(n == 1);
  auto merged = results_of(dir);
  auto one = results_of(whole);
  for (const auto* name : {"shards/0-of-2.json", "shards/1-of-2.json"}) merged.erase(name);
  CHECK(merged == one);
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  CHECK(manifest["status"] == "complete");
  CHECK(manifest["counts"]["ok"] == 6);
  CHECK(manifest["shard_status"]["0-of-2"] == "complete");

  SECTION("a restarted shard runs nothing; report merges the same table") {
    SweepOptions o = quiet(1);
    o.shard = Shard{1, 2};
    CountingRunner again;
    CHECK(run_sweep(e, o, std::ref(again)).skipped == 3);
    CHECK(again.total() == 0);
    fs::remove(dir / "table.md");
    CHECK(rebuild_report(ResultsDir(dir)) == read_file(whole / "table.md"));
  }
  SECTION("--fresh with a shard is refused") {
    SweepOptions o = quiet(1);
    o.shard = Shard{0, 2};
    o.fresh = true;
    CountingRunner none;
    CHECK_THROWS_AS(run_sweep(e, o, std::ref(none)), std::invalid_argument);
  }
}

TEST_CASE("shards are disjoint, cover the runs, and parse from I/N or Slurm's variables", "[run][shard]") {
  const Experiment e = fake_experiment(3, "unused");
  std::map<std::string, int> seen;
  double cost[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    for (const auto& spec : shard_runs(e.runs, Shard{i, 3})) {
      ++seen[spec.id];
      cost[i] += spec.cost;
    }
  }
  CHECK(seen.size() == e.runs.size());
  for (const auto& [id, n] : seen) CHECK(n == 1);
  CHECK(cost[0] == 60);  // longest first, dealt round-robin: one run of each k1 per shard
  CHECK(cost[2] == 60);
  CHECK(parse_shard("1/4").index == 1);
  CHECK(parse_shard("1/4").count == 4);
  CHECK_THROWS_WITH(parse_shard("4/4"), "--shard: expected I/N with 0 <= I < N (e.g. 0/4), got \"4/4\"");
  CHECK_THROWS_AS(parse_shard("1-4"), std::invalid_argument);
  CHECK_THROWS_AS(parse_shard("-1/4"), std::invalid_argument);
  ::setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "3", 1);
  ::setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  const auto shard = shard_from_environment();
  REQUIRE(shard);
  CHECK(shard->index == 2);
  CHECK(shard->count == 4);
  ::setenv("SLURM_ARRAY_TASK_ID", "11", 1);  // (11 - 3) / 2 = 4: not below the count
  CHECK_THROWS_AS(shard_from_environment(), std::invalid_argument);
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT"}) {
    ::unsetenv(name);
  }
  CHECK_FALSE(shard_from_environment());
}

TEST_CASE("a folder in use is refused before anything is read or written", "[run][sweep][lock]") {
  const fs::path dir = scratch_dir("locked") / "out";
  const Experiment e = fake_experiment(1, dir.string());
  CountingRunner first;
  run_sweep(e, quiet(1), std::ref(first));
  fs::remove_all(dir / "runs/run-05-1");
  const auto before = snapshot(dir);
  {
    // Another holder (an open-file-description lock conflicts within one process too).
    FolderLock other(dir, kSweepLock, FolderLock::Mode::exclusive);
    CountingRunner second;
    try {
      run_sweep(e, quiet(1), std::ref(second));
      FAIL("no FolderBusy");
    } catch (const FolderBusy& busy) {
      const std::string text = busy.what();
      CHECK(text.rfind(dir.string() + ": in use by another tbptt process (pid ", 0) == 0);
      CHECK(text.find("); wait until it ends, or use another --output") != std::string::npos);
    }
    CHECK(second.total() == 0);
    CHECK(snapshot(dir) == before);
    SweepOptions shard = quiet(1);
    shard.shard = Shard{0, 2};
    CHECK_THROWS_AS(run_sweep(e, shard, std::ref(second)), FolderBusy);
  }
  CountingRunner third;
  run_sweep(e, quiet(1), std::ref(third));
  CHECK(third.total() == 1);
}

TEST_CASE("a stop request ends the sweep as interrupted, with what is done written", "[run][sweep][signal]") {
  const fs::path dir = scratch_dir("stopped") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  CountingRunner counting;
  const Runner stopping = [&](const RunSpec& spec) {
    request_stop(SIGINT);  // as the first SIGINT would, during the first run
    return counting(spec);
  };
  std::ostringstream log;
  SweepOptions o = quiet(1);
  o.log = &log;
  const SweepOutcome r = run_sweep(e, o, stopping);
  clear_stop_request();
  CHECK(r.signal == SIGINT);
  CHECK(counting.total() == 1);
  CHECK(r.missing == 5);
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  CHECK(manifest["status"] == "interrupted");
  CHECK(manifest["end_time"].is_string());
  CHECK(manifest["counts"]["missing"] == 5);
  CHECK(read_file(dir / "table.md") == r.table_md);
  CHECK(log.str().find(dir.string() + ": interrupted by SIGINT: 1 of 6 runs done; run the same command again to "
                                      "resume") != std::string::npos);
  CountingRunner resumed;
  const SweepOutcome again = run_sweep(e, quiet(1), std::ref(resumed));
  CHECK(again.signal == 0);
  CHECK(resumed.total() == 5);
  CHECK(nlohmann::json::parse(read_file(dir / "manifest.json"))["status"] == "complete");
}

TEST_CASE("an abandoning signal leaves the run in progress unrecorded and writes what is done", "[run][sweep][signal]") {
  const fs::path dir = scratch_dir("abandoned") / "out";
  const Experiment e = fake_experiment(2, dir.string());
  CountingRunner counting;
  int calls = 0;
  const Runner abandoning = [&](const RunSpec& spec) {
    if (++calls == 2) {  // SIGTERM during the second run, which then stops (execute.cpp)
      request_abandon(SIGTERM);
      throw RunAbandoned();
    }
    return counting(spec);
  };
  std::ostringstream log;
  SweepOptions o = quiet(1);
  o.log = &log;
  const SweepOutcome r = run_sweep(e, o, abandoning);
  clear_stop_request();
  CHECK(r.signal == SIGTERM);
  CHECK(counting.total() == 1);
  CHECK(r.schedule.abandoned == 1);
  CHECK(r.missing == 5);
  size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(dir / "runs")) folders += entry.is_directory() ? 1 : 0;
  CHECK(folders == 1);  // nothing of the abandoned run
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  CHECK(manifest["status"] == "interrupted");
  CHECK(manifest["end_time"].is_string());
  CHECK(manifest["counts"]["missing"] == 5);
  CHECK(log.str().find(dir.string() + ": interrupted by SIGTERM: 1 of 6 runs done; run the same command again to "
                                      "resume") != std::string::npos);
  CountingRunner resumed;
  run_sweep(e, quiet(1), std::ref(resumed));
  CHECK(resumed.total() == 5);
  CHECK(nlohmann::json::parse(read_file(dir / "manifest.json"))["status"] == "complete");
}

TEST_CASE("clean-up spares the temporary files of live writers unless it holds the folder", "[run][lock]") {
  const fs::path dir = scratch_dir("temps");
  const std::string live = std::string(kTempPrefix) + std::to_string(::getpid()) + ".0." + host_name() + "~a.json";
  // A reaped child's pid names a process that no longer exists.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string dead = std::string(kTempPrefix) + std::to_string(child) + ".0." + host_name() + "~b.json";
  const std::string remote = std::string(kTempPrefix) + "1.0.some-other-host~c.json";
  for (const auto& name : {live, dead, remote}) std::ofstream(dir / name) << "{";
  CHECK(remove_stale_temp_files(dir, /*every_writer=*/false) == 1);
  CHECK(fs::exists(dir / live));
  CHECK_FALSE(fs::exists(dir / dead));
  CHECK(fs::exists(dir / remote));
  CHECK(remove_stale_temp_files(dir, /*every_writer=*/true) == 2);
}

TEST_CASE("extra reporters hear the whole sweep once", "[run][sweep][reporter]") {
  struct Recorder : SweepReporter {
    std::mutex mutex;
    std::vector<std::string> events;
    void begin(const SweepStart& s) override { events.push_back("begin " + std::to_string(s.todo)); }
    void run_started(const RunSpec&) override {}
    void run_finished(const RunSpec& spec, const RunOutcome& o, double) override {
      std::lock_guard<std::mutex> lock(mutex);
      events.push_back(spec.id + " " + to_string(o.status));
    }
    void end(const SweepEnd& e) override { events.push_back("end " + std::to_string(e.ok) + " ok"); }
  } recorder;
  const fs::path dir = scratch_dir("reporters") / "out";
  SweepOptions o = quiet(1);
  o.reporters = {&recorder};
  CountingRunner runner;
  run_sweep(fake_experiment(1, dir.string()), o, std::ref(runner));
  CHECK(recorder.events == std::vector<std::string>{"begin 3", "run-full-1 ok", "run-10-1 ok", "run-05-1 ok", "end 3 ok"});
}
