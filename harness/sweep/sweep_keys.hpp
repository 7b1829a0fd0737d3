// The dotted keys of sweep: and baseline:, and how tables name them (shared by the steps of the
// expansion, sweep/expand.hpp).
#pragma once

#include <string>
#include <vector>

#include "harness/config/config_node.hpp"

namespace tbptt {

class Diagnostics;

// name, base, run.*, report.*, sweep, baseline: keys that apply to the whole experiment.
bool whole_experiment_key(const std::string& path);
// Whether a is b or an ancestor/descendant of b, component-wise.
bool overlaps(const std::string& a, const std::string& b);
// The dotted leaf keys of a value written at `prefix` (itself for a scalar), appended once each.
void add_leaves(const ConfigNode& n, const std::string& prefix, std::vector<std::string>& out);
// "train.tbptt.k1" ends with the component "k1".
bool ends_with_component(const std::string& key, const std::string& last);
// The key's last component when no other key of `all` ends with it, else the whole key.
std::string short_name(const std::string& key, const std::vector<std::string>& all);
// Checks a key of sweep: or baseline: (section), reporting to d; true when it may be used.
bool check_key(const std::string& section, const std::string& key, const ConfigNode& value, const ConfigNode& base,
               Diagnostics& d);

}  // namespace tbptt
