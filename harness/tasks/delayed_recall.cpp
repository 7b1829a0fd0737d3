// delayed_recall: show a symbol at the first step, then noise; the symbol is the target at every
// step from `target_from` on. With targets from the start, the loss at step t rewards holding the
// symbol for t steps, and Mikolov (2012, "Statistical language models based on neural networks",
// ch. 3) observed that a short truncation k2 can still teach the network to hold it far beyond k2:
// the habit learnt on short lags carries over to long ones. With `target_from: G` only the lags
// >= G teach, which TBPTT with k2 < G cannot credit.
//
// Tokens: symbols 0..S-1; after the first step, noise tokens S..S+N-1 drawn uniformly per step
// (`noise` = N >= 1), or a single blank token S when noise = 0 (vocab S + max(N, 1)). Classes are
// the S symbols; mask and score on the target steps; chance ln S per target step.
#include <algorithm>
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct RecallShape {
  Index symbols, noise, length, target_from;
};

class DelayedRecallStream final : public EpisodeStream {
 public:
  DelayedRecallStream(const TaskInfo& info, RecallShape s, Index lanes, uint64_t seed, Split split)
      : EpisodeStream(info, lanes, seed, split), s_(s) {
    start();
  }

 private:
  void generate(StepBlock& ep) override {
    const Index B = lanes_, L = s_.length;
    resize_block(ep, L, B, info());
    const auto S = static_cast<int32_t>(s_.symbols);
    for (Index b = 0; b < B; ++b) {
      Rng& rng = lane(b);
      const auto sym = static_cast<int32_t>(rng.below(static_cast<uint64_t>(S)));
      ep.tokens[static_cast<size_t>(b)] = sym;
      for (Index t = 1; t < L; ++t)
        ep.tokens[static_cast<size_t>(t * B + b)] =
            s_.noise == 0 ? S : S + static_cast<int32_t>(rng.below(static_cast<uint64_t>(s_.noise)));
      for (Index t = s_.target_from; t < L; ++t)
        set_scored_class(ep, static_cast<size_t>(t * B + b), sym);
    }
  }

  RecallShape s_;
};

class DelayedRecallTask final
    : public ShapedTask<DelayedRecallStream, RecallShape, EpisodicTaskBase> {
 public:
  explicit DelayedRecallTask(const TaskParams& p)
      : ShapedTask({p.integer("symbols"), p.integer("noise"), p.integer("length"), 0}) {
    RecallShape& s = shape_;
    const std::string& from = p.string("target_from");
    if (from != "start") {
      const bool digits = !from.empty() && from.size() <= 12 &&
                          from.find_first_not_of("0123456789") == std::string::npos;
      if (!digits)
        p.fail("target_from must be \"start\" or a step number >= 0, got \"" + from + "\"");
      s.target_from = std::stoll(from);
      if (s.target_from >= s.length)
        p.fail("target_from must be < length (" + std::to_string(s.length) + "), got " + from);
    }
    set_io(info_, InputKind::tokens, s.symbols + std::max<Index>(s.noise, 1),
           HeadKind::softmax_xent, s.symbols);
    info_.max_episode_length = s.length;
    info_.aligned_episodes = true;
    info_.chance_loss = std::log(static_cast<double>(s.symbols));
    info_.chance_note = "uniform over the symbols: ln(symbols) per target step";
  }
};

}  // namespace

TaskKindEntry delayed_recall_kind() {
  return {{"delayed_recall",
           "hold a symbol shown at step 0 through noise; targets from the start or from step G",
           {int_param("symbols", 4, 2, 1e6, "symbols to recall (classes)"),
            int_param("length", 50, 1, 1e7, "episode length"),
            int_param("noise", 4, 0, 1e6, "noise alphabet after the first step (0: one blank token)"),
            str_param("target_from", "start", {},
                      "\"start\": target at every step; an integer G: from step G on")}},
          make_of<DelayedRecallTask>};
}

}  // namespace tbptt
