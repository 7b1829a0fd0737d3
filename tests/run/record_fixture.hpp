// A finished run record of a fake k1 sweep for the report tests: setting "k1=N" (baseline
// "k1=full"), the seed taken from the id's last character.
#pragma once

#include <string>

#include "harness/report/table.hpp"

namespace tbptt::test {

inline RunRecord fake_record(const std::string& id, const std::string& setting, RunStatus status) {
  RunRecord r;
  r.id = id;
  r.setting = setting;
  r.baseline_setting = "k1=full";
  r.is_baseline = setting == "k1=full";
  r.swept = {{"train.tbptt.k1", setting.substr(3)}, {"seed", id.substr(id.size() - 1)}};
  r.done = true;
  r.status = status;
  return r;
}

}  // namespace tbptt::test
