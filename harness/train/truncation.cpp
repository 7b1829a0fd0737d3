#include "harness/train/truncation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace tbptt {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

Index need(const std::optional<Index>& v, const char* key, const char* kind) {
  if (!v || *v < 1) bad(std::string("kind ") + kind + " needs " + key + " >= 1");
  return *v;
}

}  // namespace

bool is_toolkit_kind(TruncationKind kind) {
  return kind == TruncationKind::rnnlm || kind == TruncationKind::faster_rnnlm || kind == TruncationKind::dl4j ||
         kind == TruncationKind::keras || kind == TruncationKind::lightning;
}

TruncationConfig resolve_truncation(TruncationConfig c) {
  switch (c.kind) {
    case TruncationKind::dl4j: {
      // tBPTTForwardLength F, tBPTTBackwardLength B: each segment of F steps is one update whose
      // layers back-propagate from the segment's last step for min(B, F) steps (LSTMHelpers:
      // endIdx = max(0, T - B)); the output layer sees every step of the segment.
      const Index f = need(c.forward_length, "forward_length", "dl4j"), b = need(c.backward_length, "backward_length", "dl4j");
      c.k1 = f;
      c.k2 = std::min(b, f);
      break;
    }
    case TruncationKind::keras:  // stateful, batches of `timesteps` steps, state kept across batches
      c.k1 = c.k2 = need(c.timesteps, "timesteps", "keras");
      break;
    case TruncationKind::lightning:  // each split of truncated_bptt_steps is a training_step + optimizer step
      c.k1 = c.k2 = need(c.truncated_bptt_steps, "truncated_bptt_steps", "lightning");
      break;
    case TruncationKind::rnnlm: {
      // rnnlm -bptt B -bptt-block K (learnNet): every K words one pass back through B + K - 2
      // stored steps from the newest (the errors of the block's K steps injected as it passes
      // them; older errors were cleared by the previous pass), with the stored activations and
      // the current weights; B <= 1 is plain one-step backpropagation at every word.
      const Index b = c.bptt.value_or(0);
      const Index k = c.bptt_block.value_or(10);
      if (k < 1) bad("kind rnnlm needs bptt_block >= 1");
      if (b <= 1) {
        c.k1 = c.k2 = 1;
      } else {
        c.k1 = k;
        c.k2 = b + k - 2;
      }
      c.recompute = false;
      // learnNet adds alpha times each word's error to the weights, unscaled: a sum.
      c.loss_reduction = LossReduction::sum;
      break;
    }
    case TruncationKind::faster_rnnlm:
      // --bptt B --bptt-skip K (TruncatedBPTTMixin::BackwardSequenceTruncated): one update per
      // sentence (episode); going back from its last step, B boundaries pass the gradient, then
      // K block it, periodically, from a random phase per sentence; bptt 0: no truncation. The
      // per-word losses are summed (each word's output update is unscaled); the recurrent layer's
      // gradients are then divided by step counts (faster_rnnlm_scale below).
      c.k1 = c.k2 = Window::full();
      c.loss_reduction = LossReduction::sum;
      break;
    default:
      break;
  }
  return c;
}

namespace {

// Parses "w1 w2 ... wM" (spaces or commas) into length probabilities.
std::vector<double> parse_distribution(const std::string& text) {
  std::string t = text;
  std::replace(t.begin(), t.end(), ',', ' ');
  std::istringstream in(t);
  std::vector<double> w;
  double x;
  while (in >> x) {
    if (!(x >= 0) || !std::isfinite(x)) bad("distribution: expected weights >= 0, got " + text);
    w.push_back(x);
  }
  if (!in.eof()) bad("distribution: expected \"geometric\" or numbers \"w1 w2 ... wM\", got \"" + text + "\"");
  double sum = 0;
  for (double v : w) sum += v;
  if (w.empty() || !(sum > 0)) bad("distribution: expected at least one positive weight, got \"" + text + "\"");
  for (double& v : w) v /= sum;
  return w;
}

// Least-squares slope of log phi_k on k over k = 1..K (entries <= 0 skipped), as beta = e^slope.
double fit_decay(const std::vector<double>& phi) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t k = 1; k < phi.size(); ++k) {
    if (!(phi[k] > 0) || !std::isfinite(phi[k])) continue;
    const double x = static_cast<double>(k), y = std::log(phi[k]);
    n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  if (n < 2) return 0.0;  // nothing measurable reaches back: no decay to speak of
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return std::clamp(std::exp(slope), 0.0, 0.999);
}

