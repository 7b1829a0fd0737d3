#include "harness/run/speed.hpp"

#include <sys/resource.h>

#include <Eigen/Core>

#include "harness/report/machine.hpp"
#include "harness/train/stopwatch.hpp"
#include "harness/train/make_run.hpp"

namespace tbptt {
namespace {

// A pool of chunks of synthetic data, reused cyclically so that timing sees no data generation.
// One chunk: the pool's own memory (it scales with k1) should not blur the memory figures.
std::vector<StepBlock> synthetic_chunks(const SpeedSpec& s, Index count) {
  Rng rng(12345);
  std::vector<StepBlock> pool(static_cast<size_t>(count));
  for (auto& b : pool) {
    b.steps = s.k1;
    b.lanes = s.batch;
    b.x.resize(s.input, s.k1 * s.batch);
    for (Index j = 0; j < b.x.size(); ++j) b.x.data()[j] = static_cast<float>(rng.normal());
    b.classes.resize(static_cast<size_t>(s.k1 * s.batch));
    for (auto& c : b.classes) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.output)));
    b.mask.assign(b.classes.size(), 1);
    b.reset.assign(b.classes.size(), 0);
  }
  return pool;
}

template <class S>
nlohmann::json run_speed(const SpeedSpec& s) {
  Eigen::setNbThreads(s.threads);
  const ModelSpec spec{s.cell, InputKind::dense, HeadKind::softmax_xent, s.input, s.hidden, s.output, s.layers};
  TrainConfig tc;
  tc.batch = s.batch;
  tc.tbptt.k1 = s.k1;
  tc.tbptt.k2 = s.k2;
  tc.optimizer.kind = s.optimizer;
  tc.optimizer.lr = s.lr;
  // No task: no episodes (max_episode_length 0), default initialisation from a fixed seed.
  TrainingParts<S> parts(spec, InitSpec{}, Rng(1), tc, 0, false, 0);
  const Network<S>& net = parts.net;
  TbpttTrainer<S>& trainer = parts.trainer;
  const auto pool = synthetic_chunks(s, 1);
  auto one = [&](long long u) {
    UpdateStats st = trainer.compute_gradient(pool[static_cast<size_t>(u) % pool.size()]);
    trainer.apply(st, s.lr);
  };
  for (long long u = 0; u < s.warmup; ++u) one(u);
  const PhaseSeconds before = trainer.phase_seconds();
  const double w0 = wall_now(), c0 = thread_cpu_now();
  for (long long u = 0; u < s.updates; ++u) one(u);
  const double wall = wall_now() - w0, cpu = thread_cpu_now() - c0;
  const PhaseSeconds& after = trainer.phase_seconds();
  const double tokens = static_cast<double>(s.updates * s.k1 * s.batch);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {
      {"cell", s.cell}, {"hidden", s.hidden}, {"batch", s.batch}, {"input", s.input},
      {"output", s.output}, {"layers", s.layers}, {"k1", s.k1}, {"k2", s.k2}, {"updates", s.updates},
      {"precision", sizeof(S) == sizeof(double) ? "double" : "float"},
      {"tokens", tokens}, {"seconds", wall}, {"cpu_seconds", cpu},
      {"tokens_per_second", tokens / wall},
      {"flops_per_token", net.train_flops_per_token()},
      {"gflops", net.train_flops_per_token() * tokens / wall * 1e-9},
      {"activation_bytes", trainer.tape().bytes()},
      {"activation_bytes_per_step", static_cast<double>(trainer.tape().bytes()) / static_cast<double>(trainer.tape().capacity())},
      {"peak_rss_bytes", static_cast<long long>(ru.ru_maxrss) * 1024},
      {"phase_seconds",
       {{"forward", after.forward - before.forward}, {"backward", after.backward - before.backward},
        {"clip", after.clip - before.clip}, {"optimizer", after.optimizer - before.optimizer}}},
      {"threads", Eigen::nbThreads()},
      {"gemm", gemm_backends()},
  };
}

}  // namespace

nlohmann::json measure_speed(const SpeedSpec& spec) {
  return spec.use_double ? run_speed<double>(spec) : run_speed<float>(spec);
}

}  // namespace tbptt
