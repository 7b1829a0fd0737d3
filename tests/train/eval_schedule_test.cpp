// Evaluation points scheduled by tokens, training-only costs, and the context-utilisation curve
// of a run (execute.hpp, train/context.hpp).
#include <catch2/catch.hpp>

#include "harness/run/execute.hpp"
#include "harness/tasks/task.hpp"
#include "harness/train/context.hpp"

using namespace tbptt;

namespace {

// Copy with 2 symbols to recall after a delay of 3 (Arjovsky et al. 2016): the recall at offset
// 5 + i of an episode needs input i, 5 steps back.
RunConfig tiny_copy(Window k1, Window k2) {
  RunConfig c;
  c.task.kind = "copy";
  c.task.params = {{"delay", int64_t{3}}, {"length", int64_t{2}}, {"symbols", int64_t{4}}};
  c.model.cell = "lstm";
  c.model.hidden = 16;
  c.train.batch = 32;
  c.train.tokens = 150000;
  c.train.optimizer.kind = OptimizerKind::adam;
  c.train.optimizer.lr = 0.02;
  c.train.clip.kind = ClipKind::global_norm;
  c.train.tbptt.k1 = k1;
  c.train.tbptt.k2 = k2;
  c.eval.sequences = 128;
  return c;
}

std::vector<long long> point_tokens(const RunOutcome& out) {
  std::vector<long long> t;
  for (const auto& p : out.curve) t.push_back(p.tokens);
  return t;
}

}  // namespace

TEST_CASE("settings with different chunk lengths are evaluated at the same token counts", "[run][eval]") {
  // Episodes of 7 steps: full BPTT takes 7 x 32 = 224 tokens per update, k1 = 7 the same in
  // chunks of 7, k1 = 1 takes 32. 22400 tokens is a whole number of updates for each.
  RunConfig full = tiny_copy(Window::full(), Window::full()), chunk1 = tiny_copy(1, 7);
  for (RunConfig* c : {&full, &chunk1}) {
    c->train.tokens = 67200;
    c->eval.every_tokens = 22400;
    c->eval.reset_periods_auto = false;
  }
  const RunOutcome a = execute_run(full), b = execute_run(chunk1);
  REQUIRE(a.status == RunStatus::ok);
  REQUIRE(b.status == RunStatus::ok);
  CHECK(point_tokens(a) == std::vector<long long>{22400, 44800, 67200});
  CHECK(point_tokens(b) == point_tokens(a));
  CHECK(a.curve.back().update == 300);
  CHECK(b.curve.back().update == 2100);

  // By updates (eval.every), the same two settings are evaluated at different token counts.
  full.eval.every = chunk1.eval.every = 100;
  CHECK(point_tokens(execute_run(full)).front() == 22400);
  CHECK(point_tokens(execute_run(chunk1)).front() == 3200);
}

TEST_CASE("evaluation time is in no compared cost", "[run][eval]") {
  // An evaluation after every update over 2048 held-out sequences costs far more than the
  // update itself; the compared costs (cpu_seconds, wall_seconds, the curve's) leave it out.
  RunConfig c = tiny_copy(Window::full(), Window::full());
  c.train.tokens = 224 * 20;
  c.eval.every_tokens = 224;
  c.eval.sequences = 2048;
  c.eval.fidelity = true;
  c.eval.fidelity_lags = 4;
  const RunOutcome out = execute_run(c);
  REQUIRE(out.status == RunStatus::ok);
  REQUIRE(out.curve.size() == 20);
  const auto& f = out.final_metrics;
  INFO("train cpu " << f.at("cpu_seconds") << " s, eval cpu " << f.at("eval_cpu_seconds") << " s");
  CHECK(f.at("eval_cpu_seconds") > 3 * f.at("cpu_seconds"));
  CHECK(f.at("eval_seconds") > 3 * f.at("wall_seconds"));
  CHECK(f.count("fidelity_cpu_seconds") == 1);
  CHECK(f.count("context_cpu_seconds") == 1);
  double previous = 0;
  for (const auto& p : out.curve) {
    CHECK(p.cpu_seconds >= previous);
    previous = p.cpu_seconds;
  }
  CHECK(out.curve.back().cpu_seconds <= f.at("cpu_seconds"));
}

TEST_CASE("the context curve is at chance when resets cut the dependency and exact when they do not",
          "[run][context]") {
  RunConfig c = tiny_copy(Window::full(), Window::full());
  const Index episode = make_task(c.task.kind, c.task.params)->info().max_episode_length;
  REQUIRE(episode == 7);
  c.eval.reset_periods_auto = false;
  c.eval.reset_periods = {1, 2, 4, 5, 6, 7, 8};
  const RunOutcome out = execute_run(c);
  REQUIRE(out.status == RunStatus::ok);
  const double never = out.final_metrics.at("accuracy");
  REQUIRE(never > 0.95);  // the model solved the task
  const auto& periods = out.series.at("context_period");
  const auto& accuracy = out.series.at("context_accuracy");
  REQUIRE(periods == std::vector<double>{1, 2, 4, 5, 6, 7, 8});
  // Resets at offsets 0, L, 2L of each episode: for L <= 5 the recall at offset 5 + i never sees
  // input i (chance is 1/4); L = 6 keeps the first recall's input; L >= 7 (the episode) keeps
  // every dependency whole and gives the never-reset value exactly.
  for (size_t i = 0; i < 4; ++i) {
    INFO("L = " << periods[i]);
    CHECK(accuracy[i] < 0.45);
  }
  CHECK(accuracy[4] > accuracy[3] + 0.2);
  CHECK(accuracy[4] < never - 0.2);
  CHECK(accuracy[5] == never);
  CHECK(accuracy[6] == never);
  CHECK(out.series.at("context_loss")[5] == out.final_metrics.at("loss"));
}

TEST_CASE("default reset periods double up to the longest held-out sequence", "[run][context]") {
  CHECK(default_reset_periods(12) == std::vector<Index>{1, 2, 4, 8});
  CHECK(default_reset_periods(8) == std::vector<Index>{1, 2, 4});
  CHECK(default_reset_periods(1).empty());
  const auto copy = make_task("copy", tiny_copy(Window::full(), Window::full()).task.params);
  CHECK(longest_heldout_sequence(*copy, Split::valid, 16) == 7);
}
