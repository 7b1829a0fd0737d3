#include "harness/config/schema.hpp"

#include <algorithm>
#include <unordered_map>
#include <cmath>

#include "harness/config/report_keys.hpp"
#include "harness/config/suggest.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/config/report_keys.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

// Enum names in declaration order (the enum's value is the index).
const std::vector<std::string> kSchemes = {"uniform", "xavier"};
const std::vector<std::string> kHeadLayers = {"linear", "identity"};
const std::vector<std::string> kOptimizers = {"sgd", "adam", "rmsprop"};
const std::vector<std::string> kSchedules = {"constant", "step", "cosine", "plateau"};
const std::vector<std::string> kClips = {"none", "global_norm", "matrix_norm", "value"};
const std::vector<std::string> kReductions = {"mean", "sum"};
const std::vector<std::string> kNonFinite = {"diverge", "skip"};
const std::vector<std::string> kTruncations = {"fixed", "variable", "randomized", "adaptive", "rnnlm",
                                               "faster_rnnlm", "dl4j", "keras", "lightning"};

int64_t as_int(const Value& v) { return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 0; }
double as_num(const Value& v) {
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<int64_t>(v)) return static_cast<double>(std::get<int64_t>(v));
  return 0.0;
}
bool as_bool(const Value& v) { return std::holds_alternative<bool>(v) && std::get<bool>(v); }
std::string as_text(const Value& v) { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : ""; }
template <class E>
E as_enum(const Value& v, const std::vector<std::string>& names) {
  const auto it = std::find(names.begin(), names.end(), as_text(v));
  return static_cast<E>(it == names.end() ? 0 : it - names.begin());
}
template <class E>
Value enum_value(E e, const std::vector<std::string>& names) {
  return Value(names[static_cast<size_t>(e)]);
}
Window window_of(const Value& v) { return std::holds_alternative<std::string>(v) ? Window::full() : Window(as_int(v)); }
Value window_value(Window w) { return w.is_full() ? Value(std::string("full")) : Value(static_cast<int64_t>(w.steps())); }
std::optional<Index> opt_int_of(const Value& v) {
  if (std::holds_alternative<int64_t>(v)) return std::get<int64_t>(v);
  return std::nullopt;
}
Value opt_int_value(const std::optional<Index>& v) { return v ? Value(static_cast<int64_t>(*v)) : Value(std::monostate{}); }
Field relevant_if(Field f, bool (*relevant)(const RunConfig&)) {
  f.relevant = relevant;
  return f;
}
bool kind_is(const RunConfig& c, TruncationKind k) { return c.train.tbptt.kind == k; }

Field field(std::string path, ValueType type, std::string doc) {
  Field f;
  f.path = std::move(path);
  f.type = type;
  f.doc = std::move(doc);
  return f;
}
Field ranged(Field f, double min, double max, bool min_open = false, bool max_open = false) {
  f.min = min;
  f.max = max;
  f.min_open = min_open;
  f.max_open = max_open;
  return f;
}
Field choice(std::string path, const std::vector<std::string>& choices, std::string doc) {
  Field f = field(std::move(path), ValueType::choice, std::move(doc));
  f.choices = choices;
  return f;
}
Field text_field(std::string path, TextRule rule, std::string doc) {
  Field f = field(std::move(path), ValueType::string, std::move(doc));
  f.text_rule = rule;
  return f;
}
Field bind(Field f, void (*set)(RunConfig&, const Value&), Value (*get)(const RunConfig&)) {
  f.set = set;
  f.get = get;
  return f;
}

constexpr double kBig = 1e300;
constexpr double kMaxCount = 9.0e15;  // integers stay exact in a double

