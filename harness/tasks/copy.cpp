// copy: the copy-memory task of Hochreiter & Schmidhuber (1997) in the form of Arjovsky, Shah &
// Bengio (2016, "Unitary evolution recurrent neural networks", sec. 4.1) and Ke et al. (2018,
// "Sparse attentive backtracking").
//
// Tokens: blank 0, symbols 1..S, delimiter S+1 (vocab S+2). One episode of delay + 2*length steps:
//   input  = s_1..s_length, blank x (delay-1), delimiter, blank x length
//   target = blank x (delay+length), s_1..s_length          (classes 0..S: blank and the symbols)
// The loss is on every step; the score (recall accuracy) on the last `length` steps. A network
// that outputs blanks and then guesses uniformly scores length*ln(S)/(delay+2*length) nats/step.
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct CopyShape {
  Index delay, length, symbols;
};

class CopyStream final : public EpisodeStream {
 public:
  CopyStream(const TaskInfo& info, CopyShape s, Index lanes, uint64_t seed, Split split)
      : EpisodeStream(info, lanes, seed, split), s_(s) {
    start();
  }

 private:
  void generate(StepBlock& ep) override {
    const Index B = lanes_, T = s_.delay + 2 * s_.length, recall = s_.delay + s_.length;
    resize_block(ep, T, B, info());
    for (Index b = 0; b < B; ++b) {
      Rng& rng = lane(b);
      for (Index i = 0; i < s_.length; ++i) {
        const auto sym = static_cast<int32_t>(1 + rng.below(static_cast<uint64_t>(s_.symbols)));
        ep.tokens[static_cast<size_t>(i * B + b)] = sym;
        ep.classes[static_cast<size_t>((recall + i) * B + b)] = sym;
        ep.score[static_cast<size_t>((recall + i) * B + b)] = 1;
      }
      ep.tokens[static_cast<size_t>((s_.length + s_.delay - 1) * B + b)] =
          static_cast<int32_t>(s_.symbols + 1);
    }
    std::fill(ep.mask.begin(), ep.mask.end(), uint8_t{1});
  }

  CopyShape s_;
};

class CopyTask final : public ShapedTask<CopyStream, CopyShape, EpisodicTaskBase> {
 public:
  explicit CopyTask(const TaskParams& p)
      : ShapedTask({p.integer("delay"), p.integer("length"), p.integer("symbols")}) {
    const CopyShape& s = shape_;
    const Index T = s.delay + 2 * s.length;
    set_io(info_, InputKind::tokens, s.symbols + 2, HeadKind::softmax_xent, s.symbols + 1);
    info_.max_episode_length = T;
    info_.aligned_episodes = true;
    info_.chance_loss = static_cast<double>(s.length) * std::log(static_cast<double>(s.symbols)) /
                        static_cast<double>(T);
    info_.chance_note = "blanks, then a uniform guess on the recall steps: length*ln(symbols)/"
                        "(delay+2*length) nats per step (Arjovsky et al. 2016)";
  }
};

}  // namespace

TaskKindEntry copy_kind() {
  return {{"copy",
           "copy memory (Arjovsky et al. 2016): recall `length` symbols after `delay` blanks",
           {int_param("delay", 20, 1, 1e7, "steps from the last symbol to the delimiter + 1"),
            int_param("length", 10, 1, 1e6, "symbols to remember"),
            int_param("symbols", 8, 1, 1e6, "alphabet size (tokens 1..symbols)")}},
          make_of<CopyTask>};
}

}  // namespace tbptt
