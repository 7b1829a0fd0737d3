// What metric names mean to the report: which direction is better, which are measurements of
// cost rather than of the model (excluded from determinism comparisons), and which eval metric
// a table compares when the experiment names none.
//
// Direction (by name, so that new metrics need no registration): higher is better when the name
// contains "accuracy", "fidelity_cos" or "per_second"; every other name (loss, mse, bpc,
// error_rate, perplexity, seconds, bytes, updates_to_target, fidelity_rel_err, ...) is lower-is-better.
#pragma once

#include <map>
#include <string>

namespace tbptt {

bool higher_is_better(const std::string& metric);

// Metrics that measure time on this machine (cpu_seconds, wall_seconds, tokens_per_second,
// gflops, and any name ending in "_seconds" or "per_second"): they differ between identical runs.
bool is_timing_metric(const std::string& metric);

// The metric tables compare when the experiment names none: the first present of accuracy,
// error_rate, bpc, mse, loss; else the first (sorted) name that is not a timing, resource,
// count, fidelity or reference metric (bytes, flops, tokens, updates, clip_rate, *_to_target,
// reference_*, chance_*); else "" when there is none.
std::string default_report_metric(const std::map<std::string, double>& metrics);

}  // namespace tbptt
