#include "harness/train/tbptt_trainer.hpp"

#include <algorithm>
#include <cmath>

#include "harness/train/stopwatch.hpp"
#include "harness/train/weighted_backward.hpp"
#include "models/check.hpp"

namespace tbptt {

template <class S>
void load_inputs(Tape<S>& tape, Index t0, const StepBlock& block) {
  const Index n = block.steps, B = tape.lanes();
  TBPTT_CHECK(block.lanes == B, "the chunk has " << block.lanes << " lanes, the trainer " << B);
  if (tape.network().spec().input_kind == InputKind::dense) {
    auto x = tape.dense_input(t0, n);
    TBPTT_CHECK(block.x.rows() == x.rows() && block.x.cols() == n * B,
                "dense inputs are " << block.x.rows() << "x" << block.x.cols() << ", expected " << x.rows()
                                    << "x" << n * B);
    x = block.x.cast<S>();
  } else {
    TBPTT_CHECK(static_cast<Index>(block.tokens.size()) == n * B, "the chunk has " << block.tokens.size()
                                                                                   << " token ids, expected " << n * B);
    std::copy(block.tokens.begin(), block.tokens.end(), tape.tokens(t0));
  }
  std::copy(block.reset.begin(), block.reset.end(), tape.reset(t0));
}

template <class S>
Targets<S> block_targets(const StepBlock& block, Matrix<S>& scratch) {
  if (!block.classes.empty()) return Targets<S>(block.classes.data());
  resize_safely(scratch, block.values.rows(), block.values.cols());  // see models/tensor.hpp
  scratch = block.values.cast<S>();
  return Targets<S>(cview(scratch, 0, scratch.rows(), 0, scratch.cols()));
}

template <class S>
TbpttTrainer<S>::TbpttTrainer(const Network<S>& net, ParamBuffer<S>& params, const TrainConfig& config,
                              Index max_episode_length, bool aligned_episodes, uint64_t truncation_seed)
    : net_(net),
      params_(params),
      config_(config),
      policy_(config.tbptt, max_episode_length, aligned_episodes, truncation_seed),
      tape_(net, policy_.tape_capacity(), config.batch),
      grad_(net.make_buffer()),
      optimizer_(config.optimizer, net.layout()->size()),
      dh_(net.spec().hidden, tape_.capacity() * config.batch),
      roles_(param_roles(*net.layout(), net.spec().input_kind == InputKind::tokens)) {
  TBPTT_CHECK(max_episode_length > 0 || !policy_.needs_episodes(),
              "k1: full and k2: full need a task with episodes (this task is one endless stream)");
  const std::string problem = optimizer_problem(policy_.kind(), config.optimizer);
  TBPTT_CHECK(problem.empty(), problem);
  for (Index i = 0; i < static_cast<Index>(roles_.size()); ++i)
    if (roles_[static_cast<size_t>(i)] == ParamRole::head) head_params_.push_back(i);
}

template <class S>
const ChunkPlan& TbpttTrainer<S>::next_plan(const Stream& stream) {
  if (!pending_) {
    if (policy_.wants_lag_profile() && profiler_) policy_.observe_lag_profile(profiler_(policy_.profile_lags()));
    pending_ = policy_.next(stream.aligned_episode_left());
  }
  return *pending_;
}

template <class S>
Index TbpttTrainer<S>::steps_to_keep(const StepBlock& chunk, Window window) const {
  const Index size = tape_.size(), n = chunk.steps, B = tape_.lanes();
  if (!window.is_full()) return std::min(size, std::max<Index>(0, window.steps() - n));
  // k2: full reaches back to each lane's last reset before the chunk: the loss at the chunk's
  // first step needs all of its episode. Keep enough for the lane whose episode started first.
  Index keep = 0;
  for (Index b = 0; b < B; ++b) {
    if (n > 0 && chunk.reset[static_cast<size_t>(b)]) continue;
    Index s = size - 1;
    while (s >= 0 && !tape_.reset(s)[b]) --s;
    keep = std::max(keep, s >= 0 ? size - s : size);  // no reset stored: the stream's start
  }
  return keep;
}

template <class S>
UpdateStats TbpttTrainer<S>::compute_gradient(const StepBlock& chunk, double online_lr) {
  if (pending_) {
    const ChunkPlan plan = std::move(*pending_);
    pending_.reset();
    return compute_gradient(chunk, plan, online_lr);
  }
  TBPTT_CHECK(!policy_.random() && policy_.kind() != TruncationKind::adaptive,
              "kind " << to_string(policy_.kind()) << " draws its chunks: use next_plan() or pass the plan");
  return compute_gradient(chunk, policy_.plan_for(chunk.steps), online_lr);
}

template <class S>
S TbpttTrainer<S>::online_head_loss(const StepBlock& chunk, Index keep, S scale, S lr) {
  // rnnlm's learnNet: for each word in turn, the output error, then the hidden error through the
  // output weights as they are (syn1^T er), then syn1 += alpha er h^T before the next word.
  const Index n = chunk.steps, B = tape_.lanes(), H = net_.spec().hidden;
  const Targets<S> all = block_targets(chunk, values_);
  S sum = 0;
  for (Index t = 0; t < n; ++t) {
    for (Index i : head_params_) grad_[i].setZero();
    const Targets<S> y = all.classes ? Targets<S>(all.classes + t * B)
                                     : Targets<S>(sub(all.values, 0, all.values.rows(), t * B, B));
    View<S> dh_step = view(dh_, 0, H, (keep + t) * B, B);
    sum += net_.head().loss(params_, tape_.top_h(keep + t, 1), y, chunk.mask.data() + t * B, scale, &grad_, &dh_step);
    for (Index i : head_params_) params_[i] -= lr * grad_[i];
  }
  for (Index i : head_params_) grad_[i].setZero();
  return sum;
}

template <class S>
UpdateStats TbpttTrainer<S>::compute_gradient(const StepBlock& chunk, const ChunkPlan& plan, double online_lr) {
  UpdateStats stats;
  const Index n = chunk.steps, B = tape_.lanes(), H = net_.spec().hidden;
  TBPTT_CHECK(plan.steps == n, "the plan is for " << plan.steps << " steps, the chunk has " << n);
  stats.steps = n;
  stats.plan = plan;
  const Index keep = steps_to_keep(chunk, plan.window);
  TBPTT_CHECK(keep + n <= tape_.capacity(), "the backward window needs " << keep + n << " stored steps, the tape holds "
                                                                         << tape_.capacity()
                                                                         << " (an episode longer than the task declared?)");
  {
    ScopedWall timer(phases_.forward);
    tape_.slide(keep);
    tape_.append(n);
    load_inputs(tape_, keep, chunk);
    // Recompute: re-run the kept steps with the current weights from the stored entering state.
    if (policy_.config().recompute && keep > 0) tape_.forward(params_, 0, keep);
    tape_.forward(params_, keep, n);
  }
  for (uint8_t m : chunk.mask) stats.count += m;
  grad_.set_zero();
  if (stats.count == 0) {
    stats.skipped = true;
    return stats;
  }
  ScopedWall timer(phases_.backward);
  const S scale = policy_.config().loss_reduction == LossReduction::mean ? S(1) / static_cast<S>(stats.count) : S(1);
  View<S> dh_chunk = view(dh_, 0, H, keep * B, n * B);
  // Without a learning rate (a probe of the gradient) an online head is the plain chunk gradient.
  const bool online = plan.online_head && online_lr > 0;
  const S sum = online ? online_head_loss(chunk, keep, scale, static_cast<S>(online_lr * plan.lr_scale))
                       : net_.head().loss(params_, tape_.top_h(keep, n), block_targets(chunk, values_),
                                          chunk.mask.data(), scale, &grad_, &dh_chunk);
  stats.loss = static_cast<double>(sum * scale);
  const Index ws = plan.window.is_full() ? 0 : std::max<Index>(0, keep + n - plan.window.steps());
  stats.window_steps = keep + n - ws;
  // Kept steps before the chunk carry no loss of their own; chunk steps before ws (k2 < n) have
  // already given the head its gradient and stop there.
  if (ws < keep) view(dh_, 0, H, ws * B, (keep - ws) * B).setZero();
  backward_weighted(tape_, params_, grad_, ws, keep + n - ws, cview(dh_, 0, H, ws * B, (keep + n - ws) * B), keep,
                    plan.boundary_weight);
  if (!plan.grad_scale.identity())
    for (Index i = 0; i < grad_.layout().count(); ++i)
      if (const double f = plan.grad_scale.of(roles_[static_cast<size_t>(i)]); f != 1) grad_[i] *= static_cast<S>(f);
  stats.nonfinite = !std::isfinite(stats.loss) || !grad_.flat().allFinite();
  return stats;
}

template <class S>
void TbpttTrainer<S>::apply(UpdateStats& stats, double lr) {
  if (stats.skipped) return;
  if (stats.nonfinite) {
    stats.skipped = true;  // diverge or skip: either way these parameters are not touched
    stats.grad_norm = std::nan("");
    return;
  }
  {
    ScopedWall timer(phases_.clip);
    const ClipResult c = clip_gradient(grad_, config_.clip);
    stats.grad_norm = c.norm;
    stats.clipped = c.clipped;
  }
  ScopedWall timer(phases_.optimizer);
  optimizer_.step(params_, grad_, stats.plan.lr_scale == 1 ? lr : lr * stats.plan.lr_scale);
}

template <class S>
UpdateStats TbpttTrainer<S>::update(Stream& stream, double lr) {
  const Index n = next_plan(stream).steps;
  {
    ScopedWall timer(phases_.data);
    stream.next(n, block_);
  }
  UpdateStats stats = compute_gradient(block_, lr);
  apply(stats, lr);
  return stats;
}

template class TbpttTrainer<float>;
template class TbpttTrainer<double>;
template void load_inputs<float>(Tape<float>&, Index, const StepBlock&);
template void load_inputs<double>(Tape<double>&, Index, const StepBlock&);
template Targets<float> block_targets<float>(const StepBlock&, Matrix<float>&);
template Targets<double> block_targets<double>(const StepBlock&, Matrix<double>&);

}  // namespace tbptt
