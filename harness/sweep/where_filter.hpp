// The `where` step of the expansion (sweep/expand.hpp): sweep.where parsed once, its names
// resolved to swept keys (a name may be a key's last component when that is unambiguous).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/config/config_node.hpp"
#include "harness/sweep/where_expr.hpp"

namespace tbptt {

class WhereFilter {
 public:
  // No node: every run is kept. Throws ConfigError at the offending name or token.
  WhereFilter(const std::optional<ConfigNode>& node, const std::vector<std::string>& axis_leaves);
  // Whether the run with these swept texts is kept; `label` names the run in an error.
  bool keep(const std::map<std::string, std::string>& swept, const std::function<std::string()>& label) const;

 private:
  Loc at(size_t offset) const;
  std::optional<ConfigNode> node_;
  WhereExpr expr_;
  std::map<std::string, std::string> name_to_key_;
};

}  // namespace tbptt
