#include "harness/config/load.hpp"

#include <algorithm>
#include <filesystem>

#include "harness/config/experiment.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/validate.hpp"
#include "harness/config/yaml_reader.hpp"

namespace tbptt {
namespace {

namespace fs = std::filesystem;

const char kCommandLine[] = "<command line>";

ConfigNode read_chain(const std::string& path, const Loc& from, std::vector<std::string>& chain,
                      std::vector<std::string>& shown) {
  std::error_code ec;
  const std::string key = fs::weakly_canonical(fs::path(path), ec).string();
  const std::string id = ec ? path : key;
  if (std::find(chain.begin(), chain.end(), id) != chain.end()) {
    std::string cycle;
    for (const auto& s : shown) cycle += s + " -> ";
    throw ConfigError(from, "base", "cycle: " + cycle + path);
  }
  chain.push_back(id);
  shown.push_back(path);
  ConfigNode node = read_config_file(path, from);
  if (const ConfigNode* b = node.is_map() ? node.find("base") : nullptr) {
    if (!b->is_scalar() || b->text().empty())
      throw ConfigError(b->loc(), "base", "expected the path of another experiment file, got " + b->shown());
    const fs::path base_path = fs::path(path).parent_path() / b->text();
    const Loc at = b->loc();
    ConfigNode parent = read_chain(base_path.lexically_normal().string(), at, chain, shown);
    node.erase("base");
    node = ConfigNode::merge(parent, node);
  }
  chain.pop_back();
  shown.pop_back();
  return node;
}

}  // namespace

ConfigNode read_with_bases(const std::string& path) {
  std::vector<std::string> chain, shown;
  return read_chain(path, Loc{}, chain, shown);
}

void apply_override(ConfigNode& root, const std::string& text) {
  const Loc start{kCommandLine, 1, 1};
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(start, "", "expected key.path=value, got " + text);
  const std::string key = text.substr(0, eq);
  std::vector<std::string> parts = split_path(key);
  if (std::find(parts.begin(), parts.end(), "") != parts.end())
    throw ConfigError(start, key, "expected a dotted key path such as train.tbptt.k1");
  if (parts.front() == "base") throw ConfigError(start, key, "cannot be set from the command line");
  if ((parts.front() == "sweep" || parts.front() == "baseline") && parts.size() > 2)
    parts = {parts.front(), key.substr(parts.front().size() + 1)};
  ConfigNode value = parse_config_text(text.substr(eq + 1), Loc{kCommandLine, 1, static_cast<int>(eq) + 2}, key);
  value.set_key_loc(start);
  if (!root.is_map()) root = ConfigNode::map(root.loc());
  const ConfigNode* old = root.find_path(parts);
  root.set_path(parts, old != nullptr && old->is_map() && value.is_map() ? ConfigNode::merge(*old, value) : value,
                start);
}

RunConfig run_config_from_yaml(const YAML::Node& resolved_run, const std::string& file) {
  const Loc top{file, 1, 1};
  ConfigNode tree = resolved_run.IsDefined() && !resolved_run.IsNull()
                        ? ConfigNode::from_yaml(resolved_run, file, top)
                        : ConfigNode::map(top);
  Diagnostics d;
  const Settings settings = check_tree(tree, d, TreeMode::run);
  d.throw_if_any();
  RunConfig c = build_run_config(settings);
  check_run(c, tree);
  return c;
}

}  // namespace tbptt
