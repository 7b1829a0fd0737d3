#include "harness/train/make_run.hpp"

#include <algorithm>
#include <utility>

#include "harness/train/fidelity.hpp"

namespace tbptt {

RunSeeds::RunSeeds(uint64_t seed)
    : init(Rng(seed).split("init")),
      train(Rng(seed).split("train").next_u64()),
      truncation(Rng(seed).split("tbptt").next_u64()),
      lag_profile(Rng(seed).split("tbptt.profile").next_u64()),
      eval(Rng(seed).split("eval").next_u64()) {}


namespace {

template <class S>
ParamBuffer<S> initial_params(const Network<S>& net, const InitSpec& init, Rng rng) {
  ParamBuffer<S> p = net.make_buffer();
  net.init(p, init, rng);
  return p;
}

}  // namespace

template <class S>
TrainingParts<S>::TrainingParts(const ModelSpec& spec, const InitSpec& init, Rng init_rng, const TrainConfig& train,
                                Index max_episode_length, bool aligned_episodes, uint64_t truncation_seed)
    : net(spec),
      params(initial_params(net, init, std::move(init_rng))),
      trainer(net, params, train, max_episode_length, aligned_episodes,
              truncation_seed) {}

template <class S>
Run<S>::Run(const RunConfig& config)
    : seeds(config.seed),
      task(make_task(config.task.kind, config.task.params)),
      info(task->info()),
      parts(network_spec(config.model, info), config.model.init, seeds.init, config.train, info.max_episode_length,
            info.aligned_episodes, seeds.truncation),
      train_stream(task->stream(Split::train, config.train.batch, seeds.train)) {
  // adaptive: the per-lag gradient norms, on a private training stream (a fixed probe).
  const Index lanes = std::min<Index>(config.train.batch, 16);
  parts.trainer.set_lag_profiler([this, lanes](Index lags) {
    return lag_profile(parts.net, parts.params, *task, Split::train, lanes, lags, seeds.lag_profile);
  });
}

template struct TrainingParts<float>;
template struct TrainingParts<double>;
template struct Run<float>;
template struct Run<double>;

}  // namespace tbptt
