// sine: next-value regression on sine waves. Each lane is one endless stream (no resets)
// x_t = sin(phi + 2 pi t / P) with its own period P ~ U(min_period, max_period) and phase
// phi ~ U(0, 2 pi); input x_t (1 dense channel), target x_{t+1} (mse). Since
// x_{t+1} = 2 cos(w) x_t - x_{t-1}, a network that has inferred its lane's frequency needs two
// steps of state; inferring the frequency needs a longer look back, the longer the period.
// Score: error_rate (squared error above 0.01).
#include <cmath>
#include <numbers>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

struct SineShape {
  double min_period, max_period;
};

class SineStream final : public LaneStream {
 public:
  SineStream(const TaskInfo& info, SineShape shape, Index lanes, uint64_t seed, Split split)
      : LaneStream(info, lanes, seed, split), lanes_state_(static_cast<size_t>(lanes)) {
    for (Index b = 0; b < lanes; ++b) {
      auto& s = lanes_state_[static_cast<size_t>(b)];
      s.omega = kTwoPi / lane(b).uniform(shape.min_period, shape.max_period);
      s.phase = lane(b).uniform(0, kTwoPi);
    }
  }

 private:
  struct LaneState {
    double omega = 0, phase = 0;  // phase of the current input, kept in [0, 2 pi)
  };

  void fill_lane(Index b, Index steps, StepBlock& out) override {
    LaneState& s = lanes_state_[static_cast<size_t>(b)];
    for (Index t = 0; t < steps; ++t) {
      const Index j = t * lanes_ + b;
      out.x(0, j) = static_cast<float>(std::sin(s.phase));
      s.phase += s.omega;
      if (s.phase >= kTwoPi) s.phase -= kTwoPi;
      out.values(0, j) = static_cast<float>(std::sin(s.phase));
      out.mask[static_cast<size_t>(j)] = 1;
      out.score[static_cast<size_t>(j)] = 1;
    }
  }

  std::vector<LaneState> lanes_state_;
};

class SineTask final : public ShapedTask<SineStream, SineShape, StreamTaskBase> {
 public:
  explicit SineTask(const TaskParams& p)
      : ShapedTask({p.number("min_period"), p.number("max_period")}, p) {
    const double lo = shape_.min_period, hi = shape_.max_period;
    if (lo > hi)
      p.fail("min_period must be <= max_period, got " + std::to_string(lo) + " > " +
             std::to_string(hi));
    set_io(info_, InputKind::dense, 1, HeadKind::mse, 1, 0.01);
    info_.chance_loss = 0.5;
    info_.chance_note = "predict 0: E[sin^2] = 1/2";
    // Predicting x_{t+1} = x_t costs E[(sin(a + w) - sin a)^2] = 1 - cos w, averaged over the
    // period distribution (midpoint rule).
    constexpr int kPoints = 1000;
    double persistence = 0;
    for (int i = 0; i < kPoints; ++i) {
      const double period = lo + (hi - lo) * (i + 0.5) / kPoints;
      persistence += (1 - std::cos(kTwoPi / period)) / kPoints;
    }
    info_.reference_levels = {{"persistence", persistence}};
  }
};

}  // namespace

TaskKindEntry sine_kind() {
  std::vector<TaskParamDef> params = {
      num_param("min_period", 10, 2, 1e9, "shortest period in steps (one per lane)"),
      num_param("max_period", 100, 2, 1e9, "longest period in steps")};
  add_stream_eval_params(params);
  return {{"sine", "next-value regression on sine waves with a random period and phase per lane",
           std::move(params)},
          make_of<SineTask>};
}

}  // namespace tbptt
