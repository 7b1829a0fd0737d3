// The schemes end to end: a sweep that mixes them against one full-BPTT baseline, and what a run
// of each reports (the adaptive window in curve.csv, the fidelity of the scheme trained).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "harness/config/error.hpp"
#include "harness/config/experiment.hpp"
#include "harness/run/execute.hpp"
#include "harness/tasks/task.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = std::string(P_tmpdir) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

RunConfig small_copy(const TruncationConfig& t) {
  RunConfig c;
  c.task.kind = "copy";
  c.task.params = {{"delay", int64_t{4}}, {"length", int64_t{3}}, {"symbols", int64_t{4}}};
  c.model.hidden = 8;
  c.train.batch = 8;
  c.train.updates = 60;
  c.train.tbptt = t;
  c.eval.every = 20;
  c.eval.sequences = 16;
  c.eval.fidelity = true;
  c.eval.fidelity_lags = 8;
  return c;
}

}  // namespace

TEST_CASE("a sweep mixes truncation schemes, each against the full-BPTT baseline", "[truncation][sweep]") {
  const std::string f = write_temp("tbptt_mixed_schemes.yaml",
                                   "task: {kind: copy, delay: 4, length: 3, symbols: 4}\n"
                                   "sweep:\n"
                                   "  train.tbptt: [{kind: fixed, k1: 10, k2: 10}, {kind: randomized, mean: 10},\n"
                                   "                {kind: adaptive, k1: 5, delta: 0.1}]\n");
  const Experiment e = load_experiment(f, {});
  std::remove(f.c_str());
  REQUIRE(e.runs.size() == 4);  // three schemes and one baseline
  const RunSpec* base = nullptr;
  for (const auto& r : e.runs)
    if (r.is_baseline) base = &r;
  REQUIRE(base != nullptr);
  CHECK(base->config.train.tbptt.kind == TruncationKind::fixed);
  CHECK(base->config.train.tbptt.k1.is_full());
  CHECK(base->config.train.tbptt.k2.is_full());
  std::set<TruncationKind> kinds;
  for (const auto& r : e.runs) {
    if (r.is_baseline) continue;
    kinds.insert(r.config.train.tbptt.kind);
    CHECK(r.baseline_setting == base->setting);
  }
  CHECK(kinds == std::set<TruncationKind>{TruncationKind::fixed, TruncationKind::randomized, TruncationKind::adaptive});
}

TEST_CASE("runs of the drawn and adaptive schemes report their windows and fidelity", "[truncation][run]") {
  TruncationConfig r;
  r.kind = TruncationKind::randomized;
  r.mean = 4;
  r.loss_reduction = LossReduction::sum;
  const RunOutcome a = execute_run(small_copy(r)), b = execute_run(small_copy(r));
  REQUIRE(a.status == RunStatus::ok);
  // The fidelity of the randomized gradient: a mean over draws with its spread.
  REQUIRE(a.curve.back().eval.count("fidelity_rel_err_sd") == 1);
  CHECK(a.curve.back().eval.at("fidelity_rel_err_sd") > 0);
  CHECK(a.final_metrics.at("k2_min") >= 1);
  const RunConfig cfg = small_copy(r);
  const Index T = make_task(cfg.task.kind, cfg.task.params)->info().max_episode_length;
  CHECK(a.final_metrics.at("k2_max") <= static_cast<double>(T));  // an aligned episode cuts every chunk
  CHECK(a.final_metrics.at("k2_mean") > a.final_metrics.at("k2_min"));
  CHECK(a.final_metrics.at("loss") == b.final_metrics.at("loss"));  // the policy's stream is seeded

  TruncationConfig ad;
  ad.kind = TruncationKind::adaptive;
  ad.k1 = 3;
  ad.max = 7;
  ad.every = 10;
  const RunOutcome c = execute_run(small_copy(ad));
  REQUIRE(c.status == RunStatus::ok);
  for (const auto& p : c.curve) {
    REQUIRE(p.eval.count("tbptt_k2") == 1);
    CHECK(p.eval.at("tbptt_k2") >= 1);
    CHECK(p.eval.at("tbptt_k2") <= 7);
  }
  CHECK(c.final_metrics.at("k2_min") <= c.final_metrics.at("k2_mean"));
  CHECK(c.final_metrics.at("k2_mean") <= c.final_metrics.at("k2_max"));
  CHECK(c.curve.back().eval.count("fidelity_rel_err_sd") == 0);  // one probe: nothing is drawn
}

TEST_CASE("a scheme's bad parameters are refused with the file position before anything runs", "[truncation][config]") {
  auto error_of = [](const std::string& tbptt) {
    const std::string f = write_temp("tbptt_bad_scheme.yaml", "task: {kind: copy_stream}\nbaseline: none\ntrain:\n  tbptt: " + tbptt + "\n");
    std::string what = "no error";
    try {
      load_experiment(f, {});
    } catch (const ConfigError& e) {
      what = e.what();
    }
    std::remove(f.c_str());
    const size_t at = what.find(".yaml");
    return at == std::string::npos ? what : what.substr(at + 5);
  };
  CHECK(error_of("{kind: dl4j, forward_length: 4}") == ":4:10: error: train.tbptt: kind dl4j needs backward_length >= 1");
  CHECK(error_of("{kind: variable, k1: 8, min: 9, max: 4}") ==
        ":4:10: error: train.tbptt: min and max must satisfy 1 <= min <= max, got 9 and 4");
  CHECK(error_of("{kind: randomized, distribution: \"1 x 2\"}") ==
        ":4:10: error: train.tbptt: distribution: expected \"geometric\" or numbers \"w1 w2 ... wM\", got \"1 x 2\"");
  CHECK(error_of("{kind: adaptive, delta: 0.1}") == ":4:10: error: train.tbptt: kind adaptive needs k1 >= 1 on an endless stream");
  CHECK(error_of("{kind: randomized, mean: 6}") == "no error");  // streams suit drawn chunks
  CHECK(error_of("{kind: rnnlm, bptt: 5, bptt_block: 3}") ==
        ":3:1: error: train.optimizer: kind rnnlm updates the output layer after every step with plain SGD, as that "
        "toolkit does: use optimizer sgd without momentum or weight decay (or kind fixed for TBPTT(k1, k2) with one "
        "update of the output layer per chunk)");  // the default optimizer is adam
}
