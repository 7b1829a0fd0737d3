// Sweep expansion: an experiment tree (after base: and --set) -> the list of runs.
//
// Axes: every key of `sweep:` except `where`, in file order; a key is a dotted path and its value
// a non-empty list. Scalars replace the value at the path; maps are merged at the path (paired
// settings, e.g. `train.tbptt: [{k1: 5, k2: 5}, {k1: 5, k2: 20}]`). The runs are the cartesian
// product, the first axis varying slowest, filtered by `where` (sweep/where_expr.hpp).
// Swept keys are the axes' leaf keys (a map axis contributes each dotted leaf it sets), followed
// by the baseline keys that are not swept.
//
// Baselines: `baseline:` (default {train.tbptt.k1: full, train.tbptt.k2: full}; `none`: no
// baselines) is applied on top of every combination of the sweep, before `where`; since it
// overrides its own keys, this gives one baseline per combination of the other swept keys. Runs
// are identified by id, so a swept combination equal to its baseline is one run (is_baseline).
// Every run's baseline_setting is the setting of the baseline it is compared with.
//
// Order: user runs in product order, then the baselines not already among them, in the order
// of their first combination. Each value is validated where it was written before anything is
// expanded; each run is then checked as a whole (task, k1/k2 full, memory).
#pragma once

#include <string>
#include <vector>

#include "harness/config/config_node.hpp"
#include "harness/config/settings.hpp"
#include "harness/sweep/run_list.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct ExpandedSweep {
  std::vector<std::string> swept_keys;
  RunList runs;
};

// root: the whole experiment tree, already checked by check_tree, whose result is base_settings
// (sweep: and baseline: are checked here). Throws ConfigError.
//
// The steps, one file each: the axes and the baseline (axes.hpp: each value checked and parsed
// once), `where` (where_filter.hpp), the combinations (combinations.hpp: an index, never a list),
// one run from its combination (run_maker.hpp), and the assembly below, which streams over the
// combinations once (checking each run, dropping duplicates and what `where` excludes) and keeps
// 24 bytes per run; the RunSpecs are made on demand (run_list.hpp).
ExpandedSweep expand_sweep(const ConfigNode& root, const Settings& base_settings);

// The estimated work of a run: tokens x hidden^2 x layers x gates x (1 + 2 k2/k1), with k1 and k2
// the truncation policy's mean chunk and window lengths (full: the longest episode); tokens is
// train.tokens, or updates x batch x k1.
double run_cost(const RunConfig& config);

}  // namespace tbptt
