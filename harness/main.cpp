// The `tbptt` command: run, validate, report, status, list, trace, speed, bias.
// Only this file turns exceptions into messages and exit codes: 2 for bad input (ConfigError,
// std::invalid_argument, command-line errors), 1 for failures (including a sweep with failed
// runs, or a results folder in use), 128 + the signal for a sweep stopped by SIGINT or SIGTERM,
// 0 otherwise. Messages go to stderr alone; config errors already read "FILE:LINE:COL: error: ...".
#include <CLI/CLI.hpp>
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/config/experiment.hpp"
#include "harness/report/pivot.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/results_dir.hpp"
#include "harness/report/manifest.hpp"
#include "harness/run/bias_command.hpp"
#include "harness/run/execute.hpp"
#include "harness/run/mpi.hpp"
#include "harness/run/results_reporter.hpp"
#include "harness/run/stop_signals.hpp"
#include "harness/run/speed.hpp"
#include "harness/run/sweep_runner.hpp"
#include "harness/run/sweep_state.hpp"
#include "harness/run/trace.hpp"
#include "harness/sweep/experiment.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

struct RunArgs {
  std::string file, output, shard;
  std::vector<std::string> sets;
  std::optional<int> jobs;
  bool dry_run = false, fresh = false, fail_fast = false;
};

struct ReportArgs {
  std::string dir, pivot, metric, format = "md";
};

struct TraceArgs {
  std::string file, out;
  std::vector<std::string> sets;
  long long updates = 0;
  bool use_double = false;
};

void add_set_option(CLI::App& cmd, std::vector<std::string>& sets) {
  cmd.add_option("--set", sets, "Override a key of the file: key.path=value (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// A run's line in a run list: its setting, and its seed when the seed is swept (the setting
// leaves the seed out, since it groups the seeds of one setting).
std::string setting_label(const RunSpec& spec) {
  std::string label = spec.setting.empty() ? "(single)" : spec.setting;
  if (auto it = spec.swept.find("seed"); it != spec.swept.end()) label += " seed=" + it->second;
  return label;
}

int command_validate(const std::string& file, const std::vector<std::string>& sets) {
  // Lazily: the list keeps which combination each run is; each RunSpec is made, printed and dropped.
  const Experiment e = load_experiment(file, sets, RunsMode::lazy);
  const RunList& runs = e.run_list;
  size_t baselines = 0;
  for (size_t i = 0; i < runs.size(); ++i) baselines += runs.is_baseline(i) ? 1 : 0;
  std::cout << e.file << ": " << runs.size() << " runs (" << baselines << " baseline), output " << e.output << "\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSpec spec = runs.at(i);
    std::cout << spec.id << "  " << setting_label(spec) << (spec.is_baseline ? "  <- baseline" : "") << "\n";
  }
  return kExitOk;
}

int dry_run(const Experiment& e, const SweepOptions& options) {
  const SweepPlan plan = plan_sweep(e, options);
  if (plan.conflict && !options.fresh) throw std::invalid_argument(plan.conflict_message);
  if (plan.move_aside) std::cout << "--fresh would move " << plan.output.string() << " aside\n";
  std::cout << plan.output.string() << ": " << e.runs.size() << " runs, "
            << (options.shard ? "shard " + options.shard->name() + ": " : std::string()) << plan.done << " done, "
            << plan.todo.size() << " to run with " << plan.jobs << " jobs\n";
  for (const auto& spec : plan.todo) {
    std::cout << spec.id << "  " << setting_label(spec) << (spec.is_baseline ? "  <- baseline" : "") << "\n";
  }
  return kExitOk;
}

int command_run(const RunArgs& args, int& argc, char**& argv) {
  // Before MPI and OpenMP start threads, so that they all inherit the blocked signals.
  StopSignals signals;
  // A file size limit (ulimit -f) then fails the write with EFBIG and a message, not the process.
  ::signal(SIGXFSZ, SIG_IGN);
  MpiSession mpi(argc, argv);
  const MpiWorld world = mpi_world();
  try {
    const Experiment e = load_experiment(args.file, args.sets);
    SweepOptions options;
    options.jobs = args.jobs;
    options.output = args.output;
    options.fresh = args.fresh;
    options.fail_fast = args.fail_fast;
    options.shard = args.shard.empty() ? shard_from_environment() : std::optional<Shard>(parse_shard(args.shard));
    if (options.shard && options.shard->count == 1) options.shard.reset();  // one shard: the whole sweep
    if (args.dry_run) return world.rank == 0 ? dry_run(e, options) : kExitOk;

    const Runner runner = [](const RunSpec& spec) { return execute_run(spec.config); };
    const SweepOutcome r = run_sweep(e, options, runner);
    if (world.rank == 0) {
      std::cout << r.table_md << std::flush;
      std::cerr << r.output.string() << ": " << r.skipped << " runs already done, this invocation: "
                << r.ok_total << " ok, " << r.diverged_total << " diverged, "
                << (r.schedule.time_limit ? std::to_string(r.schedule.time_limit) + " over run.time_limit, " : "")
                << r.failed_total << " failed"
                << (world.size > 1 ? " (over " + std::to_string(world.size) + " ranks)" : std::string())
                << (r.stopped ? "; stopped by --fail-fast" : "") << std::endl;
    }
    // Every rank leaves together, after rank 0 has written and printed everything: in mpirun's
    // teardown (Ctrl-C, SIGTERM) the first rank to exit has the others SIGKILLed at once.
    mpi_barrier();
    if (r.signal != 0) return 128 + r.signal;  // the shell's convention for "ended by a signal"
    return r.failed_total > 0 || r.stopped ? kExitFailure : kExitOk;
  } catch (const std::exception& e) {
    if (world.size <= 1) throw;
    // Other ranks may wait in a barrier: report and end them all.
    const auto* config = dynamic_cast<const ConfigError*>(&e);
    std::cerr << "[rank " << world.rank << "] " << (config ? config->report() : std::string(e.what()) + "\n");
    mpi_abort(config || dynamic_cast<const std::invalid_argument*>(&e) ? kExitBadInput : kExitFailure);
  }
}

std::vector<std::string> split_pivot(const std::string& text) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    keys.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (keys.size() != 2 || keys[0].empty() || keys[1].empty()) {
    throw std::invalid_argument("--pivot: expected two swept keys as ROW,COL, got \"" + text + "\"");
  }
  return keys;
}

