#include "harness/tasks/common.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tbptt {
namespace {

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string value_text(const ParamValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(v) + "\"";
}

const char* type_text(TaskParamDef::Type t) {
  switch (t) {
    case TaskParamDef::Type::integer: return "an integer";
    case TaskParamDef::Type::number: return "a number";
    case TaskParamDef::Type::boolean: return "true or false";
    case TaskParamDef::Type::string: return "a string";
  }
  return "?";
}

// Converts v to the declared type where that loses nothing; false if it cannot.
bool convert(TaskParamDef::Type type, ParamValue& v) {
  using T = TaskParamDef::Type;
  switch (type) {
    case T::integer:
      if (std::holds_alternative<int64_t>(v)) return true;
      if (const auto* d = std::get_if<double>(&v);
          d && std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9e15) {
        v = static_cast<int64_t>(*d);
        return true;
      }
      return false;
    case T::number:
      if (const auto* i = std::get_if<int64_t>(&v)) v = static_cast<double>(*i);
      return std::holds_alternative<double>(v) && std::isfinite(std::get<double>(v));
    case T::boolean: return std::holds_alternative<bool>(v);
    case T::string:
      // YAML `target_from: 20` arrives as an integer; the parameter is "start" or digits.
      if (const auto* i = std::get_if<int64_t>(&v)) v = std::to_string(*i);
      return std::holds_alternative<std::string>(v);
  }
  return false;
}

std::string bound_text(const TaskParamDef& def, double b) {
  return def.type == TaskParamDef::Type::integer ? std::to_string(static_cast<int64_t>(b))
                                                 : number_text(b);
}

}  // namespace

std::string check_task_param(const TaskParamDef& def, ParamValue& v) {
  // "an integer in [1, 10000000]", "a number >= 0": the whole rule, whichever part failed.
  const bool numeric = def.type == TaskParamDef::Type::integer || def.type == TaskParamDef::Type::number;
  const bool has_min = def.min > -1e299, has_max = def.max < 1e299;
  std::string rule = type_text(def.type);
  if (numeric && has_min && has_max)
    rule += " in [" + bound_text(def, def.min) + ", " + bound_text(def, def.max) + "]";
  else if (numeric && has_min)
    rule += " >= " + bound_text(def, def.min);
  else if (numeric && has_max)
    rule += " <= " + bound_text(def, def.max);
  if (!convert(def.type, v)) return "must be " + rule + ", got " + value_text(v);
  double x = 0;
  if (const auto* i = std::get_if<int64_t>(&v)) x = static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) x = *d;
  if (numeric && (x < def.min || x > def.max)) return "must be " + rule + ", got " + value_text(v);
  if (def.type == TaskParamDef::Type::string && !def.choices.empty() &&
      std::find(def.choices.begin(), def.choices.end(), std::get<std::string>(v)) == def.choices.end()) {
    std::string list;
    for (const auto& c : def.choices) list += (list.empty() ? "" : ", ") + c;
    return "must be one of " + list + ", got " + value_text(v);
  }
  return "";
}

TaskParams::TaskParams(std::string kind, const std::vector<TaskParamDef>& defs,
                       const ParamMap& given)
    : kind_(std::move(kind)) {
  for (const auto& [name, value] : given) {
    const bool known = std::any_of(defs.begin(), defs.end(),
                                   [&, &key = name](const TaskParamDef& d) { return d.name == key; });
    if (known) continue;
    std::string valid;
    for (const auto& d : defs) valid += (valid.empty() ? "" : ", ") + d.name;
    fail("unknown parameter '" + name + "' (valid: " + (valid.empty() ? "none" : valid) + ")");
  }
  for (const auto& def : defs) {
    const auto it = given.find(def.name);
    ParamValue v = it == given.end() ? def.default_value : it->second;
    if (const std::string problem = check_task_param(def, v); !problem.empty()) fail(def.name + " " + problem);
    values_[def.name] = std::move(v);
  }
}

const ParamValue& TaskParams::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error(kind_ + ": undeclared parameter '" + name + "'");
  return it->second;
}

int64_t TaskParams::integer(const std::string& name) const { return std::get<int64_t>(get(name)); }
double TaskParams::number(const std::string& name) const { return std::get<double>(get(name)); }
bool TaskParams::boolean(const std::string& name) const { return std::get<bool>(get(name)); }
const std::string& TaskParams::string(const std::string& name) const {
  return std::get<std::string>(get(name));
}

void TaskParams::fail(const std::string& what) const {
  throw std::invalid_argument(kind_ + ": " + what);
}

