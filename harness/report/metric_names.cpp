#include "harness/report/metric_names.hpp"

#include <array>
#include <string_view>

namespace tbptt {
namespace {

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Metrics about cost (time, throughput, memory, counts), never a model score.
bool starts_with(const std::string& s, std::string_view head) { return s.rfind(head, 0) == 0; }

// Metrics about cost (time, throughput, memory, counts) or fixed reference levels, never a
// model score.
bool is_resource_metric(const std::string& m) {
  return is_timing_metric(m) || contains(m, "bytes") || contains(m, "flops") || m == "tokens" ||
         m == "updates" || m == "skipped_updates" || m == "clip_rate" || contains(m, "_to_target") ||
         starts_with(m, "reference_") || starts_with(m, "chance_") || starts_with(m, "tbptt_") ||
         starts_with(m, "k2_");  // the truncation policy's choices (execute.cpp)
}

}  // namespace

bool higher_is_better(const std::string& metric) {
  return contains(metric, "accuracy") || contains(metric, "fidelity_cos") ||
         contains(metric, "per_second");
}

bool is_timing_metric(const std::string& metric) {
  return ends_with(metric, "_seconds") || ends_with(metric, "per_second") || metric == "seconds" ||
         metric == "gflops";
}

std::string default_report_metric(const std::map<std::string, double>& metrics) {
  static constexpr std::array<std::string_view, 5> kPreferred = {"accuracy", "error_rate", "bpc",
                                                                 "mse", "loss"};
  for (auto name : kPreferred) {
    if (metrics.count(std::string(name))) return std::string(name);
  }
  for (const auto& [name, value] : metrics) {
    if (!is_resource_metric(name) && !contains(name, "fidelity")) return name;
  }
  return {};
}

}  // namespace tbptt
