// The truncation policy: every decision of a truncation scheme, in one place (DESIGN.md 1).
//
// For each update the policy says (ChunkPlan): how many steps the chunk has, how far back its
// backward window reaches, which weight multiplies the gradient crossing each step boundary of the
// chunk, and by how much the update's learning rate is scaled. It also says how many steps the
// tape must hold and the mean chunk and window lengths (for the memory and run-cost estimates).
// The trainer, the fidelity probe, memory.cpp, run_cost and the trace all ask it; none re-derives
// a scheme. Its draws come from its own stream, seeded from (run seed, "tbptt"), so they do not
// depend on how many runs execute beside it.
//
// The schemes (train.tbptt.kind):
//   fixed       TBPTT(k1, k2) (Williams & Peng 1990; Sutskever 2013): chunks of k1 steps (the
//               last one of an aligned episode shorter; full: the episode), window k2.
//   variable    AWD-LSTM (Merity, Keskar & Socher 2018, main.py of their code): base = k1 with
//               probability p, else k1/2; length = trunc(normal(base, sd)) clamped to [min, max]
//               (their max(5, int(np.random.normal(bptt, 5)))); window = the chunk; the update's
//               learning rate is scaled by length / k1 (scale_lr), the length before an episode
//               end cuts the chunk, as their get_batch does.
//   randomized  ARTBP (Tallec & Ollivier 2017, "Unbiasing truncated backpropagation through
//               time", section 3): truncation points are random; a chunk runs from one truncation
//               to the next and back-propagates to its own start (window = chunk). With the chunk
//               length L drawn from a distribution P(L = j), the probability that the boundary
//               entering chunk step j (j >= 1) is not truncated, given that step j was reached,
//               is 1 - c_j with the hazard c_j = P(L = j) / P(L >= j). The gradient crossing that
//               boundary is multiplied by the compensation factor 1 / (1 - c_j) = P(L >= j) /
//               P(L > j). Then for every loss l_t and state s_u (u < t) the chain-rule term
//               dl_t/ds_u enters the estimate with probability prod_{j in (u, t]} (1 - c_j) and
//               weight prod 1/(1 - c_j): its expectation is the full-BPTT term, so the sum of the
//               chunk gradients is unbiased for the full-BPTT gradient of the summed losses
//               (loss_reduction: sum; a mean over a random chunk is not). Distributions:
//               geometric with mean `mean` (c_j = 1/mean for all j), or user-given weights of
//               lengths 1..M (`distribution: "w1 w2 ... wM"`). Either is cut at `max` steps (the
//               tape must be finite): P(L = max) takes the tail, so a boundary at lag `max` is
//               always truncated; that is the only bias, of probability P(L > max - 1) per chunk
//               ((1 - 1/mean)^(max-1) for the geometric; none when an aligned episode is shorter).
//   adaptive    Aicher, Foti & Fox 2019, "Adaptively truncating backpropagation through time to
//               control gradient bias": chunks of k1 steps; every `every` updates the trainer
//               measures the per-lag gradient norms phi_k = ||dL/ds_{t-k}||, k = 0..max (the
//               fidelity probe's lag profile on a private training stream) and the policy fits
//               their geometric decay phi_k ~ C beta^k (least squares on log phi_k, k >= 1). The
//               estimated relative bias of a window of K steps is the share of the gradient mass
//               beyond lag K: delta(K) = (sum_{k=K}^{max} phi_k + T) / (sum_{k=0}^{max} phi_k + T),
//               T = phi_max beta / (1 - beta) the geometric tail beyond the measured lags; k2 is
//               the smallest K in [min, max] with delta(K) < delta (max if none).
//   rnnlm, faster_rnnlm, dl4j, keras, lightning: other toolkits' flags, mapped to the schemes
//               above with the same semantics (resolve(); the table, with the source each was read
//               from, is harness/config/truncation_kinds.cpp, printed in experiments/SCHEMA.md).
//               rnnlm and faster_rnnlm also sum the losses and update the output layer after every
//               step (ChunkPlan::online_head), and faster_rnnlm divides each weight's gradient by
//               its step count (ChunkPlan::grad_scale), as their code does.
#pragma once

#include <vector>

#include "harness/train/param_roles.hpp"
#include "harness/train/run_config.hpp"
#include "models/rng.hpp"