int command_report(const ReportArgs& args) {
  const ResultsDir dir(args.dir);
  if (args.pivot.empty()) {
    if (!args.metric.empty()) throw std::invalid_argument("--metric is used with --pivot");
    std::cout << rebuild_report(dir) << std::flush;
    std::cerr << resume_notes(dir, writer_states(dir));  // writers that died or were interrupted
    return kExitOk;
  }
  if (args.metric.empty()) throw std::invalid_argument("--pivot needs --metric NAME");
  const auto keys = split_pivot(args.pivot);
  const nlohmann::json manifest = dir.read_manifest();
  PivotRequest request{keys[0], keys[1], args.metric, parse_pivot_format(args.format)};
  const PivotOutput out = pivot_table(read_report_records(dir, manifest), manifest_swept_keys(manifest), request);
  std::cout << out.text << std::flush;
  if (request.format == PivotFormat::csv) std::cerr << out.note << "\n";
  return kExitOk;
}

int command_trace(const TraceArgs& args) {
  const Experiment e = load_experiment(args.file, args.sets);
  if (e.runs.empty()) throw std::invalid_argument(args.file + ": the experiment has no runs");
  const RunSpec& spec = e.runs.front();
  write_trace(spec.config, args.updates, args.use_double, args.out);
  std::cerr << "trace of run " << spec.id << " (" << setting_label(spec) << "), " << args.updates
            << " updates: " << args.out << "\n";
  return kExitOk;
}

struct BiasArgs {
  std::string file;
  std::vector<std::string> sets;
  long long length = 200, train_updates = 0;
  bool sensitivity = false;
};

