// A sweep into a results folder: resume runs only what is missing and ends with the same files,
// a changed experiment is refused unless --fresh (which keeps the old folder), no temporary
// files are left, and `tbptt report` rebuilds the same report from the files alone.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "fake_sweep.hpp"
#include "harness/report/atomic_file.hpp"
#include "harness/report/report_files.hpp"
#include "harness/run/sweep_runner.hpp"

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
