// One run from start to end (see execute.hpp).
//
// Seeding: the data streams and the initial weights come from the experiment-level seed alone
// (config.seed), not from the run id. Runs that differ only in k1, k2 or clipping therefore start
// from the same weights and see the same data: a paired comparison, so that the ratio to full
// BPTT measures truncation rather than the luck of the draw. Seeds are replicates.
#include "harness/run/execute.hpp"

#include <Eigen/Core>
#include <cmath>
#include <exception>

#include "harness/report/metric_names.hpp"
#include "harness/train/context.hpp"
#include "harness/train/evaluator.hpp"
#include "harness/train/fidelity.hpp"
#include "harness/train/schedule.hpp"
#include "harness/train/stopwatch.hpp"
#include "harness/train/tbptt_trainer.hpp"

namespace tbptt {
namespace {

// Running means of the per-update figures between two evaluation points.
struct Window {
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
        task_(make_task(config.task.kind, config.task.params)),
        info_(task_->info()),
        net_(ModelSpec{config.model.cell, info_.input_kind, info_.head, info_.input_size, config.model.hidden,
                       info_.output_size, config.model.layers}),
        params_(net_.make_buffer()) {
    Rng init_rng = Rng(config.seed).split("init");
    net_.init(params_, config.model.init, init_rng);
  }

  RunOutcome run() {
    const TrainConfig& tc = config_.train;
    TbpttTrainer<float> trainer(net_, params_, tc, info_.max_episode_length, info_.aligned_episodes);
    auto stream = task_->stream(Split::train, tc.batch, Rng(config_.seed).split("train").next_u64());
    // With a token budget, the number of updates (what a cosine schedule spans) is estimated
    // from the chunk length: k1, or the episode for k1: full.
    const Index chunk = tc.tbptt.k1 > 0 ? tc.tbptt.k1 : std::max<Index>(1, info_.max_episode_length);
    LrSchedule schedule(tc.schedule, tc.optimizer.lr, tc.tokens > 0 ? tc.tokens / (tc.batch * chunk) : tc.updates);
    wall0_ = wall_now();
    cpu0_ = thread_cpu_now();
    long long update = 0, tokens = 0, skipped = 0, clipped_total = 0, applied = 0;
    Window window;
    RunOutcome out;
    auto done = [&] { return tc.tokens > 0 ? tokens >= tc.tokens : update >= tc.updates; };
    // Evaluation points by tokens (the default) or, with eval.every, by updates (execute.hpp).
    const EvalConfig& ec = config_.eval;
    long long next_eval_tokens = ec.every_tokens;
    auto eval_due = [&] {
      return ec.every > 0 ? update % ec.every == 0 : tokens >= next_eval_tokens;
    };
    while (!done()) {
      const UpdateStats s = trainer.update(*stream, schedule.lr(update));
      ++update;
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
        window = Window{};
        next_eval_tokens = (tokens / ec.every_tokens + 1) * ec.every_tokens;
      }
    }
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
    f["chance_loss"] = info_.chance_loss;
    for (const auto& [name, level] : info_.reference_levels) f["reference_" + name] = level;
    out.best_metrics = best_;
    if (!lag_profile_.empty()) out.series["grad_lag_profile"] = lag_profile_;
    return out;
  }

 private:
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
  uint64_t eval_seed() const { return Rng(config_.seed).split("eval").next_u64(); }

  void evaluate_point(RunOutcome& out, long long update, long long tokens, const Window& w, LrSchedule& schedule,
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
      e = evaluate(net_, params_, *task_, config_.eval.sequences, Split::valid, eval_seed());
      p.eval = e.metrics(info_);
    }
    if (config_.eval.fidelity) {
      Timed timed(fidelity_);
      const FidelityResult fr = gradient_fidelity(net_, params_, *task_, config_.train.tbptt,
                                                  std::min<Index>(config_.train.batch, 16), config_.eval.fidelity_lags,
                                                  eval_seed());
      p.eval["fidelity_cos"] = fr.cosine;
      p.eval["fidelity_rel_err"] = fr.rel_error;
      lag_profile_ = fr.lag_profile;
    }
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
            ? default_reset_periods(longest_heldout_sequence(*task_, Split::valid, ec.sequences))
            : ec.reset_periods;
    if (periods.empty()) return;
    Timed timed(context_);
    const ContextCurve c = context_utilisation(net_, params_, *task_, ec.sequences, Split::valid, eval_seed(), periods);
    auto& period = out.series["context_period"];
    for (size_t i = 0; i < c.periods.size(); ++i) {
      period.push_back(static_cast<double>(c.periods[i]));
      for (const auto& [name, value] : c.metrics[i]) out.series["context_" + name].push_back(value);
    }
  }

  const RunConfig& config_;
  const CurveCallback& on_point_;
  std::unique_ptr<Task> task_;
  TaskInfo info_;
  Network<float> net_;
  ParamBuffer<float> params_;
  std::map<std::string, double> best_;
  std::vector<double> lag_profile_;
  double wall0_ = 0, cpu0_ = 0;
  Overhead eval_, fidelity_, context_;
};

}  // namespace

RunOutcome execute_run(const RunConfig& config, uint64_t /*run_seed*/, const CurveCallback& on_point) {
  try {
    Eigen::setNbThreads(static_cast<int>(std::max<Index>(1, config.threads)));
    RunLoop loop(config, on_point);
    return loop.run();
  } catch (const std::exception& e) {
    RunOutcome out;
    out.status = RunStatus::failed;
    out.reason = e.what();
    return out;
  }
}

}  // namespace tbptt
