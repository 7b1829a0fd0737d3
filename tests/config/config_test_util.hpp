// Helpers for the config tests: paths into tests/data/config and the text of a load error.
#pragma once

#include <string>
#include <vector>

#include "harness/config/experiment.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt::test {

inline std::string data_file(const std::string& name) { return std::string(TBPTT_TEST_DATA) + "/config/" + name; }

// The first error line load_experiment reports, or "no error".
inline std::string load_error(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    load_experiment(path, sets);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace tbptt::test
