// The resolved configuration of one run: what the trainer, the tasks and the evaluator read.
// The YAML schema (config/schema.*) fills this; every default lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/tasks/task.hpp"
#include "models/init.hpp"
#include "models/network.hpp"

namespace tbptt {

enum class ClipKind { none, global_norm, matrix_norm, value };
enum class OptimizerKind { sgd, adam, rmsprop };
enum class ScheduleKind { constant, step, cosine, plateau };
enum class LossReduction { mean, sum };
enum class OnNonFinite { diverge, skip };

const char* to_string(ClipKind);
const char* to_string(OptimizerKind);
const char* to_string(ScheduleKind);
const char* to_string(LossReduction);
const char* to_string(OnNonFinite);

struct TruncationConfig {
  Index k1 = 0;  // 0 means full: one update per (aligned) episode
  Index k2 = 0;  // 0 means full: back to each lane's last reset
  bool recompute = false;
  LossReduction loss_reduction = LossReduction::mean;
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
};

struct ModelConfig {
  std::string cell = "lstm";  // a name in cell_types() (models/cell_registry.hpp)
  Index hidden = 64;
  Index layers = 1;
  InitSpec init;
};

struct TaskConfig {
  std::string kind = "copy";
  ParamMap params;  // every declared parameter of the kind, defaults filled
};

struct EvalConfig {
  Index every = 250;        // updates between evaluations (and always at the end)
  Index sequences = 256;
  std::string target_metric;       // e.g. "accuracy"; empty: none
  std::optional<double> target;    // updates/tokens to reach it are reported
  bool fidelity = false;
  Index fidelity_lags = 64;        // K of the per-lag profile
};

struct RunConfig {
  TaskConfig task;
  ModelConfig model;
  TrainConfig train;
  EvalConfig eval;
  uint64_t seed = 1;         // the experiment-level seed axis
  Index threads = 1;         // Eigen threads inside the run
};

}  // namespace tbptt
