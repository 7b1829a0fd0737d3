// The resolved configuration of one run: what the trainer, the tasks and the evaluator read.
// The YAML schema (config/schema.*) fills this; every default lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/train/window.hpp"
#include "harness/tasks/task.hpp"
#include "models/init.hpp"
#include "models/network.hpp"

namespace tbptt {

enum class ClipKind { none, global_norm, matrix_norm, value };
enum class OptimizerKind { sgd, adam, rmsprop };
enum class ScheduleKind { constant, step, cosine, plateau };
enum class LossReduction { mean, sum };
enum class OnNonFinite { diverge, skip };
// The truncation schemes (harness/train/truncation.hpp). The last five are other toolkits'
// flags, each mapped to the scheme with the same semantics (experiments/SCHEMA.md).
enum class TruncationKind { fixed, variable, randomized, adaptive, rnnlm, faster_rnnlm, dl4j, keras, lightning };

const char* to_string(ClipKind);
const char* to_string(OptimizerKind);
const char* to_string(ScheduleKind);
const char* to_string(LossReduction);
const char* to_string(OnNonFinite);
const char* to_string(TruncationKind);

// train.tbptt: which truncation scheme and its parameters. The members a scheme does not use are
// ignored (and left out of the run id). harness/train/truncation.hpp documents each scheme.
struct TruncationConfig {
  Window k1 = Window::full();  // fixed, variable (base length k), adaptive: chunk length
  Window k2 = Window::full();  // fixed: steps back-propagated (full: to each lane's last reset)
  bool recompute = false;
  LossReduction loss_reduction = LossReduction::mean;
  TruncationKind kind = TruncationKind::fixed;
  // variable (Merity et al. 2018): base k1 w.p. p else k1/2, then normal(base, sd), in [min, max].
  double p = 0.95, sd = 5;
  bool scale_lr = true;
  // variable, randomized, adaptive: bounds on the drawn length / chosen k2; unset: per scheme
  // (variable: min 5, max k1 + 4 sd; randomized: min 1, max 8 mean; adaptive: min 1, max 4 k1).
  std::optional<Index> min{}, max{};
  // randomized (Tallec & Ollivier 2017): mean of the geometric truncation length, or a
  // user-given length distribution "w1 w2 ... wM" (weights of lengths 1..M).
  double mean = 10;
  std::string distribution = "geometric";
  // adaptive (Aicher et al. 2019): relative-bias tolerance, updates between re-estimates.
  double delta = 0.1;
  Index every = 50;
  // Other toolkits' flags, under their own names (unset: the kind that needs one says so).
  std::optional<Index> bptt{}, bptt_block{}, bptt_skip{};  // rnnlm, faster_rnnlm
  std::optional<Index> forward_length{}, backward_length{};  // dl4j
  std::optional<Index> timesteps{};                       // keras stateful
  std::optional<Index> truncated_bptt_steps{};            // lightning 1.x
};

struct ClipConfig {
  ClipKind kind = ClipKind::none;
  double threshold = 1.0;
};

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 1e-3;
  double momentum = 0.0;     // sgd
  bool nesterov = false;     // sgd
  double weight_decay = 0.0; // L2 added to the gradient (all optimizers)
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam (eps also rmsprop)
  double alpha = 0.99;       // rmsprop smoothing
};

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::constant;
  Index step_every = 1000;   // step: multiply by gamma every step_every updates
  double gamma = 0.5;
  double min_lr = 0.0;       // cosine: the floor reached at the last update
  Index patience = 1;        // plateau: evaluations without improvement before halving
  double threshold = 0.003;  // plateau: relative improvement that counts (RNNLM uses 0.3%)
};

struct TrainConfig {
  Index batch = 32;
  Index updates = 1000;      // chunks processed (each may make one optimizer update)
  int64_t tokens = 0;        // if > 0: stop after this many steps x lanes instead
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  ClipConfig clip;
  TruncationConfig tbptt;
  OnNonFinite on_nonfinite = OnNonFinite::diverge;
  // Divergence without a NaN (harness/run/execute.cpp): the evaluation loss above
  // diverge_factor x the task's chance loss at diverge_evals consecutive evaluations.
  double diverge_factor = 10.0;  // 0: off
  Index diverge_evals = 3;
};

struct ModelConfig {
  std::string cell = "lstm";  // a name in cell_types() (models/cell_registry.hpp)
  Index hidden = 64;
  Index layers = 1;
  HeadLayer head = HeadLayer::linear;  // identity: the top h is the output (models/head.hpp)
  InitSpec init;
};

struct TaskConfig {
  std::string kind = "copy";
  ParamMap params;  // every declared parameter of the kind, defaults filled
};

struct EvalConfig {
  // When to evaluate: after the first update at which the tokens seen reach each multiple of
  // every_tokens (so every setting of a sweep is evaluated at the same token counts, exactly when
  // every_tokens is a multiple of batch x chunk length, else within one update), and always at
  // the end. every > 0 evaluates every `every` updates instead (chunks of different lengths are
  // then evaluated at different token counts).
  Index every = 0;
  int64_t every_tokens = 50000;
  Index sequences = 256;
  std::string target_metric;       // report.metric's default (empty: the task's score metric)
  bool fidelity = false;
  Index fidelity_lags = 64;        // K of the per-lag profile
  // Context utilisation (harness/train/context.hpp), measured once at the end of the run: the
  // held-out metric with the state reset every L steps for each L here. Empty: off. When
  // reset_periods_auto, the list is 1, 2, 4, ... below the longest held-out sequence.
  bool reset_periods_auto = true;
  std::vector<Index> reset_periods;
};

struct RunConfig {
  TaskConfig task;
  ModelConfig model;
  TrainConfig train;
  EvalConfig eval;
  uint64_t seed = 1;         // the experiment-level seed axis
  Index threads = 1;         // Eigen threads inside the run
  double time_limit = 0;     // seconds of wall time; 0: none (run.time_limit, not part of the id)
};

// The network of a run: the model's settings with the task's input, output and loss.
ModelSpec network_spec(const ModelConfig& model, const TaskInfo& info);

}  // namespace tbptt
