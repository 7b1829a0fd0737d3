// mackey_glass: next-value regression on the Mackey-Glass delay differential equation
// (Mackey & Glass 1977, "Oscillation and chaos in physiological control systems"),
//     dx/dt = 0.2 x(t - tau) / (1 + x(t - tau)^10) - 0.1 x(t),
// chaotic for tau = 17, the benchmark of Jaeger & Haas (2004, "Harnessing nonlinearity"), among
// others. Integrated with explicit Euler steps of `dt` (deterministic, no adaptive stepping) and
// sampled every `sample_every` time units. Each lane starts from a constant history x0 ~ U(0.5, 1.5)
// (its own, so lanes decorrelate), discards `warmup` time units, then streams forever (no resets).
// Values are normalised with the mean and standard deviation of a reference trajectory computed at
// construction, so predicting 0 costs about 1. Input x_t (1 dense channel), target x_{t+1} (mse);
// score: error_rate (squared error above 0.01).
#include <algorithm>
#include <cmath>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct GlassShape {
  Index delay;         // tau / dt Euler steps
  Index substeps;      // Euler steps per sample
  Index warmup;        // samples discarded at the start of a lane
  double dt, mean = 0, scale = 1;  // normalised value = (x - mean) * scale
};

// One trajectory: a ring of the last delay + 1 Euler values.
class Glass {
 public:
  Glass(const GlassShape& s, double x0) : s_(&s), ring_(static_cast<size_t>(s.delay + 1), x0) {
    for (Index i = 0; i < s.warmup; ++i) sample();
  }

  double value() const { return ring_[head_]; }

  // Advances one sample and returns it (raw, not normalised).
  double sample() {
    const size_t n = ring_.size();
    for (Index k = 0; k < s_->substeps; ++k) {
      const size_t oldest = head_ + 1 == n ? 0 : head_ + 1;  // x(t - tau)
      const double xd = ring_[oldest], x = ring_[head_];
      const double xd2 = xd * xd, xd4 = xd2 * xd2, xd10 = xd4 * xd4 * xd2;
      ring_[oldest] = x + s_->dt * (0.2 * xd / (1 + xd10) - 0.1 * x);
      head_ = oldest;
    }
    return value();
  }

 private:
  const GlassShape* s_;
  std::vector<double> ring_;
  size_t head_ = 0;
};

class MackeyGlassStream final : public LaneStream {
 public:
  MackeyGlassStream(const TaskInfo& info, const GlassShape& s, Index lanes, uint64_t seed,
                    Split split)
      : LaneStream(info, lanes, seed, split), s_(s) {
    glass_.reserve(static_cast<size_t>(lanes));
    for (Index b = 0; b < lanes; ++b) glass_.emplace_back(s_, lane(b).uniform(0.5, 1.5));
  }

 private:
  void fill_lane(Index b, Index steps, StepBlock& out) override {
    Glass& g = glass_[static_cast<size_t>(b)];
    for (Index t = 0; t < steps; ++t) {
      const Index j = t * lanes_ + b;
      out.x(0, j) = static_cast<float>((g.value() - s_.mean) * s_.scale);
      out.values(0, j) = static_cast<float>((g.sample() - s_.mean) * s_.scale);
      out.mask[static_cast<size_t>(j)] = 1;
      out.score[static_cast<size_t>(j)] = 1;
    }
  }

  GlassShape s_;  // N.B. glass_ points into s_: the stream is neither copied nor moved
  std::vector<Glass> glass_;
};

class MackeyGlassTask final : public ShapedTask<MackeyGlassStream, GlassShape, StreamTaskBase> {
 public:
  explicit MackeyGlassTask(const TaskParams& p) : ShapedTask(GlassShape{}, p) {
    GlassShape& s = shape_;
    const double tau = p.number("tau"), dt = p.number("dt"), every = p.number("sample_every");
    const double delay = tau / dt, substeps = every / dt;
    auto whole = [](double v) { return std::fabs(v - std::round(v)) < 1e-6 * std::max(1.0, v); };
    if (!whole(delay))
      p.fail("tau / dt must be a whole number of steps, got " + std::to_string(delay));
    if (!whole(substeps))
      p.fail("sample_every / dt must be a whole number of steps, got " + std::to_string(substeps));
    s.delay = static_cast<Index>(std::llround(delay));
    s.substeps = static_cast<Index>(std::llround(substeps));
    s.warmup = static_cast<Index>(std::ceil(p.number("warmup") / every));
    s.dt = dt;
    // Normalisation from a reference trajectory (x0 = 1.2, the customary start).
    constexpr Index kSamples = 20000;
    Glass ref(s, 1.2);
    double sum = 0, sum2 = 0;
    for (Index i = 0; i < kSamples; ++i) {
      const double x = ref.sample();
      sum += x;
      sum2 += x * x;
    }
    s.mean = sum / kSamples;
    const double var = sum2 / kSamples - s.mean * s.mean;
    s.scale = var > 1e-12 ? 1 / std::sqrt(var) : 1.0;
    set_io(info_, InputKind::dense, 1, HeadKind::mse, 1, 0.01);
    info_.chance_loss = 1.0;
    info_.chance_note = "predict the mean: 1 after normalisation (a reference trajectory's variance)";
  }
};

}  // namespace

TaskKindEntry mackey_glass_kind() {
  std::vector<TaskParamDef> params = {
      num_param("tau", 17, 0.01, 1e4, "delay (17: mildly chaotic, 30: more chaotic)"),
      num_param("dt", 0.1, 1e-4, 10, "Euler step (time units)"),
      num_param("sample_every", 1, 1e-4, 1e3, "time units between samples (a multiple of dt)"),
      num_param("warmup", 1000, 0, 1e7, "time units discarded at the start of each lane")};
  add_stream_eval_params(params);
  return {{"mackey_glass",
           "next-value regression on the Mackey-Glass series (tau = 17), normalised",
           std::move(params)},
          make_of<MackeyGlassTask>};
}

}  // namespace tbptt
