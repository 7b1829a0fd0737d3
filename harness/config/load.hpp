// Building an experiment's tree: the file, its `base:` chain and the --set overrides, before
// validation. Exposed for tests and for tools that want the merged tree without expanding it.
#pragma once

#include <string>
#include <vector>

#include "harness/config/config_node.hpp"

namespace tbptt {

// Reads path and its bases (each relative to the file naming it), merged; `base` removed.
ConfigNode read_with_bases(const std::string& path);
// Applies one "key.path=value" override; errors are at <command line>:1:COLUMN.
void apply_override(ConfigNode& root, const std::string& override_text);

}  // namespace tbptt
