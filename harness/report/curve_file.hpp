// Reads a run's curve.csv back (the inverse of results_dir.hpp's curve_csv): the report needs the
// curve to find where a run first reached the target.
#pragma once

#include <string>
#include <vector>

#include "harness/report/outcome.hpp"

namespace tbptt {

// Columns by name (update, tokens, wall_s, cpu_s, train_loss, grad_norm, clip_rate, lr; every
// other column is an eval metric); an empty cell is NaN for the fixed columns and absent from
// `eval` for the metrics. Throws std::invalid_argument naming the line for a malformed row.
std::vector<CurvePoint> parse_curve_csv(const std::string& text);

}  // namespace tbptt
