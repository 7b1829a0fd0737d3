#include "harness/report/cost_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "harness/report/cost_to_target.hpp"
#include "harness/report/metric_names.hpp"
#include "harness/report/text.hpp"

namespace tbptt {
namespace {

bool ok(const RunRecord& r) { return r.done && r.status == RunStatus::ok; }

std::optional<double> metric_of(const RunRecord& r, const std::string& name) {
  auto it = r.final_metrics.find(name);
  if (it == r.final_metrics.end()) return std::nullopt;
  return it->second;
}

// The effective context of the seeds' mean context curve (runs measured at the same periods).
void add_effective_context(CostSummary& c, const std::vector<const RunRecord*>& runs, const ReportTable& t) {
  const std::string metric = t.target_metric;
  std::vector<double> periods, sum;
  double never = 0;
  int n = 0;
  for (const RunRecord* r : runs) {
    if (!ok(*r)) continue;
    auto p = r->series.find("context_period");
    auto v = r->series.find("context_" + metric);
    auto f = metric_of(*r, metric);
    if (p == r->series.end() || v == r->series.end() || !f || v->second.size() != p->second.size()) continue;
    if (n == 0) {
      periods = p->second;
      sum.assign(periods.size(), 0.0);
    } else if (p->second != periods) {
      return;  // different periods: no common curve
    }
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += v->second[i];
    never += *f;
    ++n;
  }
  if (n == 0 || periods.empty()) return;
  for (double& s : sum) s /= n;
  c.longest_period = *std::max_element(periods.begin(), periods.end());
  c.effective_context = effective_context(periods, sum, never / n, t.config.tolerance, t.config.tolerance_relative,
                                          higher_is_better(metric));
}

double mean_activation(const SettingRow& row) {
  auto it = row.stats.find("activation_bytes");
  return it == row.stats.end() || it->second.n == 0 ? 0.0 : it->second.mean;
}

void mark_cost_picks(ReportTable& t) {
  // baseline_setting -> (median CPU to target, activation bytes) of the best eligible row.
  std::map<std::string, std::pair<double, double>> best;
  auto eligible = [](const SettingRow& row) {
    return !row.baseline_setting.empty() && row.total > 0 && row.ok == row.total && row.cost.reached == row.total;
  };
  for (const auto& row : t.rows) {
    if (!eligible(row)) continue;
    const std::pair<double, double> key{row.cost.cpu.median, mean_activation(row)};
    auto [it, inserted] = best.emplace(row.baseline_setting, key);
    if (!inserted) it->second = std::min(it->second, key);
  }
  for (auto& row : t.rows) {
    if (!eligible(row)) continue;
    row.cost.pick = best[row.baseline_setting] == std::pair<double, double>{row.cost.cpu.median, mean_activation(row)};
  }
}

std::string interval_text(const Spread& s) {
  return s.n ? "[" + table_number(s.lo) + ", " + table_number(s.hi) + "]" : "-";
}

std::string ratio_text(const std::optional<double>& r) { return r ? table_number(*r) : "-"; }

}  // namespace

std::string tolerance_text(const ReportConfig& config) {
  return config.tolerance_relative ? table_number(config.tolerance * 100) + "%" : table_number(config.tolerance);
}

void add_cost_summaries(ReportTable& t, const std::vector<std::vector<const RunRecord*>>& members) {
  for (size_t i = 0; i < t.rows.size(); ++i) {
    CostSummary& c = t.rows[i].cost;
    std::vector<double> cpu, tokens;
    for (const RunRecord* r : members[i]) {
      if (!ok(*r) || metric_of(*r, "reached_target").value_or(0) != 1) continue;
      ++c.reached;
      if (auto v = metric_of(*r, "cpu_to_target")) cpu.push_back(*v);
      if (auto v = metric_of(*r, "tokens_to_target")) tokens.push_back(*v);
    }
    c.cpu = spread(cpu);
    c.tokens = spread(tokens);
    add_effective_context(c, members[i], t);
  }
  std::map<std::string, const SettingRow*> by_setting;
  for (const auto& row : t.rows) by_setting[row.setting] = &row;
  for (auto& row : t.rows) {
    auto b = by_setting.find(row.baseline_setting);
    if (b == by_setting.end()) continue;
    const CostSummary& base = b->second->cost;
    if (row.cost.cpu.n && base.cpu.n && base.cpu.median > 0) row.cost.cpu_ratio = row.cost.cpu.median / base.cpu.median;
    if (row.cost.tokens.n && base.tokens.n && base.tokens.median > 0)
      row.cost.tokens_ratio = row.cost.tokens.median / base.tokens.median;
  }
  mark_cost_picks(t);
}

std::string cost_section_markdown(const ReportTable& t) {
  std::ostringstream out;
  out << "## Cost to reach the target\n\n";
  if (t.target_metric.empty()) return out.str() + "No run reported an eval metric.\n";
  const bool higher = higher_is_better(t.target_metric);
  out << "Target: ";
  if (t.config.target) {
    out << "**" << t.target_metric << "** " << (higher ? ">= " : "<= ") << table_number(*t.config.target)
        << " (report.target)";
  } else {
    out << "the setting's " << baseline_name(t) << " final **" << t.target_metric << "** (mean over its seeds) within "
        << tolerance_text(t.config) << (t.config.tolerance_relative ? " of it" : "");
  }
  out << " (" << (higher ? "higher" : "lower") << " is better). Cost to target: training CPU seconds and tokens "
         "until the first evaluation that reached it, interpolated between evaluation points (evaluation excluded); "
         "median and 95% interval (2.5th-97.5th percentile) over the seeds that reached it; `not reached`: no "
         "evaluation got there. Effective context: the smallest state-reset period L whose held-out "
      << t.target_metric << " is within " << tolerance_text(t.config) << " of never resetting.\n\n";
  out << "`<- pick`: the least median CPU seconds to target among the settings that reached the target in every "
         "seed, ties broken by activation memory.\n\n";
  const bool memory = std::any_of(t.rows.begin(), t.rows.end(), [](const SettingRow& r) {
    auto it = r.stats.find("activation_bytes");
    return it != r.stats.end() && it->second.n > 0;
  });
  out << "| setting | k2 | effective context | reached | cpu s to target | 95% interval | vs base | tokens to target "
         "| 95% interval | vs base |"
      << (memory ? " activation bytes | vs base |" : "") << " pick |\n";
  out << "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|" << (memory ? "---:|---:|" : "") << "---|\n";
  for (const auto& row : t.rows) {
    const CostSummary& c = row.cost;
    const std::string none = row.ok == 0 ? no_value_text(row) : "not reached";
    std::string context = "-";
    if (c.effective_context) context = table_number(*c.effective_context);
    else if (c.longest_period > 0) context = "> " + table_number(c.longest_period);
    out << "| " << markdown_cell(row.setting.empty() ? "(single)" : row.setting) << (row.is_baseline ? " (baseline)" : "")
        << " | " << markdown_cell(row.k2) << " | " << context << " | " << runs_text(row, c.reached) << " | "
        << (c.cpu.n ? table_number(c.cpu.median) : none) << " | " << interval_text(c.cpu) << " | "
        << ratio_text(c.cpu_ratio) << " | " << (c.tokens.n ? table_number(c.tokens.median) : none) << " | "
        << interval_text(c.tokens) << " | " << ratio_text(c.tokens_ratio) << " |";
    if (memory) {
      auto it = row.stats.find("activation_bytes");
      auto r = row.ratio.find("activation_bytes");
      out << " " << (it != row.stats.end() && it->second.n ? table_number(it->second.mean) : "-") << " | "
          << (r == row.ratio.end() ? "-" : table_number(r->second)) << " |";
    }
    out << (c.pick ? " <- pick |" : " |") << "\n";
  }
  return out.str();
}

}  // namespace tbptt
