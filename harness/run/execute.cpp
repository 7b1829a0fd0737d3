// One run from start to end (see execute.hpp). The run is put together by make_run
// (train/make_run.hpp, which also says what seeds what).
#include "harness/run/execute.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <exception>
#include <new>

#include "harness/config/yaml_reader.hpp"
#include "harness/report/metric_names.hpp"
#include "harness/run/stop_signals.hpp"
#include "harness/train/context.hpp"
#include "harness/train/evaluator.hpp"
#include "harness/train/fidelity.hpp"
#include "harness/train/make_run.hpp"
#include "harness/train/schedule.hpp"
#include "harness/train/stopwatch.hpp"
#include "harness/train/tbptt_trainer.hpp"

namespace tbptt {
namespace {

// Models with at most this many parameters report their values at each evaluation.
constexpr Index kReportedParams = 8;

// Running means of the per-update figures between two evaluation points.
struct RunningMeans {
  double loss = 0, norm = 0;
  long long updates = 0, clipped = 0;
  void add(const UpdateStats& s) {
    if (s.skipped) return;
    loss += s.loss;
    norm += s.grad_norm;
    clipped += s.clipped;
    ++updates;
  }
};

class RunLoop {
 public:
  RunLoop(const RunConfig& config, const CurveCallback& on_point)
      : config_(config),
        on_point_(on_point),
        run_(make_run<float>(config)),
        task_(*run_->task),
        info_(run_->info),
        net_(run_->net()),
        params_(run_->params()),
        trainer_(run_->trainer()) {}

  RunOutcome run() {
    const TrainConfig& tc = config_.train;
    TbpttTrainer<float>& trainer = trainer_;
    Stream& stream = *run_->train_stream;
    // With a token budget, the number of updates (what a cosine schedule spans) is estimated
    // from the policy's mean chunk length (fixed: k1, or the episode for k1: full).
    const Index chunk = std::max<Index>(1, static_cast<Index>(std::llround(trainer.policy().mean_chunk())));
    LrSchedule schedule(tc.schedule, tc.optimizer.lr, tc.tokens > 0 ? tc.tokens / (tc.batch * chunk) : tc.updates);
    wall0_ = wall_now();
    cpu0_ = thread_cpu_now();
    long long update = 0, tokens = 0, skipped = 0, clipped_total = 0, applied = 0;
    RunningMeans window;
    RunOutcome out;
    // Per-update gradient norms (for spikes: Pascanu et al. 2013) and the most steps the tape
    // ever held (the memory of Williams & Peng 1990's cost model).
    std::vector<double> norms;
    Index peak_stored = 0;
    const bool report_windows = tc.tbptt.kind != TruncationKind::fixed;
    double window_sum = 0;
    Index window_min = 0, window_max = 0;
    auto done = [&] { return tc.tokens > 0 ? tokens >= tc.tokens : update >= tc.updates; };
    // Evaluation points by tokens (the default) or, with eval.every, by updates (execute.hpp).
    const EvalConfig& ec = config_.eval;
    long long next_eval_tokens = ec.every_tokens;
    auto eval_due = [&] {
      return ec.every > 0 ? update % ec.every == 0 : tokens >= next_eval_tokens;
    };
    while (!done()) {
      // SIGTERM or a second SIGINT (stop_signals.hpp): stop between two updates, record nothing.
      if (abandon_requested()) throw RunAbandoned();
      const UpdateStats s = trainer.update(stream, schedule.lr(update));
      ++update;
      peak_stored = std::max(peak_stored, trainer.tape().size());
      if (!s.skipped) norms.push_back(s.grad_norm);
      if (report_windows) {  // the window back-propagated, as the policy chose it
        const Index w = s.window_steps;
        window_sum += static_cast<double>(w);
        window_min = update == 1 ? w : std::min(window_min, w);
        window_max = std::max(window_max, w);
      }
      tokens += s.steps * tc.batch;
      if (s.nonfinite) {
        if (tc.on_nonfinite == OnNonFinite::diverge) {
          out.status = RunStatus::diverged;
          out.reason = "non-finite loss or gradient at update " + std::to_string(update);
          break;
        }
      }
      skipped += s.skipped;
      clipped_total += s.clipped;
      applied += !s.skipped;
      window.add(s);
      if (eval_due() || done()) {
        evaluate_point(out, update, tokens, window, schedule, schedule.lr(update));
        window = RunningMeans{};
        next_eval_tokens = (tokens / ec.every_tokens + 1) * ec.every_tokens;
        if (diverged(out)) break;
      }
      if (config_.time_limit > 0 && wall_now() - wall0_ > config_.time_limit && !done()) {
        out.status = RunStatus::time_limit;
        out.reason = "stopped at update " + std::to_string(update) + ": run.time_limit of " +
                     format_number(config_.time_limit) + " s reached";
        break;
      }
    }
    if (abandon_requested()) throw RunAbandoned();  // before the context measurement's evaluations
    if (out.status == RunStatus::ok && !out.curve.empty()) measure_context(out);
    auto& f = out.final_metrics;
    if (out.status == RunStatus::ok && !out.curve.empty()) {
      for (const auto& [k, v] : out.curve.back().eval) f[k] = v;
    }
    const PhaseSeconds& ph = trainer.phase_seconds();
    const double train_seconds = ph.data + ph.forward + ph.backward + ph.clip + ph.optimizer;
    f["updates"] = static_cast<double>(update);
    f["skipped_updates"] = static_cast<double>(skipped);
    f["clip_rate"] = applied ? static_cast<double>(clipped_total) / static_cast<double>(applied) : 0.0;
    f["tokens"] = static_cast<double>(tokens);
    // Every compared cost is the training's own: the loop's time minus evaluation, fidelity probe
    // and context measurement, which have their own columns.
    f["wall_seconds"] = train_wall();
    f["cpu_seconds"] = train_cpu();
    f["train_seconds"] = train_seconds;
    f["eval_seconds"] = eval_.wall;
    f["eval_cpu_seconds"] = eval_.cpu;
    f["fidelity_seconds"] = fidelity_.wall;
    f["fidelity_cpu_seconds"] = fidelity_.cpu;
    f["context_seconds"] = context_.wall;
    f["context_cpu_seconds"] = context_.cpu;
    f["forward_seconds"] = ph.forward;
    f["backward_seconds"] = ph.backward;
    f["clip_seconds"] = ph.clip;
    f["optimizer_seconds"] = ph.optimizer;
    f["data_seconds"] = ph.data;
    f["tokens_per_second"] = train_seconds > 0 ? static_cast<double>(tokens) / train_seconds : 0.0;
    f["flops_per_token"] = net_.train_flops_per_token();
    f["gflops"] = train_seconds > 0 ? net_.train_flops_per_token() * static_cast<double>(tokens) / train_seconds * 1e-9 : 0.0;
    f["activation_bytes"] = static_cast<double>(trainer.tape().bytes());
    f["peak_stored_steps"] = static_cast<double>(peak_stored);
    if (!norms.empty()) {
      auto mid = norms.begin() + static_cast<std::ptrdiff_t>(norms.size() / 2);
      std::nth_element(norms.begin(), mid, norms.end());
      f["grad_norm_median"] = *mid;  // the upper median for an even count
      f["grad_norm_max"] = *std::max_element(norms.begin(), norms.end());
    }
    f["chance_loss"] = info_.chance_loss;
    if (report_windows && update > 0) {
      f["k2_mean"] = window_sum / static_cast<double>(update);
      f["k2_min"] = static_cast<double>(window_min);
      f["k2_max"] = static_cast<double>(window_max);
    }
    for (const auto& [name, level] : info_.reference_levels) f["reference_" + name] = level;
    out.best_metrics = best_;
    if (!lag_profile_.empty()) out.series["grad_lag_profile"] = lag_profile_;
    return out;
  }

