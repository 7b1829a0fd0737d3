#include "harness/report/table.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "harness/report/cost_table.hpp"
#include "harness/report/metric_names.hpp"
#include "harness/report/run_targets.hpp"
#include "harness/report/text.hpp"

namespace tbptt {
namespace {

std::string short_name(const std::string& quantity) {
  if (quantity == "cpu_seconds") return "cpu s";
  if (quantity == "wall_seconds") return "wall s";
  if (quantity == "tokens_per_second") return "tokens/s";
  if (quantity == "activation_bytes") return "activation bytes";
  return quantity;
}

std::string mean_pm(const Summary& s) {
  if (s.n == 0) return "-";
  std::string out = table_number(s.mean);
  if (s.ci95_half_width) out += " ± " + table_number(*s.ci95_half_width);
  return out;
}

std::optional<std::string> cost_quantity(const ReportTable& t) {
  for (const char* q : {"cpu_seconds", "wall_seconds"}) {
    if (std::find(t.quantities.begin(), t.quantities.end(), q) != t.quantities.end()) return q;
  }
  return std::nullopt;
}

void mark_picks(ReportTable& t) {
  const auto cost = cost_quantity(t);
  if (t.metric.empty() || !cost) return;
  const bool higher = higher_is_better(t.metric);
  std::map<std::string, const SettingRow*> baseline_of;
  for (const auto& row : t.rows) baseline_of[row.setting] = &row;
  std::map<std::string, double> cheapest;  // baseline_setting -> least cost among eligible
  auto eligible = [&](const SettingRow& row) -> std::optional<double> {
    if (row.baseline_setting.empty()) return std::nullopt;  // a run without a baseline
    auto base_it = baseline_of.find(row.baseline_setting);
    if (base_it == baseline_of.end()) return std::nullopt;
    const auto& base = *base_it->second;
    auto m = row.stats.find(t.metric), bm = base.stats.find(t.metric), c = row.stats.find(*cost);
    if (row.ok != row.total || m == row.stats.end() || m->second.n == 0 || bm == base.stats.end() ||
        bm->second.n == 0 || c == row.stats.end() || c->second.n == 0) {
      return std::nullopt;
    }
    const Target within{t.metric,
                        tolerance_level(bm->second.mean, t.config.tolerance, t.config.tolerance_relative, higher),
                        higher};
    if (!reaches(m->second.mean, within)) return std::nullopt;
    return c->second.mean;
  };
  for (const auto& row : t.rows) {
    if (auto c = eligible(row)) {
      auto [it, inserted] = cheapest.emplace(row.baseline_setting, *c);
      if (!inserted) it->second = std::min(it->second, *c);
    }
  }
  for (auto& row : t.rows) {
    auto c = eligible(row);
    if (c && *c == cheapest[row.baseline_setting]) row.pick = true;
  }
}

}  // namespace

const std::vector<std::string>& report_quantities() {
  // k2_*: the steps back-propagated per update by a non-fixed truncation scheme (execute.cpp).
  static const std::vector<std::string> q = {"cpu_seconds", "wall_seconds", "tokens_per_second",
                                             "activation_bytes", "fidelity_cos", "k2_mean", "k2_min", "k2_max"};
  return q;
}

std::string runs_text(const SettingRow& row, int count_ok) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  const std::string of = "/" + std::to_string(row.total);
  if (count_ok > 0 || (row.diverged == 0 && row.failed == 0 && row.missing == 0)) add(std::to_string(count_ok) + of);
  if (row.diverged) add("diverged " + std::to_string(row.diverged) + of);
  if (row.failed) add("failed " + std::to_string(row.failed) + of);
  if (row.missing) add("missing " + std::to_string(row.missing) + of);
  return out;
}

std::string no_value_text(const SettingRow& row) {
  if (row.ok > 0 || row.total == 0) return "-";
  if (row.diverged >= row.failed && row.diverged >= row.missing) return "diverged";
  return row.failed >= row.missing ? "failed" : "missing";
}

ReportTable build_report(const std::vector<RunRecord>& runs, const ReportConfig& config,
                         const std::string& title, const std::string& fixed_k2) {
  ReportTable t;
  t.title = title;
  t.metric = report_metric(runs, config);
  t.config = config;
  t.target_metric = target_metric(runs, config);
  t.tolerance = config.tolerance;

  std::vector<std::string> candidates;
  if (!t.metric.empty()) candidates.push_back(t.metric);
  for (const auto& q : report_quantities()) {
    if (q != t.metric) candidates.push_back(q);
  }
  for (const auto& q : candidates) {
    const bool any = std::any_of(runs.begin(), runs.end(), [&](const RunRecord& r) {
      return r.done && r.status == RunStatus::ok && r.final_metrics.count(q);
    });
    if (any || q == t.metric) t.quantities.push_back(q);
  }

  std::map<std::string, size_t> index;
  std::vector<std::vector<const RunRecord*>> members;
  for (const auto& r : runs) {
    auto [it, inserted] = index.emplace(r.setting, t.rows.size());
    if (inserted) {
      SettingRow row;
      row.setting = r.setting;
      row.baseline_setting = r.baseline_setting;
      auto k2 = r.swept.find("train.tbptt.k2");
      row.k2 = k2 != r.swept.end() ? k2->second : fixed_k2;
      t.rows.push_back(row);
      members.emplace_back();
    }
    SettingRow& row = t.rows[it->second];
    row.is_baseline = row.is_baseline || r.is_baseline;
    if (r.is_baseline) {
      // A `baseline:` that sets the truncation makes its keys swept keys; unswept means full BPTT.
      const auto shown = [&](const char* key, const char* full) {
        const auto v = r.swept.find(key);
        return v == r.swept.end() || v->second == full;
      };
      t.full_bptt_baseline = t.full_bptt_baseline && shown("train.tbptt.kind", "fixed") &&
                             shown("train.tbptt.k1", "full") && shown("train.tbptt.k2", "full");
    }
    ++row.total;
    if (!r.done) ++row.missing;
    else if (r.status == RunStatus::ok) ++row.ok;
    else if (r.status == RunStatus::diverged) ++row.diverged;
    else ++row.failed;
    members[it->second].push_back(&r);
  }
  for (size_t i = 0; i < t.rows.size(); ++i) {
    for (const auto& q : t.quantities) {
      std::vector<double> values;
      for (const RunRecord* r : members[i]) {
        if (!r->done || r->status != RunStatus::ok) continue;
        auto it = r->final_metrics.find(q);
        if (it != r->final_metrics.end()) values.push_back(it->second);
      }
      t.rows[i].stats[q] = summarize(values);
    }
  }
  for (auto& row : t.rows) {
    if (row.baseline_setting.empty()) continue;  // a run without a baseline (baseline: none)
    auto base = index.find(row.baseline_setting);
    if (base == index.end()) continue;
    const SettingRow& b = t.rows[base->second];
    for (const auto& q : t.quantities) {
      const Summary& s = row.stats[q];
      auto bs = b.stats.find(q);
      if (s.n > 0 && bs != b.stats.end() && bs->second.n > 0 && bs->second.mean != 0) {
        row.ratio[q] = s.mean / bs->second.mean;
      }
    }
  }
  mark_picks(t);
  add_cost_summaries(t, members);
  return t;
}

