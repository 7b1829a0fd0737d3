// Rebuilds a results folder's report (summary.csv and table.md) from manifest.json and
// runs/*/metrics.json alone; the experiment's YAML file is not needed.
#pragma once

#include <string>

#include "harness/report/results_dir.hpp"

namespace tbptt {

// Writes DIR/summary.csv and DIR/table.md atomically and returns the table.md text.
// Throws std::invalid_argument if DIR has no manifest.json.
std::string write_report_files(const ResultsDir& dir);

}  // namespace tbptt
