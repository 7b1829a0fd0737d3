// Makes one run of a sweep from its combination (sweep/expand.hpp): the base settings with each
// axis's value applied (and the baseline's on top, for a baseline run), then the RunConfig, the
// swept texts tables show and the setting that groups the seeds. Nothing is parsed here: every
// value was parsed once by the axes step.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/sweep/axes.hpp"
#include "harness/sweep/combinations.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

class RunMaker {
 public:
  // sweep_loc: where `sweep:` was written (the cap's message points there).
  RunMaker(ConfigNode base_tree, Settings base, Axes axes, Baseline baseline, const Loc& sweep_loc);

  const Axes& axes() const { return axes_; }
  const Baseline& baseline() const { return baseline_; }
  const Combinations& combinations() const { return combinations_; }
  const std::vector<std::string>& swept_keys() const { return swept_keys_; }

  Settings settings_of(const std::vector<size_t>& digits, bool with_baseline) const;
  // The run's whole tree, as the file, --set and the sweep wrote it: only for error positions.
  ConfigNode tree_of(const std::vector<size_t>& digits, bool with_baseline) const;
  // config, swept, setting and is_baseline (id and cost are left to the caller).
  RunSpec spec_of(const Settings& settings, bool is_baseline) const;
  // "k1=5 k2=full seed=1" (with_seed) or without the seed: what groups the seeds of one setting.
  std::string setting_of(const std::map<std::string, std::string>& swept, bool with_seed) const;

 private:
  ConfigNode base_tree_;
  Settings base_;
  Axes axes_;
  Baseline baseline_;
  Combinations combinations_;
  std::vector<std::string> swept_keys_;
  std::vector<std::string> short_names_;  // of swept_keys_
};

}  // namespace tbptt