 private:
  // The divergence rule, after each evaluation: a non-finite evaluation loss, or a loss above
  // train.diverge_factor x the task's chance loss (the loss of predicting the targets'
  // distribution, tasks/task.hpp) at train.diverge_evals consecutive evaluations. A run that
  // learns nothing stays near 1x; 10x is a run whose weights have blown up (SGD at lr 1e6 on
  // copy: 9e5 against 0.52). Sets the status and the reason; true when the run must stop.
  bool diverged(RunOutcome& out) {
    const double loss = out.curve.back().eval.at("loss");
    const long long at = out.curve.back().update;
    if (!std::isfinite(loss)) {
      out.status = RunStatus::diverged;
      out.reason = "non-finite evaluation loss at update " + std::to_string(at);
      return true;
    }
    const double level = config_.train.diverge_factor * info_.chance_loss;
    high_evals_ = config_.train.diverge_factor > 0 && info_.chance_loss > 0 && loss > level ? high_evals_ + 1 : 0;
    if (high_evals_ < config_.train.diverge_evals) return false;
    out.status = RunStatus::diverged;
    out.reason = "evaluation loss " + format_number(loss) + " above " + format_number(config_.train.diverge_factor) +
                 " x the chance loss " + format_number(info_.chance_loss) + " at " + std::to_string(high_evals_) +
                 " consecutive evaluations (the last at update " + std::to_string(at) + ")";
    return true;
  }

  // Wall and thread-CPU seconds spent outside training (one bucket per kind of measurement).
  struct Overhead {
    double wall = 0, cpu = 0;
  };
  class Timed {
   public:
    explicit Timed(Overhead& sink) : sink_(sink), wall_(wall_now()), cpu_(thread_cpu_now()) {}
    ~Timed() {
      sink_.wall += wall_now() - wall_;
      sink_.cpu += thread_cpu_now() - cpu_;
    }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

   private:
    Overhead& sink_;
    double wall_, cpu_;
  };
  double train_wall() const { return wall_now() - wall0_ - eval_.wall - fidelity_.wall - context_.wall; }
  double train_cpu() const { return thread_cpu_now() - cpu0_ - eval_.cpu - fidelity_.cpu - context_.cpu; }
  uint64_t eval_seed() const { return run_->seeds.eval; }