std::vector<Field> make_fields() {
  using VT = ValueType;
  std::vector<Field> f;
  f.push_back(text_field("name", TextRule::name, "experiment name (the default results folder's name); default: the file name without .yaml"));
  f.push_back(text_field("base", TextRule::path,
                         "another experiment file to start from (path relative to this file); this file's "
                         "settings win, maps merge key by key, a null value removes a key"));
  f.push_back(bind(ranged(field("seed", VT::integer, "the run's one seed (an axis like any other in sweep:); each stream has its own named "
                        "sub-generator of it: initial weights (init), training data (train), the truncation "
                        "policy's length draws (tbptt), adaptive's lag-profile probe (tbptt.profile) and the "
                        "held-out data of every evaluation, the fidelity probe and the context curve (eval); "
                        "the run id and k1, k2, clipping or optimizer settings do not enter, so settings that "
                        "differ only in those are paired"), 0, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.seed = static_cast<uint64_t>(as_int(v)); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.seed)); }));
  f.push_back(field("task.kind", VT::choice,
                    "task kind (see `tbptt list`); the other task keys are that kind's parameters"));

  f.push_back(bind(choice("model.cell", cell_names(), "recurrent cell (see `tbptt list`)"),
                   [](RunConfig& c, const Value& v) { c.model.cell = as_text(v); },
                   [](const RunConfig& c) { return Value(c.model.cell); }));
  f.push_back(bind(ranged(field("model.hidden", VT::integer, "hidden units per layer"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.model.hidden = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.model.hidden)); }));
  f.push_back(bind(ranged(field("model.layers", VT::integer, "stacked recurrent layers"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.model.layers = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.model.layers)); }));
  f.push_back(bind(choice("model.head", kHeadLayers, "the output layer: linear (out.W, out.b), or identity (the top h itself, no parameters; needs hidden = the task's outputs)"),
                   [](RunConfig& c, const Value& v) { c.model.head = as_enum<HeadLayer>(v, kHeadLayers); },
                   [](const RunConfig& c) { return enum_value(c.model.head, kHeadLayers); }));
  f.push_back(bind(choice("model.init.scheme", kSchemes, "weight initialisation (models/init.hpp)"),
                   [](RunConfig& c, const Value& v) { c.model.init.scheme = as_enum<InitScheme>(v, kSchemes); },
                   [](const RunConfig& c) { return enum_value(c.model.init.scheme, kSchemes); }));
  f.push_back(bind(field("model.init.orthogonal_recurrent", VT::boolean, "orthogonal recurrent gate blocks (Saxe et al. 2014)"),
                   [](RunConfig& c, const Value& v) { c.model.init.orthogonal_recurrent = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.model.init.orthogonal_recurrent); }));
  f.push_back(bind(field("model.init.forget_bias", VT::number, "added to the LSTM forget-gate bias"),
                   [](RunConfig& c, const Value& v) { c.model.init.forget_bias = as_num(v); },
                   [](const RunConfig& c) { return Value(c.model.init.forget_bias); }));
  f.push_back(bind(ranged(field("model.init.spectral_radius", VT::number, "if > 0: rescale each recurrent gate block to this spectral radius (Pascanu et al. 2013)"), 0, kBig),
                   [](RunConfig& c, const Value& v) { c.model.init.spectral_radius = as_num(v); },
                   [](const RunConfig& c) { return Value(c.model.init.spectral_radius); }));

  f.push_back(bind(ranged(field("train.batch", VT::integer, "lanes per batch"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.train.batch = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.batch)); }));
  f.push_back(bind(ranged(field("train.updates", VT::integer, "chunks to process (each makes at most one update)"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.train.updates = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.updates)); }));
  f.push_back(bind(ranged(field("train.tokens", VT::integer, "if > 0: train for this many steps x lanes instead of `updates`"), 0, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.train.tokens = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.tokens)); }));
  f.push_back(bind(choice("train.optimizer.kind", kOptimizers, "optimizer"),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.kind = as_enum<OptimizerKind>(v, kOptimizers); },
                   [](const RunConfig& c) { return enum_value(c.train.optimizer.kind, kOptimizers); }));
  f.push_back(bind(ranged(field("train.optimizer.lr", VT::number, "learning rate"), 0, kBig, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.lr = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.lr); }));
  f.push_back(bind(ranged(field("train.optimizer.momentum", VT::number, "sgd momentum"), 0, 1, false, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.momentum = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.momentum); }));
  f.push_back(bind(field("train.optimizer.nesterov", VT::boolean, "sgd: Nesterov momentum"),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.nesterov = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.nesterov); }));
  f.push_back(bind(ranged(field("train.optimizer.weight_decay", VT::number, "L2 coefficient added to the gradient (all optimizers)"), 0, kBig),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.weight_decay = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.weight_decay); }));
  f.push_back(bind(ranged(field("train.optimizer.beta1", VT::number, "adam: first-moment decay"), 0, 1, false, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.beta1 = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.beta1); }));
  f.push_back(bind(ranged(field("train.optimizer.beta2", VT::number, "adam: second-moment decay"), 0, 1, false, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.beta2 = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.beta2); }));
  f.push_back(bind(ranged(field("train.optimizer.eps", VT::number, "adam, rmsprop: denominator epsilon"), 0, kBig, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.eps = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.eps); }));
  f.push_back(bind(ranged(field("train.optimizer.alpha", VT::number, "rmsprop: squared-gradient smoothing"), 0, 1, false, true),
                   [](RunConfig& c, const Value& v) { c.train.optimizer.alpha = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.optimizer.alpha); }));
  f.push_back(bind(choice("train.schedule.kind", kSchedules, "learning-rate schedule"),
                   [](RunConfig& c, const Value& v) { c.train.schedule.kind = as_enum<ScheduleKind>(v, kSchedules); },
                   [](const RunConfig& c) { return enum_value(c.train.schedule.kind, kSchedules); }));
  f.push_back(bind(ranged(field("train.schedule.step_every", VT::integer, "step: updates between multiplications by gamma"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.train.schedule.step_every = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.schedule.step_every)); }));
  f.push_back(bind(ranged(field("train.schedule.gamma", VT::number, "step, plateau: learning-rate factor"), 0, 1, true, false),
                   [](RunConfig& c, const Value& v) { c.train.schedule.gamma = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.schedule.gamma); }));
  f.push_back(bind(ranged(field("train.schedule.min_lr", VT::number, "cosine: learning rate reached at the last update"), 0, kBig),
                   [](RunConfig& c, const Value& v) { c.train.schedule.min_lr = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.schedule.min_lr); }));
  f.push_back(bind(ranged(field("train.schedule.patience", VT::integer, "plateau: evaluations without improvement before decaying"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.train.schedule.patience = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.schedule.patience)); }));
  f.push_back(bind(ranged(field("train.schedule.threshold", VT::number, "plateau: relative improvement that counts"), 0, kBig),
                   [](RunConfig& c, const Value& v) { c.train.schedule.threshold = as_num(v); },
                   [](const RunConfig& c) { return Value(c.train.schedule.threshold); }));
  f.push_back(bind(choice("train.clip.kind", kClips, "gradient clipping"),
                   [](RunConfig& c, const Value& v) { c.train.clip.kind = as_enum<ClipKind>(v, kClips); },
                   [](const RunConfig& c) { return enum_value(c.train.clip.kind, kClips); }));
  // After clip.kind: `threshold: off` overrides the kind (fields are applied in table order).
  f.push_back(bind(field("train.clip.threshold", VT::positive_or_off, "clipping threshold; off: no clipping (kind none)"),
                   [](RunConfig& c, const Value& v) {
                     if (std::holds_alternative<std::string>(v))
                       c.train.clip.kind = ClipKind::none;
                     else
                       c.train.clip.threshold = as_num(v);
                   },
                   [](const RunConfig& c) { return Value(c.train.clip.threshold); }));
  using TK = TruncationKind;
  f.push_back(relevant_if(
      bind(choice("train.tbptt.kind", kTruncations, "truncation scheme (harness/train/truncation.hpp; see Truncation schemes below)"),
           [](RunConfig& c, const Value& v) { c.train.tbptt.kind = as_enum<TruncationKind>(v, kTruncations); },
           [](const RunConfig& c) { return enum_value(c.train.tbptt.kind, kTruncations); }),
      [](const RunConfig& c) { return !kind_is(c, TK::fixed); }));
  f.push_back(relevant_if(
      bind(field("train.tbptt.k1", VT::window, "steps between updates (variable: the base length); full: one update per episode"),
           [](RunConfig& c, const Value& v) { c.train.tbptt.k1 = window_of(v); },
           [](const RunConfig& c) { return window_value(c.train.tbptt.k1); }),
      [](const RunConfig& c) { return kind_is(c, TK::fixed) || kind_is(c, TK::variable) || kind_is(c, TK::adaptive); }));
  f.push_back(relevant_if(
      bind(field("train.tbptt.k2", VT::window, "steps back-propagated; full: back to the episode start"),
           [](RunConfig& c, const Value& v) { c.train.tbptt.k2 = window_of(v); },
           [](const RunConfig& c) { return window_value(c.train.tbptt.k2); }),
      [](const RunConfig& c) { return kind_is(c, TK::fixed); }));
  f.push_back(relevant_if(
      bind(field("train.tbptt.recompute", VT::boolean, "k2 > k1: re-run the window forward with the current weights"),
           [](RunConfig& c, const Value& v) { c.train.tbptt.recompute = as_bool(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.recompute); }),
      [](const RunConfig& c) { return kind_is(c, TK::fixed) || kind_is(c, TK::adaptive); }));
  f.push_back(bind(choice("train.tbptt.loss_reduction", kReductions, "reduction of an update's losses"),
                   [](RunConfig& c, const Value& v) { c.train.tbptt.loss_reduction = as_enum<LossReduction>(v, kReductions); },
                   [](const RunConfig& c) { return enum_value(c.train.tbptt.loss_reduction, kReductions); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.p", VT::number, "variable: probability of the base length k1 (else k1/2)"), 0, 1),
           [](RunConfig& c, const Value& v) { c.train.tbptt.p = as_num(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.p); }),
      [](const RunConfig& c) { return kind_is(c, TK::variable); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.sd", VT::number, "variable: standard deviation of the drawn length"), 0, kBig),
           [](RunConfig& c, const Value& v) { c.train.tbptt.sd = as_num(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.sd); }),
      [](const RunConfig& c) { return kind_is(c, TK::variable); }));
  f.push_back(relevant_if(
      bind(field("train.tbptt.scale_lr", VT::boolean, "variable: scale the update's learning rate by length / k1"),
           [](RunConfig& c, const Value& v) { c.train.tbptt.scale_lr = as_bool(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.scale_lr); }),
      [](const RunConfig& c) { return kind_is(c, TK::variable); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.min", VT::optional_integer, "variable, adaptive: shortest length / k2; null: variable 5, adaptive 1"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.min = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.min); }),
      [](const RunConfig& c) { return kind_is(c, TK::variable) || kind_is(c, TK::adaptive); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.max", VT::optional_integer,
                        "variable, randomized, adaptive: longest length / k2; null: k1 + 4 sd, 8 mean, 4 k1"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.max = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.max); }),
      [](const RunConfig& c) { return kind_is(c, TK::variable) || kind_is(c, TK::randomized) || kind_is(c, TK::adaptive); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.mean", VT::number, "randomized: mean truncation length of the geometric distribution"), 1, kBig),
           [](RunConfig& c, const Value& v) { c.train.tbptt.mean = as_num(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.mean); }),
      [](const RunConfig& c) { return kind_is(c, TK::randomized) && c.train.tbptt.distribution == "geometric"; }));
  f.push_back(relevant_if(
      bind(field("train.tbptt.distribution", VT::string,
                 "randomized: geometric, or weights of the lengths 1..M as text \"w1 w2 ... wM\""),
           [](RunConfig& c, const Value& v) { c.train.tbptt.distribution = as_text(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.distribution); }),
      [](const RunConfig& c) { return kind_is(c, TK::randomized); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.delta", VT::number, "adaptive: tolerated relative gradient bias"), 0, 1, true, true),
           [](RunConfig& c, const Value& v) { c.train.tbptt.delta = as_num(v); },
           [](const RunConfig& c) { return Value(c.train.tbptt.delta); }),
      [](const RunConfig& c) { return kind_is(c, TK::adaptive); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.every", VT::integer, "adaptive: updates between estimates of the gradient decay"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.every = as_int(v); },
           [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.tbptt.every)); }),
      [](const RunConfig& c) { return kind_is(c, TK::adaptive); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.bptt", VT::optional_integer, "rnnlm -bptt B, faster_rnnlm --bptt B"), 0, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.bptt = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.bptt); }),
      [](const RunConfig& c) { return kind_is(c, TK::rnnlm) || kind_is(c, TK::faster_rnnlm); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.bptt_block", VT::optional_integer, "rnnlm -bptt-block K; null: 10 (rnnlm's default)"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.bptt_block = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.bptt_block); }),
      [](const RunConfig& c) { return kind_is(c, TK::rnnlm); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.bptt_skip", VT::optional_integer, "faster_rnnlm --bptt-skip K"), 0, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.bptt_skip = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.bptt_skip); }),
      [](const RunConfig& c) { return kind_is(c, TK::faster_rnnlm); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.forward_length", VT::optional_integer, "dl4j tBPTTForwardLength"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.forward_length = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.forward_length); }),
      [](const RunConfig& c) { return kind_is(c, TK::dl4j); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.backward_length", VT::optional_integer, "dl4j tBPTTBackwardLength"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.backward_length = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.backward_length); }),
      [](const RunConfig& c) { return kind_is(c, TK::dl4j); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.timesteps", VT::optional_integer, "keras stateful: timesteps of a batch"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.timesteps = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.timesteps); }),
      [](const RunConfig& c) { return kind_is(c, TK::keras); }));
  f.push_back(relevant_if(
      bind(ranged(field("train.tbptt.truncated_bptt_steps", VT::optional_integer, "pytorch lightning 1.x truncated_bptt_steps"), 1, kMaxCount),
           [](RunConfig& c, const Value& v) { c.train.tbptt.truncated_bptt_steps = opt_int_of(v); },
           [](const RunConfig& c) { return opt_int_value(c.train.tbptt.truncated_bptt_steps); }),
      [](const RunConfig& c) { return kind_is(c, TK::lightning); }));
  f.push_back(bind(choice("train.on_nonfinite", kNonFinite, "a NaN/inf loss or gradient: stop the run as diverged, or skip the update"),
                   [](RunConfig& c, const Value& v) { c.train.on_nonfinite = as_enum<OnNonFinite>(v, kNonFinite); },
                   [](const RunConfig& c) { return enum_value(c.train.on_nonfinite, kNonFinite); }));
  Field factor = bind(field("train.diverge_factor", VT::positive_or_off,
                            "a run whose evaluation loss stays above this many times the task's chance loss "
                            "for diverge_evals evaluations in a row ends as diverged; off: only NaN/inf diverge"),
                      [](RunConfig& c, const Value& v) { c.train.diverge_factor = std::holds_alternative<std::string>(v) ? 0.0 : as_num(v); },
                      [](const RunConfig& c) { return c.train.diverge_factor > 0 ? Value(c.train.diverge_factor) : Value(std::string("off")); });
  factor.id_when_default = false;
  f.push_back(factor);
  Field evals = bind(ranged(field("train.diverge_evals", VT::integer, "consecutive evaluations above the diverge_factor level that end a run as diverged"), 1, kMaxCount),
                     [](RunConfig& c, const Value& v) { c.train.diverge_evals = as_int(v); },
                     [](const RunConfig& c) { return Value(static_cast<int64_t>(c.train.diverge_evals)); });
  evals.id_when_default = false;
  f.push_back(evals);

  f.push_back(bind(ranged(field("eval.every", VT::integer, "updates between evaluations; 0: schedule by eval.every_tokens"), 0, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.every = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.every)); }));
  f.push_back(bind(ranged(field("eval.every_tokens", VT::integer, "tokens (steps x lanes) between evaluations (and always at the end)"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.every_tokens = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.every_tokens)); }));
  f.push_back(bind(ranged(field("eval.sequences", VT::integer, "held-out sequences per evaluation for episodic tasks (a stream task's held-out set is set by its own parameters, task.eval_lanes and task.eval_steps or its corpus split)"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.sequences = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.sequences)); }));
  f.push_back(bind(field("eval.metric", VT::string, "default of report.metric (empty: the task's score metric)"),
                   [](RunConfig& c, const Value& v) { c.eval.target_metric = as_text(v); },
                   [](const RunConfig& c) { return Value(c.eval.target_metric); }));
  f.push_back(bind(field("eval.fidelity", VT::boolean, "measure gradient fidelity against full BPTT at evaluations"),
                   [](RunConfig& c, const Value& v) { c.eval.fidelity = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.eval.fidelity); }));
  f.push_back(bind(ranged(field("eval.fidelity_lags", VT::integer, "K of the per-lag gradient profile"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.fidelity_lags = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.fidelity_lags)); }));
  // Issue 9 keys: the context-utilisation periods, and the report's tolerance and target.
  f.push_back(bind(field("eval.reset_periods", VT::period_list, "context utilisation at the end: held-out metric with the state reset every L steps (auto: 1, 2, 4, ... below the longest held-out sequence)"),
                   [](RunConfig& c, const Value& v) {
                     const std::string t = as_text(v);
                     c.eval.reset_periods_auto = t == "auto";
                     c.eval.reset_periods = t == "auto" || t == "off" ? std::vector<Index>{} : *parse_period_list(t);
                   },
                   [](const RunConfig& c) { return Value(period_list_text(c.eval.reset_periods_auto, c.eval.reset_periods)); }));

  Field jobs = field("run.jobs", VT::jobs, "runs in parallel; auto: one per core");
  jobs.default_text = "auto";
  f.push_back(jobs);
  f.push_back(bind(ranged(field("run.threads_per_run", VT::integer, "Eigen threads inside each run"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.threads = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.threads)); }));
  f.push_back(bind(field("run.time_limit", VT::positive_or_off,
                         "seconds of wall time per run; a run still going then stops with status time_limit; off: none"),
                   [](RunConfig& c, const Value& v) { c.time_limit = std::holds_alternative<std::string>(v) ? 0.0 : as_num(v); },
                   [](const RunConfig& c) { return c.time_limit > 0 ? Value(c.time_limit) : Value(std::string("off")); }));
  Field output = text_field("run.output", TextRule::path, "results folder; default: results/<name>");
  f.push_back(output);
  f.push_back(field("report.metric", VT::string, "metric the tables compare; default: eval.metric, else the task's score metric"));
  Field tol = field("report.tolerance", VT::tolerance, "how close to the baseline's final metric counts as its quality: absolute, or relative with %");
  tol.default_text = format_number(ReportConfig{}.tolerance);
  f.push_back(tol);
  Field target = field("report.target", VT::target, "the quality to reach (default: the baseline's final metric within report.tolerance)");
  target.default_text = "null";
  f.push_back(target);

  const RunConfig defaults;
  for (auto& x : f)
    if (x.get) x.default_text = value_text(x.get(defaults));
  for (auto& x : f)
    if (x.path == "task.kind") x.default_text = defaults.task.kind;
  return f;
}

