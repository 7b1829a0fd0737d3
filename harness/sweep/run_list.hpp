// The run list of an expanded sweep, lazy: it holds, per run, only which combination it comes from
// and its id (24 bytes), and makes the RunSpec when asked (RunMaker), so that validating a million-run sweep
// does not hold a million RunConfigs. Order and contents are those expand.hpp documents.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/sweep/run_maker.hpp"

namespace tbptt {

class RunList {
 public:
  struct Entry {
    uint64_t combination = 0;
    uint64_t id = 0;                    // run_id as a number: listing a run does not hash it again
    uint32_t baseline_setting = kNone;  // index into baseline_settings, or kNone
    bool from_baseline = false;         // made with the baseline's settings on top
    bool is_baseline = false;           // a baseline (possibly also a swept combination)
  };
  static constexpr uint32_t kNone = UINT32_MAX;

  RunList() = default;
  RunList(std::shared_ptr<const RunMaker> maker, std::vector<Entry> entries, std::vector<std::string> baseline_settings);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  RunSpec at(size_t i) const;
  bool is_baseline(size_t i) const { return entries_.at(i).is_baseline; }
  std::vector<RunSpec> materialize() const;

 private:
  std::shared_ptr<const RunMaker> maker_;
  std::vector<Entry> entries_;
  std::vector<std::string> baseline_settings_;
};

}  // namespace tbptt
