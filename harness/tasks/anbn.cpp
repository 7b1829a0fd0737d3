// anbn: next-symbol prediction on the language a^n b^n, as used for UORO by Tallec & Ollivier
// (2017, "Unbiased online recurrent optimization", sec. 6). Each lane is one endless stream with
// no resets: a separator, then n a's and n b's with n uniform in {k, .., l}, then the next
// separator, and so on. Tokens (and classes): a = 0, b = 1, separator = 2; the target at step t is
// the token of step t+1. The loss is on every step; the score on the predictions the history
// determines (the first a after a separator, the a's while fewer than k have been seen, the
// switch to b after l a's, every b after the first, and the separator): predicting them needs
// the count of a's.
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

constexpr int32_t kA = 0, kB = 1, kSep = 2;

struct AnbnShape {
  Index k, l;  // n uniform in {k, .., l}
};

class AnbnStream final : public LaneStream {
 public:
  AnbnStream(const TaskInfo& info, AnbnShape s, Index lanes, uint64_t seed, Split split)
      : LaneStream(info, lanes, seed, split), k_(s.k), l_(s.l), state_(static_cast<size_t>(lanes)) {}

 private:
  // Where a lane is: the token it shows next (`token`), the i-th of its run, and the run's n.
  struct LaneState {
    int32_t token = kSep;
    Index i = 0, n = 0;
  };

  // Advances s to the following token; returns 1 when that token was determined by the history.
  uint8_t advance(LaneState& s, Rng& rng) const {
    if (s.token == kSep) {
      s.n = rng.between(k_, l_);
      s.token = kA;
      s.i = 1;
      return 1;
    }
    if (s.token == kA) {
      if (s.i < s.n) {
        ++s.i;
        return s.i <= k_ ? 1 : 0;
      }
      s.token = kB;
      s.i = 1;
      return s.n == l_ ? 1 : 0;
    }
    if (s.i < s.n) {
      ++s.i;
      return 1;
    }
    s.token = kSep;
    s.i = 0;
    return 1;
  }

  void fill_lane(Index b, Index steps, StepBlock& out) override {
    LaneState& s = state_[static_cast<size_t>(b)];
    Rng& rng = lane(b);
    for (Index t = 0; t < steps; ++t) {
      const auto j = static_cast<size_t>(t * lanes_ + b);
      out.tokens[j] = s.token;
      out.score[j] = advance(s, rng);
      out.classes[j] = s.token;
      out.mask[j] = 1;
    }
  }

  Index k_, l_;
  std::vector<LaneState> state_;
};

class AnbnTask final : public ShapedTask<AnbnStream, AnbnShape, StreamTaskBase> {
 public:
  explicit AnbnTask(const TaskParams& p) : ShapedTask({p.integer("k"), p.integer("l")}, p) {
    const Index k = shape_.k, l = shape_.l;
    if (k > l) p.fail("k must be <= l, got k = " + std::to_string(k) + ", l = " + std::to_string(l));
    set_io(info_, InputKind::tokens, 3, HeadKind::softmax_xent, 3);
    // Per episode of 2n + 1 tokens, the only uncertainty is n: ln(l - k + 1) nats over
    // E[2n + 1] = k + l + 1 steps (renewal-reward). Without memory: the unigram entropy.
    const double steps = static_cast<double>(k + l + 1);
    const double p_ab = static_cast<double>(k + l) / 2 / steps, p_sep = 1 / steps;
    info_.chance_loss = -2 * p_ab * std::log(p_ab) - p_sep * std::log(p_sep);
    info_.chance_note = "unigram entropy of the stream (no memory)";
    info_.reference_levels = {{"optimal", std::log(static_cast<double>(l - k + 1)) / steps},
                              {"unigram", info_.chance_loss}};
  }
};

}  // namespace

TaskKindEntry anbn_kind() {
  std::vector<TaskParamDef> params = {int_param("k", 1, 1, 1e6, "smallest n"),
                                      int_param("l", 32, 1, 1e6, "largest n")};
  add_stream_eval_params(params);
  return {{"anbn", "a^n b^n next-symbol prediction (Tallec & Ollivier 2017), n uniform in {k..l}",
           std::move(params)},
          make_of<AnbnTask>};
}

}  // namespace tbptt