std::string baseline_name(const ReportTable& t) {
  return t.full_bptt_baseline ? "full-BPTT baseline" : "baseline";
}

std::string table_markdown(const ReportTable& t) {
  std::ostringstream out;
  if (!t.title.empty()) out << "# " << t.title << "\n\n";
  out << cost_section_markdown(t) << "\n## Equal token budget\n\n";
  if (t.metric.empty()) {
    out << "No run reported an eval metric.\n\n";
  } else {
    out << "Final **" << t.metric << "** (" << (higher_is_better(t.metric) ? "higher" : "lower")
        << " is better) after the whole budget: mean over seeds, 95% CI half-width (Student t), ratio to "
           "the setting's " << baseline_name(t) << "; costs count training only. `<- pick`: least CPU time within "
        << tolerance_text(t.config) << " of the baseline.\n\n";
  }
  std::vector<std::string> header = {"setting", "runs ok"};
  for (size_t i = 0; i < t.quantities.size(); ++i) {
    const std::string& q = t.quantities[i];
    header.push_back(short_name(q));
    if (i == 0 && q == t.metric) header.push_back("95% CI");
    header.push_back("vs base");
  }
  header.push_back("pick");
  out << "|";
  for (const auto& h : header) out << " " << h << " |";
  out << "\n|";
  for (size_t i = 0; i < header.size(); ++i) out << (i < 2 ? "---|" : "---:|");
  out << "\n";
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    cells.push_back(markdown_cell(row.setting.empty() ? "(single)" : row.setting) +
                    (row.is_baseline ? " (baseline)" : ""));
    cells.push_back(runs_text(row, row.ok));
    const std::string none = no_value_text(row);
    for (size_t i = 0; i < t.quantities.size(); ++i) {
      const std::string& q = t.quantities[i];
      const Summary& s = row.stats.at(q);
      if (i == 0 && q == t.metric) {
        cells.push_back(s.n ? table_number(s.mean) : none);
        cells.push_back(s.ci95_half_width ? "± " + table_number(*s.ci95_half_width) : "-");
      } else {
        cells.push_back(s.n ? mean_pm(s) : none);
      }
      auto r = row.ratio.find(q);
      cells.push_back(r == row.ratio.end() ? "-" : table_number(r->second));
    }
    cells.push_back(row.pick ? "<- pick" : "");
    out << "|";
    for (const auto& c : cells) out << " " << c << " |";
    out << "\n";
  }
  return out.str();
}

std::string summary_csv(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys) {
  std::vector<std::string> keys = swept_keys;
  std::set<std::string> extra, finals, bests;
  for (const auto& r : runs) {
    for (const auto& kv : r.swept) {
      if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) extra.insert(kv.first);
    }
    for (const auto& kv : r.final_metrics) finals.insert(kv.first);
    for (const auto& kv : r.best_metrics) bests.insert(kv.first);
  }
  keys.insert(keys.end(), extra.begin(), extra.end());
  std::vector<std::string> header = {"id", "setting", "baseline_setting", "is_baseline", "status", "reason"};
  header.insert(header.end(), keys.begin(), keys.end());
  header.insert(header.end(), finals.begin(), finals.end());
  for (const auto& b : bests) header.push_back("best." + b);
  std::string out = csv_row(header);
  for (const auto& r : runs) {
    std::vector<std::string> row = {r.id, r.setting, r.baseline_setting,
                                    r.is_baseline ? "true" : "false",
                                    r.done ? to_string(r.status) : "missing", r.reason};
    for (const auto& k : keys) {
      auto it = r.swept.find(k);
      row.push_back(it == r.swept.end() ? "" : it->second);
    }
    for (const auto& m : finals) {
      auto it = r.final_metrics.find(m);
      row.push_back(it == r.final_metrics.end() ? "" : exact_number(it->second));
    }
    for (const auto& m : bests) {
      auto it = r.best_metrics.find(m);
      row.push_back(it == r.best_metrics.end() ? "" : exact_number(it->second));
    }
    out += csv_row(row);
  }
  return out;
}

}  // namespace tbptt
