// Report statistics on hand-made metrics: mean, 95% CI (Student t), ratios to the baseline,
// the pick column, metric direction, and summary.csv.
#include <catch2/catch.hpp>

#include "harness/report/metric_names.hpp"
#include "harness/report/statistics.hpp"
#include "harness/report/table.hpp"
#include "record_fixture.hpp"

using namespace tbptt;

namespace {

RunRecord record(const std::string& id, const std::string& setting, double loss, double cpu,
                 RunStatus status = RunStatus::ok) {
  RunRecord r = test::fake_record(id, setting, status);
  r.final_metrics = {{"loss", loss}, {"cpu_seconds", cpu}, {"wall_seconds", cpu / 2}};
  return r;
}

// Baseline loss {0.10, 0.12} (mean 0.11); tolerance 0.05, so loss <= 0.16 qualifies.
std::vector<RunRecord> fixture() {
  return {
      record("a1", "k1=full", 0.10, 10), record("a2", "k1=full", 0.12, 12),
      record("b1", "k1=5", 0.20, 2),     record("b2", "k1=5", 0.22, 2),     record("b3", "k1=5", 0.24, 2),
      record("c1", "k1=10", 0.13, 5),    record("c2", "k1=10", 0.15, 7),
      record("d1", "k1=20", 0.12, 8),
      record("e1", "k1=3", 0.11, 1),     record("e2", "k1=3", 0.0, 0, RunStatus::failed),
  };
}

const SettingRow& row_of(const ReportTable& t, const std::string& setting) {
  for (const auto& r : t.rows) {
    if (r.setting == setting) return r;
  }
  FAIL("no row " << setting);
  return t.rows.front();
}

}  // namespace

TEST_CASE("student t quantiles and confidence intervals", "[report]") {
  CHECK(student_t_975(1) == Approx(12.706205));
  CHECK(student_t_975(2) == Approx(4.302653));
  CHECK(student_t_975(30) == Approx(2.042272));
  CHECK(student_t_975(40) == Approx(2.021075).epsilon(1e-5));
  CHECK(student_t_975(120) == Approx(1.979930).epsilon(1e-5));
  CHECK_THROWS_AS(student_t_975(0), std::invalid_argument);

  const Summary two = summarize({1.0, 3.0});
  CHECK(two.n == 2);
  CHECK(two.mean == 2.0);
  CHECK(two.stddev == Approx(std::sqrt(2.0)));
  REQUIRE(two.ci95_half_width);
  CHECK(*two.ci95_half_width == Approx(12.706205));  // t * sqrt(2) / sqrt(2)

  const Summary three = summarize({1.0, 2.0, 3.0});
  CHECK(three.mean == 2.0);
  CHECK(three.stddev == Approx(1.0));
  CHECK(*three.ci95_half_width == Approx(4.302653 / std::sqrt(3.0)));

  const Summary one = summarize({5.0});
  CHECK(one.mean == 5.0);
  CHECK_FALSE(one.ci95_half_width);
  CHECK(summarize({}).n == 0);
}

TEST_CASE("metric direction and default metric follow the names", "[report]") {
  CHECK_FALSE(higher_is_better("loss"));
  CHECK_FALSE(higher_is_better("bpc"));
  CHECK_FALSE(higher_is_better("error_rate"));
  CHECK_FALSE(higher_is_better("fidelity_rel_err"));
  CHECK(higher_is_better("accuracy"));
  CHECK(higher_is_better("fidelity_cos"));
  CHECK(higher_is_better("tokens_per_second"));
  CHECK(is_timing_metric("cpu_seconds"));
  CHECK(is_timing_metric("tokens_per_second"));
  CHECK_FALSE(is_timing_metric("tokens"));
  CHECK(default_report_metric({{"loss", 1}, {"accuracy", 0.5}, {"cpu_seconds", 2}}) == "accuracy");
  CHECK(default_report_metric({{"loss", 1}, {"bpc", 1.2}}) == "bpc");
  CHECK(default_report_metric({{"cpu_seconds", 2}, {"perplexity", 9}}) == "perplexity");
  CHECK(default_report_metric({{"cpu_seconds", 2}}).empty());
  CHECK(default_report_metric({{"chance_loss", 2}, {"reference_plateau", 1}, {"gflops", 3}, {"clip_rate", 0.5},
                               {"activation_bytes", 9}, {"perplexity", 9}}) == "perplexity");
  CHECK(is_timing_metric("gflops"));
  CHECK(is_timing_metric("eval_seconds"));
}

