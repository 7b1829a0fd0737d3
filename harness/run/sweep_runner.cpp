#include "harness/run/sweep_runner.hpp"

#include <signal.h>

#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>

#include "harness/report/machine.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/run/folder_lock.hpp"
#include "harness/run/mpi.hpp"
#include "harness/run/mpi_queue.hpp"
#include "harness/run/results_reporter.hpp"
#include "harness/run/stop_signals.hpp"

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

fs::path output_of(const Experiment& experiment, const SweepOptions& options) {
  const fs::path output = options.output.empty() ? fs::path(experiment.output) : fs::path(options.output);
  if (output.empty()) throw std::invalid_argument("no output folder (set run.output or --output)");
  return ResultsDir(output).root();
}

// However run_sweep leaves, the fallback that refers to its locals goes. What replaces it never
// exits: under mpirun's teardown the first rank to exit has the others SIGKILLed at once (README
// "MPI"), so a rank past its sweep leaves only through main's last barrier, after rank 0 has
// written everything; on one machine the process is about to return anyway.
struct AbandonFallbackGuard {
  ~AbandonFallbackGuard() {
    set_abandon_fallback([](int) { return false; });
  }
};

// How many runs of the experiment have their metrics.json.
size_t runs_done(const ResultsDir& dir, const Experiment& experiment) {
  size_t done = 0;
  for (const auto& r : experiment.runs) done += dir.run_done(r.id) ? 1 : 0;
  return done;
}

// The locks of this process on the folder (folder_lock.hpp): rank 0 of a whole sweep holds the
// sweep lock exclusively; a shard holds it shared plus its own shard lock.
struct Locks {
  std::optional<FolderLock> sweep, shard;
  void take(const fs::path& root, const std::optional<Shard>& s) {
    sweep.emplace(root, kSweepLock, s ? FolderLock::Mode::shared : FolderLock::Mode::exclusive);
    if (s) shard.emplace(root, std::string(kSweepLock) + "-shard-" + s->name(), FolderLock::Mode::exclusive);
  }
};

}  // namespace

std::string resume_note(const fs::path& output, int signal, size_t done, size_t total) {
  const std::string name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal " + std::to_string(signal);
  return output.string() + ": interrupted by " + name + ": " + std::to_string(done) + " of " + std::to_string(total) +
         " runs done; run the same command again to resume (finished runs are kept, the others run)";
}

