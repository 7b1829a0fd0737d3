// Rebuilds a results folder's report (summary.csv and table.md) from manifest.json,
// runs/*/metrics.json and runs/*/curve.csv alone; the experiment's YAML file is not needed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/results_dir.hpp"

namespace tbptt {

// Every run of the manifest (ResultsDir::read_records) with its curve read from curve.csv and
// its cost to target and effective context added (run_targets.hpp), as every report reads them.
std::vector<RunRecord> read_report_records(const ResultsDir& dir, const nlohmann::json& manifest);

// Writes DIR/summary.csv and DIR/table.md atomically and returns the table.md text.
// Throws std::invalid_argument if DIR has no manifest.json.
std::string write_report_files(const ResultsDir& dir);

}  // namespace tbptt
