// The quick start (experiments/quickstart.yaml) through the real executable at reduced size:
// its table.md has the cost-to-target section first and the equal-budget section second.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>

#include "fake_sweep.hpp"
#include "harness/report/atomic_file.hpp"

namespace fs = std::filesystem;

TEST_CASE("the quick start's table has both sections", "[run][quickstart]") {
  const fs::path dir = tbptt::test::scratch_dir("quickstart");
  const std::string command = std::string("'") + TBPTT_BINARY + "' run '" + TBPTT_SOURCE_DIR +
                              "/experiments/quickstart.yaml' --output '" + (dir / "out").string() +
                              "' --jobs 2 --set train.tokens=76800 --set model.hidden=8"
                              " --set 'sweep.seed=[1, 2]' --set eval.fidelity=false >'" +
                              (dir / "log").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  INFO(tbptt::read_file(dir / "log"));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::string md = tbptt::read_file(dir / "out" / "table.md");
  INFO(md);
  const auto cost = md.find("## Cost to reach the target"), budget = md.find("## Equal token budget");
  REQUIRE(cost != std::string::npos);
  REQUIRE(budget != std::string::npos);
  CHECK(cost < budget);
  CHECK(md.find("| setting | k2 | effective context | reached | cpu s to target |") < budget);
  CHECK(md.find("| k1=4 k2=4 | 4 |") < budget);
  CHECK(md.find("| k1=full k2=full (baseline) | full |") < budget);
  const std::string csv = tbptt::read_file(dir / "out" / "summary.csv");
  CHECK(csv.find("reached_target") != std::string::npos);
  CHECK(csv.find("eval_cpu_seconds") != std::string::npos);
}
