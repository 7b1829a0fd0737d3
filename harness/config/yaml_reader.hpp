// Reading YAML into ConfigNodes with positions, and typed reading of scalars.
//
// read_config_file: a file -> ConfigNode; an unreadable file or a YAML syntax error is a
// ConfigError at FILE:LINE:COLUMN (yaml-cpp's 0-based marks + 1). `from` is where the file was
// asked for (e.g. the `base:` value that names it); errors opening the file point there.
// Scalars follow YAML 1.2's core schema, strictly: integers are decimal (a float written in
// exponent form is accepted for an integer when it is exactly integral, e.g. 1e6), numbers are
// finite, booleans are true/false (any case form YAML allows: true, True, TRUE). A quoted scalar
// is a string, never a number or a boolean.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/config/config_node.hpp"

namespace tbptt {

ConfigNode read_config_file(const std::string& path, const Loc& from = Loc{});
// The text of a file named `path` -> ConfigNode, with the checks of read_config_file (UTF-8, not
// empty, nesting, alias expansion); for the fuzzer and for tests that hold the text.
ConfigNode parse_config_document(const std::string& text, const std::string& path);
// Parses `text` (a YAML scalar or flow value, e.g. "5", "[1, 2]", "{k1: 5}") as if it were
// written at `at` (one line: columns offset from at.column).
// `at_path` (dotted) is the key it will be set at, for messages about its text.
ConfigNode parse_config_text(const std::string& text, const Loc& at, const std::string& at_path = "");

std::optional<int64_t> scalar_int(const ConfigNode& n);
std::optional<double> scalar_number(const ConfigNode& n);  // integers too
std::optional<bool> scalar_bool(const ConfigNode& n);
bool scalar_is(const ConfigNode& n, const char* word);      // a scalar (quoted or not) equal to word

// Shortest text that reads back as the same double ("0.001", "1e-08", "5").
std::string format_number(double v);

}  // namespace tbptt
