// The files of one run and the atomic writer: metrics.json never holds NaN/inf, curve.csv
// columns, YAML -> JSON without reinterpreting "off" or quoted numbers, temp-file clean-up.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "fake_sweep.hpp"
#include "harness/report/atomic_file.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/report/yaml_json.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using namespace tbptt::test;
namespace fs = std::filesystem;

TEST_CASE("metrics.json writes non-finite metrics as null and says so", "[run][files]") {
  const Experiment e = fake_experiment(1, "unused");
  RunOutcome o;
  o.status = RunStatus::diverged;
  o.reason = "loss not finite at update 12";
  o.final_metrics = {{"loss", NAN}, {"accuracy", 0.5}, {"grad", INFINITY}};
  o.best_metrics = {{"loss", 0.7}};
  o.series["grad_lag_profile"] = {1.0, 0.5, NAN};
  const nlohmann::json m = metrics_json(e.runs[1], o);
  CHECK(m["status"] == "diverged");
  CHECK(m["final"]["loss"].is_null());
  CHECK(m["final"]["grad"].is_null());
  CHECK(m["final"]["accuracy"] == 0.5);
  CHECK(m["reason"] == "loss not finite at update 12; not finite (written as null): grad, loss");
  CHECK(m["setting"] == "k1=10");
  CHECK(m["baseline_setting"] == "k1=full");
  CHECK(m["is_baseline"] == false);
  CHECK(m["swept"]["train.tbptt.k1"] == "10");
  CHECK(m["series"]["grad_lag_profile"] == nlohmann::json::parse("[1.0, 0.5, null]"));
  CHECK(m.dump().find("NaN") == std::string::npos);

  const RunRecord back = record_from_metrics(nlohmann::json::parse(m.dump()));
  CHECK(back.status == RunStatus::diverged);
  CHECK(back.final_metrics == std::map<std::string, double>{{"accuracy", 0.5}});
  CHECK(back.best_metrics.at("loss") == 0.7);
  CHECK(back.swept.at("seed") == "1");
}

TEST_CASE("curve.csv has the fixed columns then the sorted eval metrics", "[run][files]") {
  CurvePoint a;
  a.update = 10;
  a.tokens = 320;
  a.wall_seconds = 0.5;
  a.cpu_seconds = 0.25;
  a.train_loss = 1.5;
  a.grad_norm = 2;
  a.clip_rate = 0.1;
  a.lr = 0.001;
  a.eval = {{"loss", 1.25}, {"accuracy", 0.5}};
  CurvePoint b = a;
  b.update = 20;
  b.train_loss = NAN;
  b.eval = {{"loss", 1.0}, {"fidelity_cos", 0.9}};
  CHECK(curve_csv({a, b}) ==
        "update,tokens,wall_s,cpu_s,train_loss,grad_norm,clip_rate,lr,accuracy,fidelity_cos,loss\n"
        "10,320,0.5,0.25,1.5,2,0.1,0.001,0.5,,1.25\n"
        "20,320,0.5,0.25,,2,0.1,0.001,,0.9,1\n");
}

TEST_CASE("YAML converts to JSON without reinterpreting words or quoted numbers", "[run][files]") {
  const YAML::Node y = YAML::Load(
      "a: 5\nb: 0.25\nc: off\nd: full\ne: \"7\"\nf: true\ng: ~\nh: [1, yes, 1e-3]\ni: {j: -2}\nk: .inf\n");
  const nlohmann::json j = yaml_to_json(y);
  CHECK(j["a"] == 5);
  CHECK(j["a"].is_number_integer());
  CHECK(j["b"] == 0.25);
  CHECK(j["c"] == "off");
  CHECK(j["d"] == "full");
  CHECK(j["e"] == "7");
  CHECK(j["f"] == true);
  CHECK(j["g"].is_null());
  CHECK(j["h"] == nlohmann::json::array({1, "yes", 0.001}));
  CHECK(j["i"]["j"] == -2);
  CHECK(j["k"] == ".inf");
}

TEST_CASE("atomic writes replace whole files and leave no temporary file", "[run][files]") {
  const fs::path dir = scratch_dir("atomic");
  write_file_atomic(dir / "sub/x.txt", "first");
  write_file_atomic(dir / "sub/x.txt", "second");
  CHECK(read_file(dir / "sub/x.txt") == "second");
  CHECK(snapshot(dir).size() == 1);
  {
    std::ofstream stale(dir / "sub" / (std::string(kTempPrefix) + "x.txt.123.4"));
    stale << "half";
  }
  CHECK(remove_stale_temp_files(dir / "sub") == 1);
  CHECK(snapshot(dir) == std::map<std::string, std::string>{{"sub/x.txt", "second"}});
  CHECK_THROWS_WITH(read_file(dir / "missing"), Catch::Contains("cannot open") && Catch::Contains("missing"));
}

TEST_CASE("results folder paths ignore a trailing slash", "[run][files]") {
  CHECK(ResultsDir("a/b/").root() == fs::path("a/b"));
  CHECK(ResultsDir("a/b").metrics_path("x") == fs::path("a/b/runs/x/metrics.json"));
}