SweepPlan plan_sweep(const Experiment& experiment, const SweepOptions& options) {
  SweepPlan plan;
  plan.output = output_of(experiment, options);
  const ResultsDir dir(plan.output);

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
  // N.B. A reference unless sharded: a copy of every RunSpec here was a third one at the peak
  // (the experiment's, this, and plan.todo), 4.3 KB per run each.
  const std::vector<RunSpec> shard = options.shard ? shard_runs(experiment.runs, *options.shard) : std::vector<RunSpec>();
  const std::vector<RunSpec>& runs = options.shard ? shard : experiment.runs;
  for (const auto& r : runs) {
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
  if (options.shard && world.size > 1) {
    throw std::invalid_argument("--shard: a sharded sweep runs one process per shard, not under MPI; use one or the other");
  }
  if (options.shard && options.fresh) {
    throw std::invalid_argument("--fresh: not with --shard (shards share the folder); move the old folder aside before "
                                "submitting the array");
  }

  // Lock before reading, so that the plan cannot change under us. Only rank 0 locks: the other
  // ranks are part of the same sweep. A refusal on rank 0 ends every rank (main: mpi_abort).
  SweepOutcome result;
  result.output = output_of(experiment, options);
  Locks locks;
  if (world.rank == 0) locks.take(result.output, options.shard);
  mpi_barrier();

  // Every rank reads the same folder and reaches the same verdict, so all throw together.
  const SweepPlan plan = plan_sweep(experiment, options);
  if (plan.conflict && !options.fresh) throw std::invalid_argument(plan.conflict_message);
  ResultsDir dir(plan.output);
  mpi_barrier();  // everyone has read the folder before rank 0 changes it

  std::string first_start;
  if (world.rank == 0) {
    if (plan.move_aside) {
      result.moved_to = dir.move_aside();
      locks.shard.reset();
      locks.sweep.reset();
      locks.take(result.output, options.shard);
      log << "--fresh: moved the old results to " << result.moved_to->string() << "\n";
    } else if (dir.has_manifest()) {
      first_start = dir.read_manifest().value("first_start_time", "");
    }
  }
  const auto role = options.shard ? ResultsFolderReporter::Role::shard
                    : world.rank == 0 ? ResultsFolderReporter::Role::whole
                                      : ResultsFolderReporter::Role::runs_only;
  ResultsFolderReporter results(dir, experiment, role, options.shard, first_start);
  const ProgressStyle style =
      world.size > 1 && options.progress == ProgressStyle::automatic ? ProgressStyle::lines : options.progress;
  std::string label;
  if (world.size > 1) label = "[rank " + std::to_string(world.rank) + "] ";
  if (options.shard) label = "[shard " + options.shard->name() + "] ";
  Progress progress(style, log, experiment.report.metric, label);
  std::vector<SweepReporter*> chain_list = {&results, &progress};
  chain_list.insert(chain_list.end(), options.reporters.begin(), options.reporters.end());
  ReporterChain reporters(chain_list);

  SweepStart start;
  start.experiment = &experiment;
  start.todo = plan.todo.size();
  for (const auto& r : plan.todo) start.todo_cost += r.cost;
  start.done = plan.done;
  start.jobs = plan.jobs;
  start.ranks = world.size;
  start.start_time = start_time;
  reporters.begin(start);
  mpi_barrier();  // the manifest exists and stale files are gone before any run folder is written

  result.skipped = plan.done;
  const size_t share = plan.done + plan.todo.size();  // the runs of this invocation's shard or sweep
  if (world.rank == 0 && plan.done > 0) {
    log << plan.output.string() << ": " << plan.done << " of " << share << " runs"
        << (options.shard ? " of shard " + options.shard->name() : std::string()) << " already done, running "
        << plan.todo.size() << "\n";
  }

  // SIGTERM or a second SIGINT: the runs stop at their next update and the sweep ends below as
  // usual. The fallback (stop_signals.hpp) is for when that takes longer than the grace: rank 0
  // writes what is complete (from the folder, without the other ranks) and the process exits;
  // ranks > 0 never exit on their own, since under mpirun that would have rank 0 killed. The
  // resume line comes before the files: mpirun's SIGKILL may come while they are written (each
  // is written atomically, so what is not rewritten stays whole, and a restart rewrites them).
  std::mutex end_mutex;
  bool ending = false;  // the normal end or the fallback has begun (under end_mutex)
  AbandonFallbackGuard guard;
  set_abandon_fallback([&](int signal) {
    std::unique_lock<std::mutex> lock(end_mutex, std::try_to_lock);
    if (!lock.owns_lock() || ending || world.rank != 0) return false;
    ending = true;
    log << resume_note(plan.output, signal, runs_done(dir, experiment), experiment.runs.size()) << "\n" << std::flush;
    SweepEnd end;
    end.signal = signal;
    end.abandoned = true;
    try {
      reporters.end(end);
    } catch (const std::exception& e) {
      log << "could not write what is complete: " << e.what() << "\n";
    }
    return true;
  });

  SchedulerOptions sched;
  sched.jobs = options.jobs.value_or(experiment.jobs);
  sched.fail_fast = options.fail_fast;
  {
    MpiQueue queue(plan.todo);
    result.schedule = run_queue(queue, runner, reporters, sched);
    queue.finish();
  }

  result.failed_total = mpi_sum(result.schedule.failed);
  result.stopped = mpi_sum(result.schedule.stopped ? 1 : 0) > 0;
  const long long finished =
      mpi_sum(result.schedule.ok + result.schedule.diverged + result.schedule.failed);
  result.signal = static_cast<int>(mpi_max(stop_signal()));
  SweepEnd end;
  result.ok_total = mpi_sum(result.schedule.ok);
  result.diverged_total = mpi_sum(result.schedule.diverged);
  end.ok = static_cast<int>(result.ok_total);
  end.diverged = static_cast<int>(result.diverged_total);
  end.failed = static_cast<int>(result.failed_total);
  end.not_run = static_cast<int>(static_cast<long long>(plan.todo.size()) - finished);
  end.fail_fast_stop = result.stopped;
  end.signal = result.signal;
  end.peak_rss_bytes = mpi_max(peak_rss_bytes());
  end.abandoned = mpi_sum(result.schedule.abandoned) > 0;
  result.schedule.not_run = end.not_run;
  result.missing = end.not_run;
  mpi_barrier();  // every rank's run folders are written
  {
    std::lock_guard<std::mutex> lock(end_mutex);
    if (ending) return result;  // unreachable: the fallback exits the process once it has begun
    ending = true;
  }
  if (world.rank == 0 && result.signal != 0) {
    log << resume_note(plan.output, result.signal, runs_done(dir, experiment), experiment.runs.size()) << "\n"
        << std::flush;
  }
  reporters.end(end);
  result.table_md = results.table_md();
  return result;
}

}  // namespace tbptt