// faster-rnnlm's UpdateWeights (layers/simple_layer.cc, layers/gru_layer.cc): after the backward
// pass over a sentence of n steps, the recurrent matrices' gradients (sums over the n - 1 step
// pairs) are divided by n, the input matrices' (sums over n steps) by n + 1 and the GRU's biases by
// n - 1 (no update at all for n = 1); the embeddings (layer 0's input on tokens) take the plain
// sum. Biases of the tanh RNN follow the GRU's rule: faster-rnnlm's simple layer has none.
GradScale faster_rnnlm_scale(Index n) {
  GradScale s;
  const double steps = static_cast<double>(n);
  s.recurrent = 1 / steps;
  s.input = 1 / (steps + 1);
  s.bias = n > 1 ? 1 / (steps - 1) : 0.0;
  return s;
}

}  // namespace

TruncationPolicy::TruncationPolicy(const TruncationConfig& config, Index max_episode_length, bool aligned_episodes,
                                   uint64_t seed)
    : c_(resolve_truncation(config)),
      kind_(config.kind),
      T_(max_episode_length),
      aligned_(aligned_episodes),
      rng_(seed),
      beta_(std::nan("")) {
  const auto opt = [](const std::optional<Index>& v, Index dflt) { return v ? *v : dflt; };
  switch (kind_) {
    case TruncationKind::variable: {
      if (c_.k1.is_full()) bad("kind variable needs a base length k1 >= 1");
      const Index k = c_.k1.steps();
      lo_ = opt(c_.min, 5);
      hi_ = opt(c_.max, k + static_cast<Index>(std::ceil(4 * c_.sd)));
      break;
    }
    case TruncationKind::randomized: {
      if (c_.distribution == "geometric") {
        if (!(c_.mean >= 1)) bad("kind randomized needs mean >= 1");
        hi_ = opt(c_.max, static_cast<Index>(std::ceil(8 * c_.mean)));
        hazard_.assign(static_cast<size_t>(hi_ + 1), 1.0 / c_.mean);
      } else {
        const std::vector<double> p = parse_distribution(c_.distribution);
        hi_ = std::min<Index>(opt(c_.max, static_cast<Index>(p.size())), static_cast<Index>(p.size()));
        hazard_.assign(static_cast<size_t>(hi_ + 1), 1.0);
        double tail = 1;  // P(L >= j)
        for (Index j = 1; j <= hi_; ++j) {
          const double pj = p[static_cast<size_t>(j - 1)];
          hazard_[static_cast<size_t>(j)] = tail > 0 ? std::min(1.0, pj / tail) : 1.0;
          tail -= pj;
        }
      }
      if (hi_ < 1) bad("kind randomized needs max >= 1");
      hazard_[static_cast<size_t>(hi_)] = 1.0;  // the tape's end: always a truncation
      hazard_[0] = 0;
      lo_ = 1;
      break;
    }
    case TruncationKind::adaptive:
      if (c_.k1.is_full() && T_ == 0) bad("kind adaptive needs k1 >= 1 on an endless stream");
      lo_ = opt(c_.min, 1);
      hi_ = opt(c_.max, 4 * c_.k1.resolve(std::max<Index>(1, T_)));
      if (!(c_.delta > 0 && c_.delta < 1)) bad("kind adaptive needs delta in (0, 1)");
      if (c_.every < 1) bad("kind adaptive needs every >= 1");
      k2_now_ = hi_;  // until the first estimate: the longest window allowed
      break;
    case TruncationKind::faster_rnnlm: {
      const Index b = c_.bptt.value_or(0), k = c_.bptt_skip.value_or(0);
      if (b < 0 || k < 0) bad("kind faster_rnnlm needs bptt >= 0 and bptt_skip >= 0");
      period_ = b > 0 ? b + k : 0;
      break;
    }
    default:
      break;
  }
  if (lo_ < 1 || hi_ < lo_) bad("min and max must satisfy 1 <= min <= max, got " + std::to_string(lo_) + " and " + std::to_string(hi_));
}

TruncationPolicy TruncationPolicy::reseeded(uint64_t seed) const {
  TruncationPolicy p = *this;
  p.rng_ = Rng(seed);
  return p;
}

