// adding: the adding problem (Hochreiter & Schmidhuber 1997), in two common variants.
//  - le (Le, Jaitly & Hinton 2015, "A simple way to initialize recurrent networks of rectified
//    linear units", sec. 4.1): episodes of exactly `length` steps; one marker uniform in the first
//    half [0, L/2), one in the second half [L/2, L); target the SUM of the two marked values.
//    Predicting the mean (1) scores Var(u1 + u2) = 2/12 = 1/6.
//  - pascanu (Pascanu, Mikolov & Bengio 2013, "On the difficulty of training RNNs", sec. 5.1 and
//    their released code): length l = L + randint(L/10) (one l per episode, shared by the lanes so
//    episodes stay aligned), markers p0 in [0, l/10) and p1 in [l/10, l/2), target the MEAN of the
//    two values. Predicting 0.5 scores Var((u1 + u2)/2) = 1/24. Solved when fewer than 1% of the
//    held-out sequences have squared error above 0.04.
// Inputs are dense (value u ~ U(0,1), marker 0/1); one mse output; mask and score at the last step.
// Both variants use score_metric "error_rate" with threshold 0.04.
#include <algorithm>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct AddingShape {
  Index length;
  bool pascanu;
  // Largest episode length: randint(n) of numpy draws from {0, .., n-1}.
  Index max_length() const { return pascanu ? length + std::max<Index>(0, length / 10 - 1) : length; }
};

class AddingStream final : public EpisodeStream {
 public:
  AddingStream(const TaskInfo& info, AddingShape s, Index lanes, uint64_t seed, Split split)
      : EpisodeStream(info, lanes, seed, split), s_(s) {
    start();
  }

 private:
  void generate(StepBlock& ep) override {
    Index l = s_.length;
    if (s_.pascanu && s_.length / 10 > 0)
      l += static_cast<Index>(episode_rng().below(static_cast<uint64_t>(s_.length / 10)));
    const Index B = lanes_;
    resize_block(ep, l, B, info());
    // Marker ranges [lo0, hi0) and [lo1, hi1).
    const Index lo0 = 0, hi0 = s_.pascanu ? l / 10 : l / 2;
    const Index lo1 = hi0, hi1 = s_.pascanu ? l / 2 : l;
    for (Index b = 0; b < B; ++b) {
      Rng& rng = lane(b);
      for (Index t = 0; t < l; ++t) ep.x(0, t * B + b) = static_cast<float>(rng.uniform());
      const Index p0 = lo0 + static_cast<Index>(rng.below(static_cast<uint64_t>(hi0 - lo0)));
      const Index p1 = lo1 + static_cast<Index>(rng.below(static_cast<uint64_t>(hi1 - lo1)));
      ep.x(1, p0 * B + b) = 1.0f;
      ep.x(1, p1 * B + b) = 1.0f;
      // The target from the float inputs the network sees, so it is exactly learnable.
      const double sum = double{ep.x(0, p0 * B + b)} + double{ep.x(0, p1 * B + b)};
      const Index last = (l - 1) * B + b;
      ep.values(0, last) = static_cast<float>(s_.pascanu ? sum / 2 : sum);
      ep.mask[static_cast<size_t>(last)] = 1;
      ep.score[static_cast<size_t>(last)] = 1;
    }
  }

  AddingShape s_;
};

class AddingTask final : public ShapedTask<AddingStream, AddingShape, EpisodicTaskBase> {
 public:
  explicit AddingTask(const TaskParams& p)
      : ShapedTask({p.integer("length"), p.string("variant") == "pascanu"}) {
    const AddingShape& s = shape_;
    if (s.pascanu && s.length < 10)
      p.fail("length must be >= 10 for variant pascanu (markers in [0, l/10)), got " +
             std::to_string(s.length));
    set_io(info_, InputKind::dense, 2, HeadKind::mse, 1, 0.04);
    info_.max_episode_length = s.max_length();
    info_.aligned_episodes = true;
    // The mse head averages squared errors over outputs (models/head.hpp), so with one output
    // the chance loss is the variance of the target.
    info_.chance_loss = s.pascanu ? 1.0 / 24 : 1.0 / 6;
    info_.chance_note = s.pascanu ? "predict 0.5: Var of the mean of two U(0,1) = 1/24"
                                  : "predict 1: Var of the sum of two U(0,1) = 1/6";
  }
};

}  // namespace

TaskKindEntry adding_kind() {
  return {{"adding",
           "adding problem (Le et al. 2015; Pascanu et al. 2013): sum/mean of two marked values",
           {int_param("length", 100, 2, 1e7, "sequence length L (pascanu: l = L + randint(L/10))"),
            str_param("variant", "le", {"le", "pascanu"},
                      "le: sum, markers one per half; pascanu: mean, variable length")}},
          make_of<AddingTask>};
}

}  // namespace tbptt
