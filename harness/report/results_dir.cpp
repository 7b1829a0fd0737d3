#include "harness/report/results_dir.hpp"

#include <cmath>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "harness/report/atomic_file.hpp"
#include "harness/report/text.hpp"
#include "harness/sweep/run_id.hpp"

namespace tbptt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Finite values as numbers; non-finite as null, with their names collected in `nonfinite`.
json metrics_object(const std::map<std::string, double>& metrics, const std::string& prefix,
                    std::vector<std::string>& nonfinite) {
  json out = json::object();
  for (const auto& [name, value] : metrics) {
    if (std::isfinite(value)) {
      out[name] = value;
    } else {
      out[name] = nullptr;
      nonfinite.push_back(prefix + name);
    }
  }
  return out;
}

std::map<std::string, double> metrics_from(const json& object) {
  std::map<std::string, double> out;
  if (!object.is_object()) return out;
  for (const auto& [name, value] : object.items()) {
    if (value.is_number()) out[name] = value.get<double>();
  }
  return out;
}

std::map<std::string, std::string> swept_from(const json& object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.items()) {
    out[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

std::string curve_cell(double value) { return exact_number(value); }

// config.yaml layout, whatever style the resolved node was loaded with: maps in block style,
// sequences of scalars on one line ([5, 10]), other sequences in block style.
void set_readable_style(YAML::Node node) {
  if (node.IsMap()) {
    node.SetStyle(YAML::EmitterStyle::Block);
    for (auto kv : node) set_readable_style(kv.second);
  } else if (node.IsSequence()) {
    bool scalars = true;
    for (auto item : node) {
      scalars = scalars && (item.IsScalar() || item.IsNull());
      set_readable_style(item);
    }
    node.SetStyle(scalars ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
  }
}

// Serialises a YAML tree (a copy; the input is not touched). yaml-cpp is not documented as safe
// for concurrent use of nodes that may share subtrees, so emission is serialised.
std::string yaml_text(const YAML::Node& node) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  YAML::Node copy = YAML::Clone(node);
  set_readable_style(copy);
  YAML::Emitter out;
  out << copy;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

json metrics_json(const RunSpec& spec, const RunOutcome& outcome) {
  std::vector<std::string> nonfinite;
  json out;
  out["format"] = kMetricsFormat;
  out["id"] = spec.id;
  out["status"] = to_string(outcome.status);
  out["final"] = metrics_object(outcome.final_metrics, "", nonfinite);
  out["best"] = metrics_object(outcome.best_metrics, "best.", nonfinite);
  std::string reason = outcome.reason;
  if (!nonfinite.empty()) {
    std::string names;
    for (const auto& n : nonfinite) names += (names.empty() ? "" : ", ") + n;
    reason += (reason.empty() ? "" : "; ") + std::string("not finite (written as null): ") + names;
  }
  out["reason"] = reason;
  out["setting"] = spec.setting;
  out["baseline_setting"] = spec.baseline_setting;
  out["is_baseline"] = spec.is_baseline;
  out["swept"] = spec.swept;
  json series = json::object();
  for (const auto& [name, values] : outcome.series) {
    json list = json::array();
    for (double v : values) list.push_back(std::isfinite(v) ? json(v) : json(nullptr));
    series[name] = std::move(list);
  }
  out["series"] = std::move(series);
  return out;
}

std::string curve_csv(const std::vector<CurvePoint>& curve) {
  std::set<std::string> eval_names;
  for (const auto& p : curve) {
    for (const auto& kv : p.eval) eval_names.insert(kv.first);
  }
  std::vector<std::string> header = {"update",    "tokens",    "wall_s", "cpu_s",
                                     "train_loss", "grad_norm", "clip_rate", "lr"};
  header.insert(header.end(), eval_names.begin(), eval_names.end());
  std::string out = csv_row(header);
  for (const auto& p : curve) {
    std::vector<std::string> row = {std::to_string(p.update), std::to_string(p.tokens),
                                    curve_cell(p.wall_seconds), curve_cell(p.cpu_seconds),
                                    curve_cell(p.train_loss),  curve_cell(p.grad_norm),
                                    curve_cell(p.clip_rate),   curve_cell(p.lr)};
    for (const auto& name : eval_names) {
      auto it = p.eval.find(name);
      row.push_back(it == p.eval.end() ? std::string() : curve_cell(it->second));
    }
    out += csv_row(row);
  }
  return out;
}

json run_entry_json(const RunSpec& spec) {
  json out;
  out["id"] = spec.id;
  out["setting"] = spec.setting;
  out["baseline_setting"] = spec.baseline_setting;
  out["is_baseline"] = spec.is_baseline;
  out["swept"] = spec.swept;
  out["cost"] = std::isfinite(spec.cost) ? json(spec.cost) : json(nullptr);
  return out;
}

RunRecord record_from_run_entry(const json& entry) {
  RunRecord r;
  r.id = entry.value("id", "");
  r.setting = entry.value("setting", "");
  r.baseline_setting = entry.value("baseline_setting", "");
  r.is_baseline = entry.value("is_baseline", false);
  if (entry.contains("swept")) r.swept = swept_from(entry["swept"]);
  return r;
}

RunRecord record_from_metrics(const json& metrics) {
  RunRecord r = record_from_run_entry(metrics);
  r.done = true;
  r.status = parse_run_status(metrics.value("status", "failed"));
  r.reason = metrics.value("reason", "");
  if (metrics.contains("final")) r.final_metrics = metrics_from(metrics["final"]);
  if (metrics.contains("best")) r.best_metrics = metrics_from(metrics["best"]);
  if (metrics.contains("series") && metrics["series"].is_object()) {
    for (const auto& [name, list] : metrics["series"].items()) {
      if (!list.is_array()) continue;
      auto& values = r.series[name];
      for (const auto& v : list) values.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    }
  }
  return r;
}

ResultsDir::ResultsDir(fs::path root) : root_(root.lexically_normal()) {
  if (!root_.has_filename() && root_.has_parent_path()) root_ = root_.parent_path();
}

bool ResultsDir::run_done(const std::string& id) const {
  std::error_code ec;
  return fs::is_regular_file(metrics_path(id), ec);
}

void ResultsDir::write_run(const RunSpec& spec, const RunOutcome& outcome) const {
  const fs::path dir = run_path(spec.id);
  fs::create_directories(dir);
  write_file_atomic(dir / "config.yaml", yaml_text(resolved_config(spec)));
  write_file_atomic(dir / "curve.csv", curve_csv(outcome.curve));
  write_file_atomic(dir / "metrics.json", metrics_json(spec, outcome).dump(2) + "\n");
}

bool ResultsDir::has_manifest() const {
  std::error_code ec;
  return fs::is_regular_file(manifest_path(), ec);
}

json ResultsDir::read_manifest() const {
  if (!has_manifest()) {
    throw std::invalid_argument(root_.string() + ": no manifest.json (not a tbptt results folder)");
  }
  try {
    return json::parse(read_file(manifest_path()));
  } catch (const json::exception& e) {
    throw std::invalid_argument(manifest_path().string() + ": unreadable: " + e.what());
  }
}

void ResultsDir::write_manifest(const json& manifest) const {
  write_file_atomic(manifest_path(), manifest.dump(2) + "\n");
}

std::set<std::string> ResultsDir::stored_ids() const {
  std::set<std::string> ids;
  if (has_manifest()) {
    const json manifest = read_manifest();
    if (manifest.contains("runs")) {
      for (const auto& entry : manifest["runs"]) ids.insert(entry.value("id", ""));
    }
  }
  std::error_code ec;
  if (fs::is_directory(runs_path(), ec)) {
    for (const auto& entry : fs::directory_iterator(runs_path())) {
      if (entry.is_directory()) ids.insert(entry.path().filename().string());
    }
  }
  return ids;
}

std::vector<RunRecord> ResultsDir::read_records(const json& manifest) const {
  std::vector<RunRecord> records;
  if (!manifest.contains("runs")) return records;
  for (const auto& entry : manifest["runs"]) {
    const std::string id = entry.value("id", "");
    if (run_done(id)) {
      try {
        records.push_back(record_from_metrics(json::parse(read_file(metrics_path(id)))));
      } catch (const json::exception& e) {
        throw std::runtime_error(metrics_path(id).string() + ": unreadable: " + e.what());
      }
    } else {
      records.push_back(record_from_run_entry(entry));
    }
  }
  return records;
}

int ResultsDir::remove_stale_temp_files(bool every_writer) const {
  int removed = tbptt::remove_stale_temp_files(root_, every_writer);
  std::error_code ec;
  if (fs::is_directory(runs_path(), ec)) {
    for (const auto& entry : fs::directory_iterator(runs_path())) {
      if (entry.is_directory()) removed += tbptt::remove_stale_temp_files(entry.path(), every_writer);
    }
  }
  return removed;
}

fs::path ResultsDir::move_aside() const {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  fs::path target = root_.string() + ".old-" + stamp;
  for (int i = 2; fs::exists(target); ++i) {
    target = root_.string() + ".old-" + stamp + "-" + std::to_string(i);
  }
  fs::rename(root_, target);
  return target;
}

}  // namespace tbptt