ChunkPlan TruncationPolicy::next_fixed(Index left) const {
  ChunkPlan plan;
  if (c_.k1.is_full()) {
    if (left <= 0) throw std::invalid_argument("k1: full needs a task whose episodes are aligned across lanes");
    plan.steps = left;
  } else {
    // A chunk never crosses the end of an aligned episode: the last one is shorter (DESIGN.md 1).
    plan.steps = left > 0 ? std::min(c_.k1.steps(), left) : c_.k1.steps();
  }
  plan.window = c_.k2;
  return plan;
}

ChunkPlan TruncationPolicy::plan_for(Index steps) const {
  ChunkPlan plan;
  plan.steps = steps;
  plan.window = c_.k2;
  plan.online_head = online_head();
  if (kind_ == TruncationKind::faster_rnnlm) plan.grad_scale = faster_rnnlm_scale(steps);
  return plan;
}

Index TruncationPolicy::draw_artbp_length() {
  // Sequential draws of the truncation events: at each boundary j, truncate with hazard c_j.
  Index L = 1;
  while (L < hi_ && !rng_.bernoulli(hazard_[static_cast<size_t>(L)])) ++L;
  return L;
}

ChunkPlan TruncationPolicy::next(Index left) {
  ++updates_;
  switch (kind_) {
    case TruncationKind::variable: {
      const double k = static_cast<double>(c_.k1.steps());
      const double base = rng_.bernoulli(c_.p) ? k : k / 2;
      const double draw = base + c_.sd * rng_.normal();
      // int() of the reference truncates toward zero; clamp before the cast (no overflow).
      const Index len = std::clamp(static_cast<Index>(std::clamp(draw, -1.0, 1e15)), lo_, hi_);
      ChunkPlan plan;
      plan.steps = left > 0 ? std::min(len, left) : len;
      plan.window = plan.steps;
      if (c_.scale_lr) plan.lr_scale = static_cast<double>(len) / k;
      return plan;
    }
    case TruncationKind::randomized: {
      const Index L = draw_artbp_length();
      ChunkPlan plan;
      plan.steps = left > 0 ? std::min(L, left) : L;
      plan.window = plan.steps;
      plan.boundary_weight.assign(static_cast<size_t>(plan.steps), 1.0);
      for (Index j = 1; j < plan.steps; ++j)
        plan.boundary_weight[static_cast<size_t>(j)] = 1.0 / (1.0 - hazard_[static_cast<size_t>(j)]);
      return plan;
    }
    case TruncationKind::adaptive: {
      ChunkPlan plan = next_fixed(left);
      plan.window = k2_now_;
      return plan;
    }
    case TruncationKind::faster_rnnlm: {
      ChunkPlan plan = plan_for(next_fixed(left).steps);
      if (period_ == 0) return plan;
      const Index b = c_.bptt.value_or(0);
      // Going back from the last step, the phase runs phase0, phase0 - 1, ..., 0, P - 1, ...; the
      // boundary into step s passes the gradient iff its phase >= P - B.
      const Index phase0 = static_cast<Index>(rng_.below(static_cast<uint64_t>(period_)));
      plan.boundary_weight.assign(static_cast<size_t>(plan.steps), 1.0);
      for (Index s = plan.steps - 1; s >= 1; --s) {
        const Index i = plan.steps - 1 - s;
        const Index phase = ((phase0 - i) % period_ + period_) % period_;
        plan.boundary_weight[static_cast<size_t>(s)] = phase >= period_ - b ? 1.0 : 0.0;
      }
      return plan;
    }
    default:
      return plan_for(next_fixed(left).steps);
  }
}

Index TruncationPolicy::tape_capacity() const {
  const Index T = std::max<Index>(1, T_);
  switch (kind_) {
    case TruncationKind::variable:
    case TruncationKind::randomized:
      return aligned_ && T_ > 0 ? std::min(hi_, T) : hi_;
    case TruncationKind::adaptive:
      return std::max(c_.k1.resolve(T), hi_);
    default: {
      const Index k1 = c_.k1.resolve(T), k2 = c_.k2.resolve(T);
      // With k2: full and episodes not aligned to chunks, a chunk may start T - 1 steps into an
      // episode, so the window can span T - 1 + k1 steps.
      if (c_.k2.is_full() && !aligned_) return k2 - 1 + k1;
      return std::max(k1, k2);
    }
  }
}

