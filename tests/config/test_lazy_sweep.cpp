// The sweep's run list made on demand from each run's combination index (sweep/run_list.hpp),
// the settings composed from values parsed once (config/settings.hpp), and the typed outcome of
// the full-BPTT check (config/validate.hpp).
#include <catch2/catch.hpp>

#include <set>

#include "config_test_util.hpp"
#include "harness/config/validate.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/experiment.hpp"
#include "harness/sweep/run_id.hpp"

using namespace tbptt;
using tbptt::test::data_file;

namespace {

Experiment from_text(const std::string& text, RunsMode mode = RunsMode::materialized) {
  return experiment_from_tree(parse_config_document(text, "inline.yaml"), "inline.yaml", mode);
}

}  // namespace

// Each run is made from its index alone: asked for in any order (here backwards), the lazy list
// gives the runs the materialized list holds, and loading lazily holds no RunSpec.
TEST_CASE("the lazy run list makes each run from its index alone, in any order", "[config][sweep][lazy]") {
  for (const char* file : {"good_copy.yaml", "paired.yaml", "baseline_custom.yaml", "no_sweep.yaml"}) {
    INFO(file);
    const Experiment full = load_experiment(data_file(file), {});
    const Experiment lazy = load_experiment(data_file(file), {}, RunsMode::lazy);
    CHECK(lazy.runs.empty());
    REQUIRE(lazy.run_list.size() == full.runs.size());
    REQUIRE(!full.runs.empty());
    for (size_t i = full.runs.size(); i-- > 0;) {
      const RunSpec a = lazy.run_list.at(i);
      const RunSpec& b = full.runs[i];
      CHECK(a.id == b.id);
      CHECK(canonical_text(a.config) == canonical_text(b.config));
      CHECK(a.swept == b.swept);
      CHECK(a.setting == b.setting);
      CHECK(a.baseline_setting == b.baseline_setting);
      CHECK(a.is_baseline == b.is_baseline);
      CHECK(lazy.run_list.is_baseline(i) == b.is_baseline);
      CHECK(a.cost == b.cost);
    }
  }
}

TEST_CASE("a swept map merges into the file's map, and a null section goes back to the defaults", "[config][sweep]") {
  const Experiment e = from_text(R"(task: {kind: copy, delay: 5, symbols: 4, length: 3}
model: {hidden: 8}
train: {batch: 4, updates: 10, tbptt: {k1: 5, k2: 5}, clip: {kind: value, threshold: 3}}
baseline: none
sweep:
  train.clip: [{threshold: 7}, null]
  task: [{delay: 2}, {symbols: 6}]
)");
  REQUIRE(e.runs.size() == 4);
  // Product order, the first axis slowest.
  const RunConfig& merged = e.runs[0].config;
  CHECK(merged.train.clip.kind == ClipKind::value);  // kept from the file
  CHECK(merged.train.clip.threshold == 7);
  CHECK(std::get<int64_t>(merged.task.params.at("delay")) == 2);
  CHECK(std::get<int64_t>(merged.task.params.at("symbols")) == 4);  // the file's, merged
  CHECK(std::get<int64_t>(e.runs[1].config.task.params.at("symbols")) == 6);
  CHECK(std::get<int64_t>(e.runs[1].config.task.params.at("delay")) == 5);
  const RunConfig& reset = e.runs[2].config;
  CHECK(reset.train.clip.kind == ClipConfig{}.kind);
  CHECK(reset.train.clip.threshold == ClipConfig{}.threshold);
  CHECK(e.runs[0].swept.at("train.clip.threshold") == "7");
}

TEST_CASE("task parameters are checked by their task's table, at the value's position", "[config][task]") {
  try {
    from_text("task: {kind: copy, delay: 0}\n");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "inline.yaml:1:27: error: task.delay: must be an integer in [1, 10000000], got 0");
  }
  try {
    from_text("task: {kind: copy}\nsweep:\n  task.delay: [3, 2.5]\n");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "inline.yaml:3:19: error: task.delay: must be an integer in [1, 10000000], got 2.5");
  }
  // An integral number is the integer it spells, as TaskParams converts it: the same run id.
  CHECK(from_text("task: {kind: copy, delay: 4.0}\n").runs[0].id == from_text("task: {kind: copy, delay: 4}\n").runs[0].id);
}

TEST_CASE("full BPTT that a task cannot run is a typed outcome", "[config][sweep]") {
  RunConfig c;
  c.task.kind = "add_stream";
  c.task.params = build_run_config(Settings{{"task.kind", Setting{Value(std::string("add_stream")), {}, {}}}}).task.params;
  const auto problem = full_window_problem(c);
  REQUIRE(problem.has_value());
  CHECK(problem->key == "k1");
  CHECK(problem->why.find("endless stream") != std::string::npos);
  c.train.tbptt.k1 = Window(10);
  c.train.tbptt.k2 = Window(10);
  CHECK(!full_window_problem(c).has_value());
  RunConfig copy;  // episodic and aligned: full is fine
  copy.task.params = build_run_config(Settings{}).task.params;
  CHECK(!full_window_problem(copy).has_value());
  // The implicit baseline of a stream sweep is dropped, not an error.
  const Experiment e = from_text("task: {kind: add_stream}\ntrain: {tbptt: {k1: 10, k2: 10}}\n");
  REQUIRE(e.runs.size() == 1);
  CHECK(e.runs[0].baseline_setting.empty());
}

// A swept number shows as written, and a number the run fills in as the shortest text that reads
// back to the same double (std::to_chars): 0.347 is "0.347", never "0.34700000000000003". That
// longer text is a different double (347 * 0.001) and shows as itself.
TEST_CASE("swept numbers show as the shortest text that round-trips", "[config][sweep]") {
  CHECK(format_number(0.347) == "0.347");
  CHECK(format_number(347 * 0.001) == "0.34700000000000003");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_number(1e-3) == "0.001");
  const Experiment e = from_text(
      "task: {kind: copy}\nsweep:\n  train.optimizer.lr: [0.347, 0.34700000000000003]\nbaseline: none\n");
  REQUIRE(e.runs.size() == 2);
  CHECK(e.runs[0].setting == "lr=0.347");
  CHECK(e.runs[1].setting == "lr=0.34700000000000003");
  CHECK(e.runs[0].id != e.runs[1].id);
  // Not written in the run (only in the baseline): the run's own value, formatted.
  const Experiment b = from_text(
      "task: {kind: copy}\ntrain: {optimizer: {lr: 0.347}}\nsweep:\n  seed: [1]\nbaseline: {train.optimizer.lr: 0.25}\n");
  REQUIRE(b.runs.size() == 2);
  CHECK(b.runs[0].swept.at("train.optimizer.lr") == "0.347");
  CHECK(b.runs[1].swept.at("train.optimizer.lr") == "0.25");
}

// build_run_config finds each written setting's field by path (find_field): that needs one field
// per path.
TEST_CASE("every schema field has its own path", "[config][sweep]") {
  std::set<std::string> paths;
  for (const auto& f : schema_fields()) CHECK(paths.insert(f.path).second);
  CHECK(paths.size() > 50);
}
