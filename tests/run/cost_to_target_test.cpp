// Cost to target on scripted curves, the cost-to-target table and pick, run statuses in
// table.md, the pivot of a cost to target, and curve.csv read back.
#include <catch2/catch.hpp>

#include "harness/report/cost_to_target.hpp"
#include "harness/report/curve_file.hpp"
#include "harness/report/metric_names.hpp"
#include "harness/report/pivot.hpp"
#include "harness/report/run_targets.hpp"
#include "harness/report/statistics.hpp"
#include "harness/report/table.hpp"
#include "record_fixture.hpp"

using namespace tbptt;

namespace {

// One evaluation point per value: tokens 1000 i, updates 10 i, cpu 0.5 i, wall 0.25 i (i = 1..).
std::vector<CurvePoint> curve(const std::string& metric, const std::vector<double>& values) {
  std::vector<CurvePoint> c;
  for (size_t i = 0; i < values.size(); ++i) {
    CurvePoint p;
    const double k = static_cast<double>(i + 1);
    p.tokens = static_cast<long long>(1000 * (i + 1));
    p.update = static_cast<long long>(10 * (i + 1));
    p.cpu_seconds = 0.5 * k;
    p.wall_seconds = 0.25 * k;
    p.eval[metric] = values[i];
    c.push_back(p);
  }
  return c;
}

RunRecord run(const std::string& id, const std::string& setting, std::vector<CurvePoint> points, double cpu,
              double memory, RunStatus status = RunStatus::ok) {
  RunRecord r = test::fake_record(id, setting, status);
  if (status == RunStatus::ok && !points.empty()) {
    r.final_metrics = {{"accuracy", points.back().eval.at("accuracy")}, {"cpu_seconds", cpu},
                       {"activation_bytes", memory}};
    r.curve = std::move(points);
  }
  return r;
}

const SettingRow& row_of(const ReportTable& t, const std::string& setting) {
  for (const auto& r : t.rows) {
    if (r.setting == setting) return r;
  }
  FAIL("no row " << setting);
  return t.rows.front();
}

ReportConfig accuracy_config(double tolerance) {
  ReportConfig c;
  c.metric = "accuracy";
  c.tolerance = tolerance;
  return c;
}

}  // namespace

TEST_CASE("cost to target interpolates between evaluation points, never extrapolates", "[report][target]") {
  const Target acc{"accuracy", 0.9, true};
  // Crosses 0.9 halfway between the 2nd (0.8) and 3rd (1.0) points.
  const CostToTarget c = cost_to_target(curve("accuracy", {0.5, 0.8, 1.0, 1.0}), acc);
  REQUIRE(c.reached);
  CHECK(c.point == 2);
  CHECK(c.tokens == Approx(2500));
  CHECK(c.updates == Approx(25));
  CHECK(c.cpu_seconds == Approx(1.25));
  CHECK(c.wall_seconds == Approx(0.625));

  // Already there at the first point: that point's cost, not an extrapolation towards zero.
  const CostToTarget first = cost_to_target(curve("accuracy", {0.95, 0.99}), acc);
  REQUIRE(first.reached);
  CHECK(first.point == 0);
  CHECK(first.tokens == 1000);
  CHECK(first.cpu_seconds == 0.5);

  // Never reached: no cost, even if the last point is close.
  const CostToTarget never = cost_to_target(curve("accuracy", {0.5, 0.85, 0.89}), acc);
  CHECK_FALSE(never.reached);
  CHECK(never.tokens == 0);

  // Lower is better (loss, bpc): crossing 1.5 a quarter of the way from 1.7 down to 0.9.
  const CostToTarget bpc = cost_to_target(curve("bpc", {2.5, 1.7, 0.9}), Target{"bpc", 1.5, false});
  REQUIRE(bpc.reached);
  CHECK(bpc.tokens == Approx(2250));
  CHECK_FALSE(cost_to_target(curve("bpc", {2.5, 1.7}), Target{"bpc", 1.5, false}).reached);
  // A point without the metric is skipped, not read as reaching it.
  CHECK_FALSE(cost_to_target(curve("loss", {0.1}), acc).reached);
}

