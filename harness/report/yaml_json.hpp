// Converts a YAML tree (the resolved experiment) to JSON for manifest.json.
// Plain scalars become numbers when they read entirely as an integer or a finite decimal,
// booleans only for exactly true/false, null for ~/null/empty; everything else (including
// "full", "off", "yes", ".inf" and every quoted scalar) stays a string, so no value is reinterpreted.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace tbptt {

nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace tbptt
