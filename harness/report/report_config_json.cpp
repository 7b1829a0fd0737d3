#include "harness/report/report_config_json.hpp"

#include <cmath>

namespace tbptt {
using nlohmann::json;

json report_config_json(const ReportConfig& config) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  return {{"metric", config.metric},
          {"tolerance", number(config.tolerance)},
          {"tolerance_relative", config.tolerance_relative},
          {"target", config.target ? number(*config.target) : json(nullptr)},
          {"target_metric", config.target_metric}};
}

ReportConfig report_config_from_json(const json& r) {
  ReportConfig config;
  if (!r.is_object()) return config;
  if (r.contains("metric") && r["metric"].is_string()) config.metric = r["metric"].get<std::string>();
  if (r.contains("tolerance") && r["tolerance"].is_number()) config.tolerance = r["tolerance"].get<double>();
  if (r.contains("tolerance_relative") && r["tolerance_relative"].is_boolean())
    config.tolerance_relative = r["tolerance_relative"].get<bool>();
  if (r.contains("target") && r["target"].is_number()) config.target = r["target"].get<double>();
  if (r.contains("target_metric") && r["target_metric"].is_string())
    config.target_metric = r["target_metric"].get<std::string>();
  return config;
}

}  // namespace tbptt
