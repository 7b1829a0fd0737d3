#include "harness/config/error.hpp"

#include <cstdio>
#include <utility>

namespace tbptt {

std::string escape_controls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string Diagnostic::text() const {
  const int l = loc.known() ? loc.line : 1;
  const int c = loc.known() && loc.column > 0 ? loc.column : 1;
  std::string out = loc.file + ":" + std::to_string(l) + ":" + std::to_string(c) + ": error: ";
  if (!path.empty()) out += path + ": ";
  return escape_controls(out + message);
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(diagnostics.empty() ? std::string("configuration error")
                                             : diagnostics.front().text()),
      diagnostics_(std::move(diagnostics)) {
  if (diagnostics_.empty()) diagnostics_.push_back(Diagnostic{Loc{}, "", "configuration error"});
}

ConfigError::ConfigError(const Loc& loc, const std::string& path, const std::string& message)
    : ConfigError(std::vector<Diagnostic>{Diagnostic{loc, path, message}}) {}

int ConfigError::line() const {
  const Loc& l = diagnostics_.front().loc;
  return l.known() ? l.line : 1;
}

int ConfigError::column() const {
  const Loc& l = diagnostics_.front().loc;
  return l.known() && l.column > 0 ? l.column : 1;
}

std::string ConfigError::report() const {
  std::string out;
  for (const auto& d : diagnostics_) out += d.text() + "\n";
  return out;
}

void Diagnostics::add(const Loc& loc, const std::string& path, const std::string& message) {
  if (items_.size() < kMaxShown) {
    items_.push_back(Diagnostic{loc, path, message});
  } else {
    ++not_shown_;
  }
}

void Diagnostics::throw_if_any() {
  if (items_.empty()) return;
  // Kept in the order found: the validation walk visits a file in order.
  std::vector<Diagnostic> all;
  all.swap(items_);
  if (not_shown_ > 0) {
    Diagnostic more = all.back();
    more.path.clear();
    more.message = "and " + std::to_string(not_shown_) + " more errors, not shown";
    all.push_back(std::move(more));
    not_shown_ = 0;
  }
  throw ConfigError(std::move(all));
}

}  // namespace tbptt