double TruncationPolicy::mean_chunk() const {
  const double T = static_cast<double>(std::max<Index>(1, T_));
  switch (kind_) {
    case TruncationKind::variable:
      return std::clamp(static_cast<double>(c_.k1.steps()) * (c_.p + (1 - c_.p) / 2), static_cast<double>(lo_),
                        static_cast<double>(hi_));
    case TruncationKind::randomized: {
      double mean = 0, reach = 1;  // reach = P(L >= j)
      for (Index j = 1; j <= hi_; ++j) {
        const double c = hazard_[static_cast<size_t>(j)];
        mean += static_cast<double>(j) * reach * c;
        reach *= 1 - c;
      }
      return mean;
    }
    default:
      return c_.k1.is_full() ? T : static_cast<double>(c_.k1.steps());
  }
}

double TruncationPolicy::mean_window() const {
  const double T = static_cast<double>(std::max<Index>(1, T_));
  switch (kind_) {
    case TruncationKind::variable:
    case TruncationKind::randomized:
      return mean_chunk();
    case TruncationKind::adaptive:
      return static_cast<double>(hi_);  // an upper bound: the choice is made while training
    default:
      return c_.k2.is_full() ? T : static_cast<double>(c_.k2.steps());
  }
}

bool TruncationPolicy::random() const {
  return kind_ == TruncationKind::variable || kind_ == TruncationKind::randomized ||
         (kind_ == TruncationKind::faster_rnnlm && period_ > 0);
}

bool TruncationPolicy::online_head(TruncationKind kind) {
  return kind == TruncationKind::rnnlm || kind == TruncationKind::faster_rnnlm;
}

bool TruncationPolicy::needs_episodes() const {
  switch (kind_) {
    case TruncationKind::variable:
    case TruncationKind::randomized:
      return false;
    case TruncationKind::adaptive:
      return c_.k1.is_full();
    default:
      return c_.k1.is_full() || c_.k2.is_full();
  }
}

bool TruncationPolicy::wants_lag_profile() const {
  return kind_ == TruncationKind::adaptive && updates_ % c_.every == 0;
}

Index TruncationPolicy::profile_lags() const { return hi_; }

void TruncationPolicy::observe_lag_profile(const std::vector<double>& phi) {
  if (kind_ != TruncationKind::adaptive || phi.empty()) return;
  beta_ = fit_decay(phi);
  const Index K = static_cast<Index>(phi.size()) - 1;
  const double tail = beta_ > 0 ? phi.back() * beta_ / (1 - beta_) : 0.0;
  double total = tail;
  for (double v : phi) total += std::isfinite(v) ? v : 0.0;
  if (!(total > 0)) {
    k2_now_ = lo_;  // no gradient reaches the state at all: the shortest window loses nothing
    return;
  }
  // beyond[K'] = sum_{k >= K'} phi_k + tail, from the longest lag down.
  std::vector<double> beyond(static_cast<size_t>(K + 2), tail);
  for (Index k = K; k >= 0; --k)
    beyond[static_cast<size_t>(k)] = beyond[static_cast<size_t>(k + 1)] + (std::isfinite(phi[static_cast<size_t>(k)]) ? phi[static_cast<size_t>(k)] : 0.0);
  Index chosen = hi_;
  for (Index w = lo_; w <= hi_; ++w) {
    const double rel = w <= K ? beyond[static_cast<size_t>(w)] / total : tail * std::pow(beta_, static_cast<double>(w - K)) / total;
    if (rel < c_.delta) {
      chosen = w;
      break;
    }
  }
  k2_now_ = chosen;
}

std::string optimizer_problem(TruncationKind kind, const OptimizerConfig& o) {
  if (!TruncationPolicy::online_head(kind) || (o.kind == OptimizerKind::sgd && o.momentum == 0 && o.weight_decay == 0))
    return "";
  return std::string("kind ") + to_string(kind) +
         " updates the output layer after every step with plain SGD, as that toolkit does: use optimizer sgd "
         "without momentum or weight decay (or kind fixed for TBPTT(k1, k2) with one update of the output layer "
         "per chunk)";
}

TruncationPolicy make_truncation_policy(const RunConfig& config, Index max_episode_length, bool aligned_episodes) {
  return TruncationPolicy(config.train.tbptt, max_episode_length, aligned_episodes,
                          Rng(config.seed).split("tbptt").next_u64());
}

}  // namespace tbptt
