#include "harness/run/bias_command.hpp"

#include "harness/train/bias_probe.hpp"
#include "harness/train/tbptt_trainer.hpp"
#include "models/check.hpp"

namespace tbptt {

namespace {

// The run's task, network and initial parameters, in double, as a run builds them.
struct Probe {
  explicit Probe(const RunConfig& config)
      : task(make_task(config.task.kind, config.task.params)),
        net(network_spec(config.model, task->info())),
        params(net.make_buffer()) {
    Rng init_rng = Rng(config.seed).split("init");
    net.init(params, config.model.init, init_rng);
  }
  std::unique_ptr<Task> task;
  Network<double> net;
  ParamBuffer<double> params;
};

}  // namespace

nlohmann::json bias_profile_json(const RunConfig& config, Index length, long long train_updates) {
  Probe probe(config);
  const TaskInfo& info = probe.task->info();
  auto& task = probe.task;
  auto& net = probe.net;
  auto& params = probe.params;
  if (train_updates > 0) {
    // The trainer's public interface only: the same updates a run would make (constant rate).
    TbpttTrainer<double> trainer(net, params, config.train, info.max_episode_length, info.aligned_episodes);
    auto stream = task->stream(Split::train, config.train.batch, Rng(config.seed).split("train").next_u64());
    for (long long u = 0; u < train_updates; ++u) trainer.update(*stream, config.train.optimizer.lr);
  }
  const uint64_t seed = Rng(config.seed).split("eval").next_u64();
  const BiasProfile p = truncation_bias(net, params, *task, length, config.train.batch, seed);
  return {{"length", p.length}, {"lanes", p.lanes}, {"train_updates", train_updates}, {"grad_norm", p.grad_norm},
          {"rel_error", p.rel_error}};
}

nlohmann::json sensitivity_json(const RunConfig& config, Index length) {
  Probe probe(config);
  TBPTT_CHECK(probe.params.flat().size() <= kMaxSensitivityParams,
              "--sensitivity prints one value per parameter and K: for models of at most "
                  << kMaxSensitivityParams << " parameters, this one has " << probe.params.flat().size());
  const uint64_t seed = Rng(config.seed).split("eval").next_u64();
  const SensitivityProfile p = truncated_sensitivity(probe.net, probe.params, *probe.task, length, config.train.batch, seed);
  return {{"length", p.length}, {"lanes", p.lanes}, {"parameters", p.names}, {"sensitivity", p.truncated}};
}

}  // namespace tbptt
