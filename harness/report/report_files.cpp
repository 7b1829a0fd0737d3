#include "harness/report/report_files.hpp"

#include "harness/report/atomic_file.hpp"
#include "harness/report/manifest.hpp"
#include "harness/report/table.hpp"

namespace tbptt {

std::string write_report_files(const ResultsDir& dir) {
  const nlohmann::json manifest = dir.read_manifest();
  const std::vector<RunRecord> records = dir.read_records(manifest);
  const std::vector<std::string> keys = manifest_swept_keys(manifest);
  const ReportTable table =
      build_report(records, manifest_report_config(manifest), manifest.value("name", ""));
  const std::string markdown = table_markdown(table);
  write_file_atomic(dir.root() / "summary.csv", summary_csv(records, keys));
  write_file_atomic(dir.root() / "table.md", markdown);
  return markdown;
}

}  // namespace tbptt
