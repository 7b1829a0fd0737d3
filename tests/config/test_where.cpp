// The where: expression parser and evaluator.
#include <catch2/catch.hpp>

#include <map>

#include "harness/sweep/where_expr.hpp"

using namespace tbptt;

namespace {

bool eval(const std::string& text, const std::map<std::string, std::string>& values) {
  return WhereExpr::parse(text).eval([&](const std::string& n) { return values.at(n); });
}

size_t error_offset(const std::string& text) {
  try {
    WhereExpr::parse(text);
  } catch (const WhereError& e) {
    return e.offset();
  }
  return 999;
}

}  // namespace

TEST_CASE("where: comparisons, full as +infinity, boolean operators", "[config][where]") {
  const std::map<std::string, std::string> v = {{"k1", "5"}, {"k2", "full"}, {"threshold", "off"},
                                                {"cell", "lstm"}, {"recompute", "true"}};
  CHECK(eval("k2 >= k1", v));
  CHECK_FALSE(eval("k2 < k1", v));
  CHECK(eval("k2 == full", v));
  CHECK(eval("k1 == 5.0", v));
  CHECK(eval("k1 != 4", v));
  CHECK(eval("threshold == off", v));
  CHECK_FALSE(eval("threshold == full", v));
  CHECK(eval("cell == 'lstm' and not (k1 > 10)", v));
  CHECK(eval("k1 > 10 or recompute", v));
  CHECK_FALSE(eval("not recompute", v));
  CHECK(eval("k1 <= 5 and k1 >= 5 and k2 > 1e9", v));
  CHECK(eval("train.tbptt.k1 == 5", {{"train.tbptt.k1", "5"}}));
}

TEST_CASE("where: syntax and type errors carry the offset", "[config][where]") {
  CHECK(error_offset("k1 >") == 4);
  CHECK(error_offset("(k1 > 2") == 7);
  CHECK(error_offset("k1 = 2") == 3);
  CHECK(error_offset("k1 > 2 k2") == 7);
  CHECK(error_offset("k1 < k2 < 3") == 8);
  CHECK(error_offset("'abc") == 0);
  CHECK(error_offset("k1 > 2 and") == 10);
  try {
    eval("cell < 3", {{"cell", "lstm"}});
    FAIL("no error");
  } catch (const WhereError& e) {
    CHECK(std::string(e.what()) == "cannot order lstm and 3 with <");
    CHECK(e.offset() == 5);
  }
  try {
    eval("k1 and k2 > 1", {{"k1", "5"}, {"k2", "3"}});
    FAIL("no error");
  } catch (const WhereError& e) {
    CHECK(std::string(e.what()) == "'and' needs true or false, got 5");
  }
}
