#include "harness/report/yaml_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace tbptt {
namespace {

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted in the file: a string by intent
  if (text == "true") return true;
  if (text == "false") return false;
  if (text.empty() || text == "~" || text == "null") return nullptr;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  int64_t integer = 0;
  if (auto [ptr, ec] = std::from_chars(first, last, integer); ec == std::errc() && ptr == last) {
    return integer;
  }
  double number = 0;
  if (auto [ptr, ec] = std::from_chars(first, last, number);
      ec == std::errc() && ptr == last && std::isfinite(number)) {
    return number;
  }
  return text;
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) {
  if (!node.IsDefined()) return nullptr;
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      // ordered_json would keep file order, but manifest consumers index by key; keys sort.
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace tbptt
