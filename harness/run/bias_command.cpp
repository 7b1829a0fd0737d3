#include "harness/run/bias_command.hpp"

#include "harness/train/bias_probe.hpp"
#include "harness/train/tbptt_trainer.hpp"

namespace tbptt {

nlohmann::json bias_profile_json(const RunConfig& config, Index length, long long train_updates) {
  auto task = make_task(config.task.kind, config.task.params);
  const TaskInfo& info = task->info();
  Network<double> net(ModelSpec{config.model.cell, info.input_kind, info.head, info.input_size, config.model.hidden,
                                info.output_size, config.model.layers});
  ParamBuffer<double> params = net.make_buffer();
  Rng init_rng = Rng(config.seed).split("init");
  net.init(params, config.model.init, init_rng);
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

}  // namespace tbptt
