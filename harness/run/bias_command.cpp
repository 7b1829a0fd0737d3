#include "harness/run/bias_command.hpp"

#include "harness/train/bias_probe.hpp"
#include "harness/train/make_run.hpp"
#include "models/check.hpp"

namespace tbptt {

nlohmann::json bias_profile_json(const RunConfig& config, Index length, long long train_updates) {
  const auto run = make_run<double>(config);
  // The trainer's public interface only: the same updates a run would make (constant rate).
  for (long long u = 0; u < train_updates; ++u) run->trainer().update(*run->train_stream, config.train.optimizer.lr);
  const BiasProfile p = truncation_bias(run->net(), run->params(), *run->task, length, config.train.batch, run->seeds.eval);
  return {{"length", p.length}, {"lanes", p.lanes}, {"train_updates", train_updates}, {"grad_norm", p.grad_norm},
          {"rel_error", p.rel_error}};
}

nlohmann::json sensitivity_json(const RunConfig& config, Index length) {
  const auto run = make_run<double>(config);
  TBPTT_CHECK(run->params().flat().size() <= kMaxSensitivityParams,
              "--sensitivity prints one value per parameter and K: for models of at most "
                  << kMaxSensitivityParams << " parameters, this one has " << run->params().flat().size());
  const SensitivityProfile p =
      truncated_sensitivity(run->net(), run->params(), *run->task, length, config.train.batch, run->seeds.eval);
  return {{"length", p.length}, {"lanes", p.lanes}, {"parameters", p.names}, {"sensitivity", p.truncated}};
}

}  // namespace tbptt
