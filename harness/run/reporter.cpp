#include "harness/run/reporter.hpp"

#include <exception>
#include <stdexcept>

namespace tbptt {

RunOutcome unrecorded_outcome(const std::string& what) {
  RunOutcome outcome;
  outcome.status = RunStatus::failed;
  outcome.reason = "could not write results: " + what;
  return outcome;
}

void ReporterChain::begin(const SweepStart& start) {
  for (auto* r : reporters_) r->begin(start);
}

void ReporterChain::run_started(const RunSpec& spec) {
  for (auto* r : reporters_) r->run_started(spec);
}

void ReporterChain::run_finished(const RunSpec& spec, const RunOutcome& outcome, double seconds) {
  std::exception_ptr error;
  RunOutcome failed;
  for (auto* r : reporters_) {
    try {
      r->run_finished(spec, error ? failed : outcome, seconds);
    } catch (const std::exception& e) {
      if (error) continue;  // the first failure is the one passed on
      error = std::current_exception();
      failed = unrecorded_outcome(e.what());
    }
  }
  if (error) std::rethrow_exception(error);
}

void ReporterChain::run_abandoned(const RunSpec& spec) {
  for (auto* r : reporters_) r->run_abandoned(spec);
}

void ReporterChain::end(const SweepEnd& end) {
  for (auto* r : reporters_) r->end(end);
}

}  // namespace tbptt
