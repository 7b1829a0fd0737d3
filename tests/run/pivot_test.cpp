// `tbptt report --pivot`: a k1 x k2 grid of one metric in md, csv and LaTeX.
#include <catch2/catch.hpp>

#include "harness/report/pivot.hpp"

using namespace tbptt;

namespace {

// k1 in {5, full} x k2 in {10, 5, full} (not all pairs), two seeds; one failed run ignored.
std::vector<RunRecord> fixture() {
  std::vector<RunRecord> runs;
  auto add = [&](const std::string& k1, const std::string& k2, const std::string& seed, double loss,
                 RunStatus status = RunStatus::ok) {
    RunRecord r;
    r.id = k1 + k2 + seed;
    r.done = true;
    r.status = status;
    r.swept = {{"train.tbptt.k1", k1}, {"train.tbptt.k2", k2}, {"seed", seed}, {"model.hidden", "64"}};
    r.final_metrics = {{"loss", loss}, {"cpu_seconds", 1}};
    runs.push_back(r);
  };
  add("5", "5", "1", 0.5);
  add("5", "5", "2", 0.7);
  add("5", "10", "1", 0.25);
  add("5", "10", "2", 0.25);
  add("full", "full", "1", 0.125);
  add("full", "full", "2", 0.375);
  add("full", "5", "1", 9.0, RunStatus::failed);
  return runs;
}

const std::vector<std::string> kKeys = {"train.tbptt.k1", "train.tbptt.k2", "seed", "model.hidden"};

}  // namespace

TEST_CASE("pivot in markdown averages seeds and names what it averaged", "[report][pivot]") {
  const PivotOutput out = pivot_table(fixture(), kKeys, {"k1", "k2", "loss", PivotFormat::md});
  CHECK(out.note ==
        "loss: rows train.tbptt.k1, columns train.tbptt.k2; mean over seed (2 values); fixed: model.hidden=64");
  CHECK(out.text == out.note + "\n\n"
                    "| k1 \\ k2 | 5 | 10 | full |\n"
                    "|---|---:|---:|---:|\n"
                    "| 5 | 0.6 | 0.25 | - |\n"
                    "| full | - | - | 0.25 |\n");
}

TEST_CASE("pivot in csv has exact numbers and empty missing cells", "[report][pivot]") {
  const PivotOutput out = pivot_table(fixture(), kKeys, {"train.tbptt.k1", "k2", "loss", PivotFormat::csv});
  CHECK(out.text ==
        "k1\\k2,5,10,full\n"
        "5,0.6,0.25,\n"
        "full,,,0.25\n");
}

TEST_CASE("pivot in LaTeX uses booktabs rules", "[report][pivot]") {
  const PivotOutput out = pivot_table(fixture(), kKeys, {"k2", "k1", "loss", PivotFormat::latex});
  CHECK(out.text ==
        "% loss: rows train.tbptt.k2, columns train.tbptt.k1; mean over seed (2 values); fixed: model.hidden=64\n"
        "\\begin{tabular}{lrr}\n"
        "\\toprule\n"
        " & \\multicolumn{2}{c}{k1} \\\\\n"
        "\\cmidrule(l){2-3}\n"
        "k2 & 5 & full \\\\\n"
        "\\midrule\n"
        "5 & 0.6 & - \\\\\n"
        "10 & 0.25 & - \\\\\n"
        "full & - & 0.25 \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n");
}

TEST_CASE("pivot rejects unknown keys, equal keys, unknown metrics and formats", "[report][pivot]") {
  CHECK_THROWS_WITH(pivot_table(fixture(), kKeys, {"k3", "k2", "loss", PivotFormat::md}),
                    "--pivot: \"k3\" is not a swept key (swept: train.tbptt.k1, train.tbptt.k2, seed, model.hidden)");
  CHECK_THROWS_WITH(pivot_table(fixture(), kKeys, {"k1", "train.tbptt.k1", "loss", PivotFormat::md}),
                    "--pivot: the two keys must differ");
  CHECK_THROWS_WITH(pivot_table(fixture(), kKeys, {"k1", "k2", "bpc", PivotFormat::md}),
                    "--metric: no ok run reports \"bpc\" (metrics: cpu_seconds, loss)");
  CHECK(parse_pivot_format("latex") == PivotFormat::latex);
  CHECK_THROWS_WITH(parse_pivot_format("html"), "--format: expected md, csv or latex, got \"html\"");
}
