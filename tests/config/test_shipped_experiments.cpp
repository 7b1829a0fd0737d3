// Every experiment file the repository ships loads, validates and expands.
#include <catch2/catch.hpp>

#include <filesystem>

#include "config/config_test_util.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using namespace tbptt::test;
namespace fs = std::filesystem;

TEST_CASE("every shipped experiment validates", "[config][experiments]") {
  // Paths inside experiments (the text corpus) are relative to the repository root.
  const fs::path root(TBPTT_SOURCE_DIR);
  const fs::path previous = fs::current_path();
  fs::current_path(root);
  int checked = 0;
  for (const auto& dir : {root / "experiments", root / "experiments" / "paper"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      const std::string file = entry.path().string();
      const std::string error = load_error(file);
      if (error.find("data/kjv.txt") != std::string::npos && !fs::exists(root / "data" / "kjv.txt")) {
        WARN(file << ": skipped, the corpus is missing (bash scripts/get_corpus.sh)");
        continue;
      }
      INFO(file);
      CHECK(error == "no error");
      ++checked;
    }
  }
  fs::current_path(previous);
  CHECK(checked >= 5);
}

TEST_CASE("the quick start is a small truncation sweep with its full-BPTT baselines", "[config][experiments]") {
  const Experiment e = load_experiment(std::string(TBPTT_SOURCE_DIR) + "/experiments/quickstart.yaml", {});
  int baselines = 0;
  for (const auto& r : e.runs) {
    baselines += r.is_baseline;
    CHECK(!r.baseline_setting.empty());
  }
  CHECK(baselines >= 1);
  CHECK(e.runs.size() <= 16);
}