TEST_CASE("the target is the baseline's quality within an absolute or relative tolerance, or explicit",
          "[report][target]") {
  CHECK(tolerance_level(1.0, 0.02, false, true) == Approx(0.98));
  CHECK(tolerance_level(2.0, 0.05, true, false) == Approx(2.1));
  CHECK(tolerance_level(2.0, 0.05, false, false) == Approx(2.05));
  CHECK(tolerance_level(-2.0, 0.5, true, true) == Approx(-3.0));

  // Baseline final accuracy 0.9 and 1.0 (mean 0.95).
  std::vector<RunRecord> runs = {run("f1", "k1=full", curve("accuracy", {0.5, 0.9}), 4, 100),
                                 run("f2", "k1=full", curve("accuracy", {0.6, 1.0}), 4, 100),
                                 run("a1", "k1=5", curve("accuracy", {0.7, 0.92, 0.94}), 3, 50)};
  ReportConfig absolute = accuracy_config(0.04);  // target 0.91
  CHECK(setting_targets(runs, absolute).at("k1=full").level == Approx(0.91));
  ReportConfig relative = accuracy_config(0.1);
  relative.tolerance_relative = true;  // 10% of 0.95: target 0.855
  CHECK(setting_targets(runs, relative).at("k1=full").level == Approx(0.855));
  ReportConfig explicit_target = accuracy_config(0.04);
  explicit_target.target = 0.935;
  CHECK(setting_targets(runs, explicit_target).at("k1=full").level == 0.935);

  std::vector<RunRecord> a = runs, r = runs, e = runs;
  annotate_targets(a, absolute);
  annotate_targets(r, relative);
  annotate_targets(e, explicit_target);
  // a1: 0.7 -> 0.92 crosses 0.91 at 21/22 of the way; 0.855 at 155/220; 0.935 at 3/4 of 0.92 -> 0.94.
  CHECK(a[2].final_metrics.at("tokens_to_target") == Approx(1000 + 1000 * 0.21 / 0.22));
  CHECK(r[2].final_metrics.at("tokens_to_target") == Approx(1000 + 1000 * 0.155 / 0.22));
  CHECK(e[2].final_metrics.at("tokens_to_target") == Approx(2750));
  // f1 ends at 0.9: below the absolute target 0.91, it never reached it.
  CHECK(a[0].final_metrics.at("reached_target") == 0);
  CHECK(a[0].final_metrics.count("cpu_to_target") == 0);
  CHECK(r[0].final_metrics.at("reached_target") == 1);

  // An explicit target on another metric: {metric: loss, value: 0.3}, lower is better.
  std::vector<RunRecord> l = {run("f1", "k1=full", curve("accuracy", {0.5, 0.9}), 4, 100)};
  l[0].curve = curve("loss", {0.9, 0.5, 0.2});
  ReportConfig on_loss = accuracy_config(0.02);
  on_loss.target_metric = "loss";
  on_loss.target = 0.3;
  annotate_targets(l, on_loss);
  CHECK(l[0].final_metrics.at("tokens_to_target") == Approx(2000 + 1000 * 0.2 / 0.3));
  CHECK(l[0].final_metrics.at("target") == 0.3);
}

TEST_CASE("the tables call the baseline full BPTT only when it is", "[report][target]") {
  std::vector<RunRecord> runs = {run("f1", "k1=full", curve("accuracy", {0.5, 0.9}), 4, 100),
                                 run("a1", "k1=5", curve("accuracy", {0.7, 0.92}), 3, 50)};
  const std::string full = table_markdown(build_report(runs, accuracy_config(0.04), "t", "full"));
  CHECK(full.find("the setting's full-BPTT baseline final **accuracy**") != std::string::npos);
  CHECK(full.find("ratio to the setting's full-BPTT baseline;") != std::string::npos);
  // A `baseline:` of TBPTT(32, 32), as on an endless stream.
  for (auto& r : runs) {
    r.swept["train.tbptt.k1"] = r.is_baseline ? "32" : r.swept["train.tbptt.k1"];
    r.swept["train.tbptt.k2"] = r.is_baseline ? "32" : "5";
  }
  const std::string tbptt = table_markdown(build_report(runs, accuracy_config(0.04), "t", "full"));
  CHECK(tbptt.find("full-BPTT") == std::string::npos);
  CHECK(tbptt.find("the setting's baseline final **accuracy**") != std::string::npos);
  CHECK(tbptt.find("ratio to the setting's baseline;") != std::string::npos);
}

