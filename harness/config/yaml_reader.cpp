#include "harness/config/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "harness/tasks/input_file.hpp"
#include "harness/tasks/text_corpus.hpp"

namespace tbptt {

namespace {

// An experiment is a page of settings; 16 MiB is thousands of times the largest one shipped, and
// small enough that parsing whatever is in it takes seconds, not minutes.
constexpr uint64_t kMaxExperimentBytes = 16ull * 1024 * 1024;

// 1-based line and column of a byte offset (columns count bytes, as yaml-cpp's marks do).
Loc loc_of_offset(const std::string& file, const std::string& text, size_t offset) {
  Loc l{file, 1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++l.line;
      l.column = 1;
    } else {
      ++l.column;
    }
  }
  return l;
}

// Where flow nesting ([ and {) first goes deeper than `limit`, outside quotes and comments; the
// end of the text when it never does (block nesting: yaml-cpp's own mark is no better).
size_t deep_nesting_offset(const std::string& text, int limit) {
  int depth = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (comment) {
      comment = c != '\n';
    } else if (quote) {
      if (quote == '"' && c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return text.size();
}

YAML::Node parse_yaml(const std::string& text, const std::string& file, int line0, int col0) {
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion&) {
    // yaml-cpp stops at 500 levels with "bad file" and the scanner's position; the tree's own
    // limit is lower, so report that, at the bracket that crosses it.
    Loc at = loc_of_offset(file, text, deep_nesting_offset(text, ConfigNode::kMaxDepth));
    at.line += line0;
    at.column += at.line == line0 + 1 ? col0 : 0;
    throw ConfigError(at, "", "invalid YAML: nested deeper than " + std::to_string(ConfigNode::kMaxDepth) + " levels");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line < 0 ? 0 : e.mark.line, column = e.mark.column < 0 ? 0 : e.mark.column;
    throw ConfigError(Loc{file, line0 + line + 1, (line == 0 ? col0 : 0) + column + 1}, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace

ConfigNode read_config_file(const std::string& path, const Loc& from) {
  std::string text;
  try {
    text = read_input_file(path, kMaxExperimentBytes, "an experiment file");
  } catch (const InputFileError& e) {
    if (from.known()) throw ConfigError(from, "base", path + " " + e.what());
    throw ConfigError(Loc{path, 1, 1}, "", std::string("the file ") + e.what());
  }
  return parse_config_document(text, path);
}

ConfigNode parse_config_document(const std::string& text, const std::string& path) {
  // Before yaml-cpp sees it: every byte must be UTF-8 text (names become folder names and JSON).
  if (const size_t bad = invalid_utf8_offset(text); bad != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw ConfigError(loc_of_offset(path, text, bad), "",
                      text[bad] == 0 ? std::string("a NUL byte: the file is not text")
                                     : std::string("the byte ") + hex + " is not UTF-8 text");
  }
  const YAML::Node root = parse_yaml(text, path, 0, 0);
  const Loc top{path, 1, 1};
  if (!root.IsDefined() || root.IsNull()) throw ConfigError(top, "", "the experiment is empty");
  return ConfigNode::from_yaml(root, path, top);
}

ConfigNode parse_config_text(const std::string& text, const Loc& at, const std::string& at_path) {
  const YAML::Node node = parse_yaml(text, at.file, at.line - 1, at.column - 1);
  if (!node.IsDefined() || node.IsNull()) {
    ConfigNode n;
    n.set_loc(at);
    return n;
  }
  return ConfigNode::from_yaml(node, at.file, at, at.line - 1, at.column - 1, at_path);
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
