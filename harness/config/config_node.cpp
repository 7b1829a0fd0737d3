#include "harness/config/config_node.hpp"

#include <cstdio>
#include <unordered_map>
#include <utility>

#include "harness/tasks/text_corpus.hpp"

namespace tbptt {
namespace {

Loc loc_of(const YAML::Node& n, const std::string& file, const Loc& fallback, int line0, int col0) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0 || m.column < 0) return fallback;
  Loc l;
  l.file = file;
  l.line = line0 + m.line + 1;
  l.column = (m.line == 0 ? col0 : 0) + m.column + 1;
  return l;
}

}  // namespace

ConfigNode ConfigNode::scalar(std::string text, Loc loc, bool quoted) {
  ConfigNode n;
  n.kind_ = Kind::scalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  n.loc_ = std::move(loc);
  return n;
}

ConfigNode ConfigNode::map(Loc loc) {
  ConfigNode n;
  n.kind_ = Kind::map;
  n.loc_ = std::move(loc);
  return n;
}

ConfigNode ConfigNode::list(Loc loc) {
  ConfigNode n;
  n.kind_ = Kind::list;
  n.loc_ = std::move(loc);
  return n;
}

struct ConfigNode::Builder {
  const std::string& file;
  int line0, col0;
  size_t nodes = 0;
  int depth = 0;                  // of the node being built (the root: 0)
  std::vector<std::string> path;  // keys from the root to it (list items share their list's)

  std::string dotted() const { return join_path(path); }

  void check_text(const std::string& text, const Loc& at, const char* what) const {
    const size_t bad = invalid_utf8_offset(text);
    if (bad == std::string::npos) return;
    const auto byte = static_cast<unsigned char>(text[bad]);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    throw ConfigError(at, dotted(), std::string("expected UTF-8 text without NUL bytes, got ") +
                                        (byte == 0 ? "a NUL byte" : std::string("the byte ") + hex) +
                                        " at byte " + std::to_string(bad + 1) + " of the " + what);
  }

  ConfigNode build(const YAML::Node& node, const Loc& fallback) {
    const Loc here = loc_of(node, file, fallback, line0, col0);
    if (++nodes > kMaxNodes)
      throw ConfigError(here, dotted(), "the document holds more than " + std::to_string(kMaxNodes) +
                                            " values once its YAML aliases are expanded");
    if (depth > kMaxDepth)
      throw ConfigError(here, dotted(), "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        check_text(node.Scalar(), here, "value");
        // yaml-cpp tags quoted scalars "!" and plain ones "?".
        return scalar(node.Scalar(), here, node.Tag() == "!");
      case YAML::NodeType::Sequence: {
        ConfigNode out = list(here);
        ++depth;
        for (const auto& item : node) out.items_.push_back(build(item, here));
        --depth;
        return out;
      }
      case YAML::NodeType::Map: {
        ConfigNode out = map(here);
        // Key -> index into entries_, so that a map of N keys loads in O(N), not O(N^2).
        std::unordered_map<std::string, size_t> seen;
        ++depth;
        for (const auto& kv : node) {
          const Loc key_loc = loc_of(kv.first, file, here, line0, col0);
          if (!kv.first.IsScalar())
            throw ConfigError(key_loc, dotted(), "expected a plain key, got " +
                                                     std::string(kv.first.IsMap() ? "a map" : "a list"));
          const std::string& key = kv.first.Scalar();
          check_text(key, key_loc, "key");
          path.push_back(key);
          const auto [it, fresh] = seen.emplace(key, out.entries_.size());
          if (!fresh)
            throw ConfigError(key_loc, key, "duplicate key (first written at line " +
                                                std::to_string(out.entries_[it->second].second.key_loc().line) + ")");
          // A null value has no useful mark of its own: point at its key.
          ConfigNode value = kv.second.IsNull() ? ConfigNode{} : build(kv.second, key_loc);
          if (value.is_null()) value.loc_ = key_loc;
          value.key_loc_ = key_loc;
          out.entries_.emplace_back(key, std::move(value));
          path.pop_back();
        }
        --depth;
        return out;
      }
      default: {
        ConfigNode out;
        out.loc_ = here;
        return out;
      }
    }
  }
};

