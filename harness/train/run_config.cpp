#include "harness/train/run_config.hpp"

namespace tbptt {

// The names are the schema's spellings (config/schema.cpp), so that a value printed with
// to_string reads back through the schema.
const char* to_string(ClipKind k) {
  switch (k) {
    case ClipKind::none: return "none";
    case ClipKind::global_norm: return "global_norm";
    case ClipKind::matrix_norm: return "matrix_norm";
    case ClipKind::value: return "value";
  }
  return "?";
}

const char* to_string(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::rmsprop: return "rmsprop";
  }
  return "?";
}

const char* to_string(ScheduleKind k) {
  switch (k) {
    case ScheduleKind::constant: return "constant";
    case ScheduleKind::step: return "step";
    case ScheduleKind::cosine: return "cosine";
    case ScheduleKind::plateau: return "plateau";
  }
  return "?";
}

const char* to_string(LossReduction k) {
  switch (k) {
    case LossReduction::mean: return "mean";
    case LossReduction::sum: return "sum";
  }
  return "?";
}

const char* to_string(OnNonFinite k) {
  switch (k) {
    case OnNonFinite::diverge: return "diverge";
    case OnNonFinite::skip: return "skip";
  }
  return "?";
}

const char* to_string(TruncationKind k) {
  switch (k) {
    case TruncationKind::fixed: return "fixed";
    case TruncationKind::variable: return "variable";
    case TruncationKind::randomized: return "randomized";
    case TruncationKind::adaptive: return "adaptive";
    case TruncationKind::rnnlm: return "rnnlm";
    case TruncationKind::faster_rnnlm: return "faster_rnnlm";
    case TruncationKind::dl4j: return "dl4j";
    case TruncationKind::keras: return "keras";
    case TruncationKind::lightning: return "lightning";
  }
  return "?";
}

ModelSpec network_spec(const ModelConfig& model, const TaskInfo& info) {
  ModelSpec m{model.cell, info.input_kind, info.head, info.input_size, model.hidden, info.output_size, model.layers};
  m.head_layer = model.head;
  return m;
}

}  // namespace tbptt
