#include "harness/run/results_reporter.hpp"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>

#include "harness/report/atomic_file.hpp"
#include "harness/report/machine.hpp"
#include "harness/report/manifest.hpp"
#include "harness/report/report_files.hpp"
#include "harness/run/folder_lock.hpp"
#include "harness/run/sweep_state.hpp"

namespace tbptt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Counts {
  std::map<std::string, int> by_status = {{"ok", 0}, {"diverged", 0}, {"failed", 0}, {"missing", 0}};
  long long missing() const { return by_status.at("missing"); }
};

Counts count_runs(const ResultsDir& dir, const json& manifest) {
  Counts counts;
  for (const auto& record : dir.read_records(manifest)) {
    ++counts.by_status[record.done ? to_string(record.status) : "missing"];
  }
  return counts;
}

fs::path shard_file(const ResultsDir& dir, const Shard& shard) {
  return dir.root() / "shards" / (shard.name() + ".json");
}

// Holding kReportLock: the manifest's counts, status and end time from the run folders and the
// shard files; then the report files.
std::string merge_and_report_locked(const ResultsDir& dir) {
  json manifest = dir.read_manifest();
  const Counts counts = count_runs(dir, manifest);
  // Each shard's state as sweep_state.hpp reads it: a shard that died shows as "died".
  json shards = json::object();
  for (const auto& w : writer_states(dir)) shards[w.name] = w.state;
  manifest["counts"] = counts.by_status;
  manifest["shard_status"] = shards;
  manifest["status"] = counts.missing() == 0 ? "complete" : "incomplete";
  manifest["end_time"] = counts.missing() == 0 ? json(iso_utc_now()) : json(nullptr);
  dir.write_manifest(manifest);
  return write_report_files(dir);
}

}  // namespace

std::string sweep_status(const SweepEnd& end, long long missing) {
  if (missing == 0) return "complete";
  if (end.signal != 0) return "interrupted";
  if (end.fail_fast_stop) return "stopped";
  return "incomplete";
}

ResultsFolderReporter::ResultsFolderReporter(ResultsDir dir, const Experiment& experiment, Role role,
                                             std::optional<Shard> shard, std::string first_start_time)
    : dir_(std::move(dir)), experiment_(experiment), role_(role), shard_(shard),
      first_start_(std::move(first_start_time)) {
  if (role_ == Role::shard && !shard_) throw std::logic_error("ResultsFolderReporter: the shard role needs a shard");
}

void ResultsFolderReporter::begin(const SweepStart& start) {
  start_time_ = start.start_time;
  jobs_ = start.jobs;
  ranks_ = start.ranks;
  if (role_ == Role::runs_only) return;
  fs::create_directories(dir_.runs_path());
  ManifestContext context;
  context.jobs = jobs_;
  context.mpi_ranks = ranks_;
  context.start_time = start_time_;
  context.first_start_time = first_start_;
  if (role_ == Role::whole) {
    dir_.remove_stale_temp_files(/*every_writer=*/true);  // the sweep lock is ours alone
    dir_.write_manifest(make_manifest(experiment_, context));
    return;
  }
  dir_.remove_stale_temp_files(/*every_writer=*/false);  // other shards may be writing
  context.shards = shard_->count;
  {
    FolderLock report_lock(dir_.root(), kReportLock, FolderLock::Mode::exclusive, /*wait=*/true);
    if (!dir_.has_manifest()) dir_.write_manifest(make_manifest(experiment_, context));
  }
  json status = {{"format", "tbptt-shard/1"}, {"shard", shard_->name()}, {"status", "running"},
                 {"start_time", start_time_}, {"end_time", nullptr}, {"host", host_name()},
                 {"pid", static_cast<long long>(::getpid())}, {"todo", start.todo}, {"done_before", start.done}};
  write_file_atomic(shard_file(dir_, *shard_), status.dump(2) + "\n");
}

void ResultsFolderReporter::run_finished(const RunSpec& spec, const RunOutcome& outcome, double) {
  dir_.write_run(spec, outcome);
}

void ResultsFolderReporter::end(const SweepEnd& end) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ended_ || role_ == Role::runs_only) return;
  ended_ = true;
  FolderLock report_lock(dir_.root(), kReportLock, FolderLock::Mode::exclusive, /*wait=*/true);
  if (role_ == Role::shard) {
    json status = json::parse(read_file(shard_file(dir_, *shard_)));
    const std::vector<RunSpec> mine = shard_runs(experiment_.runs, *shard_);
    long long missing = 0;
    for (const auto& spec : mine) missing += dir_.run_done(spec.id) ? 0 : 1;
    status["status"] = sweep_status(end, missing);
    status["end_time"] = iso_utc_now();
    status["missing"] = missing;
    status["ok"] = end.ok;
    status["diverged"] = end.diverged;
    status["failed"] = end.failed;
    status["peak_rss_bytes"] = end.peak_rss_bytes;
    write_file_atomic(shard_file(dir_, *shard_), status.dump(2) + "\n");
    table_md_ = merge_and_report_locked(dir_);
    return;
  }
  const json old = dir_.read_manifest();
  ManifestContext context;
  context.jobs = jobs_;
  context.mpi_ranks = ranks_;
  context.start_time = start_time_;
  context.first_start_time = old.value("first_start_time", start_time_);
  context.end_time = iso_utc_now();
  context.peak_rss_bytes = end.peak_rss_bytes;
  const Counts counts = count_runs(dir_, old);
  context.counts = counts.by_status;
  context.status = sweep_status(end, counts.missing());
  dir_.write_manifest(make_manifest(experiment_, context));
  table_md_ = write_report_files(dir_);
}

std::string ResultsFolderReporter::table_md() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return table_md_;
}

std::string rebuild_report(const ResultsDir& dir) {
  if (!dir.has_manifest()) dir.read_manifest();  // throws the "not a results folder" message
  FolderLock report_lock(dir.root(), kReportLock, FolderLock::Mode::exclusive, /*wait=*/true);
  std::error_code ec;
  if (fs::is_directory(dir.root() / "shards", ec)) return merge_and_report_locked(dir);
  return write_report_files(dir);
}

}  // namespace tbptt
