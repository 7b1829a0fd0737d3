#include "harness/train/context.hpp"

#include <algorithm>

namespace tbptt {

Index longest_heldout_sequence(const Task& task, Split split, Index sequences) {
  const Index episode = task.info().max_episode_length;
  return episode > 0 ? episode : task.eval_plan_for(split, sequences).steps;
}

std::vector<Index> default_reset_periods(Index longest) {
  std::vector<Index> out;
  for (Index l = 1; l < longest; l *= 2) out.push_back(l);
  return out;
}

template <class S>
ContextCurve context_utilisation(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 Index sequences, Split split, uint64_t seed, std::vector<Index> periods) {
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  ContextCurve c;
  for (Index l : periods) {
    c.periods.push_back(l);
    c.metrics.push_back(evaluate(net, params, task, sequences, split, seed, l).metrics(task.info()));
  }
  return c;
}

template ContextCurve context_utilisation<float>(const Network<float>&, const ParamBuffer<float>&, const Task&,
                                                 Index, Split, uint64_t, std::vector<Index>);
template ContextCurve context_utilisation<double>(const Network<double>&, const ParamBuffer<double>&,
                                                  const Task&, Index, Split, uint64_t, std::vector<Index>);

}  // namespace tbptt
