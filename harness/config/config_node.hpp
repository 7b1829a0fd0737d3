// ConfigNode: a YAML document tree that remembers where every key and value was written.
//
// yaml-cpp nodes carry a 0-based line/column but no file name, and lose both when trees from
// several files (`base:`), command-line overrides (--set) and sweep values are merged. A
// ConfigNode keeps, for every node, the Loc (file, 1-based line and column) of its value and of
// its key in the parent map, so that any error can point at what the user wrote. Maps keep their
// keys in file order. A scalar keeps its text as written and whether it was quoted (a quoted
// scalar is always a string: `k1: "5"` is not an integer).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

#include "harness/config/error.hpp"

namespace tbptt {

class ConfigNode {
 public:
  enum class Kind { null, scalar, list, map };

  ConfigNode() = default;
  static ConfigNode scalar(std::string text, Loc loc, bool quoted = false);
  static ConfigNode map(Loc loc);
  static ConfigNode list(Loc loc);

  // Converts a parsed yaml-cpp tree; positions get `file` and (line0, col0) added to yaml-cpp's
  // 0-based marks (nodes without a mark get `fallback`). Errors (ConfigError): duplicate map
  // keys; keys or scalars that are not UTF-8 text or hold a NUL byte (they end up in folder
  // names and JSON); nesting deeper than kMaxDepth; more than kMaxNodes nodes once YAML aliases
  // are expanded (yaml-cpp shares an aliased subtree, this tree copies it: a 1 KB alias bomb
  // would otherwise become gigabytes).
  static constexpr int kMaxDepth = 100;
  static constexpr size_t kMaxNodes = 1000000;
  // `at_path` (dotted) is where the tree will stand (a --set value), for the messages.
  static ConfigNode from_yaml(const YAML::Node& node, const std::string& file, const Loc& fallback,
                              int line0 = 0, int col0 = 0, const std::string& at_path = "");
  YAML::Node to_yaml() const;

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_list() const { return kind_ == Kind::list; }
  bool is_map() const { return kind_ == Kind::map; }

  const std::string& text() const { return text_; }  // scalar text as written
  bool quoted() const { return quoted_; }
  const Loc& loc() const { return loc_; }          // where the value starts
  const Loc& key_loc() const { return key_loc_; }  // where its key starts (map entries)
  void set_loc(const Loc& loc) { loc_ = loc; }
  void set_key_loc(const Loc& loc) { key_loc_ = loc; }

  // How an error shows this value after "got": the scalar as written (quoted if it was),
  // "a map", "a list" or "nothing".
  std::string shown() const;

  // Map access, keys in file order.
  const std::vector<std::pair<std::string, ConfigNode>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, ConfigNode>>& entries() { return entries_; }
  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  ConfigNode& set(const std::string& key, ConfigNode value);  // replaces in place or appends
  bool erase(const std::string& key);

  // List access.
  const std::vector<ConfigNode>& items() const { return items_; }
  std::vector<ConfigNode>& items() { return items_; }

  // Follows nested maps along the path components; nullptr if any is missing or not a map.
  const ConfigNode* find_path(const std::vector<std::string>& path) const;
  // Where to point for path: its value if it exists, else the key of the deepest existing map
  // along it (a missing key has no position of its own).
  Loc nearest_loc(const std::vector<std::string>& path) const;
  // Sets the value at path, creating (or replacing non-map) intermediate maps with `loc`.
  void set_path(const std::vector<std::string>& path, ConfigNode value, const Loc& loc);

  // Deep merge: `over` wins; maps merge key by key, anything else replaces. A null in `over`
  // removes the key (so a derived file can drop a setting of its base).
  static ConfigNode merge(const ConfigNode& base, const ConfigNode& over);

 private:
  struct Builder;  // from_yaml's walk: position offsets, depth and node budget
  friend struct Builder;

  Kind kind_ = Kind::null;
  std::string text_;
  bool quoted_ = false;
  Loc loc_, key_loc_;
  std::vector<std::pair<std::string, ConfigNode>> entries_;
  std::vector<ConfigNode> items_;
};

// Splits "train.tbptt.k1" into its components.
std::vector<std::string> split_path(const std::string& dotted);
std::string join_path(const std::vector<std::string>& path, size_t count = std::string::npos);

}  // namespace tbptt
