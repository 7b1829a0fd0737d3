// Configuration errors that read like compiler errors:
//   experiments/copy.yaml:14:9: error: train.tbptt.k2: expected an integer >= 1 or "full", got 0
//
// Loc is a 1-based position in a file (or "<command line>" for --set overrides); line 0 means
// "unknown" and prints as 1:1. A ConfigError holds one or more Diagnostics: the schema pass
// collects every problem it finds in one file before throwing, later stages (sweep, memory, task
// construction) throw at the first. what() is the first diagnostic's line; report() all of them,
// one per line, in file order.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tbptt {

struct Loc {
  std::string file;
  int line = 0;    // 1-based; 0: unknown
  int column = 0;  // 1-based; 0: unknown
  bool known() const { return line > 0; }
};

struct Diagnostic {
  Loc loc;
  std::string path;     // dotted key path, may be empty (e.g. a YAML syntax error)
  std::string message;  // e.g. "expected an integer >= 1, got 0"
  // "FILE:LINE:COLUMN: error: path: message", control characters escaped (a carriage return
  // in a value would otherwise overwrite the start of the line on a terminal).
  std::string text() const;
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);  // at least one
  ConfigError(const Loc& loc, const std::string& path, const std::string& message);

  const std::string& file() const { return diagnostics_.front().loc.file; }
  int line() const;    // 1-based (1 when unknown)
  int column() const;  // 1-based (1 when unknown)
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::string report() const;  // every diagnostic, one line each

 private:
  std::vector<Diagnostic> diagnostics_;
};

// "\r" for a carriage return, "\n", "\t", "\x01" for other control bytes; the rest unchanged.
std::string escape_controls(const std::string& text);

// Collects diagnostics during a validation pass; throw_if_any() throws them together. Only the
// first kMaxShown are kept (a file of 100,000 unknown keys needs no 100,000-line answer); a last
// line, at the position of the last one kept, says how many more there were.
class Diagnostics {
 public:
  static constexpr size_t kMaxShown = 20;
  void add(const Loc& loc, const std::string& path, const std::string& message);
  bool empty() const { return items_.empty(); }
  void throw_if_any();

 private:
  std::vector<Diagnostic> items_;
  size_t not_shown_ = 0;
};

}  // namespace tbptt
