// The report's own keys (report.tolerance, report.target): their text forms and how they fill
// ReportConfig. Validation (schema.cpp, ValueType::tolerance / target) and loading share these
// parsers, so a value that validates always loads the same way.
#pragma once

#include <optional>
#include <string>

#include "harness/config/config_node.hpp"
#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct Tolerance {
  double value = 0;       // absolute, or a fraction when relative ("2%" -> 0.02)
  bool relative = false;
};

// "0.02" -> {0.02, absolute}; "2%" or "2 %" -> {0.02, relative}; nullopt for anything else or a
// negative or non-finite value.
std::optional<Tolerance> parse_tolerance_text(const std::string& text);

// Fills config.tolerance / tolerance_relative and config.target / target_metric from the
// experiment tree's report.tolerance and report.target (already validated; absent keys leave
// the defaults). A bare number as target is on config.metric (target_metric stays empty).
void read_report_keys(const ConfigNode& tree, ReportConfig& config);

}  // namespace tbptt
