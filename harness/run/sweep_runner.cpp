#include "harness/run/sweep_runner.hpp"

#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include "harness/report/machine.hpp"
#include "harness/report/manifest.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/run/mpi.hpp"

namespace tbptt {
namespace fs = std::filesystem;

namespace {

std::string conflict_text(const fs::path& dir, const Experiment& e, size_t only_stored, size_t only_new) {
  return dir.string() + ": holds results of a different experiment (" +
         std::to_string(only_stored + only_new) + " run ids differ: " + std::to_string(only_stored) +
         " stored runs are not in " + (e.file.empty() ? std::string("the experiment") : e.file) +
         ", " + std::to_string(only_new) +
         " of its runs are new); use --fresh to move the old folder aside, or --output DIR";
}

}  // namespace

SweepPlan plan_sweep(const Experiment& experiment, const SweepOptions& options) {
  SweepPlan plan;
  plan.output = options.output.empty() ? fs::path(experiment.output) : fs::path(options.output);
  if (plan.output.empty()) throw std::invalid_argument("no output folder (set run.output or --output)");
  const ResultsDir dir(plan.output);
  plan.output = dir.root();

  std::set<std::string> wanted;
  for (const auto& r : experiment.runs) wanted.insert(r.id);
  const std::set<std::string> stored = dir.stored_ids();
  if (!stored.empty() && stored != wanted) {
    size_t only_stored = 0, only_new = 0;
    for (const auto& id : stored) only_stored += wanted.count(id) ? 0 : 1;
    for (const auto& id : wanted) only_new += stored.count(id) ? 0 : 1;
    plan.conflict = true;
    plan.conflict_message = conflict_text(plan.output, experiment, only_stored, only_new);
  }
  plan.move_aside = options.fresh && (!stored.empty() || dir.has_manifest());
  for (const auto& r : experiment.runs) {
    if (!plan.move_aside && dir.run_done(r.id)) {
      ++plan.done;
    } else {
      plan.todo.push_back(r);
    }
  }
  plan.jobs = resolve_jobs(options.jobs.value_or(experiment.jobs), plan.todo);
  return plan;
}

SweepOutcome run_sweep(const Experiment& experiment, const SweepOptions& options, const Runner& runner) {
  std::ostream& log = options.log ? *options.log : std::cerr;
  const MpiWorld world = mpi_world();
  const std::string start_time = iso_utc_now();

  // Every rank reads the same folder and reaches the same verdict, so all throw together.
  SweepPlan plan = plan_sweep(experiment, options);
  if (plan.conflict && !options.fresh) throw std::invalid_argument(plan.conflict_message);
  SweepOutcome result;
  result.output = plan.output;
  ResultsDir dir(plan.output);
  mpi_barrier();  // everyone has read the folder before rank 0 changes it

  std::string first_start;
  if (world.rank == 0) {
    if (plan.move_aside) {
      result.moved_to = dir.move_aside();
      log << "--fresh: moved the old results to " << result.moved_to->string() << "\n";
    } else if (dir.has_manifest()) {
      first_start = dir.read_manifest().value("first_start_time", "");
    }
    fs::create_directories(dir.runs_path());
    dir.remove_stale_temp_files();
    ManifestContext context;
    context.jobs = plan.jobs;
    context.mpi_ranks = world.size;
    context.start_time = start_time;
    context.first_start_time = first_start;
    dir.write_manifest(make_manifest(experiment, context));
  }
  mpi_barrier();

  // This rank's share: round-robin over the longest-first order of what is left.
  std::vector<RunSpec> mine;
  const std::vector<size_t> order = longest_first(plan.todo);
  for (size_t i = 0; i < order.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(world.size)) == world.rank) mine.push_back(plan.todo[order[i]]);
  }
  result.skipped = plan.done;
  if (world.rank == 0 && plan.done > 0) {
    log << plan.output.string() << ": " << plan.done << " of " << experiment.runs.size()
        << " runs already done, running " << plan.todo.size() << "\n";
  }

  SchedulerOptions sched;
  sched.jobs = options.jobs.value_or(experiment.jobs);
  sched.fail_fast = options.fail_fast;
  sched.progress = world.size > 1 && options.progress == ProgressStyle::automatic ? ProgressStyle::lines
                                                                                 : options.progress;
  sched.log = &log;
  sched.metric = experiment.report.metric;
  if (world.size > 1) sched.label = "[rank " + std::to_string(world.rank) + "] ";
  result.schedule = run_scheduled(
      mine, runner, [&dir](const RunSpec& spec, const RunOutcome& outcome) { dir.write_run(spec, outcome); },
      sched);

  result.failed_total = mpi_sum(result.schedule.failed);
  result.stopped = mpi_sum(result.schedule.stopped ? 1 : 0) > 0;
  const long long peak = mpi_max(peak_rss_bytes());
  mpi_barrier();
  if (world.rank == 0) {
    const nlohmann::json old = dir.read_manifest();
    ManifestContext context;
    context.jobs = result.schedule.jobs;
    context.mpi_ranks = world.size;
    context.start_time = start_time;
    context.first_start_time = old.value("first_start_time", start_time);
    context.end_time = iso_utc_now();
    context.peak_rss_bytes = peak;
    std::map<std::string, int> counts = {{"ok", 0}, {"diverged", 0}, {"failed", 0}, {"missing", 0}};
    for (const auto& record : dir.read_records(old)) ++counts[record.done ? to_string(record.status) : "missing"];
    context.counts = counts;
    dir.write_manifest(make_manifest(experiment, context));
    result.table_md = write_report_files(dir);
  }
  return result;
}

}  // namespace tbptt
