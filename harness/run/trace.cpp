#include "harness/run/trace.hpp"

#include <nlohmann/json.hpp>

#include "harness/report/atomic_file.hpp"
#include "harness/train/make_run.hpp"

namespace tbptt {
namespace {

using nlohmann::json;

// A tensor as {"shape": [rows, cols] or [rows], "data": row-major values}.
template <class S>
json tensor_json(const ParamSpec& spec, Eigen::Map<const Matrix<S>> m) {
  json data = json::array();
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) data.push_back(static_cast<double>(m(i, j)));
  json shape = spec.is_vector ? json::array({spec.rows}) : json::array({spec.rows, spec.cols});
  return {{"shape", shape}, {"data", data}};
}

template <class S>
json params_json(const ParamBuffer<S>& p) {
  json out = json::object();
  for (Index i = 0; i < p.layout().count(); ++i) out[p.layout().spec(i).name] = tensor_json<S>(p.layout().spec(i), p[i]);
  return out;
}

json optional_k(Window k) { return k.is_full() ? json(nullptr) : json(k.steps()); }

void append_steps(json& steps, const StepBlock& b, const TaskInfo& info) {
  for (Index t = 0; t < b.steps; ++t) {
    json x = json::array(), y = json::array(), mask = json::array(), reset = json::array();
    for (Index l = 0; l < b.lanes; ++l) {
      const Index j = t * b.lanes + l;
      const size_t js = static_cast<size_t>(j);
      if (info.input_kind == InputKind::tokens) {
        x.push_back(b.tokens[js]);
      } else {
        json v = json::array();
        for (Index r = 0; r < b.x.rows(); ++r) v.push_back(static_cast<double>(b.x(r, j)));
        x.push_back(v);
      }
      if (info.head == HeadKind::softmax_xent) {
        y.push_back(b.classes[js]);
      } else {
        json v = json::array();
        for (Index r = 0; r < b.values.rows(); ++r) v.push_back(static_cast<double>(b.values(r, j)));
        y.push_back(v);
      }
      mask.push_back(static_cast<int>(b.mask[js]));
      reset.push_back(static_cast<int>(b.reset[js]));
    }
    steps.push_back({{"x", x}, {"y", y}, {"mask", mask}, {"reset", reset}});
  }
}

template <class S>
json trace_json(const RunConfig& config, long long updates) {
  const auto run = make_run<S>(config);
  const TaskInfo& info = run->info;
  const ModelSpec& spec = run->net().spec();
  const ParamBuffer<S>& params = run->params();
  TbpttTrainer<S>& trainer = run->trainer();
  const TrainConfig& tc = config.train;
  const OptimizerConfig& oc = tc.optimizer;
  json j = {
      {"format", "tbptt-trace/1"},
      {"precision", sizeof(S) == sizeof(double) ? "double" : "float"},
      {"model",
       {{"cell", spec.cell}, {"layers", spec.layers}, {"input", spec.input}, {"hidden", spec.hidden},
        {"output", spec.output}, {"input_kind", to_string(spec.input_kind)}, {"head", to_string(spec.head)}}},
      {"tbptt",
       {{"kind", to_string(tc.tbptt.kind)}, {"k1", optional_k(tc.tbptt.k1)}, {"k2", optional_k(tc.tbptt.k2)},
        {"recompute", tc.tbptt.recompute}, {"loss_reduction", to_string(tc.tbptt.loss_reduction)}}},
      {"clip", {{"kind", to_string(tc.clip.kind)}, {"threshold", tc.clip.threshold}}},
      {"optimizer",
       {{"kind", to_string(oc.kind)}, {"lr", oc.lr}, {"momentum", oc.momentum}, {"nesterov", oc.nesterov},
        {"weight_decay", oc.weight_decay}, {"beta1", oc.beta1}, {"beta2", oc.beta2}, {"eps", oc.eps},
        {"alpha", oc.alpha}}},
      {"batch", tc.batch},
      {"params", params_json(params)},
  };
  json steps = json::array(), ups = json::array();
  // The resolved windows (a toolkit's flags mapped), for a reader that replays the trace.
  j["tbptt"]["k1"] = optional_k(trainer.policy().config().k1);
  j["tbptt"]["k2"] = optional_k(trainer.policy().config().k2);
  j["tbptt"]["recompute"] = trainer.policy().config().recompute;
  j["tbptt"]["loss_reduction"] = to_string(trainer.policy().config().loss_reduction);
  Stream& stream = *run->train_stream;
  StepBlock block;
  long long last_step = 0;
  const std::vector<ParamRole> roles = param_roles(params.layout(), spec.input_kind == InputKind::tokens);
  for (long long u = 0; u < updates; ++u) {
    stream.next(trainer.next_chunk_length(stream), block);
    append_steps(steps, block, info);
    const long long first_step = last_step;
    last_step += block.steps;
    UpdateStats s = trainer.compute_gradient(block, oc.lr);
    json grad = params_json(trainer.grad());
    trainer.apply(s, oc.lr);  // traces use a constant learning rate (times the plan's lr_scale)
    json up = {{"last_step", last_step}, {"loss", s.loss}, {"grad", grad}, {"params_after", params_json(params)},
               {"grad_norm", s.grad_norm}, {"clipped", s.clipped}, {"skipped", s.skipped},
               // tbptt-trace/1 additions (0-based step indices, inclusive): what the policy decided.
               {"chunk_first", first_step}, {"chunk_last", last_step - 1},
               {"window_first", last_step - s.window_steps}, {"lr", oc.lr * s.plan.lr_scale}};
    if (!s.plan.boundary_weight.empty()) up["boundary_weights"] = s.plan.boundary_weight;
    if (s.plan.online_head) up["online_head"] = true;  // the head took an SGD step after each step
    if (!s.plan.grad_scale.identity()) {
      json scale = json::object();  // the factor on each tensor's gradient, before clipping
      for (Index i = 0; i < params.layout().count(); ++i)
        scale[params.layout().spec(i).name] = s.plan.grad_scale.of(roles[static_cast<size_t>(i)]);
      up["grad_scale"] = scale;
    }
    ups.push_back(std::move(up));
  }
  j["steps"] = steps;
  j["updates"] = ups;
  return j;
}

}  // namespace

void write_trace(const RunConfig& config, long long updates, bool use_double,
                 const std::string& out_path) {
  const json j = use_double ? trace_json<double>(config, updates) : trace_json<float>(config, updates);
  write_file_atomic(out_path, j.dump() + '\n');
}

}  // namespace tbptt
