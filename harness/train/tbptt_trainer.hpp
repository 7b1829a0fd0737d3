// The TBPTT trainer (DESIGN.md section 1; Williams & Peng 1990, Sutskever 2013).
//
// The truncation policy (truncation.hpp) decides each update's chunk length n, its window w and
// its boundary weights; for kind fixed, n = k1 (or what is left of the current aligned episode
// when that is shorter, or the whole episode for k1: full) and w = k2. Each update:
//   1. keeps, from the steps stored so far, the ones the backward window reaches back to
//      (w - n of them for a finite w; back to each lane's last reset for w: full);
//   2. recompute mode only: re-runs those kept steps with the current weights from the stored
//      state entering the window;
//   3. runs the chunk forward from the carried state;
//   4. loss = the per-entry head losses of the chunk's masked entries, reduced by mean (default)
//      or sum; no masked entry means no update (counted as skipped);
//   5. backward through the window = the last w steps (each lane also cut at its resets): chunk
//      steps older than the window still reach the head, and nothing else; kept steps from before
//      the chunk are back-propagated with their stored activations and the current weights (the
//      classic RNNLM scheme) unless recompute re-ran them; the gradient entering chunk step j
//      from step j + 1 is multiplied by the plan's boundary weight j (weighted_backward.hpp);
//      a plan's grad_scale then multiplies each kind of parameter's gradient (faster-rnnlm);
//      with a plan's online_head (rnnlm, faster-rnnlm), step 4 runs one step at a time and the
//      head takes a plain SGD step after each, so the next step's loss and dh use the new head;
//   6. clips, then takes one optimizer step with the learning rate times the plan's lr_scale;
//   7. carries the state: it is simply the tape's newest state block.
// With k1 = k2 = full on aligned episodes this is plain unrolled BPTT over each episode, and the
// gradient is bit for bit the one of a single forward/backward over the episode.
//
// Memory: the tape holds the policy's capacity (fixed: max(k1, k2) steps, the episode length for
// full), whatever the stream.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "harness/train/run_config.hpp"
#include "harness/tasks/task.hpp"
#include "harness/train/clip.hpp"
#include "harness/train/optimizer.hpp"
#include "harness/train/truncation.hpp"
#include "models/tape.hpp"

namespace tbptt {

// Wall seconds spent in each phase of the updates so far.
struct PhaseSeconds {
  double data = 0, forward = 0, backward = 0, clip = 0, optimizer = 0;
};

struct UpdateStats {
  Index steps = 0;          // n, the chunk length
  Index count = 0;          // masked (step, lane) entries of the chunk
  double loss = 0;          // the reduced loss of the chunk (what was differentiated)
  double grad_norm = 0;     // before clipping
  bool clipped = false;
  bool skipped = false;     // no optimizer step: no masked entry, or a skipped non-finite update
  bool nonfinite = false;   // the loss or the gradient was not finite
  Index window_steps = 0;   // stored steps back-propagated (the window's first step is
                            // steps - window_steps after the chunk's first)
  ChunkPlan plan;           // the policy's decisions for this update
};

template <class S>
class TbpttTrainer {
 public:
  // The network and parameters are borrowed; the trainer owns the tape, gradient, optimizer and
  // truncation policy (its draws seeded by truncation_seed).
  TbpttTrainer(const Network<S>& net, ParamBuffer<S>& params, const TrainConfig& config,
               Index max_episode_length, bool aligned_episodes, uint64_t truncation_seed = 0);

  // The next update's plan for this stream, drawn once (and kept until compute_gradient uses it).
  const ChunkPlan& next_plan(const Stream& stream);
  Index next_chunk_length(const Stream& stream) { return next_plan(stream).steps; }

  // Steps 1-5 on one chunk (block.lanes must equal the batch): leaves the unclipped gradient in
  // grad(). Then apply() does steps 6 (clip, optimizer) unless the update is skipped. Without a
  // plan: the one next_plan drew, else (kind fixed only) the fixed plan of that chunk length.
  // online_lr > 0: the learning rate of a plan's per-step output-layer steps (online_head), which
  // compute_gradient then takes itself; 0 (a probe of the gradient): the plain chunk gradient.
  UpdateStats compute_gradient(const StepBlock& chunk, const ChunkPlan& plan, double online_lr = 0);
  UpdateStats compute_gradient(const StepBlock& chunk, double online_lr = 0);
  void apply(UpdateStats& stats, double lr);

  // adaptive: how the trainer measures the per-lag gradient norms when the policy asks
  // (lags -> ||dL/ds_{t-k}||, k = 0..lags); without one the policy keeps its choice.
  void set_lag_profiler(std::function<std::vector<double>(Index)> profiler) { profiler_ = std::move(profiler); }
  const TruncationPolicy& policy() const { return policy_; }
  TruncationPolicy& policy() { return policy_; }

  // Draws a chunk from the stream, computes the gradient and applies it.
  UpdateStats update(Stream& stream, double lr);

  const ParamBuffer<S>& grad() const { return grad_; }
  const Tape<S>& tape() const { return tape_; }
  const PhaseSeconds& phase_seconds() const { return phases_; }
  OnNonFinite on_nonfinite() const { return config_.on_nonfinite; }

 private:
  Index steps_to_keep(const StepBlock& chunk, Window window) const;
  // The chunk's head loss one step at a time, each followed by an SGD step of the head at lr;
  // leaves dh of the chunk's steps and a zero head gradient.
  S online_head_loss(const StepBlock& chunk, Index keep, S scale, S lr);

  const Network<S>& net_;
  ParamBuffer<S>& params_;
  TrainConfig config_;
  TruncationPolicy policy_;
  std::optional<ChunkPlan> pending_;  // drawn by next_plan, not used yet
  std::function<std::vector<double>(Index)> profiler_;
  Tape<S> tape_;
  ParamBuffer<S> grad_;
  Optimizer<S> optimizer_;
  StepBlock block_;      // the chunk being drawn
  Matrix<S> dh_;         // (H, capacity*B) gradient w.r.t. the top h, per stored step
  Matrix<S> values_;     // (O, n*B) regression targets in the run's precision
  PhaseSeconds phases_;
  std::vector<ParamRole> roles_;   // of each parameter tensor (grad_scale, online_head)
  std::vector<Index> head_params_; // the tensors of role head
};

// Copies a block's inputs and reset flags into tape steps [t0, t0 + block.steps).
template <class S>
void load_inputs(Tape<S>& tape, Index t0, const StepBlock& block);

// The head's targets for a block (converting regression targets to S through `scratch`).
template <class S>
Targets<S> block_targets(const StepBlock& block, Matrix<S>& scratch);

}  // namespace tbptt
