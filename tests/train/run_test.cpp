// A whole run (execute_run): learning, determinism, divergence.
#include <catch2/catch.hpp>

#include <cmath>

#include "harness/run/execute.hpp"

using namespace tbptt;

namespace {

RunConfig small_copy(Window k1, Window k2) {
  RunConfig c;
  c.task.kind = "copy";
  c.task.params = {{"delay", int64_t{4}}, {"length", int64_t{3}}, {"symbols", int64_t{4}}};
  c.model.cell = "lstm";
  c.model.hidden = 16;
  c.model.layers = 2;
  c.train.batch = 16;
  c.train.updates = 600;
  c.train.optimizer.kind = OptimizerKind::adam;
  c.train.optimizer.lr = 1e-2;
  c.train.tbptt.k1 = k1;
  c.train.tbptt.k2 = k2;
  c.eval.every = 200;
  c.eval.sequences = 64;
  return c;
}

// Everything a run reports except the clocks.
std::map<std::string, double> untimed(const std::map<std::string, double>& m) {
  std::map<std::string, double> out;
  for (const auto& [k, v] : m)
    if (k.find("seconds") == std::string::npos && k != "tokens_per_second" && k != "gflops") out[k] = v;
  return out;
}

}  // namespace

TEST_CASE("a 2-layer LSTM trained with TBPTT(8, 16) lowers its held-out loss", "[run]") {
  // 1200 updates: at 600 the run sits at the end of the copy task's plateau, where the last bits
  // of the float products (libxsmm against Eigen) decide whether it has left it yet.
  RunConfig c = small_copy(8, 16);
  c.train.updates = 1200;
  c.eval.every = 400;
  const RunOutcome out = execute_run(c);
  REQUIRE(out.status == RunStatus::ok);
  REQUIRE(out.curve.size() == 3);
  const double first = out.curve.front().eval.at("loss"), last = out.curve.back().eval.at("loss");
  INFO("held-out loss " << first << " -> " << last << ", chance " << out.final_metrics.at("chance_loss"));
  CHECK(last < first);
  CHECK(last < out.final_metrics.at("chance_loss"));
  CHECK(out.final_metrics.at("updates") == 1200);
  // Episodes of 10 steps are cut into chunks of 8 and 2: 1200 updates are 600 episodes.
  CHECK(out.final_metrics.at("tokens") == 600 * 10 * 16);
  CHECK(out.final_metrics.count("accuracy") == 1);
}

TEST_CASE("the same configuration gives the same results, bit for bit", "[run][determinism]") {
  RunConfig c = small_copy(5, 3);
  c.train.updates = 60;
  c.eval.every = 20;
  c.eval.fidelity = true;
  c.eval.fidelity_lags = 8;
  const RunOutcome a = execute_run(c), b = execute_run(c);
  REQUIRE(a.status == RunStatus::ok);
  CHECK(untimed(a.final_metrics) == untimed(b.final_metrics));
  REQUIRE(a.curve.size() == b.curve.size());
  for (size_t i = 0; i < a.curve.size(); ++i) {
    CHECK(a.curve[i].train_loss == b.curve[i].train_loss);
    CHECK(a.curve[i].eval == b.curve[i].eval);
  }
  CHECK(a.series.at("grad_lag_profile") == b.series.at("grad_lag_profile"));
  CHECK(a.series.at("grad_lag_profile").size() == 9);
  // Truncation shorter than the copy delay cannot see the whole dependency.
  CHECK(a.final_metrics.at("fidelity_cos") < 1.0);
}

TEST_CASE("full BPTT has gradient fidelity 1", "[run][fidelity]") {
  RunConfig c = small_copy(Window::full(), Window::full());
  c.train.updates = 10;
  c.eval.every = 10;
  c.eval.fidelity = true;
  const RunOutcome out = execute_run(c);
  REQUIRE(out.status == RunStatus::ok);
  CHECK(out.final_metrics.at("fidelity_cos") == Approx(1.0).epsilon(1e-6));
  CHECK(out.final_metrics.at("fidelity_rel_err") < 1e-5);
}

TEST_CASE("a diverging run is reported with the update number, not crashed", "[run][diverge]") {
  RunConfig c = small_copy(5, 5);
  c.task.kind = "adding";
  c.task.params = {{"length", int64_t{10}}};
  c.model.cell = "rnn";
  c.train.optimizer.kind = OptimizerKind::sgd;
  c.train.optimizer.lr = 1e12;
  c.train.tbptt = {10, 10, false, LossReduction::sum};
  const RunOutcome out = execute_run(c);
  CHECK(out.status == RunStatus::diverged);
  CHECK_THAT(out.reason, Catch::StartsWith("non-finite loss or gradient at update "));
  for (const auto& [k, v] : out.final_metrics) CHECK(std::isfinite(v));

  c.train.on_nonfinite = OnNonFinite::skip;
  // Skipping the non-finite updates does not make the run a result: its evaluation loss is not
  // finite either, and the run ends diverged at that evaluation (it used to end "ok").
  const RunOutcome skipped = execute_run(c);
  CHECK(skipped.status == RunStatus::diverged);
  CHECK_THAT(skipped.reason, Catch::StartsWith("non-finite evaluation loss at update "));
  CHECK(skipped.final_metrics.at("skipped_updates") > 0);
}

TEST_CASE("a run whose task cannot be built fails with the reason", "[run]") {
  RunConfig c = small_copy(5, 5);
  c.task.params["delay"] = int64_t{0};
  const RunOutcome out = execute_run(c);
  CHECK(out.status == RunStatus::failed);
  CHECK_THAT(out.reason, Catch::Contains("delay"));
}
