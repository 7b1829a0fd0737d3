// One place where a run is put together: `tbptt run` (run/execute.cpp), `tbptt trace`
// (train/trace.cpp) and `tbptt speed` (run/speed.cpp) all train through these parts.
//
// What seeds what. Every random stream of a run comes from RunConfig::seed (the experiment's
// `seed` key) alone, each through its own named sub-generator (Rng::split), so that the streams
// are unrelated and adding one changes no other. The run id does not enter: runs that differ only
// in k1, k2, clipping or the optimizer start from the same weights and see the same data (a
// paired comparison; seeds are the replicates).
//   initial weights                 Rng(seed).split("init")          (Network::init)
//   training data                   Rng(seed).split("train")         (the task's train split)
//   truncation policy's draws       Rng(seed).split("tbptt")         (variable / randomized lengths)
//   adaptive's lag profile          Rng(seed).split("tbptt.profile") (a private train-split probe)
//   evaluation data                 Rng(seed).split("eval")          (the task's valid split: every
//                                   evaluation point and the context curve read the same held-out
//                                   sequences; the fidelity probe reads a valid-split stream of
//                                   this seed too, and a randomized scheme's probed windows are
//                                   drawn from it: TruncationPolicy::reseeded, train/fidelity.cpp)
// A task turns its stream seed into per-split, per-lane generators (tasks/common.hpp: split_seed,
// lane_rng), so held-out data never reuses the training generator.
#pragma once

#include <cstdint>
#include <memory>

#include "harness/train/run_config.hpp"
#include "harness/tasks/task.hpp"
#include "harness/train/tbptt_trainer.hpp"
#include "models/network.hpp"
#include "models/rng.hpp"

namespace tbptt {

// The seeds above, derived from RunConfig::seed.
struct RunSeeds {
  explicit RunSeeds(uint64_t seed);
  Rng init;
  uint64_t train, truncation, lag_profile, eval;
};

// The network, its initialised parameters and the trainer that updates them: what every way of
// training shares (speed has no task and uses these alone). Not movable: the trainer borrows
// net and params.
template <class S>
struct TrainingParts {
  TrainingParts(const ModelSpec& spec, const InitSpec& init, Rng init_rng, const TrainConfig& train,
                Index max_episode_length, bool aligned_episodes, uint64_t truncation_seed);
  TrainingParts(const TrainingParts&) = delete;
  TrainingParts& operator=(const TrainingParts&) = delete;

  Network<S> net;
  ParamBuffer<S> params;
  TbpttTrainer<S> trainer;
};

// A whole run of a RunConfig: the task, the network sized to it, the trainer (with adaptive's
// lag profiler wired to a private training stream) and the training stream.
template <class S>
struct Run {
  explicit Run(const RunConfig& config);
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  RunSeeds seeds;
  std::unique_ptr<Task> task;
  TaskInfo info;
  TrainingParts<S> parts;
  std::unique_ptr<Stream> train_stream;

  Network<S>& net() { return parts.net; }
  ParamBuffer<S>& params() { return parts.params; }
  TbpttTrainer<S>& trainer() { return parts.trainer; }
};

// Throws (std::invalid_argument and the like) when the task or network cannot be built.
template <class S>
std::unique_ptr<Run<S>> make_run(const RunConfig& config) {
  return std::make_unique<Run<S>>(config);
}

}  // namespace tbptt