// One JSON object per run of the experiment: its setting and its truncation-bias profile.
int command_bias(const BiasArgs& args) {
  const Experiment e = load_experiment(args.file, args.sets);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& spec : e.runs) {
    nlohmann::json j = args.sensitivity ? sensitivity_json(spec.config, args.length)
                                        : bias_profile_json(spec.config, args.length, args.train_updates);
    j["id"] = spec.id;
    j["setting"] = setting_label(spec);
    j["swept"] = spec.swept;
    out.push_back(std::move(j));
  }
  std::cout << out.dump(1) << "\n";
  return kExitOk;
}

// `tbptt list --json`: what scripts need to know about the registries (e.g. which cells exist).
nlohmann::json registry_json() {
  nlohmann::json cells = nlohmann::json::array(), tasks = nlohmann::json::array();
  for (const CellType& t : cell_types())
    cells.push_back({{"name", t.name}, {"summary", t.summary}, {"gates", t.shape.gates},
                     {"state_rows", t.shape.state}, {"cache_rows", t.shape.cache},
                     {"standard_weights", t.scheme_init}});
  for (const auto& k : task_kinds()) tasks.push_back(k.kind);
  return {{"cells", cells}, {"tasks", tasks}};
}

// Names on the command line; the SpeedSpec fields are set from them after parsing.
struct SpeedNames {
  std::string optimizer = "sgd";
};

void add_speed_options(CLI::App& cmd, SpeedSpec& s, SpeedNames& names) {
  cmd.add_option("--cell", s.cell, "Recurrent cell")->check(CLI::IsMember(cell_names()))
      ->capture_default_str();
  cmd.add_option("--hidden", s.hidden, "Hidden units")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--batch", s.batch, "Lanes")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--input", s.input, "Input width")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--output", s.output, "Classes")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--layers", s.layers, "Stacked layers")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--k1", s.k1, "Steps between updates")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--k2", s.k2, "Steps of backpropagation")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--updates", s.updates, "Timed updates")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--warmup", s.warmup, "Untimed updates first")->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--optimizer", names.optimizer, "Optimizer")
      ->check(CLI::IsMember({"sgd", "adam", "rmsprop"}))->capture_default_str();
  cmd.add_option("--lr", s.lr, "Learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_flag("--double", s.use_double, "Run in double precision");
  cmd.add_option("--threads", s.threads, "Threads inside the run (as run.threads_per_run)")
      ->check(CLI::PositiveNumber)->capture_default_str();
}

int command_speed(SpeedSpec spec, const SpeedNames& names) {
  const std::map<std::string, OptimizerKind> optimizers = {
      {"sgd", OptimizerKind::sgd}, {"adam", OptimizerKind::adam}, {"rmsprop", OptimizerKind::rmsprop}};
  spec.optimizer = optimizers.at(names.optimizer);
  std::cout << measure_speed(spec).dump(2) << "\n";
  return kExitOk;
}