namespace tbptt {

// One update's decisions.
struct ChunkPlan {
  Index steps = 0;                 // n, the chunk length
  Window window = Window::full();  // back-propagate the last `window` steps ending at the chunk's
                                   // last step (full: back to each lane's last reset)
  // Empty (all 1) or n entries: entry j multiplies the gradient w.r.t. the state entering chunk
  // step j (every layer's h and c); entry 0 is the boundary into the chunk.
  std::vector<double> boundary_weight;
  double lr_scale = 1;             // the update's learning rate is lr * lr_scale
  // Factors on the gradient of each kind of parameter (param_roles.hpp), applied before clipping:
  // faster-rnnlm divides each weight's summed gradient by a count of the steps it summed over.
  GradScale grad_scale;
  // The output layer takes a plain SGD step after each step's loss, and the next step's loss and
  // gradient use the updated layer (rnnlm's and faster-rnnlm's per-word output update); its
  // gradient then never reaches the clipping or the optimizer.
  bool online_head = false;
};

class TruncationPolicy {
 public:
  // max_episode_length: the task's longest episode (0: one endless stream); aligned: lanes start
  // episodes together. Throws std::invalid_argument for parameters the kind cannot use.
  TruncationPolicy(const TruncationConfig& config, Index max_episode_length, bool aligned_episodes, uint64_t seed);

  // The kind's parameters resolved (toolkit flags mapped to k1 / k2 / the boundary pattern).
  const TruncationConfig& config() const { return c_; }
  TruncationKind kind() const { return kind_; }

  // Draws the next update's plan. episode_left > 0: the chunk ends at most that many steps ahead
  // (an aligned episode's end, or the end of a probe); 0: no such limit.
  ChunkPlan next(Index episode_left);
  // The plan of a chunk of `steps` steps for a kind that draws nothing (!random(), not adaptive).
  ChunkPlan plan_for(Index steps) const;

  // Steps the tape must hold for any plan (>= 1).
  Index tape_capacity() const;
  // Mean chunk and window lengths (full read as the longest episode, at least 1 step).
  double mean_chunk() const;
  double mean_window() const;
  // True when a plan may carry boundary weights or a learning-rate scale, or chunk lengths are
  // drawn: the trainer and the probe then take the general path.
  bool random() const;
  // True when plans update the output layer at every step (ChunkPlan::online_head): the run must
  // use plain SGD (no momentum, no weight decay), as rnnlm and faster-rnnlm do.
  bool online_head() const { return online_head(kind_); }
  static bool online_head(TruncationKind kind);
  // True when a window or chunk is `full` (an episode): the task must have episodes.
  bool needs_episodes() const;

  // adaptive: the trainer asks before each update whether to measure the lag profile now, of how
  // many lags, and hands it over. Other kinds never want one.
  bool wants_lag_profile() const;
  Index profile_lags() const;
  void observe_lag_profile(const std::vector<double>& phi);
  Window current_k2() const { return k2_now_; }
  double decay_estimate() const { return beta_; }  // adaptive: the last fitted beta (NaN before)

  // The same policy with a fresh stream (the fidelity probe draws its own chunks).
  TruncationPolicy reseeded(uint64_t seed) const;

 private:
  ChunkPlan next_fixed(Index left) const;
  Index draw_artbp_length();

  TruncationConfig c_;
  TruncationKind kind_;
  Index T_;         // longest episode (0: endless)
  bool aligned_;
  Rng rng_;
  Index lo_ = 1, hi_ = 1;          // variable, randomized, adaptive: resolved [min, max]
  std::vector<double> hazard_;     // randomized: c_j for j = 1..hi_ (c_hi = 1)
  Index period_ = 0;               // faster_rnnlm: bptt + bptt_skip (0: no truncation)
  Window k2_now_ = Window::full(); // adaptive: the current choice
  double beta_;
  long long updates_ = 0;
};

// Maps the other toolkits' flags to the scheme with the same semantics (experiments/SCHEMA.md
// gives the sources): the k1, k2, recompute and loss reduction a toolkit kind runs with (kind
// stays as given; faster_rnnlm's boundary pattern is the policy's). Other kinds come back as
// they are. Throws std::invalid_argument for a toolkit kind missing a flag it needs.
TruncationConfig resolve_truncation(TruncationConfig c);
// The kinds resolve_truncation maps (the toolkits': rnnlm, faster_rnnlm, dl4j, keras, lightning).
bool is_toolkit_kind(TruncationKind kind);

// Empty when the optimizer suits the policy; else why not (online_head needs plain SGD).
std::string optimizer_problem(TruncationKind kind, const OptimizerConfig& optimizer);

// The truncation policy of a run config (seed derived from (seed, "tbptt")).
TruncationPolicy make_truncation_policy(const RunConfig& config, Index max_episode_length, bool aligned_episodes);

}  // namespace tbptt