TEST_CASE("the pick by cost to target differs from the pick at an equal budget", "[report][target]") {
  // Full BPTT is cheapest over the whole budget (4 s against 6 s) but reaches the target late;
  // k1=5 reaches it after 1 s; k1=2 is cheaper still but never reaches it.
  std::vector<RunRecord> runs;
  for (int s = 1; s <= 3; ++s) {
    const std::string seed = std::to_string(s);
    runs.push_back(run("f" + seed, "k1=full", curve("accuracy", {0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0}), 4, 100));
    runs.push_back(run("a" + seed, "k1=5", curve("accuracy", {0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}), 6, 100));
    runs.push_back(run("b" + seed, "k1=2", curve("accuracy", {0.3, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6}), 2, 40));
  }
  annotate_targets(runs, accuracy_config(0.02));
  const ReportTable t = build_report(runs, accuracy_config(0.02), "fake");
  CHECK(row_of(t, "k1=full").pick);   // equal budget
  CHECK_FALSE(row_of(t, "k1=5").pick);
  const CostSummary& five = row_of(t, "k1=5").cost;
  const CostSummary& full = row_of(t, "k1=full").cost;
  CHECK(five.pick);                    // cost to target
  CHECK_FALSE(full.pick);
  CHECK_FALSE(row_of(t, "k1=2").cost.pick);
  CHECK(five.reached == 3);
  CHECK(row_of(t, "k1=2").cost.reached == 0);
  // 0.5 -> 1.0 crosses 0.98 at 0.96 of the way: 1.98 thousand tokens, 0.98 s.
  CHECK(five.tokens.median == Approx(1960));
  CHECK(five.cpu.median == Approx(0.98));
  CHECK(full.tokens.median == Approx(4900));
  REQUIRE(five.cpu_ratio);
  CHECK(*five.cpu_ratio == Approx(0.98 / 2.45));

  const std::string md = table_markdown(t);
  const auto cost_at = md.find("## Cost to reach the target"), budget_at = md.find("## Equal token budget");
  REQUIRE(cost_at != std::string::npos);
  REQUIRE(budget_at != std::string::npos);
  CHECK(cost_at < budget_at);
  CHECK(md.find("least median CPU seconds to target among the settings that reached the target in every seed") <
        budget_at);
  CHECK(md.find("| k1=2 | full | - | 0/3 | not reached |") != std::string::npos);
  CHECK(md.find("| k1=5 | full | - | 3/3 | 0.98 | [0.98, 0.98] | 0.4 | 1960 |") != std::string::npos);

  // Ties in CPU to target are broken by activation memory.
  std::vector<RunRecord> tie = runs;
  for (auto& r : tie) {
    if (r.setting == "k1=2") {
      r.curve = curve("accuracy", {0.5, 1.0});
      r.final_metrics["accuracy"] = 1.0;
    }
  }
  annotate_targets(tie, accuracy_config(0.02));
  const ReportTable tt = build_report(tie, accuracy_config(0.02), "tie");
  CHECK(row_of(tt, "k1=2").cost.pick);
  CHECK_FALSE(row_of(tt, "k1=5").cost.pick);
}

TEST_CASE("diverged and failed runs are shown as such and never picked", "[report][status]") {
  std::vector<RunRecord> runs = {
      run("f1", "k1=full", curve("accuracy", {1.0}), 4, 100), run("f2", "k1=full", curve("accuracy", {1.0}), 4, 100),
      run("a1", "k1=5", curve("accuracy", {1.0}), 1, 50),
      run("a2", "k1=5", {}, 0, 0, RunStatus::diverged), run("a3", "k1=5", {}, 0, 0, RunStatus::diverged),
      run("b1", "k1=3", {}, 0, 0, RunStatus::failed),
  };
  RunRecord missing = run("c1", "k1=2", {}, 0, 0, RunStatus::ok);
  missing.done = false;
  runs.push_back(missing);
  annotate_targets(runs, accuracy_config(0.02));
  const ReportTable t = build_report(runs, accuracy_config(0.02), "status");
  CHECK_FALSE(row_of(t, "k1=5").pick);
  CHECK_FALSE(row_of(t, "k1=5").cost.pick);
  CHECK(row_of(t, "k1=full").cost.pick);
  CHECK(runs_text(row_of(t, "k1=5"), 1) == "1/3, diverged 2/3");
  CHECK(runs_text(row_of(t, "k1=3"), 0) == "failed 1/1");
  CHECK(runs_text(row_of(t, "k1=2"), 0) == "missing 1/1");
  const std::string md = table_markdown(t);
  CHECK(md.find("| k1=5 | 1/3, diverged 2/3 |") != std::string::npos);
  CHECK(md.find("| k1=3 | failed 1/1 | failed |") != std::string::npos);
  CHECK(md.find("| k1=3 | full | - | failed 1/1 | failed |") != std::string::npos);
  CHECK(md.find("0/2") == std::string::npos);
}

