#include "harness/report/manifest.hpp"

#include <algorithm>
#include <cmath>

#include "harness/report/machine.hpp"
#include "harness/report/report_config_json.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/report/yaml_json.hpp"

namespace tbptt {
using nlohmann::json;

json make_manifest(const Experiment& experiment, const ManifestContext& context) {
  json m;
  m["format"] = kManifestFormat;
  m["name"] = experiment.name;
  m["experiment_file"] = experiment.file;
  m["experiment"] = yaml_to_json(experiment.resolved);
  m["swept_keys"] = experiment.swept_keys;
  m["report"] = report_config_json(experiment.report);
  json runs = json::array();
  for (const auto& spec : experiment.runs) runs.push_back(run_entry_json(spec));
  m["runs"] = std::move(runs);
  m["git_commit"] = git_commit();
  m["compiler"] = compiler_id();
  m["cxx_flags"] = compiler_flags();
  m["cpu_model"] = cpu_model();
  m["cores"] = cpu_cores();
  m["gemm"] = gemm_backends();
  m["jobs"] = context.jobs;
  long long threads = 1;
  for (const auto& spec : experiment.runs) threads = std::max<long long>(threads, spec.config.threads);
  m["threads_per_run"] = threads;  // Eigen threads inside one run (the largest over the runs)
  m["mpi_ranks"] = context.mpi_ranks;
  m["start_time"] = context.start_time;
  m["first_start_time"] =
      context.first_start_time.empty() ? context.start_time : context.first_start_time;
  m["end_time"] = context.end_time.empty() ? json(nullptr) : json(context.end_time);
  m["peak_rss_bytes"] = context.peak_rss_bytes;
  m["counts"] = context.counts;
  m["status"] = context.status;
  if (context.shards > 0) m["shards"] = context.shards;
  return m;
}

std::vector<std::string> manifest_swept_keys(const json& manifest) {
  std::vector<std::string> keys;
  if (manifest.contains("swept_keys") && manifest["swept_keys"].is_array()) {
    for (const auto& k : manifest["swept_keys"]) {
      if (k.is_string()) keys.push_back(k.get<std::string>());
    }
  }
  return keys;
}

ReportConfig manifest_report_config(const json& manifest) {
  return manifest.contains("report") ? report_config_from_json(manifest["report"]) : ReportConfig{};
}

}  // namespace tbptt
