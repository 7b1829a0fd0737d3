#include "harness/config/schema.hpp"

#include <algorithm>
#include <cmath>

#include "harness/config/suggest.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/run_spec.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

// Enum names in declaration order (the enum's value is the index).
const std::vector<std::string> kSchemes = {"uniform", "xavier"};
const std::vector<std::string> kOptimizers = {"sgd", "adam", "rmsprop"};
const std::vector<std::string> kSchedules = {"constant", "step", "cosine", "plateau"};
const std::vector<std::string> kClips = {"none", "global_norm", "matrix_norm", "value"};
const std::vector<std::string> kReductions = {"mean", "sum"};
const std::vector<std::string> kNonFinite = {"diverge", "skip"};

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
Index window_of(const Value& v) { return std::holds_alternative<std::string>(v) ? 0 : as_int(v); }
Value window_value(Index w) { return w == 0 ? Value(std::string("full")) : Value(static_cast<int64_t>(w)); }

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
  f.push_back(field("name", VT::string, "experiment name; default: the file name without .yaml"));
  f.push_back(field("base", VT::string,
                    "another experiment file to start from (path relative to this file); this file's "
                    "settings win, maps merge key by key, a null value removes a key"));
  f.push_back(bind(ranged(field("seed", VT::integer, "experiment seed (an axis like any other in sweep:)"), 0, kMaxCount),
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
  f.push_back(bind(choice("model.init.scheme", kSchemes, "weight initialisation (models/init.hpp)"),
                   [](RunConfig& c, const Value& v) { c.model.init.scheme = as_enum<InitScheme>(v, kSchemes); },
                   [](const RunConfig& c) { return enum_value(c.model.init.scheme, kSchemes); }));
  f.push_back(bind(field("model.init.orthogonal_recurrent", VT::boolean, "orthogonal recurrent gate blocks (Saxe et al. 2014)"),
                   [](RunConfig& c, const Value& v) { c.model.init.orthogonal_recurrent = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.model.init.orthogonal_recurrent); }));
  f.push_back(bind(field("model.init.forget_bias", VT::number, "added to the LSTM forget-gate bias"),
                   [](RunConfig& c, const Value& v) { c.model.init.forget_bias = as_num(v); },
                   [](const RunConfig& c) { return Value(c.model.init.forget_bias); }));

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
  f.push_back(bind(field("train.clip.threshold", VT::clip_threshold, "clipping threshold; off: no clipping (kind none)"),
                   [](RunConfig& c, const Value& v) {
                     if (std::holds_alternative<std::string>(v))
                       c.train.clip.kind = ClipKind::none;
                     else
                       c.train.clip.threshold = as_num(v);
                   },
                   [](const RunConfig& c) { return Value(c.train.clip.threshold); }));
  f.push_back(bind(field("train.tbptt.k1", VT::window, "steps between updates; full: one update per episode"),
                   [](RunConfig& c, const Value& v) { c.train.tbptt.k1 = window_of(v); },
                   [](const RunConfig& c) { return window_value(c.train.tbptt.k1); }));
  f.push_back(bind(field("train.tbptt.k2", VT::window, "steps back-propagated; full: back to the episode start"),
                   [](RunConfig& c, const Value& v) { c.train.tbptt.k2 = window_of(v); },
                   [](const RunConfig& c) { return window_value(c.train.tbptt.k2); }));
  f.push_back(bind(field("train.tbptt.recompute", VT::boolean, "k2 > k1: re-run the window forward with the current weights"),
                   [](RunConfig& c, const Value& v) { c.train.tbptt.recompute = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.train.tbptt.recompute); }));
  f.push_back(bind(choice("train.tbptt.loss_reduction", kReductions, "reduction of an update's losses"),
                   [](RunConfig& c, const Value& v) { c.train.tbptt.loss_reduction = as_enum<LossReduction>(v, kReductions); },
                   [](const RunConfig& c) { return enum_value(c.train.tbptt.loss_reduction, kReductions); }));
  f.push_back(bind(choice("train.on_nonfinite", kNonFinite, "a NaN/inf loss or gradient: stop the run as diverged, or skip the update"),
                   [](RunConfig& c, const Value& v) { c.train.on_nonfinite = as_enum<OnNonFinite>(v, kNonFinite); },
                   [](const RunConfig& c) { return enum_value(c.train.on_nonfinite, kNonFinite); }));

  f.push_back(bind(ranged(field("eval.every", VT::integer, "updates between evaluations (and always at the end)"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.every = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.every)); }));
  f.push_back(bind(ranged(field("eval.sequences", VT::integer, "held-out sequences per evaluation"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.sequences = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.sequences)); }));
  f.push_back(bind(field("eval.metric", VT::string, "metric for `target` (empty: the task's score metric)"),
                   [](RunConfig& c, const Value& v) { c.eval.target_metric = as_text(v); },
                   [](const RunConfig& c) { return Value(c.eval.target_metric); }));
  f.push_back(bind(field("eval.target", VT::optional_number, "a level of the metric; updates and tokens to reach it are reported"),
                   [](RunConfig& c, const Value& v) {
                     if (std::holds_alternative<std::monostate>(v))
                       c.eval.target.reset();
                     else
                       c.eval.target = as_num(v);
                   },
                   [](const RunConfig& c) { return c.eval.target ? Value(*c.eval.target) : Value(std::monostate{}); }));
  f.push_back(bind(field("eval.fidelity", VT::boolean, "measure gradient fidelity against full BPTT at evaluations"),
                   [](RunConfig& c, const Value& v) { c.eval.fidelity = as_bool(v); },
                   [](const RunConfig& c) { return Value(c.eval.fidelity); }));
  f.push_back(bind(ranged(field("eval.fidelity_lags", VT::integer, "K of the per-lag gradient profile"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.eval.fidelity_lags = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.eval.fidelity_lags)); }));

  Field jobs = field("run.jobs", VT::jobs, "runs in parallel; auto: one per core");
  jobs.default_text = "auto";
  f.push_back(jobs);
  f.push_back(bind(ranged(field("run.threads_per_run", VT::integer, "Eigen threads inside each run"), 1, kMaxCount),
                   [](RunConfig& c, const Value& v) { c.threads = as_int(v); },
                   [](const RunConfig& c) { return Value(static_cast<int64_t>(c.threads)); }));
  Field output = field("run.output", VT::string, "results folder; default: results/<name>");
  f.push_back(output);
  f.push_back(field("report.metric", VT::string, "metric the tables compare; default: eval.metric, else the task's score metric"));
  Field tol = ranged(field("report.tolerance", VT::number, "absolute tolerance on the metric for \"matches full BPTT\""), 0, kBig);
  tol.default_text = format_number(ReportConfig{}.tolerance);
  f.push_back(tol);

  const RunConfig defaults;
  for (auto& x : f)
    if (x.get) x.default_text = value_text(x.get(defaults));
  for (auto& x : f)
    if (x.path == "task.kind") x.default_text = defaults.task.kind;
  return f;
}