TEST_CASE("effective context is the smallest period within the tolerance of never resetting",
          "[report][context]") {
  CHECK(effective_context({1, 2, 4, 8}, {0.25, 0.3, 0.97, 1.0}, 1.0, 0.05, false, true) == 4);
  CHECK(effective_context({1, 2, 4, 8}, {0.25, 0.3, 0.5, 0.6}, 1.0, 0.05, false, true) == std::nullopt);
  CHECK(effective_context({1, 2, 4}, {3.0, 2.1, 2.0}, 2.0, 0.1, true, false) == 2);  // bpc, 10%

  std::vector<RunRecord> runs = {run("f1", "k1=full", curve("accuracy", {1.0}), 4, 100),
                                 run("a1", "k1=5", curve("accuracy", {0.9}), 4, 100)};
  runs[0].series = {{"context_period", {1, 2, 4}}, {"context_accuracy", {0.2, 0.5, 0.99}}};
  runs[1].series = {{"context_period", {1, 2, 4}}, {"context_accuracy", {0.2, 0.3, 0.5}}};
  annotate_targets(runs, accuracy_config(0.02));
  CHECK(runs[0].final_metrics.at("effective_context") == 4);
  CHECK(runs[1].final_metrics.count("effective_context") == 0);
  const ReportTable t = build_report(runs, accuracy_config(0.02), "context");
  CHECK(row_of(t, "k1=full").cost.effective_context == 4.0);
  const std::string md = table_markdown(t);
  CHECK(md.find("| k1=full (baseline) | full | 4 |") != std::string::npos);
  CHECK(md.find("| k1=5 | full | > 4 |") != std::string::npos);
}

TEST_CASE("a pivot of cpu_to_target says which cells did not reach the target", "[report][pivot][target]") {
  std::vector<RunRecord> runs = {run("f1", "k1=full", curve("accuracy", {1.0}), 4, 100),
                                 run("a1", "k1=5", curve("accuracy", {0.5, 1.0}), 4, 100),
                                 run("a2", "k1=5", curve("accuracy", {0.5, 0.6}), 4, 100),
                                 run("b1", "k1=2", curve("accuracy", {0.5}), 4, 100)};
  annotate_targets(runs, accuracy_config(0.02));
  const PivotOutput out = pivot_table(runs, {"train.tbptt.k1", "seed"}, {"k1", "seed", "cpu_to_target"});
  INFO(out.text);
  CHECK(out.text.find("| 2 | not reached | - |") != std::string::npos);
  CHECK(out.text.find("| 5 | 0.98 | not reached |") != std::string::npos);
  CHECK(out.text.find("| full | 0.5 | - |") != std::string::npos);
  // Averaged over the seeds (one column), a cell where some seeds did not reach it says so.
  for (auto& r : runs) r.swept["train.clip.threshold"] = "1.0";
  const PivotOutput mean =
      pivot_table(runs, {"train.tbptt.k1", "train.clip.threshold", "seed"}, {"k1", "threshold", "cpu_to_target"});
  INFO(mean.text);
  CHECK(mean.text.find("| 5 | 0.98 (1/2 reached) |") != std::string::npos);
  CHECK(mean.text.find("| 2 | not reached |") != std::string::npos);
}

TEST_CASE("curve.csv reads back to the points it was written from", "[report][files]") {
  const auto points = parse_curve_csv(
      "update,tokens,wall_s,cpu_s,train_loss,grad_norm,clip_rate,lr,accuracy,loss\n"
      "10,320,0.5,0.25,1.5,2,0.1,0.01,0.75,\n"
      "20,640,1,0.5,,3,0,0.01,1,0.125\n");
  REQUIRE(points.size() == 2);
  CHECK(points[0].update == 10);
  CHECK(points[0].tokens == 320);
  CHECK(points[0].cpu_seconds == 0.25);
  CHECK(points[0].eval.at("accuracy") == 0.75);
  CHECK(points[0].eval.count("loss") == 0);
  CHECK(std::isnan(points[1].train_loss));
  CHECK(points[1].eval.at("loss") == 0.125);
  CHECK_THROWS_AS(parse_curve_csv("update,tokens\n1,2,3\n"), std::invalid_argument);
  CHECK_THROWS_AS(parse_curve_csv("update,tokens\n1,x\n"), std::invalid_argument);
}

TEST_CASE("median and 95% interval over seeds, and metric definitions", "[report]") {
  const Spread s = spread({3.0, 1.0, 2.0});
  CHECK(s.n == 3);
  CHECK(s.median == 2.0);
  CHECK(s.lo == Approx(1.05));
  CHECK(s.hi == Approx(2.95));
  CHECK(spread({}).n == 0);
  CHECK(spread({4.0}).lo == 4.0);
  CHECK(metric_definition("cpu_to_target").kind == MetricKind::timing);
  CHECK_FALSE(higher_is_better("cpu_to_target"));
  CHECK(higher_is_better("context_accuracy"));
  CHECK_FALSE(higher_is_better("context_bpc"));
  CHECK(is_timing_metric("context_cpu_seconds"));
  CHECK(metric_definition("tokens_to_target").kind == MetricKind::resource);
  CHECK(default_report_metric({{"context_loss", 1}, {"effective_context", 4}, {"cpu_to_target", 1}}).empty());
}
