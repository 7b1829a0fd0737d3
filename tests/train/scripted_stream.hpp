// Test data for the trainer: a fixed, fully random sequence of steps (inputs, targets, masks and
// resets anywhere) served as chunks of any length.
#pragma once

#include <vector>

#include "harness/tasks/task.hpp"
#include "models/rng.hpp"

namespace tbptt::test {

struct ScriptSpec {
  ModelSpec model;
  Index lanes = 3;
  Index steps = 17;
  double mask_p = 0.7;    // probability that an entry carries a loss
  double reset_p = 0.15;  // probability that an entry starts an episode (step 0 always does)
  uint64_t seed = 1;
};

// Every step of the script as one StepBlock of `steps` steps.
inline StepBlock make_script(const ScriptSpec& s) {
  Rng rng(s.seed);
  StepBlock b;
  b.resize(s.steps, s.lanes, s.model.input_kind, s.model.input, s.model.head, s.model.output);
  for (Index j = 0; j < s.steps * s.lanes; ++j) {
    const size_t js = static_cast<size_t>(j);
    if (s.model.input_kind == InputKind::dense)
      for (Index r = 0; r < s.model.input; ++r) b.x(r, j) = static_cast<float>(rng.uniform(-1, 1));
    else
      b.tokens[js] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.model.input)));
    if (s.model.head == HeadKind::softmax_xent)
      b.classes[js] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.model.output)));
    else
      for (Index r = 0; r < s.model.output; ++r) b.values(r, j) = static_cast<float>(rng.uniform(-1, 1));
    b.mask[js] = rng.bernoulli(s.mask_p);
    b.reset[js] = j < s.lanes || rng.bernoulli(s.reset_p);
  }
  return b;
}

// Steps [t0, t0 + n) of a block.
inline StepBlock slice_steps(const StepBlock& all, Index t0, Index n) {
  StepBlock b;
  const Index B = all.lanes;
  b.steps = n;
  b.lanes = B;
  if (all.x.size()) b.x = all.x.middleCols(t0 * B, n * B);
  if (all.values.size()) b.values = all.values.middleCols(t0 * B, n * B);
  auto part = [&](const auto& v) { return std::vector(v.begin() + t0 * B, v.begin() + (t0 + n) * B); };
  if (!all.tokens.empty()) b.tokens = part(all.tokens);
  if (!all.classes.empty()) b.classes = part(all.classes);
  b.mask = part(all.mask);
  b.reset = part(all.reset);
  if (!all.score.empty()) b.score = part(all.score);
  return b;
}

// Serves a script in order, with aligned episodes of a fixed length when `episode` > 0.
class ScriptedStream : public Stream {
 public:
  ScriptedStream(StepBlock all, Index episode) : Stream(all.lanes), all_(std::move(all)), episode_(episode) {}
  void next(Index steps, StepBlock& out) override {
    out = slice_steps(all_, pos_, steps);
    pos_ += steps;
  }
  Index aligned_episode_left() const override { return episode_ > 0 ? episode_ - pos_ % episode_ : 0; }

 private:
  StepBlock all_;
  Index episode_;
  Index pos_ = 0;
};

}  // namespace tbptt::test