// Bounds print as integers when they are ("[1, 10000000]", not "[1, 1e+07]").
std::string bound_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e16) return std::to_string(static_cast<long long>(v));
  return format_number(v);
}

std::string range_text(const Field& f) {
  const bool has_min = f.min > -1e299, has_max = f.max < 1e299;
  if (has_min && has_max && !(f.type == ValueType::integer && f.max >= kMaxCount))
    return std::string(" in ") + (f.min_open ? "(" : "[") + bound_text(f.min) + ", " +
           bound_text(f.max) + (f.max_open ? ")" : "]");
  if (has_min) return std::string(f.min_open ? " > " : " >= ") + bound_text(f.min);
  if (has_max) return std::string(f.max_open ? " < " : " <= ") + bound_text(f.max);
  return "";
}

bool in_range(const Field& f, double v) {
  if (f.min_open ? !(v > f.min) : !(v >= f.min)) return false;
  if (f.max_open ? !(v < f.max) : !(v <= f.max)) return false;
  return true;
}

}  // namespace

const std::vector<Field>& schema_fields() {
  static const std::vector<Field> kFields = make_fields();
  return kFields;
}

const Field* find_field(const std::string& path) {
  // Indexed: the sweep looks fields up for every run it makes.
  static const std::unordered_map<std::string, const Field*> kIndex = [] {
    std::unordered_map<std::string, const Field*> index;
    for (const auto& f : schema_fields()) index.emplace(f.path, &f);
    return index;
  }();
  const auto it = kIndex.find(path);
  return it == kIndex.end() ? nullptr : it->second;
}

