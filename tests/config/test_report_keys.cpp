// The keys of issue 9: eval.every_tokens, eval.reset_periods, report.tolerance as a percentage
// and report.target, as loaded and as refused.
#include <catch2/catch.hpp>

#include "config_test_util.hpp"
#include "harness/config/load.hpp"
#include "harness/config/report_keys.hpp"
#include "harness/config/schema.hpp"
#include "harness/sweep/run_id.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using tbptt::test::data_file;
using tbptt::test::load_error;

TEST_CASE("evaluation is scheduled by tokens unless eval.every is given", "[config][eval]") {
  const RunConfig defaults;
  CHECK(defaults.eval.every == 0);
  CHECK(defaults.eval.every_tokens == 50000);
  const Experiment e = load_experiment(data_file("good_copy.yaml"), {"eval.every=0", "eval.every_tokens=6400"});
  CHECK(e.runs.front().config.eval.every == 0);
  CHECK(e.runs.front().config.eval.every_tokens == 6400);
  const std::string f = data_file("good_copy.yaml");
  CHECK(load_error(f, {"eval.every_tokens=0"}).find("error: eval.every_tokens: expected an integer >= 1, got 0") !=
        std::string::npos);
}

TEST_CASE("eval.reset_periods takes auto, off or a list, and reads back from config.yaml", "[config][context]") {
  const std::string f = data_file("good_copy.yaml");
  const Experiment a = load_experiment(f, {});
  CHECK(a.runs.front().config.eval.reset_periods_auto);
  const Experiment list = load_experiment(f, {"eval.reset_periods=[1, 3, 9]"});
  const RunConfig& c = list.runs.front().config;
  CHECK_FALSE(c.eval.reset_periods_auto);
  CHECK(c.eval.reset_periods == std::vector<Index>{1, 3, 9});
  const RunConfig back = run_config_from_yaml(resolved_config(list.runs.front()), "config.yaml");
  CHECK(back.eval.reset_periods == std::vector<Index>{1, 3, 9});
  CHECK(run_id(back) == list.runs.front().id);
  const Experiment off = load_experiment(f, {"eval.reset_periods=off"});
  CHECK_FALSE(off.runs.front().config.eval.reset_periods_auto);
  CHECK(off.runs.front().config.eval.reset_periods.empty());
  for (const char* bad : {"eval.reset_periods=[0, 2]", "eval.reset_periods=[]", "eval.reset_periods=sometimes",
                          "eval.reset_periods=[1, x]"}) {
    INFO(bad);
    CHECK(load_error(f, {bad}).find("error: eval.reset_periods: expected auto, off or a list of integers >= 1, got") !=
          std::string::npos);
  }
  CHECK(parse_period_list("1, 2,8") == std::vector<Index>{1, 2, 8});
  CHECK_FALSE(parse_period_list("1,,2"));
  CHECK(period_list_text(false, {4, 16}) == "4,16");
}

TEST_CASE("report.tolerance is absolute or relative, report.target a level or a metric and level",
          "[config][report]") {
  const std::string f = data_file("good_copy.yaml");
  const Experiment abs = load_experiment(f, {"report.tolerance=0.05"});
  CHECK(abs.report.tolerance == 0.05);
  CHECK_FALSE(abs.report.tolerance_relative);
  CHECK_FALSE(abs.report.target);
  const Experiment rel = load_experiment(f, {"report.tolerance=2%"});
  CHECK(rel.report.tolerance == Approx(0.02));
  CHECK(rel.report.tolerance_relative);
  const Experiment level = load_experiment(f, {"report.target=0.98"});
  REQUIRE(level.report.target);
  CHECK(*level.report.target == 0.98);
  CHECK(level.report.target_metric.empty());
  const Experiment bpc = load_experiment(f, {"report.target={metric: bpc, value: 1.6}"});
  REQUIRE(bpc.report.target);
  CHECK(*bpc.report.target == 1.6);
  CHECK(bpc.report.target_metric == "bpc");
  CHECK(parse_tolerance_text("5 %")->relative);
  CHECK_FALSE(parse_tolerance_text("-1"));
  CHECK_FALSE(parse_tolerance_text("%"));

  CHECK(load_error(f, {"report.tolerance=two"}).find(
            "error: report.tolerance: expected a number >= 0 or a percentage such as 2%, got two") != std::string::npos);
  CHECK(load_error(f, {"report.target={metric: bpc}"}).find(
            "error: report.target: expected null, a number or {metric: NAME, value: NUMBER}, got a map") !=
        std::string::npos);
  CHECK(load_error(f, {"report.target=high"}).find("error: report.target: expected null, a number") !=
        std::string::npos);
}
