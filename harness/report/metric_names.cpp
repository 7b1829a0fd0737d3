#include "harness/report/metric_names.hpp"

#include <array>
#include <string_view>

namespace tbptt {
namespace {

struct Entry {
  std::string_view name;
  bool higher;
  MetricKind kind;
};

constexpr MetricKind kScore = MetricKind::score, kTiming = MetricKind::timing, kResource = MetricKind::resource;

// Every metric the harness writes (execute.cpp, evaluator.cpp, fidelity.cpp, the report's
// cost-to-target annotations), with its direction.
constexpr std::array kMetrics = {
    Entry{"loss", false, kScore},           Entry{"bpc", false, kScore},
    Entry{"perplexity", false, kScore},     Entry{"mse", false, kScore},
    Entry{"accuracy", true, kScore},        Entry{"error_rate", false, kScore},
    Entry{"fidelity_cos", true, kScore},    Entry{"fidelity_rel_err", false, kScore},
    Entry{"tokens_per_second", true, kTiming}, Entry{"gflops", true, kTiming},
    Entry{"cpu_to_target", false, kTiming}, Entry{"wall_to_target", false, kTiming},
    Entry{"tokens_to_target", false, kResource}, Entry{"updates_to_target", false, kResource},
    Entry{"reached_target", true, kResource}, Entry{"target", false, kResource},
    Entry{"effective_context", false, kResource},
    Entry{"tokens", false, kResource},      Entry{"updates", false, kResource},
    Entry{"skipped_updates", false, kResource}, Entry{"clip_rate", false, kResource},
    Entry{"activation_bytes", false, kResource}, Entry{"flops_per_token", false, kResource},
};

bool starts_with(const std::string& s, std::string_view head) { return s.rfind(head, 0) == 0; }
bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

MetricDef metric_definition(const std::string& metric) {
  for (const auto& e : kMetrics) {
    if (e.name == metric) return {e.higher, e.kind};
  }
  if (ends_with(metric, "_seconds")) return {false, kTiming};
  if (starts_with(metric, "reference_") || starts_with(metric, "chance_")) return {false, kResource};
  // A small model's parameter values (harness/run/execute.cpp): a state, not a score.
  if (starts_with(metric, "param_")) return {false, kResource};
  // The truncation policy's choices (execute.cpp: tbptt_k2, tbptt_decay, k2_mean/min/max).
  if (starts_with(metric, "tbptt_") || starts_with(metric, "k2_")) return {false, kResource};
  if (starts_with(metric, "context_") && metric.size() > 8) return metric_definition(metric.substr(8));
  if (starts_with(metric, "best.") && metric.size() > 5) return metric_definition(metric.substr(5));
  return {false, kScore};
}

bool higher_is_better(const std::string& metric) { return metric_definition(metric).higher_is_better; }

bool is_timing_metric(const std::string& metric) { return metric_definition(metric).kind == kTiming; }

std::string default_report_metric(const std::map<std::string, double>& metrics) {
  static constexpr std::array<std::string_view, 5> kPreferred = {"accuracy", "error_rate", "bpc",
                                                                 "mse", "loss"};
  for (auto name : kPreferred) {
    if (metrics.count(std::string(name))) return std::string(name);
  }
  for (const auto& [name, value] : metrics) {
    if (metric_definition(name).kind == kScore && !starts_with(name, "fidelity") && !starts_with(name, "context_"))
      return name;
  }
  return {};
}

}  // namespace tbptt