int main_impl(int argc, char** argv) {
  CLI::App app{"tbptt: truncated BPTT experiments, every setting against full BPTT"};
  app.require_subcommand(0, 1);

  RunArgs run_args;
  auto* run = app.add_subcommand("run", "Run an experiment's sweep (resumes what is missing)");
  run->add_option("file", run_args.file, "Experiment YAML file")->required();
  run->add_option("--jobs", run_args.jobs, "Parallel runs (0: one per core; default: run.jobs)");
  add_set_option(*run, run_args.sets);
  run->add_flag("--dry-run", run_args.dry_run, "Print what would run, run nothing");
  run->add_flag("--fresh", run_args.fresh, "Move the folder's old results aside and start over");
  run->add_flag("--fail-fast", run_args.fail_fast, "Start no new run after the first failed one");
  run->add_option("--output", run_args.output, "Results folder (default: run.output)");
  run->add_option("--shard", run_args.shard,
                  "I/N: run only shard I of N (job arrays; default: from SLURM_ARRAY_TASK_ID and "
                  "SLURM_ARRAY_TASK_COUNT); `tbptt report DIR` merges the shards");

  std::string validate_file;
  std::vector<std::string> validate_sets;
  auto* validate = app.add_subcommand("validate", "Check an experiment and print its run list");
  validate->add_option("file", validate_file, "Experiment YAML file")->required();
  add_set_option(*validate, validate_sets);

  ReportArgs report_args;
  auto* report = app.add_subcommand("report", "Rebuild summary.csv and table.md, or print a pivot table");
  report->add_option("dir", report_args.dir, "Results folder")->required();
  report->add_option("--pivot", report_args.pivot, "ROW,COL: two swept keys (e.g. k1,k2)");
  report->add_option("--metric", report_args.metric, "The metric of the pivot table");
  report->add_option("--format", report_args.format, "md, csv or latex")->capture_default_str();

  std::string status_dir;
  auto* status = app.add_subcommand("status", "Runs done, and whether each writer of the folder runs, ended or died");
  status->add_option("dir", status_dir, "Results folder")->required();

  auto* list = app.add_subcommand("list", "Describe every task, cell, optimizer and their parameters");
  bool list_json = false;
  list->add_flag("--json", list_json, "The cells (name, summary, rows per hidden unit) and task kinds as JSON");

  bool schema_markdown_flag = false;
  auto* schema = app.add_subcommand("schema", "Print the experiment file reference (experiments/SCHEMA.md)");
  schema->add_flag("--markdown", schema_markdown_flag, "As Markdown (the format of experiments/SCHEMA.md)")->required();

  TraceArgs trace_args;
  auto* trace = app.add_subcommand("trace", "Record every update of a short run (tbptt-trace/1 JSON)");
  trace->add_option("file", trace_args.file, "Experiment YAML file (its first run is traced)")->required();
  trace->add_option("--updates", trace_args.updates, "Updates to record")->required()->check(CLI::PositiveNumber);
  trace->add_option("--out", trace_args.out, "Output JSON file")->required();
  trace->add_flag("--double", trace_args.use_double, "Run in double precision");
  add_set_option(*trace, trace_args.sets);

  SpeedSpec speed_spec;
  SpeedNames speed_names;
  auto* speed = app.add_subcommand("speed", "Time the training loop on a synthetic workload (JSON)");
  add_speed_options(*speed, speed_spec, speed_names);

  BiasArgs bias_args;
  auto* bias = app.add_subcommand("bias", "Relative error of the TBPTT(1, K) gradient, K = 1..length, per run (JSON)");
  bias->add_option("file", bias_args.file, "Experiment YAML file")->required();
  bias->add_option("--length", bias_args.length, "Probe steps T")->check(CLI::PositiveNumber)->capture_default_str();
  bias->add_option("--train-updates", bias_args.train_updates, "Updates of train.* before probing")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  bias->add_flag("--sensitivity", bias_args.sensitivity,
                 "Instead: d(top h at the last step)/d(parameters) back-propagated K = 1..length steps, per parameter "
                 "(small models; train/bias_probe.hpp)");
  add_set_option(*bias, bias_args.sets);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  }

  // An empty --output would silently mean "the default folder": refuse it.
  if (*run && run->count("--output") > 0 && run_args.output.empty())
    throw std::invalid_argument("--output: expected a results folder, got ''");
  if (*run) return command_run(run_args, argc, argv);
  if (*validate) return command_validate(validate_file, validate_sets);
  if (*report) return command_report(report_args);
  if (*status) {
    std::cout << status_text(ResultsDir(status_dir)) << std::flush;
    return kExitOk;
  }
  if (*list) {
    std::cout << (list_json ? registry_json().dump(2) + "\n" : describe_schema()) << std::flush;
    return kExitOk;
  }
  if (*schema) {
    std::cout << schema_markdown() << std::flush;
    return kExitOk;
  }
  if (*trace) return command_trace(trace_args);
  if (*speed) return command_speed(speed_spec, speed_names);
  if (*bias) return command_bias(bias_args);
  std::cout << app.help();
  return kExitOk;
}

}  // namespace
}  // namespace tbptt

int main(int argc, char** argv) {
  try {
    return tbptt::main_impl(argc, argv);
  } catch (const tbptt::ConfigError& e) {
    std::cerr << e.report();  // one line per diagnostic, each ending in '\n', already escaped
    return tbptt::kExitBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << tbptt::escape_controls(e.what()) << "\n";
    return tbptt::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << tbptt::escape_controls(e.what()) << "\n";
    return tbptt::kExitFailure;
  }
}
