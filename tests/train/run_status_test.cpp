// The status a run ends with: each rule of harness/run/execute.cpp, and the unwinding of an
// allocation that fails mid-run (it was a double free).
#include <catch2/catch.hpp>

#include <new>

#include "harness/run/execute.hpp"
#include "harness/run/stop_signals.hpp"
#include "models/tensor.hpp"

using namespace tbptt;

namespace {

RunConfig tiny_copy() {
  RunConfig c;
  c.task.kind = "copy";
  c.task.params = {{"delay", int64_t{4}}, {"length", int64_t{3}}, {"symbols", int64_t{4}}};
  c.model.cell = "rnn";
  c.model.hidden = 8;
  c.train.batch = 8;
  c.train.updates = 40;
  c.train.tbptt.k1 = 5;
  c.train.tbptt.k2 = 5;
  c.eval.every = 5;
  c.eval.sequences = 8;
  return c;
}

}  // namespace

TEST_CASE("an abandoning signal stops a run at the next update with RunAbandoned", "[run][status][signal]") {
  const RunConfig c = tiny_copy();
  long long last_point = 0;
  // SIGTERM (as stop_signals.hpp records it) arrives at the evaluation after update 10.
  const CurveCallback on_point = [&](const CurvePoint& p) {
    last_point = p.update;
    if (p.update == 10) request_abandon(SIGTERM);
  };
  CHECK_THROWS_AS(execute_run(c, on_point), RunAbandoned);
  clear_stop_request();
  CHECK(last_point == 10);  // no update, and so no evaluation, after the signal
  // Without the signal the same run ends ok.
  CHECK(to_string(execute_run(c).status) == std::string("ok"));
}

TEST_CASE("SGD at lr 1e6 ends diverged, not ok", "[run][status]") {
  RunConfig c = tiny_copy();
  c.train.optimizer.kind = OptimizerKind::sgd;
  c.train.optimizer.lr = 1e6;
  c.train.on_nonfinite = OnNonFinite::skip;  // only the loss rule can stop it
  const RunOutcome out = execute_run(c);
  CHECK(to_string(out.status) == std::string("diverged"));
  REQUIRE(!out.curve.empty());
  // Stopped at the third evaluation in a row above 10 x chance (or at a non-finite one).
  CHECK(out.curve.size() <= 3);
  CHECK_THAT(out.reason, Catch::Contains("x the chance loss") || Catch::Contains("non-finite evaluation loss"));
  CHECK(out.final_metrics.count("loss") == 0);  // a diverged run's loss is not reported as a result
}

TEST_CASE("the loss rule: diverge_factor x chance at diverge_evals consecutive evaluations", "[run][status]") {
  RunConfig c = tiny_copy();
  // A factor below any reachable loss: every evaluation counts, the run stops at the second.
  c.train.diverge_factor = 1e-6;
  c.train.diverge_evals = 2;
  const RunOutcome low = execute_run(c);
  CHECK(to_string(low.status) == std::string("diverged"));
  CHECK(low.curve.size() == 2);
  CHECK_THAT(low.reason, Catch::StartsWith("evaluation loss ") && Catch::Contains(" above 1e-06 x the chance loss "));
  CHECK_THAT(low.reason, Catch::EndsWith("at 2 consecutive evaluations (the last at update 10)"));
  // Off, the same run ends ok with all its evaluations.
  c.train.diverge_factor = 0;
  const RunOutcome off = execute_run(c);
  CHECK(to_string(off.status) == std::string("ok"));
  CHECK(off.curve.size() == 8);
  // The default (10 x, 3 in a row) leaves a run that learns alone.
  const RunOutcome normal = execute_run(tiny_copy());
  CHECK(to_string(normal.status) == std::string("ok"));
}

TEST_CASE("a run past run.time_limit stops with status time_limit", "[run][status]") {
  RunConfig c = tiny_copy();
  c.train.updates = 100000000;  // far more than a microsecond allows
  c.time_limit = 1e-6;
  const RunOutcome out = execute_run(c);
  CHECK(to_string(out.status) == std::string("time_limit"));
  CHECK(out.reason == "stopped at update 1: run.time_limit of 1e-06 s reached");
  CHECK(out.final_metrics.at("updates") == 1);
}

TEST_CASE("a run that throws is failed with the reason, and an allocation failure unwinds cleanly", "[run][status]") {
  RunConfig c = tiny_copy();
  c.task.params["delay"] = int64_t{-3};  // the task refuses it
  const RunOutcome out = execute_run(c);
  CHECK(to_string(out.status) == std::string("failed"));
  CHECK(!out.reason.empty());
  // Eigen 3.4's resize() frees, then allocates; when that throws it kept the freed pointer and
  // the destructor freed it again. 2^31 x (2^31 + 1) floats overflow size_t: bad_alloc without
  // any allocation, deterministic under every build (and sanitizer).
  Matrix<float> m(3, 4);
  m.setConstant(1.5f);
  const Index huge = Index{1} << 31;
  CHECK_THROWS_AS(ensure_size(m, huge, huge + 1), std::bad_alloc);
  CHECK(m.rows() == 3);  // unchanged: the strong guarantee
  CHECK(m.cols() == 4);
  CHECK(m(2, 3) == 1.5f);
}
