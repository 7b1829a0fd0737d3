#include "harness/train/evaluator.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include "harness/train/tbptt_trainer.hpp"

namespace tbptt {

std::map<std::string, double> EvalResult::metrics(const TaskInfo& info) const {
  std::map<std::string, double> m;
  m["loss"] = loss;
  if (info.head == HeadKind::softmax_xent) m["bpc"] = loss / std::numbers::ln2;
  if (scored > 0) m[info.score_metric] = score;
  return m;
}

template <class S>
EvalResult evaluate(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index sequences,
                    Split split, uint64_t seed, Index reset_every) {
  const TaskInfo& info = task.info();
  const EvalPlan plan = task.eval_plan_for(split, sequences);
  // Steps since each lane's last reset (the task's or an imposed one), counting the stream's
  // start as a reset: with reset_every = L the state is zeroed before steps s + L, s + 2L, ...
  // of every sequence starting at s.
  std::vector<Index> since(static_cast<size_t>(plan.lanes), 0);
  auto stream = task.stream(split, plan.lanes, seed);
  // Blocks of up to kBlock steps; the state is carried from block to block by the tape.
  constexpr Index kBlock = 128;
  Tape<S> tape(net, std::min<Index>(kBlock, std::max<Index>(1, plan.steps)), plan.lanes);
  StepBlock block;
  Matrix<S> values, logits;
  std::vector<S> column_loss;
  double loss_sum = 0, score_sum = 0;
  EvalResult r;
  for (Index done = 0; done < plan.steps;) {
    const Index n = std::min(tape.capacity(), plan.steps - done);
    stream->next(n, block);
    if (reset_every > 0) {
      for (Index j = 0; j < n * plan.lanes; ++j) {
        Index& lane_since = since[static_cast<size_t>(j % plan.lanes)];
        uint8_t& reset = block.reset[static_cast<size_t>(j)];
        if (reset || lane_since == reset_every) {
          reset = 1;
          lane_since = 0;
        }
        ++lane_since;
      }
    }
    tape.slide(0);
    tape.append(n);
    load_inputs(tape, 0, block);
    tape.forward(params, 0, n);
    const auto h = tape.top_h(0, n);
    column_loss.resize(static_cast<size_t>(n * plan.lanes));
    const Targets<S> y = block_targets(block, values);
    net.head().loss(params, h, y, block.mask.data(), S(1), nullptr, nullptr, column_loss.data());
    bool any_scored = false;
    for (uint8_t s : block.score) any_scored |= s != 0;
    if (any_scored) net.head().logits(params, h, logits);
    for (Index j = 0; j < n * plan.lanes; ++j) {
      const size_t js = static_cast<size_t>(j);
      if (block.mask[js]) {
        loss_sum += static_cast<double>(column_loss[js]);
        ++r.count;
      }
      if (!block.score.empty() && block.score[js]) {
        ++r.scored;
        if (info.head == HeadKind::softmax_xent) {
          Index arg;
          logits.col(j).maxCoeff(&arg);
          score_sum += arg == block.classes[js] ? 1.0 : 0.0;
        } else {
          const double err = static_cast<double>((logits.col(j) - y.values.col(j)).squaredNorm()) /
                             static_cast<double>(logits.rows());
          score_sum += err > info.score_threshold ? 1.0 : 0.0;
        }
      }
    }
    done += n;
  }
  r.loss = r.count ? loss_sum / static_cast<double>(r.count) : 0.0;
  r.score = r.scored ? score_sum / static_cast<double>(r.scored) : 0.0;
  return r;
}

template EvalResult evaluate<float>(const Network<float>&, const ParamBuffer<float>&, const Task&, Index, Split,
                                    uint64_t, Index);
template EvalResult evaluate<double>(const Network<double>&, const ParamBuffer<double>&, const Task&, Index, Split,
                                     uint64_t, Index);

}  // namespace tbptt