  void evaluate_point(RunOutcome& out, long long update, long long tokens, const RunningMeans& w, LrSchedule& schedule,
                      double lr) {
    CurvePoint p;
    p.update = update;
    p.tokens = tokens;
    p.wall_seconds = train_wall();
    p.cpu_seconds = train_cpu();
    p.train_loss = w.updates ? w.loss / static_cast<double>(w.updates) : std::nan("");
    p.grad_norm = w.updates ? w.norm / static_cast<double>(w.updates) : std::nan("");
    p.clip_rate = w.updates ? static_cast<double>(w.clipped) / static_cast<double>(w.updates) : 0.0;
    p.lr = lr;
    EvalResult e;
    {
      Timed timed(eval_);
      e = evaluate(net_, params_, task_, config_.eval.sequences, Split::valid, eval_seed());
      p.eval = e.metrics(info_);
    }
    if (trainer_.policy().kind() == TruncationKind::adaptive) {
      // curve.csv's record of the window chosen (and the decay it was chosen from).
      p.eval["tbptt_k2"] = static_cast<double>(trainer_.policy().current_k2().steps());
      p.eval["tbptt_decay"] = trainer_.policy().decay_estimate();
    }
    if (config_.eval.fidelity) {
      Timed timed(fidelity_);
      // The gradient of the scheme trained (fidelity.hpp): randomized draws report means and sds.
      const FidelityResult fr = gradient_fidelity(net_, params_, task_, trainer_.policy(),
                                                  std::min<Index>(config_.train.batch, 16), config_.eval.fidelity_lags,
                                                  eval_seed());
      p.eval["fidelity_cos"] = fr.cosine;
      p.eval["fidelity_rel_err"] = fr.rel_error;
      if (fr.draws > 1) {
        p.eval["fidelity_cos_sd"] = fr.cosine_sd;
        p.eval["fidelity_rel_err_sd"] = fr.rel_error_sd;
      }
      lag_profile_ = fr.lag_profile;
    }
    // A model of a few scalars (the influence-balancing system's theta): its parameters at each
    // evaluation, as curve columns param_<tensor>[<i>] (the trajectory is the result).
    if (params_.flat().size() <= kReportedParams)
      for (const auto& s : params_.layout().specs())
        for (Index i = 0; i < s.size(); ++i)
          p.eval["param_" + s.name + (s.size() > 1 ? "[" + std::to_string(i) + "]" : "")] =
              static_cast<double>(params_.flat()(s.offset + i));
    schedule.on_validation(e.loss);
    for (const auto& [k, v] : p.eval) {
      auto it = best_.find(k);
      const bool better = it == best_.end() || (higher_is_better(k) ? v > it->second : v < it->second);
      if (better && std::isfinite(v)) best_[k] = v;
    }
    out.curve.push_back(p);
    if (on_point_) on_point_(p);
  }

  // The context-utilisation curve of the final parameters (context.hpp), as the series
  // "context_period" and "context_<metric>"; the never-reset value is the final evaluation.
  void measure_context(RunOutcome& out) {
    const EvalConfig& ec = config_.eval;
    const std::vector<Index> periods =
        ec.reset_periods_auto
            ? default_reset_periods(longest_heldout_sequence(task_, Split::valid, ec.sequences))
            : ec.reset_periods;
    if (periods.empty()) return;
    Timed timed(context_);
    const ContextCurve c = context_utilisation(net_, params_, task_, ec.sequences, Split::valid, eval_seed(), periods);
    auto& period = out.series["context_period"];
    for (size_t i = 0; i < c.periods.size(); ++i) {
      period.push_back(static_cast<double>(c.periods[i]));
      for (const auto& [name, value] : c.metrics[i]) out.series["context_" + name].push_back(value);
    }
  }

  const RunConfig& config_;
  const CurveCallback& on_point_;
  std::unique_ptr<Run<float>> run_;
  const Task& task_;
  const TaskInfo& info_;
  const Network<float>& net_;
  ParamBuffer<float>& params_;
  TbpttTrainer<float>& trainer_;
  std::map<std::string, double> best_;
  std::vector<double> lag_profile_;
  Index high_evals_ = 0;  // consecutive evaluations above the divergence level
  double wall0_ = 0, cpu0_ = 0;
  Overhead eval_, fidelity_, context_;
};

}  // namespace

RunOutcome execute_run(const RunConfig& config, const CurveCallback& on_point) {
  try {
    Eigen::setNbThreads(static_cast<int>(std::max<Index>(1, config.threads)));
    RunLoop loop(config, on_point);
    return loop.run();
  } catch (const RunAbandoned&) {
    throw;  // not the run's failure: the scheduler records nothing (scheduler.hpp)
  } catch (const std::bad_alloc&) {  // "std::bad_alloc" alone would not say what happened
    RunOutcome out;
    out.status = RunStatus::failed;
    out.reason = "out of memory: an allocation failed (std::bad_alloc); the run needs more memory than the process may use";
    return out;
  } catch (const std::exception& e) {
    RunOutcome out;
    out.status = RunStatus::failed;
    out.reason = e.what();
    return out;
  }
}

}  // namespace tbptt
