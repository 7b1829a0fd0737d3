#include "harness/report/outcome.hpp"

#include <stdexcept>

namespace tbptt {

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::ok: return "ok";
    case RunStatus::diverged: return "diverged";
    case RunStatus::failed: return "failed";
    case RunStatus::time_limit: return "time_limit";
  }
  return "failed";
}

RunStatus parse_run_status(const std::string& text) {
  for (RunStatus s : {RunStatus::ok, RunStatus::diverged, RunStatus::failed, RunStatus::time_limit}) {
    if (text == to_string(s)) return s;
  }
  throw std::invalid_argument("unknown run status \"" + text + "\" (expected ok, diverged, failed or time_limit)");
}

}  // namespace tbptt
