// Sweep expansion: products and counts, paired maps, where filters, baselines, stable ids.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "config_test_util.hpp"
#include "harness/sweep/run_id.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using tbptt::test::data_file;

namespace {

std::vector<std::string> settings_with_seed(const Experiment& e) {
  std::vector<std::string> out;
  for (const auto& r : e.runs) out.push_back(r.setting + " seed=" + std::to_string(r.config.seed));
  return out;
}

std::set<std::string> ids(const Experiment& e) {
  std::set<std::string> out;
  for (const auto& r : e.runs) out.insert(r.id);
  return out;
}

}  // namespace

TEST_CASE("cartesian product filtered by where, baseline included once per other combination", "[config][sweep]") {
  const Experiment e = load_experiment(data_file("good_copy.yaml"), {});
  CHECK(e.name == "copy-small");
  CHECK(e.jobs == 2);
  CHECK(e.output == "results/copy-small");
  CHECK(e.report.metric == "accuracy");
  CHECK(e.swept_keys ==
        std::vector<std::string>{"train.tbptt.k1", "train.tbptt.k2", "train.clip.threshold", "seed"});
  // k2 >= k1: (5,5) (5,10) (5,full) (10,10) (10,full) (full,full) = 6, x 2 thresholds x 2 seeds.
  REQUIRE(e.runs.size() == 24);
  CHECK(ids(e).size() == 24);
  // The first axis varies slowest.
  const auto s = settings_with_seed(e);
  CHECK(s[0] == "k1=5 k2=5 threshold=1 seed=1");
  CHECK(s[1] == "k1=5 k2=5 threshold=1 seed=2");
  CHECK(s[2] == "k1=5 k2=5 threshold=off seed=1");
  CHECK(s[4] == "k1=5 k2=10 threshold=1 seed=1");
  CHECK(s[23] == "k1=full k2=full threshold=off seed=2");
  // The swept full/full runs are the baselines (not duplicated), one per (threshold, seed).
  int baselines = 0;
  for (const auto& r : e.runs) {
    CHECK(r.is_baseline == (r.swept.at("train.tbptt.k1") == "full" && r.swept.at("train.tbptt.k2") == "full"));
    baselines += r.is_baseline ? 1 : 0;
    CHECK(r.baseline_setting == "k1=full k2=full threshold=" + r.swept.at("train.clip.threshold"));
    CHECK(r.id.size() == 16);
    CHECK(r.cost > 0);
  }
  CHECK(baselines == 4);
  // Values reach the RunConfig; off switches clipping off.
  const RunSpec& first = e.runs[0];
  CHECK(first.config.train.tbptt.k1 == 5);
  CHECK(first.config.train.tbptt.k2 == 5);
  CHECK(first.config.train.clip.kind == ClipKind::global_norm);
  CHECK(e.runs[2].config.train.clip.kind == ClipKind::none);
  CHECK(e.runs[2].swept.at("train.clip.threshold") == "off");
  CHECK(e.runs[23].config.train.tbptt.k1.is_full());
  CHECK(e.runs[23].config.task.kind == "copy");
  CHECK(std::get<int64_t>(e.runs[23].config.task.params.at("delay")) == 5);
  // Longer windows cost more.
  CHECK(e.runs[4].cost > e.runs[0].cost);
}

TEST_CASE("baselines are added for combinations the where filter removed", "[config][sweep]") {
  // Only k1 = 5 runs pass; the full/full baselines are still added, once per (threshold, seed).
  const Experiment e = load_experiment(data_file("good_copy.yaml"), {"sweep.where=k1 == 5"});
  REQUIRE(e.runs.size() == 3 * 4 + 4);
  for (size_t i = 0; i < 12; ++i) {
    CHECK(e.runs[i].swept.at("train.tbptt.k1") == "5");
    CHECK_FALSE(e.runs[i].is_baseline);
  }
  for (size_t i = 12; i < 16; ++i) {
    CHECK(e.runs[i].is_baseline);
    CHECK(e.runs[i].setting == e.runs[i].baseline_setting);
    CHECK(e.runs[i].swept.at("train.tbptt.k1") == "full");
  }
}

TEST_CASE("a list of maps sweeps paired settings", "[config][sweep]") {
  const Experiment e = load_experiment(data_file("paired.yaml"), {});
  CHECK(e.swept_keys == std::vector<std::string>{"train.tbptt.k1", "train.tbptt.k2", "train.tbptt.recompute",
                                                 "model.hidden"});
  // 3 pairs x 2 sizes, plus one full/full baseline per combination of the other swept keys
  // (recompute and hidden: recompute is swept and not named in baseline:).
  REQUIRE(e.runs.size() == 10);
  CHECK(e.runs[0].setting == "k1=5 k2=5 recompute=false hidden=8");
  CHECK(e.runs[3].setting == "k1=5 k2=20 recompute=false hidden=16");
  CHECK(e.runs[4].setting == "k1=10 k2=20 recompute=true hidden=8");
  CHECK(e.runs[4].config.train.tbptt.recompute);
  CHECK(e.runs[4].config.train.tbptt.k1 == 10);
  CHECK(e.runs[6].setting == "k1=full k2=full recompute=false hidden=8");
  CHECK(e.runs[6].is_baseline);
  CHECK(e.runs[7].setting == "k1=full k2=full recompute=false hidden=16");
  CHECK(e.runs[8].setting == "k1=full k2=full recompute=true hidden=8");
  CHECK(e.runs[9].setting == "k1=full k2=full recompute=true hidden=16");
  CHECK(e.runs[3].baseline_setting == "k1=full k2=full recompute=false hidden=16");
  CHECK(e.runs[4].baseline_setting == "k1=full k2=full recompute=true hidden=8");
  CHECK(e.runs[0].config.model.cell == "gru");
}

