// The report's settings (ReportConfig) and its own keys (report.tolerance, report.target): their
// text forms and how they fill ReportConfig. Validation (schema.cpp, ValueType::tolerance / target) and loading share these
// parsers, so a value that validates always loads the same way.
#pragma once

#include <optional>
#include <string>

#include "harness/config/config_node.hpp"
#include "harness/config/settings.hpp"

namespace tbptt {

struct ReportConfig {
  std::string metric;        // the metric tables compare (default: the task's score metric)
  double tolerance = 0.01;   // "within tolerance of full BPTT": absolute, on the metric ...
  bool tolerance_relative = false;  // ... or (report.tolerance: "2%") a fraction of |baseline|
  // report.target: an explicit level to reach, on target_metric (empty: `metric`); none: the
  // setting's baseline's final metric (mean over its seeds) within the tolerance.
  std::string target_metric;
  std::optional<double> target;
};

struct Tolerance {
  double value = 0;       // absolute, or a fraction when relative ("2%" -> 0.02)
  bool relative = false;
};

// "0.02" -> {0.02, absolute}; "2%" or "2 %" -> {0.02, relative}; nullopt for anything else or a
// negative or non-finite value.
std::optional<Tolerance> parse_tolerance_text(const std::string& text);

// Fills config.metric (report.metric, else a non-empty eval.metric), config.tolerance /
// tolerance_relative and config.target / target_metric from the values check_tree parsed
// (absent keys leave the defaults). A bare number as target is on config.metric (target_metric
// stays empty).
void read_report_keys(const Settings& settings, ReportConfig& config);

}  // namespace tbptt