TaskParamDef int_param(std::string name, int64_t def, double min, double max, std::string doc) {
  return {TaskParamDef::Type::integer, std::move(name), def, min, max, {}, std::move(doc)};
}
TaskParamDef num_param(std::string name, double def, double min, double max, std::string doc) {
  return {TaskParamDef::Type::number, std::move(name), def, min, max, {}, std::move(doc)};
}
TaskParamDef str_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string doc) {
  return {TaskParamDef::Type::string, std::move(name), std::move(def), -1e300, 1e300,
          std::move(choices), std::move(doc)};
}

uint64_t split_seed(uint64_t seed, Split split) {
  // Distinct salts per split: the three streams of one seed are unrelated generators.
  static constexpr uint64_t kSalt[] = {0x7472616996e5a3c1ULL, 0x76616c69d3b4e727ULL,
                                       0x74657374a1c9f00dULL};
  return mix_seed(seed, kSalt[static_cast<int>(split)]);
}

Rng lane_rng(uint64_t seed, Split split, Index lane) {
  return Rng(mix_seed(split_seed(seed, split), static_cast<uint64_t>(lane) + 1));
}

double binary_entropy(double p) {
  double h = 0;
  if (p > 0) h -= p * std::log(p);
  if (p < 1) h -= (1 - p) * std::log1p(-p);
  return h;
}

void set_io(TaskInfo& info, InputKind in, Index input, HeadKind head, Index output,
            double threshold) {
  info.input_kind = in;
  info.input_size = input;
  info.head = head;
  info.output_size = output;
  info.score_metric = head == HeadKind::softmax_xent ? "accuracy" : "error_rate";
  info.score_threshold = threshold;
}

void add_stream_eval_params(std::vector<TaskParamDef>& defs) {
  defs.push_back(int_param("eval_steps", 10000, 1, 1e9,
                           "held-out steps in total, over eval_lanes lanes from a zero state"));
  defs.push_back(int_param("eval_lanes", 16, 1, 4096, "lanes of the held-out stream"));
}

EvalPlan EpisodicTaskBase::eval_plan(Index sequences) const {
  // One lane per sequence, one (longest possible) episode: every lane sees one whole sequence.
  // With random lengths (adding/pascanu) a lane's second, partial episode never reaches its
  // scored last step, so it adds no masked entry.
  return {std::max<Index>(1, sequences), info_.max_episode_length};
}

StreamTaskBase::StreamTaskBase(const TaskParams& p) {
  const Index steps = p.integer("eval_steps"), lanes = p.integer("eval_lanes");
  plan_ = {lanes, (steps + lanes - 1) / lanes};
}

EvalPlan StreamTaskBase::eval_plan(Index) const { return plan_; }

TaskStream::TaskStream(const TaskInfo& info, Index lanes, uint64_t seed, Split split)
    : Stream(lanes), info_(info) {
  lane_rngs_.reserve(static_cast<size_t>(lanes));
  for (Index b = 0; b < lanes; ++b) lane_rngs_.push_back(lane_rng(seed, split, b));
}

void LaneStream::next(Index steps, StepBlock& out) {
  resize_block(out, steps, lanes_, info());
  for (Index b = 0; b < lanes_; ++b) fill_lane(b, steps, out);
  // The first step of a lane starts its (only) episode; no reset after that.
  if (!started_ && steps > 0) std::fill_n(out.reset.begin(), lanes_, uint8_t{1});
  started_ = started_ || steps > 0;
}

EpisodeStream::EpisodeStream(const TaskInfo& info, Index lanes, uint64_t seed, Split split)
    : TaskStream(info, lanes, seed, split), episode_rng_(lane_rng(seed, split, -1)) {}

void EpisodeStream::start() { draw_episode(); }

void EpisodeStream::draw_episode() {
  generate(episode_);
  std::fill_n(episode_.reset.begin(), lanes_, uint8_t{1});
  pos_ = 0;
}

void EpisodeStream::next(Index steps, StepBlock& out) {
  resize_block(out, steps, lanes_, info());
  const Index B = lanes_;
  for (Index t = 0; t < steps;) {
    const Index n = std::min(steps - t, episode_.steps - pos_);
    const Index src = pos_ * B, dst = t * B, len = n * B;
    auto copy_range = [&](const auto& from, auto& to) {
      std::copy_n(from.begin() + src, len, to.begin() + dst);
    };
    if (info().input_kind == InputKind::dense)
      out.x.middleCols(dst, len) = episode_.x.middleCols(src, len);
    else
      copy_range(episode_.tokens, out.tokens);
    if (info().head == HeadKind::softmax_xent)
      copy_range(episode_.classes, out.classes);
    else
      out.values.middleCols(dst, len) = episode_.values.middleCols(src, len);
    copy_range(episode_.mask, out.mask);
    copy_range(episode_.reset, out.reset);
    copy_range(episode_.score, out.score);
    t += n;
    pos_ += n;
    if (pos_ == episode_.steps) draw_episode();
  }
}

}  // namespace tbptt
