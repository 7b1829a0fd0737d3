// copy_stream: an endless copy task with variable lag, after the synthetic copy experiments of
// Aicher, Foti & Fox (2019, "Adaptively truncating backpropagation through time to control
// gradient bias"). Each lane is one stream, without resets, of segments
//     marker, x_1 .. x_m, blank x m
// with m uniform in {minlag, .., lag} and x_i uniform symbols; during the m blanks the target is
// the echo x_1 .. x_m, so symbol x_i must be held for exactly m steps (the lag varies by segment).
// Tokens: blank 0, symbols 1..S, marker S+1 (vocab S+2). Classes: symbol - 1 (S classes). Mask and
// score on the echo steps only; chance ln S per echo step.
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct EchoShape {
  Index symbols, minlag, lag;
};

class CopyStreamStream final : public LaneStream {
 public:
  CopyStreamStream(const TaskInfo& info, EchoShape s, Index lanes, uint64_t seed, Split split)
      : LaneStream(info, lanes, seed, split), s_(s), state_(static_cast<size_t>(lanes)),
        held_(static_cast<size_t>(lanes * s.lag)) {}

 private:
  // Position in the current segment: 0 is the marker, 1..m the symbols, m+1..2m the echo.
  struct LaneState {
    Index pos = 0, m = 0;
  };

  void fill_lane(Index b, Index steps, StepBlock& out) override {
    LaneState& s = state_[static_cast<size_t>(b)];
    int32_t* held = held_.data() + b * s_.lag;  // the segment's symbols
    Rng& rng = lane(b);
    for (Index t = 0; t < steps; ++t) {
      const auto j = static_cast<size_t>(t * lanes_ + b);
      if (s.pos == 0) {
        s.m = rng.between(s_.minlag, s_.lag);
        out.tokens[j] = static_cast<int32_t>(s_.symbols + 1);
      } else if (s.pos <= s.m) {
        const auto sym = static_cast<int32_t>(1 + rng.below(static_cast<uint64_t>(s_.symbols)));
        held[s.pos - 1] = sym;
        out.tokens[j] = sym;
      } else {
        out.tokens[j] = 0;
        set_scored_class(out, j, held[s.pos - s.m - 1] - 1);
      }
      s.pos = s.pos == 2 * s.m ? 0 : s.pos + 1;
    }
  }

  EchoShape s_;
  std::vector<LaneState> state_;
  std::vector<int32_t> held_;  // (lag, lanes)
};

class CopyStreamTask final : public ShapedTask<CopyStreamStream, EchoShape, StreamTaskBase> {
 public:
  explicit CopyStreamTask(const TaskParams& p)
      : ShapedTask({p.integer("symbols"), p.integer("minlag"), p.integer("lag")}, p) {
    const EchoShape& s = shape_;
    if (s.minlag > s.lag)
      p.fail("minlag must be <= lag, got minlag = " + std::to_string(s.minlag) +
             ", lag = " + std::to_string(s.lag));
    set_io(info_, InputKind::tokens, s.symbols + 2, HeadKind::softmax_xent, s.symbols);
    info_.chance_loss = std::log(static_cast<double>(s.symbols));
    info_.chance_note = "uniform guess of the echoed symbol: ln(symbols) per echo step";
  }
};

}  // namespace

TaskKindEntry copy_stream_kind() {
  std::vector<TaskParamDef> params = {
      int_param("symbols", 8, 2, 1e6, "alphabet size (tokens 1..symbols)"),
      int_param("minlag", 1, 1, 1e6, "shortest segment (= echo lag)"),
      int_param("lag", 10, 1, 1e6, "longest segment (= echo lag)")};
  add_stream_eval_params(params);
  return {{"copy_stream",
           "endless copy stream (Aicher et al. 2019): segments echoed after themselves",
           std::move(params)},
          make_of<CopyStreamTask>};
}

}  // namespace tbptt