TEST_CASE("a toolkit kind's row shows the k1, k2 and loss reduction it runs with", "[config][sweep]") {
  const Experiment e = load_experiment(data_file("toolkit_kinds.yaml"), {});
  REQUIRE(e.runs.size() == 4);
  // rnnlm -bptt 3 -bptt-block 4 is TBPTT(4, 3 + 4 - 2) with summed losses, whatever the baseline
  // wrote for loss_reduction; dl4j forward 6 backward 9 is TBPTT(6, min(9, 6)), mean as written.
  CHECK(e.runs[1].setting ==
        "kind=rnnlm k1=4 k2=5 bptt=3 bptt_block=4 forward_length=- backward_length=- loss_reduction=sum");
  CHECK(e.runs[2].setting ==
        "kind=dl4j k1=6 k2=6 bptt=- bptt_block=- forward_length=6 backward_length=9 loss_reduction=mean");
  CHECK(e.runs[0].setting ==
        "kind=fixed k1=4 k2=4 bptt=- bptt_block=- forward_length=- backward_length=- loss_reduction=mean");
  // The label is the only thing resolved: the config keeps what was written.
  CHECK(e.runs[1].config.train.tbptt.loss_reduction == LossReduction::mean);
}

TEST_CASE("a custom baseline and seeds as an axis", "[config][sweep]") {
  const Experiment e = load_experiment(data_file("baseline_custom.yaml"), {});
  CHECK(e.swept_keys == std::vector<std::string>{"train.tbptt.k2", "seed"});
  // 2 k2 x 2 seeds, plus the k2 = 50 baseline per seed.
  REQUIRE(e.runs.size() == 6);
  CHECK(e.runs[4].is_baseline);
  CHECK(e.runs[4].setting == "k2=50");
  CHECK(e.runs[4].config.seed == 1);
  CHECK(e.runs[5].config.seed == 2);
  CHECK(e.runs[4].config.train.tbptt.k1 == 10);
  CHECK(e.runs[0].baseline_setting == "k2=50");
  CHECK(e.runs[0].config.seed == 1);
  CHECK(e.runs[1].config.seed == 2);
}

TEST_CASE("without a sweep: the run and its full-BPTT baseline; baseline none drops it", "[config][sweep]") {
  const Experiment e = load_experiment(data_file("no_sweep.yaml"), {});
  CHECK(e.name == "no_sweep");
  CHECK(e.output == "results/no_sweep");
  CHECK(e.jobs == 0);
  CHECK(e.swept_keys == std::vector<std::string>{"train.tbptt.k1", "train.tbptt.k2"});
  REQUIRE(e.runs.size() == 2);
  CHECK(e.runs[0].setting == "k1=4 k2=8");
  CHECK(e.runs[0].baseline_setting == "k1=full k2=full");
  CHECK(e.runs[1].is_baseline);
  const Experiment none = load_experiment(data_file("no_sweep.yaml"), {"baseline=none"});
  REQUIRE(none.runs.size() == 1);
  CHECK(none.runs[0].setting.empty());
  CHECK(none.runs[0].baseline_setting.empty());
  CHECK(none.runs[0].id == e.runs[0].id);
}

TEST_CASE("run ids are stable: same config same id, key order and spelling do not matter", "[config][sweep][ids]") {
  const Experiment a = load_experiment(data_file("good_copy.yaml"), {});
  const Experiment b = load_experiment(data_file("good_copy.yaml"), {});
  const Experiment reordered = load_experiment(data_file("good_copy_reordered.yaml"), {});
  REQUIRE(a.runs.size() == reordered.runs.size());
  for (size_t i = 0; i < a.runs.size(); ++i) {
    CHECK(a.runs[i].id == b.runs[i].id);
    CHECK(a.runs[i].id == reordered.runs[i].id);
  }
  // run.* does not change ids; any setting of the run does.
  const Experiment jobs = load_experiment(data_file("good_copy.yaml"), {"run.jobs=1", "run.output=x", "run.threads_per_run=2"});
  CHECK(jobs.jobs == 1);
  CHECK(jobs.runs[0].config.threads == 2);
  CHECK(ids(jobs) == ids(a));
  const Experiment lr = load_experiment(data_file("good_copy.yaml"), {"train.optimizer.lr=0.004"});
  for (size_t i = 0; i < a.runs.size(); ++i) CHECK(lr.runs[i].id != a.runs[i].id);
  const Experiment delay = load_experiment(data_file("good_copy.yaml"), {"task.delay=6"});
  CHECK(delay.runs[0].id != a.runs[0].id);
}

TEST_CASE("a resolved run reads back to the same configuration and id", "[config][sweep][ids]") {
  const Experiment e = load_experiment(data_file("good_copy.yaml"), {});
  for (const auto& r : e.runs) {
    const RunConfig back = run_config_from_yaml(resolved_config(r), "config.yaml");
    CHECK(run_id(back) == r.id);
    CHECK(canonical_text(back) == canonical_text(r.config));
  }
  // The canonical text lists every setting once, sorted, without run.*.
  const std::string text = canonical_text(e.runs[0].config);
  CHECK(text.find("train.tbptt.k1=5\n") != std::string::npos);
  CHECK(text.find("run.") == std::string::npos);
  CHECK(text.rfind("eval.every=5\n", 0) == 0);
}
