// Test helpers: a small hand-made Experiment (no YAML loader needed), a deterministic fake runner,
// scratch folders, and a folder snapshot to compare two sweeps file by file.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "harness/report/outcome.hpp"
#include "harness/sweep/run_spec.hpp"
#include "harness/sweep/experiment.hpp"

namespace tbptt::test {

// k1 in {5, 10, full} x seed in {1..seeds}; baseline setting "k1=full". Costs differ per k1
// (full is the most expensive). Ids are "run-<k1>-<seed>" padded to sort as written.
Experiment fake_experiment(int seeds, const std::string& output);

// Deterministic outcome from the spec alone: loss, accuracy, cpu/wall seconds, tokens, a curve.
RunOutcome fake_outcome(const RunSpec& spec);

// Counts how often each id was run (thread-safe); optionally throws for listed ids.
class CountingRunner {
 public:
  explicit CountingRunner(std::vector<std::string> failing = {}) : failing_(std::move(failing)) {}
  RunOutcome operator()(const RunSpec& spec);
  std::map<std::string, int> counts() const;
  int total() const;

 private:
  std::vector<std::string> failing_;
  mutable std::mutex mutex_;
  std::map<std::string, int> counts_;
};

// A fresh empty folder under the temp directory (removed first if it exists, and again when
// the test program ends). Not thread-safe: call from the test thread.
std::filesystem::path scratch_dir(const std::string& name);

// Relative path -> content of every regular file under root (recursive), lock files aside (they
// hold the pid and time of their last holder).
std::map<std::string, std::string> snapshot(const std::filesystem::path& root);

}  // namespace tbptt::test
