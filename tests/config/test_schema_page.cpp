// experiments/SCHEMA.md is generated (`tbptt schema --markdown`): the committed page must be
// what the schema table, the task registry and schema_page.cpp give today.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "harness/config/experiment.hpp"

using namespace tbptt;

TEST_CASE("the committed experiments/SCHEMA.md is the generated page", "[config][schema]") {
  std::ifstream in(std::string(TBPTT_SOURCE_DIR) + "/experiments/SCHEMA.md", std::ios::binary);
  REQUIRE(in);
  std::stringstream committed;
  committed << in.rdbuf();
  const std::string generated = schema_markdown();
  INFO("regenerate: build/harness/tbptt schema --markdown > experiments/SCHEMA.md");
  CHECK(committed.str() == generated);
  // Every key of the schema table has its row, every task kind its section.
  CHECK(generated.find("| `train.diverge_factor` | a number > 0 or \"off\" | `10` |") != std::string::npos);
  CHECK(generated.find("| `run.time_limit` | a number > 0 or \"off\" | `off` |") != std::string::npos);
  CHECK(generated.find("\n### copy\n") != std::string::npos);
}
