// The manifest's "report" object: the ReportConfig a results folder's tables are built with,
// so that `tbptt report DIR` needs no YAML. Keys: metric, tolerance, tolerance_relative (bool),
// target (number or null), target_metric ("" : the report metric).
#pragma once

#include <nlohmann/json.hpp>

#include "harness/sweep/run_spec.hpp"
#include "harness/config/report_keys.hpp"

namespace tbptt {

nlohmann::json report_config_json(const ReportConfig& config);
// Missing or mistyped keys keep their defaults (manifests written before a key existed).
ReportConfig report_config_from_json(const nlohmann::json& report);

}  // namespace tbptt
