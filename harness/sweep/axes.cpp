#include "harness/sweep/axes.hpp"

#include <algorithm>

#include "harness/config/error.hpp"
#include "harness/config/validate.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/sweep_keys.hpp"

namespace tbptt {

Axes read_axes(const ConfigNode& root, const ConfigNode& base, Diagnostics& d) {
  Axes out;
  const ConfigNode* sweep = root.find("sweep");
  if (sweep == nullptr || sweep->is_null()) return out;
  if (!sweep->is_map()) {
    d.add(sweep->loc(), "sweep", "expected a map of dotted keys to lists of values, got " + sweep->shown());
    return out;
  }
  for (const auto& [key, v] : sweep->entries()) {
    if (key == "where") {
      if (!v.is_scalar())
        d.add(v.loc(), "sweep.where", "expected an expression such as \"k2 >= k1\", got " + v.shown());
      else
        out.where = v;
      continue;
    }
    if (!check_key("sweep", key, v, base, d)) continue;
    if (!v.is_list() || v.items().empty()) {
      d.add(v.loc(), "sweep." + key,
            "expected a non-empty list of values, got " + (v.is_list() ? std::string("an empty list") : v.shown()));
      continue;
    }
    const std::string& name = key;  // clang 14 cannot capture a structured binding
    const auto other = std::find_if(out.axes.begin(), out.axes.end(), [&](const Axis& a) { return overlaps(a.path, name); });
    if (other != out.axes.end()) {
      d.add(v.key_loc(), "sweep." + key, "overlaps sweep." + other->path + "; sweep one of them");
      continue;
    }
    Axis axis{key, split_path(key), {}, {}};
    for (const auto& item : v.items()) {
      axis.assignments.push_back(check_value_at(base, key, item, d));
      axis.values.push_back(item);
    }
    out.axes.push_back(std::move(axis));
  }
  for (const auto& a : out.axes)
    for (const ConfigNode& v : a.values) add_leaves(v, a.path, out.leaves);
  return out;
}

Baseline read_baseline(const ConfigNode& root, const ConfigNode& base, const Axes& axes, Diagnostics& d) {
  Baseline out;
  auto add = [&](const std::string& key, const ConfigNode& v) {
    out.settings.push_back(BaselineSetting{split_path(key), v, check_value_at(base, key, v, d)});
  };
  const ConfigNode* node = root.find("baseline");
  if (node == nullptr || node->is_null()) {
    out.implicit = true;
    const Loc unknown{};
    // Full BPTT is the fixed scheme with k1 = k2 = full; `kind` is named only where the
    // experiment mentions it (so that tables of fixed-only sweeps keep their columns).
    const bool mentions_kind = base.find_path({"train", "tbptt", "kind"}) != nullptr ||
                               std::find(axes.leaves.begin(), axes.leaves.end(), "train.tbptt.kind") != axes.leaves.end();
    if (mentions_kind) add("train.tbptt.kind", ConfigNode::scalar("fixed", unknown));
    add("train.tbptt.k1", ConfigNode::scalar("full", unknown));
    add("train.tbptt.k2", ConfigNode::scalar("full", unknown));
  } else if (scalar_is(*node, "none")) {
    out.use = false;
  } else if (!node->is_map() || node->entries().empty()) {
    d.add(node->loc(), "baseline", "expected a map of dotted keys to values, or none, got " + node->shown());
  } else {
    for (const auto& [key, v] : node->entries()) {
      if (!check_key("baseline", key, v, base, d)) continue;
      if (v.is_list()) {
        d.add(v.loc(), "baseline." + key, "expected one value, got a list (lists of values belong under sweep:)");
        continue;
      }
      add(key, v);
    }
  }
  return out;
}

std::vector<std::string> swept_keys(const Axes& axes, const Baseline& baseline) {
  std::vector<std::string> out = axes.leaves;
  for (const auto& s : baseline.settings) add_leaves(s.value, join_path(s.parts), out);
  return out;
}

}  // namespace tbptt