TEST_CASE("report groups seeds, computes ratios to the baseline and picks the cheapest", "[report]") {
  ReportConfig config;
  config.metric = "loss";
  config.tolerance = 0.05;
  const ReportTable t = build_report(fixture(), config, "fixture");
  REQUIRE(t.rows.size() == 5);
  CHECK(t.rows[0].setting == "k1=full");  // order of first appearance
  CHECK(t.quantities == std::vector<std::string>{"loss", "cpu_seconds", "wall_seconds"});

  const SettingRow& base = row_of(t, "k1=full");
  CHECK(base.is_baseline);
  CHECK(base.stats.at("loss").mean == Approx(0.11));
  CHECK(*base.stats.at("loss").ci95_half_width == Approx(12.706205 * 0.01));
  CHECK(base.ratio.at("loss") == Approx(1.0));

  const SettingRow& k10 = row_of(t, "k1=10");
  CHECK(k10.stats.at("loss").mean == Approx(0.14));
  CHECK(k10.ratio.at("loss") == Approx(0.14 / 0.11));
  CHECK(k10.ratio.at("cpu_seconds") == Approx(6.0 / 11.0));
  CHECK(k10.pick);

  const SettingRow& k5 = row_of(t, "k1=5");
  CHECK(k5.stats.at("loss").mean == Approx(0.22));
  CHECK(*k5.stats.at("loss").ci95_half_width == Approx(4.302653 * 0.02 / std::sqrt(3.0)));
  CHECK_FALSE(k5.pick);  // cheaper but 0.22 > 0.11 + 0.05

  CHECK_FALSE(row_of(t, "k1=20").pick);  // within tolerance but 8 s > 6 s
  CHECK_FALSE(row_of(t, "k1=20").stats.at("loss").ci95_half_width);
  const SettingRow& k3 = row_of(t, "k1=3");
  CHECK(k3.ok == 1);
  CHECK(k3.total == 2);
  CHECK_FALSE(k3.pick);  // a failed seed disqualifies the setting
  CHECK_FALSE(base.pick);

  const std::string md = table_markdown(t);
  CHECK(md.find("| setting | runs ok | loss | 95% CI | vs base | cpu s | vs base | wall s | vs base | pick |\n") !=
        std::string::npos);
  CHECK(md.find("| k1=10 | 2/2 | 0.14 | ± 0.1271 | 1.273 | 6 ± 12.71 | 0.5455 | 3 ± 6.353 | 0.5455 | <- pick |\n") !=
        std::string::npos);
  CHECK(md.find("| k1=20 | 1/1 | 0.12 | - | 1.091 | 8 | 0.7273 | 4 | 0.7273 |  |\n") != std::string::npos);
  CHECK(md.find("| k1=full (baseline) | 2/2 | 0.11 | ± 0.1271 | 1 |") != std::string::npos);
}

TEST_CASE("with accuracy higher is better and the tolerance applies downwards", "[report]") {
  std::vector<RunRecord> runs;
  auto add = [&](const std::string& setting, double acc, double cpu) {
    RunRecord r;
    r.id = setting;
    r.setting = setting;
    r.baseline_setting = "full";
    r.done = true;
    r.final_metrics = {{"accuracy", acc}, {"cpu_seconds", cpu}};
    runs.push_back(r);
  };
  add("full", 0.90, 10);
  add("a", 0.88, 3);   // within 0.03 below
  add("b", 0.80, 1);   // too low
  add("c", 0.99, 5);   // better but dearer than a
  ReportConfig config;  // metric empty: default (accuracy)
  config.tolerance = 0.03;
  const ReportTable t = build_report(runs, config, "");
  CHECK(t.metric == "accuracy");
  CHECK(row_of(t, "a").pick);
  CHECK_FALSE(row_of(t, "b").pick);
  CHECK_FALSE(row_of(t, "c").pick);
  CHECK_FALSE(row_of(t, "full").pick);
}

TEST_CASE("summary.csv has one row per run with swept values and every metric", "[report]") {
  auto runs = fixture();
  runs[0].best_metrics["loss"] = 0.095;
  RunRecord missing;
  missing.id = "z9";
  missing.setting = "k1=7";
  missing.swept = {{"train.tbptt.k1", "7"}, {"seed", "9"}};
  runs.push_back(missing);
  const std::string csv = summary_csv(runs, {"train.tbptt.k1", "seed"});
  std::vector<std::string> lines;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == runs.size() + 1);
  CHECK(lines[0] ==
        "id,setting,baseline_setting,is_baseline,status,reason,train.tbptt.k1,seed,cpu_seconds,loss,wall_seconds,best.loss");
  CHECK(lines[1] == "a1,k1=full,k1=full,true,ok,,full,1,10,0.1,5,0.095");
  CHECK(lines[10] == "e2,k1=3,k1=full,false,failed,,3,2,0,0,0,");
  CHECK(lines[11] == "z9,k1=7,,false,missing,,7,9,,,,");
}
