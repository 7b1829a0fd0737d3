// temporal_order: the temporal order problem (Hochreiter & Schmidhuber 1997, experiment 6a) in the
// form of Pascanu, Mikolov & Bengio (2013, sec. 5.1): six one-hot tokens, A = 0, B = 1 and four
// distractors 2..5. Each episode of `length` L steps holds A or B at p0 in [L/10, 2L/10) and at
// p1 in [5L/10, 6L/10) and distractors elsewhere; at the last step the target is the order class
// 2*s0 + s1 (AA = 0, AB = 1, BA = 2, BB = 3). Mask and score only there; chance is ln 4.
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

constexpr int32_t kDistractors = 4;

struct OrderShape {
  Index length;
};

class TemporalOrderStream final : public EpisodeStream {
 public:
  TemporalOrderStream(const TaskInfo& info, OrderShape s, Index lanes, uint64_t seed, Split split)
      : EpisodeStream(info, lanes, seed, split), length_(s.length) {
    start();
  }

 private:
  void generate(StepBlock& ep) override {
    const Index B = lanes_, L = length_;
    resize_block(ep, L, B, info());
    for (Index b = 0; b < B; ++b) {
      Rng& rng = lane(b);
      for (Index t = 0; t < L; ++t)
        ep.tokens[static_cast<size_t>(t * B + b)] = 2 + static_cast<int32_t>(rng.below(kDistractors));
      const Index p0 = rng.between(L / 10, 2 * L / 10 - 1);
      const Index p1 = rng.between(5 * L / 10, 6 * L / 10 - 1);
      const auto s0 = static_cast<int32_t>(rng.below(2)), s1 = static_cast<int32_t>(rng.below(2));
      ep.tokens[static_cast<size_t>(p0 * B + b)] = s0;
      ep.tokens[static_cast<size_t>(p1 * B + b)] = s1;
      set_scored_class(ep, static_cast<size_t>((L - 1) * B + b), 2 * s0 + s1);
    }
  }

  Index length_;
};

class TemporalOrderTask final
    : public ShapedTask<TemporalOrderStream, OrderShape, EpisodicTaskBase> {
 public:
  explicit TemporalOrderTask(const TaskParams& p) : ShapedTask({p.integer("length")}) {
    set_io(info_, InputKind::tokens, 2 + kDistractors, HeadKind::softmax_xent, 4);
    info_.max_episode_length = shape_.length;
    info_.aligned_episodes = true;
    info_.chance_loss = std::log(4.0);
    info_.chance_note = "uniform over the 4 order classes: ln 4";
  }
};

}  // namespace

TaskKindEntry temporal_order_kind() {
  return {{"temporal_order",
           "temporal order (Hochreiter & Schmidhuber 1997): classify the order of A/B at 2 positions",
           {int_param("length", 100, 10, 1e7, "sequence length L (symbols at [L/10, 2L/10) and "
                                              "[5L/10, 6L/10))")}},
          make_of<TemporalOrderTask>};
}

}  // namespace tbptt
