// What metric names mean to the report: each metric's definition (which direction is better,
// and whether it measures the model, a cost on this machine, or a count or resource), and which
// eval metric a table compares when the experiment names none.
//
// Definitions (metric_names.cpp, one table): every metric the harness writes is listed by name
// with its direction and kind; families written by code are defined by their pattern:
//   *_seconds                      timing, lower is better
//   reference_*, chance_*          resource (fixed reference levels), lower is better
//   param_*                        resource (a small model's parameter values)
//   context_<m>                    the context-utilisation curve of m: m's direction and kind
//   best.<m>                       m's definition
// A name in neither (a user's own metric) is a model score where lower is better (a loss).
#pragma once

#include <map>
#include <string>

namespace tbptt {

enum class MetricKind {
  score,     // measures the model (loss, accuracy, bpc, ...): compared between runs
  timing,    // time or throughput on this machine: differs between identical runs
  resource,  // counts, memory, flops, reference levels: not a model score
};

struct MetricDef {
  bool higher_is_better = false;
  MetricKind kind = MetricKind::score;
};

MetricDef metric_definition(const std::string& metric);
bool higher_is_better(const std::string& metric);
// Timing metrics (cpu_seconds, wall_seconds, tokens_per_second, gflops, cpu_to_target, any
// *_seconds): they differ between identical runs.
bool is_timing_metric(const std::string& metric);

// The metric tables compare when the experiment names none: the first present of accuracy,
// error_rate, bpc, mse, loss; else the first (sorted) score metric that is not a fidelity
// diagnostic; else "" when there is none.
std::string default_report_metric(const std::map<std::string, double>& metrics);

}  // namespace tbptt
