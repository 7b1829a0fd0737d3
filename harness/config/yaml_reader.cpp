#include "harness/config/yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tbptt {

ConfigNode read_config_file(const std::string& path, const Loc& from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = std::strerror(errno);
    if (from.known()) throw ConfigError(from, "base", "cannot read " + path + ": " + why);
    throw ConfigError(Loc{path, 1, 1}, "", "cannot read the file: " + why);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buffer.str());
  } catch (const YAML::Exception& e) {
    throw ConfigError(Loc{path, e.mark.line + 1, e.mark.column + 1}, "", "invalid YAML: " + e.msg);
  }
  const Loc top{path, 1, 1};
  if (!root.IsDefined() || root.IsNull()) return ConfigNode::map(top);
  return ConfigNode::from_yaml(root, path, top);
}

ConfigNode parse_config_text(const std::string& text, const Loc& at) {
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Loc{at.file, at.line, at.column + e.mark.column}, "", "invalid YAML: " + e.msg);
  }
  if (!node.IsDefined() || node.IsNull()) {
    ConfigNode n;
    n.set_loc(at);
    return n;
  }
  return ConfigNode::from_yaml(node, at.file, at, at.line - 1, at.column - 1);
}

std::optional<int64_t> scalar_int(const ConfigNode& n) {
  if (!n.is_scalar() || n.quoted() || n.text().empty()) return std::nullopt;
  const std::string& s = n.text();
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  const char* e = s.data() + s.size();
  int64_t v = 0;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc() && p == e) return v;
  // 1e6 and 1.0e6 are integers too when exactly integral.
  if (auto d = scalar_number(n); d && std::floor(*d) == *d && std::fabs(*d) < 9.0e15) return static_cast<int64_t>(*d);
  return std::nullopt;
}

std::optional<double> scalar_number(const ConfigNode& n) {
  if (!n.is_scalar() || n.quoted() || n.text().empty()) return std::nullopt;
  const std::string& s = n.text();
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  const char* e = s.data() + s.size();
  double v = 0;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  // from_chars accepts "inf"/"nan" spellings; isfinite rejected those. Reject hex floats too.
  if (s.find_first_of("xXpP") != std::string::npos) return std::nullopt;
  return v;
}

std::optional<bool> scalar_bool(const ConfigNode& n) {
  if (!n.is_scalar() || n.quoted()) return std::nullopt;
  const std::string& s = n.text();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

bool scalar_is(const ConfigNode& n, const char* word) {
  return n.is_scalar() && n.text() == word;
}

std::string format_number(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, p);
}

}  // namespace tbptt
