#include "harness/report/pivot.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "harness/report/text.hpp"

namespace tbptt {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string resolve_key(const std::string& key, const std::vector<std::string>& swept_keys) {
  if (std::find(swept_keys.begin(), swept_keys.end(), key) != swept_keys.end()) return key;
  std::vector<std::string> matches;
  for (const auto& k : swept_keys) {
    if (k.size() > key.size() && k.compare(k.size() - key.size(), key.size(), key) == 0 &&
        k[k.size() - key.size() - 1] == '.') {
      matches.push_back(k);
    }
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    throw std::invalid_argument("--pivot: \"" + key + "\" is not a swept key (swept: " +
                                join(swept_keys, ", ") + ")");
  }
  throw std::invalid_argument("--pivot: \"" + key + "\" is ambiguous (" + join(matches, ", ") + ")");
}

std::optional<double> as_number(const std::string& s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  return std::nullopt;
}

bool value_less(const std::string& a, const std::string& b) {
  auto na = as_number(a), nb = as_number(b);
  if (na && nb) return *na < *nb || (*na == *nb && a < b);
  if (na != nb && (na || nb)) return static_cast<bool>(na);
  return a < b;
}

std::vector<std::string> sorted_values(const std::set<std::string>& values) {
  std::vector<std::string> out(values.begin(), values.end());
  std::sort(out.begin(), out.end(), value_less);
  return out;
}

// A run that did not reach the target has no *_to_target metric: its cell says "not reached".
bool missed_target(const RunRecord& r, const std::string& metric) {
  const std::string tail = "_to_target";
  if (metric.size() <= tail.size() || metric.compare(metric.size() - tail.size(), tail.size(), tail) != 0) return false;
  auto it = r.final_metrics.find("reached_target");
  return it != r.final_metrics.end() && it->second == 0;
}

std::string short_key(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

PivotFormat parse_pivot_format(const std::string& text) {
  if (text == "md") return PivotFormat::md;
  if (text == "csv") return PivotFormat::csv;
  if (text == "latex") return PivotFormat::latex;
  throw std::invalid_argument("--format: expected md, csv or latex, got \"" + text + "\"");
}

PivotGrid aggregate_pivot(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys,
                          const PivotRequest& request) {
  const std::string row_key = resolve_key(request.row_key, swept_keys);
  const std::string col_key = resolve_key(request.col_key, swept_keys);
  if (row_key == col_key) throw std::invalid_argument("--pivot: the two keys must differ");

  std::vector<const RunRecord*> used;
  std::set<std::string> available;
  for (const auto& r : runs) {
    if (!r.done || r.status != RunStatus::ok) continue;
    for (const auto& kv : r.final_metrics) available.insert(kv.first);
    if ((r.final_metrics.count(request.metric) || missed_target(r, request.metric)) && r.swept.count(row_key) &&
        r.swept.count(col_key)) {
      used.push_back(&r);
    }
  }
  if (used.empty()) {
    throw std::invalid_argument("--metric: no ok run reports \"" + request.metric + "\" (metrics: " +
                                join({available.begin(), available.end()}, ", ") + ")");
  }

  std::set<std::string> row_set, col_set;
  std::map<std::string, std::set<std::string>> others;  // other swept key -> values seen
  PivotGrid grid;
  grid.row_key = row_key;
  grid.col_key = col_key;
  for (const RunRecord* r : used) {
    const std::string& rv = r->swept.at(row_key);
    const std::string& cv = r->swept.at(col_key);
    row_set.insert(rv);
    col_set.insert(cv);
    auto& cell = grid.cells[{rv, cv}];
    if (auto it = r->final_metrics.find(request.metric); it != r->final_metrics.end()) {
      cell.sum += it->second;
      ++cell.n;
    } else {
      ++cell.not_reached;
    }
    for (const auto& kv : r->swept) {
      if (kv.first != row_key && kv.first != col_key) others[kv.first].insert(kv.second);
    }
  }
  std::vector<std::string> averaged, fixed;
  std::vector<std::string> other_keys = swept_keys;
  for (const auto& kv : others) {
    if (std::find(other_keys.begin(), other_keys.end(), kv.first) == other_keys.end()) other_keys.push_back(kv.first);
  }
  for (const auto& k : other_keys) {
    auto it = others.find(k);
    if (it == others.end()) continue;
    if (it->second.size() > 1) {
      averaged.push_back(k + " (" + std::to_string(it->second.size()) + " values)");
    } else {
      fixed.push_back(k + "=" + *it->second.begin());
    }
  }
  grid.note = request.metric + ": rows " + row_key + ", columns " + col_key;
  if (!averaged.empty()) grid.note += "; mean over " + join(averaged, ", ");
  if (!fixed.empty()) grid.note += "; fixed: " + join(fixed, ", ");

  grid.rows = sorted_values(row_set);
  grid.cols = sorted_values(col_set);
  return grid;
}

PivotOutput render_pivot(const PivotGrid& grid, PivotFormat format) {
  const std::vector<std::string>& rows = grid.rows;
  const std::vector<std::string>& cols = grid.cols;
  PivotOutput out;
  out.note = grid.note;
  auto cell_text = [&](const std::string& rv, const std::string& cv, bool exact) -> std::string {
    auto it = grid.cells.find({rv, cv});
    if (it == grid.cells.end()) return exact ? "" : "-";
    const PivotGrid::Cell& c = it->second;
    if (c.n == 0) return "not reached";
    const double mean = c.sum / c.n;
    std::string text = exact ? exact_number(mean) : table_number(mean);
    if (c.not_reached)
      text += " (" + std::to_string(c.n) + "/" + std::to_string(c.n + c.not_reached) + " reached)";
    return text;
  };
  const std::string rk = short_key(grid.row_key), ck = short_key(grid.col_key);
  std::ostringstream s;
  switch (format) {
    case PivotFormat::md: {
      s << out.note << "\n\n| " << rk << " \\ " << ck << " |";
      for (const auto& c : cols) s << " " << c << " |";
      s << "\n|---|";
      for (size_t i = 0; i < cols.size(); ++i) s << "---:|";
      s << "\n";
      for (const auto& r : rows) {
        s << "| " << r << " |";
        for (const auto& c : cols) s << " " << cell_text(r, c, false) << " |";
        s << "\n";
      }
      break;
    }
    case PivotFormat::csv: {
      std::vector<std::string> header = {rk + "\\" + ck};
      header.insert(header.end(), cols.begin(), cols.end());
      s << csv_row(header);
      for (const auto& r : rows) {
        std::vector<std::string> line = {r};
        for (const auto& c : cols) line.push_back(cell_text(r, c, true));
        s << csv_row(line);
      }
      break;
    }
    case PivotFormat::latex: {
      s << "% " << out.note << "\n";
      s << "\\begin{tabular}{l" << std::string(cols.size(), 'r') << "}\n\\toprule\n";
      s << " & \\multicolumn{" << cols.size() << "}{c}{" << latex_escape(ck) << "} \\\\\n";
      s << "\\cmidrule(l){2-" << cols.size() + 1 << "}\n";
      s << latex_escape(rk);
      for (const auto& c : cols) s << " & " << latex_escape(c);
      s << " \\\\\n\\midrule\n";
      for (const auto& r : rows) {
        s << latex_escape(r);
        for (const auto& c : cols) s << " & " << latex_escape(cell_text(r, c, false));
        s << " \\\\\n";
      }
      s << "\\bottomrule\n\\end{tabular}\n";
      break;
    }
  }
  out.text = s.str();
  return out;
}

PivotOutput pivot_table(const std::vector<RunRecord>& runs, const std::vector<std::string>& swept_keys,
                        const PivotRequest& request) {
  return render_pivot(aggregate_pivot(runs, swept_keys, request), request.format);
}

}  // namespace tbptt
