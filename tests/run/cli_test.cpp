// End to end through the `tbptt` executable (TBPTT_BINARY) with the real loader and runner:
// the same tiny sweep with --jobs 1 and --jobs 2 writes the same metrics (timing metrics aside),
// validate / report / pivot / list print what they should, and bad input exits with 2.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_sweep.hpp"
#include "harness/report/atomic_file.hpp"
#include "harness/report/metric_names.hpp"

using namespace tbptt;
using namespace tbptt::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs `tbptt ARGS` with stdout and stderr captured in files of `dir`.
Result tbptt_cli(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "cli.out", err = dir / "cli.err";
  const std::string command = std::string("'") + TBPTT_BINARY + "' " + args + " >'" + out.string() +
                              "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// A sweep of 4 runs: copy task, small rnn, k1 in {4, full} x seed {1, 2}; the baselines
// (k1 = k2 = full) coincide with the k1 = full runs.
fs::path write_tiny_experiment(const fs::path& dir) {
  const fs::path file = dir / "tiny.yaml";
  std::ofstream(file) << "name: tiny\n"
                         "task: {kind: copy, delay: 3, length: 3, symbols: 4}\n"
                         "model: {cell: rnn, hidden: 8}\n"
                         "train:\n"
                         "  batch: 4\n"
                         "  updates: 12\n"
                         "  optimizer: {kind: sgd, lr: 0.1}\n"
                         "  tbptt: {k1: 4, k2: full}\n"
                         "eval: {every: 6, sequences: 8}\n"
                         "sweep:\n"
                         "  train.tbptt.k1: [4, full]\n"
                         "  seed: [1, 2]\n"
                         "report: {tolerance: 0.5}\n";
  return file;
}

// metrics.json without what measures this machine's speed.
json comparable_metrics(const fs::path& file) {
  json m = json::parse(read_file(file));
  for (const char* part : {"final", "best"}) {
    for (auto it = m[part].begin(); it != m[part].end();) {
      it = is_timing_metric(it.key()) ? m[part].erase(it) : std::next(it);
    }
  }
  return m;
}

// curve.csv without the wall_s and cpu_s columns (3rd and 4th).
std::string comparable_curve(const fs::path& file) {
  std::istringstream in(read_file(file));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i != 2 && i != 3) out += cells[i] + ",";
    }
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("tbptt run gives the same metrics with 1 and 2 jobs", "[run][cli]") {
  const fs::path dir = scratch_dir("cli-jobs");
  const fs::path file = write_tiny_experiment(dir);
  const Result one = tbptt_cli("run '" + file.string() + "' --jobs 1 --output '" + (dir / "one").string() + "'", dir);
  INFO(one.err);
  REQUIRE(one.code == 0);
  CHECK(one.out.find("| setting | runs ok |") != std::string::npos);
  CHECK(one.out == read_file(dir / "one/table.md"));
  const Result two = tbptt_cli("run '" + file.string() + "' --jobs 2 --output '" + (dir / "two").string() + "'", dir);
  INFO(two.err);
  REQUIRE(two.code == 0);

  const auto manifest = json::parse(read_file(dir / "one/manifest.json"));
  REQUIRE(manifest["runs"].size() == 4);
  for (const auto& entry : manifest["runs"]) {
    const std::string id = entry["id"];
    INFO(id);
    const json a = comparable_metrics(dir / "one/runs" / id / "metrics.json");
    CHECK(a["status"] == "ok");
    CHECK(a["final"].contains("loss"));
    CHECK(a == comparable_metrics(dir / "two/runs" / id / "metrics.json"));
    CHECK(comparable_curve(dir / "one/runs" / id / "curve.csv") ==
          comparable_curve(dir / "two/runs" / id / "curve.csv"));
    CHECK(read_file(dir / "one/runs" / id / "config.yaml") == read_file(dir / "two/runs" / id / "config.yaml"));
  }

  SECTION("a second run resumes with nothing to do") {
    const Result again = tbptt_cli("run '" + file.string() + "' --jobs 2 --output '" + (dir / "one").string() + "'", dir);
    CHECK(again.code == 0);
    CHECK(again.err.find("4 of 4 runs already done, running 0") != std::string::npos);
  }
  SECTION("a changed experiment is refused with exit code 2") {
    const Result changed = tbptt_cli("run '" + file.string() + "' --set 'sweep.seed=[1, 2, 3]' --output '" +
                                         (dir / "one").string() + "'", dir);
    CHECK(changed.code == 2);
    CHECK(changed.err.find("holds results of a different experiment (2 run ids differ") != std::string::npos);
    CHECK(changed.out.empty());
  }
  SECTION("report rebuilds the table and pivots a metric") {
    const std::string table = read_file(dir / "one/table.md");
    fs::remove(dir / "one/table.md");
    const Result report = tbptt_cli("report '" + (dir / "one").string() + "'", dir);
    CHECK(report.code == 0);
    CHECK(report.out == table);
    const Result pivot = tbptt_cli("report '" + (dir / "one").string() + "' --pivot k1,seed --metric loss --format csv", dir);
    CHECK(pivot.code == 0);
    CHECK(pivot.out.rfind("k1\\seed,1,2\n4,", 0) == 0);
    CHECK(pivot.err.find("loss: rows train.tbptt.k1, columns seed") != std::string::npos);
    const Result bad = tbptt_cli("report '" + (dir / "one").string() + "' --pivot k1 --metric loss", dir);
    CHECK(bad.code == 2);
    CHECK(bad.err == "--pivot: expected two swept keys as ROW,COL, got \"k1\"\n");
  }
}

TEST_CASE("tbptt validate, list, dry-run, help and bad input", "[run][cli]") {
  const fs::path dir = scratch_dir("cli-misc");
  const fs::path file = write_tiny_experiment(dir);

  const Result validate = tbptt_cli("validate '" + file.string() + "'", dir);
  CHECK(validate.code == 0);
  CHECK(validate.out.find(": 4 runs (2 baseline)") != std::string::npos);
  CHECK(validate.out.find("  <- baseline\n") != std::string::npos);

  const Result dry = tbptt_cli("run '" + file.string() + "' --dry-run --output '" + (dir / "out").string() + "'", dir);
  CHECK(dry.code == 0);
  CHECK(dry.out.find("4 runs, 0 done, 4 to run") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));

  const Result list = tbptt_cli("list", dir);
  CHECK(list.code == 0);
  CHECK(list.out.find("copy") != std::string::npos);

  const Result help = tbptt_cli("", dir);
  CHECK(help.code == 0);
  CHECK(help.out.find("Subcommands:") != std::string::npos);

  const Result missing = tbptt_cli("run '" + (dir / "nope.yaml").string() + "'", dir);
  CHECK(missing.code == 2);
  CHECK_FALSE(missing.err.empty());

  std::ofstream(dir / "bad.yaml") << "model: {hidden: 0}\n";
  const Result bad = tbptt_cli("validate '" + (dir / "bad.yaml").string() + "'", dir);
  CHECK(bad.code == 2);
  CHECK(bad.err.rfind((dir / "bad.yaml").string() + ":1:", 0) == 0);
  CHECK(bad.err.find(": error: model.hidden: ") != std::string::npos);

  const Result no_results = tbptt_cli("report '" + dir.string() + "'", dir);
  CHECK(no_results.code == 2);
  CHECK(no_results.err == dir.string() + ": no manifest.json (not a tbptt results folder)\n");

  const Result bad_jobs = tbptt_cli("run '" + file.string() + "' --jobs -1 --output '" + (dir / "o2").string() + "'", dir);
  CHECK(bad_jobs.code == 2);
}