ConfigNode ConfigNode::from_yaml(const YAML::Node& node, const std::string& file, const Loc& fallback,
                                 int line0, int col0, const std::string& at_path) {
  Builder b{file, line0, col0, 0, 0, at_path.empty() ? std::vector<std::string>{} : split_path(at_path)};
  return b.build(node, fallback);
}

YAML::Node ConfigNode::to_yaml() const {
  switch (kind_) {
    case Kind::scalar:
      // N.B. yaml-cpp 0.7 cannot mark a scalar as quoted for the emitter: "5" comes back as 5.
      return YAML::Node(text_);
    case Kind::list: {
      YAML::Node n(YAML::NodeType::Sequence);
      for (const auto& item : items_) n.push_back(item.to_yaml());
      return n;
    }
    case Kind::map: {
      YAML::Node n(YAML::NodeType::Map);
      for (const auto& [k, v] : entries_) n[k] = v.to_yaml();
      return n;
    }
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

std::string ConfigNode::shown() const {
  switch (kind_) {
    case Kind::scalar:
      return quoted_ ? "\"" + text_ + "\"" : text_;
    case Kind::list:
      return "a list";
    case Kind::map:
      return "a map";
    default:
      return "nothing";
  }
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

ConfigNode& ConfigNode::set(const std::string& key, ConfigNode value) {
  if (ConfigNode* existing = find(key)) {
    if (!value.key_loc_.known()) value.key_loc_ = existing->key_loc_;
    *existing = std::move(value);
    return *existing;
  }
  entries_.emplace_back(key, std::move(value));
  return entries_.back().second;
}

bool ConfigNode::erase(const std::string& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  return false;
}

const ConfigNode* ConfigNode::find_path(const std::vector<std::string>& path) const {
  const ConfigNode* n = this;
  for (const auto& key : path) {
    if (!n->is_map()) return nullptr;
    n = n->find(key);
    if (n == nullptr) return nullptr;
  }
  return n;
}

Loc ConfigNode::nearest_loc(const std::vector<std::string>& path) const {
  // A missing key points at the key of its parent map ("tbptt:"), an existing one at its value.
  const ConfigNode* n = this;
  Loc best = loc_;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!n->is_map()) break;
    n = n->find(path[i]);
    if (n == nullptr) break;
    const bool last = i + 1 == path.size();
    const Loc& here = !last && n->key_loc_.known() ? n->key_loc_ : n->loc_;
    if (here.known()) best = here;
  }
  return best;
}

void ConfigNode::set_path(const std::vector<std::string>& path, ConfigNode value, const Loc& loc) {
  ConfigNode* n = this;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    ConfigNode* child = n->find(path[i]);
    if (child == nullptr || !child->is_map()) {
      ConfigNode fresh = map(loc);
      fresh.key_loc_ = child != nullptr ? child->key_loc_ : loc;
      child = &n->set(path[i], std::move(fresh));
    }
    n = child;
  }
  if (!value.key_loc_.known()) value.key_loc_ = loc;
  n->set(path.back(), std::move(value));
}

ConfigNode ConfigNode::merge(const ConfigNode& base, const ConfigNode& over) {
  if (!base.is_map() || !over.is_map()) return over;
  ConfigNode out = base;
  out.loc_ = over.loc_;
  out.key_loc_ = over.key_loc_.known() ? over.key_loc_ : base.key_loc_;
  for (const auto& [k, v] : over.entries_) {
    if (v.is_null()) {
      out.erase(k);
      continue;
    }
    const ConfigNode* b = out.find(k);
    out.set(k, b != nullptr ? merge(*b, v) : v);
  }
  return out;
}

std::vector<std::string> split_path(const std::string& dotted) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    out.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string join_path(const std::vector<std::string>& path, size_t count) {
  std::string out;
  for (size_t i = 0; i < path.size() && i < count; ++i) {
    if (i) out += '.';
    out += path[i];
  }
  return out;
}

}  // namespace tbptt
