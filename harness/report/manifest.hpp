// manifest.json: what a results folder holds (the resolved experiment and its run list) and
// where it came from (git commit, compiler and flags, CPU, cores, jobs, threads per run, ranks,
// times, peak memory).
// Written when a sweep starts (end_time null, status "running") and again when it ends, with
// status "complete" (every run has its metrics.json), "interrupted" (a stop signal), "stopped"
// (--fail-fast) or "incomplete" (runs are missing for another reason, e.g. a shard not yet run).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/sweep/run_spec.hpp"
#include "harness/sweep/experiment.hpp"
#include "harness/config/report_keys.hpp"

namespace tbptt {

struct ManifestContext {
  int jobs = 1;                 // OpenMP threads over runs (per rank)
  int mpi_ranks = 1;
  std::string start_time;       // ISO 8601 UTC of this invocation
  std::string first_start_time; // of the first invocation on this folder (resume keeps it)
  std::string end_time;         // "" : still running (written as null)
  long long peak_rss_bytes = 0; // largest over the ranks
  nlohmann::json counts = nlohmann::json::object();  // e.g. {"ok": 3, "failed": 1, "missing": 0}
  std::string status = "running";
  int shards = 0;               // job-array shards writing the folder (0: none)
};

nlohmann::json make_manifest(const Experiment& experiment, const ManifestContext& context);

// The swept keys and report settings a manifest stores (for `tbptt report DIR`).
std::vector<std::string> manifest_swept_keys(const nlohmann::json& manifest);
ReportConfig manifest_report_config(const nlohmann::json& manifest);

}  // namespace tbptt
