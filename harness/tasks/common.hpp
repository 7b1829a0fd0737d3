// Helpers shared by the task generators (one place, so every task validates, seeds and lays out
// its data the same way):
//  - TaskParams: a kind's parameters checked against its TaskParamDefs (types, bounds, choices,
//    unknown keys), defaults filled for missing keys; errors read "copy: delay must be >= 1, got 0".
//  - split_seed / lane_rng: training, validation and test streams draw from disjoint generators,
//    and lane b's generator does not depend on how many lanes the stream has.
//  - TaskStream, LaneStream, EpisodeStream: the bases of generated streams (per-lane generators;
//    independent endless lanes; aligned episodes that start on the same step in every lane).
//  - TaskBase, EpisodicTaskBase, StreamTaskBase, ShapedTask: the info(), eval_plan() and stream()
//    boilerplate; set_io and set_scored_class for the sizes and the common entry pattern.
//  - binary_entropy and the eval parameters shared by the endless-stream tasks.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/tasks/task.hpp"

namespace tbptt {

// A task kind's parameter values, validated. Accessors throw std::logic_error for a name the kind
// did not declare (a programming error, not bad input).
class TaskParams {
 public:
  // Fills defaults for missing keys, converts compatible types (an integer for a number, an
  // integral number for an integer, an integer for a string), checks bounds and choices, and
  // rejects keys the kind does not declare. Throws std::invalid_argument("<kind>: ...").
  TaskParams(std::string kind, const std::vector<TaskParamDef>& defs, const ParamMap& given);

  const std::string& kind() const { return kind_; }
  int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& string(const std::string& name) const;

  // Throws std::invalid_argument("<kind>: <what>").
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const ParamValue& get(const std::string& name) const;
  std::string kind_;
  ParamMap values_;
};

// Shorthands for declaring parameters.
TaskParamDef int_param(std::string name, int64_t def, double min, double max, std::string doc);
TaskParamDef num_param(std::string name, double def, double min, double max, std::string doc);
TaskParamDef str_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string doc);

// The seed of one split's stream (a different splitmix64 mix per split, so that held-out data never
// reuses the training generator), and the generator of one lane of it.
uint64_t split_seed(uint64_t seed, Split split);
Rng lane_rng(uint64_t seed, Split split, Index lane);

// Entropy of a Bernoulli(p) label, in nats (0 at p = 0 or 1).
double binary_entropy(double p);

// The `eval_steps` / `eval_lanes` parameters of the endless-stream tasks: the held-out stream is
// `eval_lanes` lanes of ceil(eval_steps / eval_lanes) steps each.
void add_stream_eval_params(std::vector<TaskParamDef>& defs);

// Sizes `out` for (steps, lanes) of the task's input and head kinds, contents zero.
inline void resize_block(StepBlock& out, Index steps, Index lanes, const TaskInfo& info) {
  out.resize(steps, lanes, info.input_kind, info.input_size, info.head, info.output_size);
}

// Sets the input and output kinds and sizes, and the score metric that goes with the head:
// "accuracy" for softmax_xent, "error_rate" above `threshold` for mse.
void set_io(TaskInfo& info, InputKind in, Index input, HeadKind head, Index output,
            double threshold = 0.04);

// Entry j carries class target `cls` with a loss and a score.
inline void set_scored_class(StepBlock& s, size_t j, int32_t cls) {
  s.classes[j] = cls;
  s.mask[j] = 1;
  s.score[j] = 1;
}

// The base of every task: holds the TaskInfo.
class TaskBase : public Task {
 public:
  const TaskInfo& info() const override { return info_; }

 protected:
  TaskInfo info_;
};

// Aligned episodic tasks: one episode per lane, all lanes in step, covering `sequences` sequences.
class EpisodicTaskBase : public TaskBase {
 public:
  EvalPlan eval_plan(Index sequences) const override;
};

// Endless-stream tasks: a fixed held-out length from the eval_steps / eval_lanes parameters.
class StreamTaskBase : public TaskBase {
 public:
  EvalPlan eval_plan(Index sequences) const override;

 protected:
  explicit StreamTaskBase(const TaskParams& p);
  EvalPlan plan_;
};

// The base of the generated streams: the task's info and one generator per lane.
class TaskStream : public Stream {
 protected:
  TaskStream(const TaskInfo& info, Index lanes, uint64_t seed, Split split);
  const TaskInfo& info() const { return info_; }
  Rng& lane(Index b) { return lane_rngs_[static_cast<size_t>(b)]; }

 private:
  TaskInfo info_;
  std::vector<Rng> lane_rngs_;
};

// An endless stream per lane, each on its own clock: next() sizes the block and lets the derived
// class fill lane b's entries t*B + b, t < steps, continuing where that lane stopped. The only
// reset is at the first step of the stream.
class LaneStream : public TaskStream {
 public:
  void next(Index steps, StepBlock& out) final;

 protected:
  using TaskStream::TaskStream;
  // Fills inputs, targets, mask and score of lane b (the base sets the reset of the first step).
  virtual void fill_lane(Index b, Index steps, StepBlock& out) = 0;

 private:
  bool started_ = false;
};

// A generated task: Base (EpisodicTaskBase or StreamTaskBase) plus the Shape its streams are
// drawn from; stream() builds StreamT(info, shape, lanes, seed, split).
template <class StreamT, class Shape, class Base>
class ShapedTask : public Base {
 public:
  std::unique_ptr<Stream> stream(Split split, Index lanes, uint64_t seed) const override {
    return std::make_unique<StreamT>(this->info_, shape_, lanes, seed, split);
  }

 protected:
  template <class... BaseArgs>
  explicit ShapedTask(Shape shape, const BaseArgs&... base_args)
      : Base(base_args...), shape_(shape) {}
  Shape shape_;
};

// An aligned episodic stream: episodes of all lanes start on the same step (reset = 1 there for
// every lane). A derived class draws whole episodes in generate(); next() copies slices of the
// current episode into the caller's block and draws the next episode as soon as one ends, so
// aligned_episode_left() is always the true remaining length (> 0), even for random lengths.
// N.B. the derived constructor must call start() once its own members are set up.
class EpisodeStream : public TaskStream {
 public:
  void next(Index steps, StepBlock& out) final;
  Index aligned_episode_left() const final { return episode_.steps - pos_; }

 protected:
  EpisodeStream(const TaskInfo& info, Index lanes, uint64_t seed, Split split);
  void start();
  // Draws one episode for every lane into ep: sizes it with resize_block(ep, length, lanes_, info())
  // and fills inputs, targets, mask and score (the base sets the resets of step 0).
  virtual void generate(StepBlock& ep) = 0;

  Rng& episode_rng() { return episode_rng_; }  // draws shared by all lanes (e.g. a length)

 private:
  void draw_episode();
  Rng episode_rng_;
  StepBlock episode_;  // the current episode, (length, lanes)
  Index pos_ = 0;      // next step of episode_ to hand out
};

}  // namespace tbptt