// Bounds print as integers when they are ("[1, 10000000]", not "[1, 1e+07]").
std::string bound_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
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
  for (const auto& f : schema_fields())
    if (f.path == path) return &f;
  return nullptr;
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
      return "a string";
    case ValueType::choice:
      return "one of " + join_names(f.path == "task.kind" ? task_kind_names() : f.choices);
    case ValueType::window:
      return "an integer >= 1 or \"full\"";
    case ValueType::clip_threshold:
      return "a number > 0 or \"off\"";
    case ValueType::optional_number:
      return "a number or null";
    case ValueType::jobs:
      return "\"auto\" or an integer >= 1";
  }
  return "a value";
}

std::optional<Value> parse_field(const Field& f, const ConfigNode& n, std::string* error) {
  auto fail = [&](const std::string& hint = "") -> std::optional<Value> {
    if (error) *error = "expected " + expected_text(f) + ", got " + n.shown() + hint;
    return std::nullopt;
  };
  if (f.type == ValueType::optional_number && (n.is_null() || scalar_is(n, "null") || scalar_is(n, "~")))
    return Value(std::monostate{});
  if (!n.is_scalar()) return fail();
  switch (f.type) {
    case ValueType::integer: {
      const auto v = scalar_int(n);
      if (!v || !in_range(f, static_cast<double>(*v))) return fail();
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
    case ValueType::string:
      return Value(n.text());
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
    case ValueType::clip_threshold: {
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

}  // namespace tbptt
