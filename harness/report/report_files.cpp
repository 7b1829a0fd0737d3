#include "harness/report/report_files.hpp"

#include <filesystem>
#include <stdexcept>

#include "harness/report/atomic_file.hpp"
#include "harness/report/curve_file.hpp"
#include "harness/report/manifest.hpp"
#include "harness/report/run_targets.hpp"
#include "harness/report/table.hpp"

namespace tbptt {
namespace {

// The experiment's k2 for settings that do not sweep it (its default is full).
std::string experiment_k2(const nlohmann::json& manifest) {
  const nlohmann::json* node = &manifest;
  for (const char* key : {"experiment", "train", "tbptt", "k2"}) {
    if (!node->is_object() || !node->contains(key)) return "full";
    node = &(*node)[key];
  }
  return node->is_string() ? node->get<std::string>() : node->dump();
}

}  // namespace

std::vector<RunRecord> read_report_records(const ResultsDir& dir, const nlohmann::json& manifest) {
  std::vector<RunRecord> records = dir.read_records(manifest);
  for (auto& r : records) {
    if (!r.done) continue;
    const auto path = dir.run_path(r.id) / "curve.csv";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;  // failed before writing its curve
    try {
      r.curve = parse_curve_csv(read_file(path));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(path.string() + ": " + e.what());
    }
  }
  annotate_targets(records, manifest_report_config(manifest));
  return records;
}

std::string write_report_files(const ResultsDir& dir) {
  const nlohmann::json manifest = dir.read_manifest();
  const std::vector<RunRecord> records = read_report_records(dir, manifest);
  const std::vector<std::string> keys = manifest_swept_keys(manifest);
  const ReportTable table = build_report(records, manifest_report_config(manifest), manifest.value("name", ""),
                                         experiment_k2(manifest));
  const std::string markdown = table_markdown(table);
  write_file_atomic(dir.root() / "summary.csv", summary_csv(records, keys));
  write_file_atomic(dir.root() / "table.md", markdown);
  return markdown;
}

}  // namespace tbptt
