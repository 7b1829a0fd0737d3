// The first steps of the expansion (sweep/expand.hpp): the axes of `sweep:` and the `baseline:`
// settings, each value checked where it was written and parsed once (an Assignment).
#pragma once

#include <string>
#include <vector>

#include "harness/config/config_node.hpp"
#include "harness/config/settings.hpp"

namespace tbptt {

class Diagnostics;

struct Axis {
  std::string path;
  std::vector<std::string> parts;
  std::vector<ConfigNode> values;       // as written (for the tree an error message points into)
  std::vector<Assignment> assignments;  // the same values, parsed
};

struct Axes {
  std::vector<Axis> axes;               // in file order, `where` excluded
  std::optional<ConfigNode> where;      // sweep.where, a scalar
  std::vector<std::string> leaves;      // the axes' leaf keys, in order
};

struct BaselineSetting {
  std::vector<std::string> parts;
  ConfigNode value;
  Assignment assignment;
};

struct Baseline {
  bool use = true;        // false: `baseline: none`
  bool implicit = false;  // the default full-BPTT baseline (dropped where full cannot run)
  std::vector<BaselineSetting> settings;
};

// root: the experiment tree; base: root without sweep:, baseline: and base:.
Axes read_axes(const ConfigNode& root, const ConfigNode& base, Diagnostics& d);
Baseline read_baseline(const ConfigNode& root, const ConfigNode& base, const Axes& axes, Diagnostics& d);
// The swept keys: the axes' leaves, then the baseline's other leaves.
std::vector<std::string> swept_keys(const Axes& axes, const Baseline& baseline);

}  // namespace tbptt