bool is_schema_map(const std::string& path) {
  if (path.empty() || path == "sweep" || path == "baseline" || path == "task") return true;
  const std::string prefix = path + ".";
  for (const auto& f : schema_fields())
    if (f.path.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

std::vector<std::string> schema_children(const std::string& map_path) {
  std::vector<std::string> out;
  const std::string prefix = map_path.empty() ? "" : map_path + ".";
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto& f : schema_fields()) {
    if (f.path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = f.path.substr(prefix.size());
    add(rest.substr(0, rest.find('.')));
  }
  if (map_path.empty()) {
    add("sweep");
    add("baseline");
  }
  return out;
}

Field task_param_field(const TaskParamDef& def) {
  Field f;
  f.path = "task." + def.name;
  f.doc = def.doc;
  f.default_text = value_text(param_to_value(def.default_value));
  switch (def.type) {
    case TaskParamDef::Type::integer:
      f.type = ValueType::integer;
      f.min = def.min;
      f.max = def.max;
      break;
    case TaskParamDef::Type::number:
      f.type = ValueType::number;
      f.min = def.min;
      f.max = def.max;
      break;
    case TaskParamDef::Type::boolean:
      f.type = ValueType::boolean;
      break;
    case TaskParamDef::Type::string:
      f.type = def.choices.empty() ? ValueType::string : ValueType::choice;
      f.choices = def.choices;
      break;
  }
  return f;
}

const TaskKindInfo* find_task_kind(const std::string& kind) {
  for (const auto& k : task_kinds())
    if (k.kind == kind) return &k;
  return nullptr;
}

std::vector<std::string> task_kind_names() {
  std::vector<std::string> out;
  for (const auto& k : task_kinds()) out.push_back(k.kind);
  return out;
}

std::string expected_text(const Field& f) {
  switch (f.type) {
    case ValueType::integer:
      return "an integer" + range_text(f);
    case ValueType::number:
      return "a number" + range_text(f);
    case ValueType::boolean:
      return "true or false";
    case ValueType::string:
      return f.text_rule == TextRule::name   ? "a name without '/' or control characters"
             : f.text_rule == TextRule::path ? "a path without control characters"
                                             : "a string";
    case ValueType::choice:
      return "one of " + join_names(f.path == "task.kind" ? task_kind_names() : f.choices);
    case ValueType::window:
      return "an integer >= 1 or \"full\"";
    case ValueType::positive_or_off:
      return "a number > 0 or \"off\"";
    case ValueType::optional_number:
      return "a number or null";
    case ValueType::optional_integer:
      return "an integer" + range_text(f) + " or null";
    case ValueType::jobs:
      return "\"auto\" or an integer >= 1";
    case ValueType::period_list:
      return "auto, off or a list of integers >= 1";
    case ValueType::tolerance:
      return "a number >= 0 or a percentage such as 2%";
    case ValueType::target:
      return "null, a number or {metric: NAME, value: NUMBER}";
  }
  return "a value";
}

std::optional<Value> parse_field(const Field& f, const ConfigNode& n, std::string* error) {
  auto fail = [&](const std::string& hint = "") -> std::optional<Value> {
    if (error) *error = "expected " + expected_text(f) + ", got " + n.shown() + hint;
    return std::nullopt;
  };
  const bool null_value = n.is_null() || scalar_is(n, "null") || scalar_is(n, "~");
  if ((f.type == ValueType::optional_number || f.type == ValueType::optional_integer || f.type == ValueType::target) &&
      null_value)
    return Value(std::monostate{});
  if (f.type == ValueType::period_list && n.is_list()) {
    std::vector<Index> periods;
    for (const auto& item : n.items()) {
      const auto v = item.is_scalar() ? scalar_int(item) : std::nullopt;
      if (!v || *v < 1) return fail();
      periods.push_back(*v);
    }
    if (periods.empty()) return fail();
    return Value(period_list_text(false, periods));
  }
  if (f.type == ValueType::target && n.is_map()) {
    const ConfigNode* metric = n.find("metric");
    const ConfigNode* value = n.find("value");
    if (n.entries().size() != 2 || metric == nullptr || !metric->is_scalar() || metric->text().empty() ||
        value == nullptr || !scalar_number(*value))
      return fail();
    return Value(metric->text() + "=" + value->text());
  }
  if (!n.is_scalar()) return fail();
  switch (f.type) {
    case ValueType::integer:
    case ValueType::optional_integer: {
      const auto v = scalar_int(n);
      if (!v || !in_range(f, static_cast<double>(*v))) {
        // A whole number beyond what the range text shows (counts stop at 9e15): say so.
        const auto d = scalar_number(n);
        const bool whole = d && std::floor(*d) == *d;
        if (whole && *d > f.max) return fail(" (more than " + bound_text(f.max) + ")");
        return fail();
      }
      return Value(*v);
    }
    case ValueType::number:
    case ValueType::optional_number: {
      const auto v = scalar_number(n);
      if (!v || !in_range(f, *v)) return fail();
      return Value(*v);
    }
    case ValueType::boolean: {
      const auto v = scalar_bool(n);
      if (!v) return fail();
      return Value(*v);
    }
    case ValueType::string: {
      const std::string& t = n.text();
      const bool control = std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
      if (f.text_rule != TextRule::any && (t.empty() || control || (f.text_rule == TextRule::name && t.find('/') != std::string::npos)))
        return fail(t.empty() ? " (empty)" : "");
      return Value(t);
    }
    case ValueType::choice: {
      const std::vector<std::string> choices = f.path == "task.kind" ? task_kind_names() : f.choices;
      if (std::find(choices.begin(), choices.end(), n.text()) != choices.end()) return Value(n.text());
      const std::string near = closest_name(n.text(), choices);
      return fail(near.empty() ? "" : " (did you mean " + near + "?)");
    }
    case ValueType::window: {
      if (scalar_is(n, "full")) return Value(std::string("full"));
      const auto v = scalar_int(n);
      if (!v || *v < 1) return fail();
      return Value(*v);
    }
    case ValueType::positive_or_off: {
      if (scalar_is(n, "off")) return Value(std::string("off"));
      const auto v = scalar_number(n);
      if (!v || !(*v > 0)) return fail();
      return Value(*v);
    }
    case ValueType::jobs: {
      if (scalar_is(n, "auto")) return Value(std::string("auto"));
      const auto v = scalar_int(n);
      if (!v || *v < 1) return fail();
      return Value(*v);
    }
    case ValueType::period_list: {
      if (scalar_is(n, "auto") || scalar_is(n, "off")) return Value(n.text());
      const auto periods = parse_period_list(n.text());
      if (!periods) return fail();
      return Value(period_list_text(false, *periods));
    }
    case ValueType::tolerance: {
      const auto t = parse_tolerance_text(n.text());
      if (!t) return fail();
      return Value(n.text());
    }
    case ValueType::target: {
      const auto v = scalar_number(n);
      if (!v) return fail();
      return Value(*v);
    }
  }
  return fail();
}

std::string value_text(const Value& v) {
  if (std::holds_alternative<int64_t>(v)) return std::to_string(std::get<int64_t>(v));
  if (std::holds_alternative<double>(v)) return format_number(std::get<double>(v));
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v) ? "true" : "false";
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return "null";
}

Value param_to_value(const ParamValue& p) {
  if (std::holds_alternative<int64_t>(p)) return Value(std::get<int64_t>(p));
  if (std::holds_alternative<double>(p)) return Value(std::get<double>(p));
  if (std::holds_alternative<bool>(p)) return Value(std::get<bool>(p));
  return Value(std::get<std::string>(p));
}

std::string period_list_text(bool automatic, const std::vector<Index>& periods) {
  if (automatic) return "auto";
  if (periods.empty()) return "off";
  std::string out;
  for (size_t i = 0; i < periods.size(); ++i) out += (i ? "," : "") + std::to_string(periods[i]);
  return out;
}

std::optional<std::vector<Index>> parse_period_list(const std::string& text) {
  std::vector<Index> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 15) return std::nullopt;
    const Index v = std::stoll(item);
    if (v < 1) return std::nullopt;
    out.push_back(v);
    start = comma + 1;
  }
  return out;
}

}  // namespace tbptt
