// Section 1 of table.md, "Cost to reach the target" (the rule is in table.hpp): the per-setting
// CostSummary built from the runs' target annotations (run_targets.hpp), and its markdown.
#pragma once

#include <string>
#include <vector>

#include "harness/report/table.hpp"
#include "harness/config/report_keys.hpp"

namespace tbptt {

// Fills row.cost of every row (members[i]: the runs of t.rows[i]) and marks the cost picks.
void add_cost_summaries(ReportTable& t, const std::vector<std::vector<const RunRecord*>>& members);

// "## Cost to reach the target", what the target is, the pick rule in one sentence, the table.
std::string cost_section_markdown(const ReportTable& t);

// "0.02" or "2%" (of the baseline), as configured.
std::string tolerance_text(const ReportConfig& config);

}  // namespace tbptt
