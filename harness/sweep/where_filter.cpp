#include "harness/sweep/where_filter.hpp"

#include <algorithm>

#include "harness/config/error.hpp"
#include "harness/config/suggest.hpp"
#include "harness/sweep/sweep_keys.hpp"

namespace tbptt {

Loc WhereFilter::at(size_t offset) const {
  Loc l = node_->loc();
  l.column += static_cast<int>(offset) + (node_->quoted() ? 1 : 0);
  return l;
}

WhereFilter::WhereFilter(const std::optional<ConfigNode>& node, const std::vector<std::string>& axis_leaves)
    : node_(node) {
  if (!node_) return;
  try {
    expr_ = WhereExpr::parse(node_->text());
  } catch (const WhereError& e) {
    throw ConfigError(at(e.offset()), "sweep.where", e.what());
  }
  std::vector<std::string> shorts;
  for (const auto& k : axis_leaves) shorts.push_back(short_name(k, axis_leaves));
  for (const auto& name : expr_.names()) {
    std::vector<std::string> hits;
    for (const auto& k : axis_leaves)
      if (k == name.text || ends_with_component(k, name.text)) hits.push_back(k);
    if (std::find(axis_leaves.begin(), axis_leaves.end(), name.text) != axis_leaves.end()) hits = {name.text};
    if (hits.empty())
      throw ConfigError(at(name.offset), "sweep.where",
                        "unknown name " + name.text + ", expected a swept key (" + join_names(shorts) +
                            "); quote text values: '" + name.text + "'");
    if (hits.size() > 1)
      throw ConfigError(at(name.offset), "sweep.where",
                        "ambiguous name " + name.text + " (" + join_names(hits) + "); write the full path");
    name_to_key_[name.text] = hits.front();
  }
}

bool WhereFilter::keep(const std::map<std::string, std::string>& swept, const std::function<std::string()>& label) const {
  if (!node_) return true;
  try {
    return expr_.eval([&](const std::string& name) { return swept.at(name_to_key_.at(name)); });
  } catch (const WhereError& e) {
    throw ConfigError(at(e.offset()), "sweep.where", std::string(e.what()) + " (in the run " + label() + ")");
  }
}

}  // namespace tbptt
