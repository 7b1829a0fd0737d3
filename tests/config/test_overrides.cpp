// --set overrides and base: files.
#include <catch2/catch.hpp>

#include "config_test_util.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using tbptt::test::data_file;
using tbptt::test::load_error;

TEST_CASE("command-line --set overrides values, maps and sweeps before validation", "[config][set]") {
  const std::string f = data_file("no_sweep.yaml");
  const Experiment e = load_experiment(f, {"model.hidden=32", "train.optimizer={kind: sgd, lr: 0.1}",
                                           "train.tbptt.k2=full", "baseline=none"});
  REQUIRE(e.runs.size() == 1);
  const RunConfig& c = e.runs[0].config;
  CHECK(c.model.hidden == 32);
  CHECK(c.train.optimizer.kind == OptimizerKind::sgd);
  CHECK(c.train.optimizer.lr == 0.1);
  CHECK(c.train.tbptt.k1 == 4);  // the rest of the file is kept
  CHECK(c.train.tbptt.k2.is_full());

  // threshold: off means clip kind none, whatever the kind says.
  const Experiment off = load_experiment(f, {"train.clip={kind: value, threshold: off}"});
  CHECK(off.runs[0].config.train.clip.kind == ClipKind::none);
  const Experiment on = load_experiment(f, {"train.clip={kind: value, threshold: 0.5}"});
  CHECK(on.runs[0].config.train.clip.kind == ClipKind::value);
  CHECK(on.runs[0].config.train.clip.threshold == 0.5);
  CHECK(on.runs[0].id != off.runs[0].id);

  const Experiment swept = load_experiment(f, {"sweep.train.tbptt.k1=[2, 4]", "sweep.seed=[1, 2, 3]"});
  CHECK(swept.swept_keys == std::vector<std::string>{"train.tbptt.k1", "seed", "train.tbptt.k2"});
  CHECK(swept.runs.size() == 2 * 3 + 3);
}

TEST_CASE("command-line --set errors are reported at <command line>:1:COLUMN", "[config][set]") {
  const std::string f = data_file("no_sweep.yaml");
  CHECK(load_error(f, {"train.tbptt.k2=0"}) ==
        "<command line>:1:16: error: train.tbptt.k2: expected an integer >= 1 or \"full\", got 0");
  CHECK(load_error(f, {"train.bach=8"}) == "<command line>:1:1: error: train.bach: unknown key (did you mean batch?)");
  CHECK(load_error(f, {"train.batch"}) == "<command line>:1:1: error: expected key.path=value, got train.batch");
  CHECK(load_error(f, {"model.hidden=[1, "}) ==
        "<command line>:1:14: error: invalid YAML: end of sequence flow not found");
  CHECK(load_error(f, {"run.jobs=0"}) == "<command line>:1:10: error: run.jobs: expected \"auto\" or an integer >= 1, got 0");
  CHECK(load_error(f, {"sweep.run.jobs=[1, 2]"}) ==
        "<command line>:1:1: error: sweep.run.jobs: cannot be swept (name, base, run.* and report.* apply to the whole "
        "experiment)");
  CHECK(load_error(f, {"sweep.seed=[]"}) ==
        "<command line>:1:12: error: sweep.seed: expected a non-empty list of values, got an empty list");
}

TEST_CASE("base: starts from another file; the derived file wins and null removes", "[config][base]") {
  const Experiment e = load_experiment(data_file("derived.yaml"), {});
  CHECK(e.name == "derived");
  CHECK(e.output == "results/copy-small");  // inherited
  CHECK(e.swept_keys == std::vector<std::string>{"train.tbptt.k1", "train.tbptt.k2", "seed"});
  // 6 (k1, k2) pairs x 1 seed; full/full is among them.
  REQUIRE(e.runs.size() == 6);
  for (const auto& r : e.runs) {
    CHECK(r.config.model.hidden == 16);
    CHECK(r.config.model.cell == "lstm");      // from the base
    CHECK(r.config.train.clip.threshold == 1.0);       // the base's value, no longer swept
    CHECK(r.config.seed == 7);
  }
  // A --set applies after the base chain.
  const Experiment set = load_experiment(data_file("derived.yaml"), {"model.hidden=4"});
  CHECK(set.runs[0].config.model.hidden == 4);
}

TEST_CASE("base: cycles are refused", "[config][base]") {
  const std::string a = data_file("cycle_a.yaml");
  const std::string b = data_file("cycle_b.yaml");
  CHECK(load_error(a) == b + ":2:7: error: base: cycle: " + a + " -> " + b + " -> " + a);
}

TEST_CASE("run_config_from_yaml validates one resolved run", "[config][run]") {
  const RunConfig c = run_config_from_yaml(YAML::Load("task: {kind: copy}\ntrain: {tbptt: {k1: 3, k2: 6}}"), "r.yaml");
  CHECK(c.train.tbptt.k1 == 3);
  CHECK(c.task.params.count("delay") == 1);
  try {
    run_config_from_yaml(YAML::Load("model:\n  hidden: 0\n"), "r.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "r.yaml:2:11: error: model.hidden: expected an integer >= 1, got 0");
  }
  try {
    run_config_from_yaml(YAML::Load("sweep: {seed: [1, 2]}\n"), "r.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "r.yaml:1:1: error: sweep: not allowed in a resolved run configuration");
  }
}

TEST_CASE("describe_schema lists tasks, cells, optimizers, schedules and clippers with defaults", "[config][list]") {
  const std::string text = describe_schema();
  CHECK(text.find("  copy: ") != std::string::npos);
  CHECK(text.find("    delay: an integer in [1, 10000000]; default 20") != std::string::npos);
  CHECK(text.find("  lstm (default)") != std::string::npos);
  CHECK(text.find("    lr: a number > 0; default 0.001") != std::string::npos);
  CHECK(text.find("  plateau\n") != std::string::npos);
  CHECK(text.find("  global_norm\n") != std::string::npos);
  CHECK(text.find("    k1: an integer >= 1 or \"full\"; default full") != std::string::npos);
}
