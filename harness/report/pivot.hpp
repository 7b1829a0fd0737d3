// `tbptt report DIR --pivot ROW,COL --metric NAME`: a ROW x COL grid of one final metric.
// Each cell is the mean over the ok runs with those two values, i.e. over the seeds and over
// every other swept key; the note says which keys were averaged and which had one value.
// Keys match a swept key exactly or by its last dotted part ("k1" -> "train.tbptt.k1").
// Axis values sort numerically first, then the others ("full", "off") alphabetically.
// A cost to target (cpu_to_target, tokens_to_target, ...) averages the runs that reached the
// target: "not reached" when none did, "12.5 (2/3 reached)" when some did not.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/report/results_dir.hpp"

namespace tbptt {

enum class PivotFormat { md, csv, latex };
// "md", "csv", "latex"; throws std::invalid_argument otherwise.
PivotFormat parse_pivot_format(const std::string& text);

struct PivotRequest {
  std::string row_key, col_key, metric;
  PivotFormat format = PivotFormat::md;
};

struct PivotOutput {
  std::string text;  // the table (for md and latex the note is included: a line / a % comment)
  std::string note;  // e.g. "accuracy: mean over seed (3 values); fixed: model.hidden=64"
};

// The aggregation: the grid's rows and columns (sorted), each cell's sum and counts, and the note.
struct PivotGrid {
  struct Cell {
    double sum = 0;
    int n = 0, not_reached = 0;  // runs with the metric; runs that missed the target
  };
  std::string row_key, col_key;  // resolved swept keys
  std::vector<std::string> rows, cols;
  std::map<std::pair<std::string, std::string>, Cell> cells;  // (row value, column value)
  std::string note;
};
// Throws as pivot_table does.
PivotGrid aggregate_pivot(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys,
                          const PivotRequest& request);
// The rendering: the grid as md, csv or latex (cell means, "not reached", "-" for an empty cell).
PivotOutput render_pivot(const PivotGrid& grid, PivotFormat format);

// aggregate_pivot then render_pivot.
// Throws std::invalid_argument for an unknown or ambiguous key (listing the swept keys) or a
// metric no ok run reports (listing those that exist).
PivotOutput pivot_table(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys,
                        const PivotRequest& request);

}  // namespace tbptt
