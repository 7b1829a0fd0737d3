// influence: the data of the influence-balancing task (Tallec & Ollivier 2017, sec. 5; the PES
// code of Vicol et al. 2021, persistent_es/influence_balancing.py), for the `influence` cell
// (models/influence_cell.hpp) with model.head: identity. Each lane is one endless stream: input
// x = 1 at every step (the cell's drive theta x is then theta), target 1 for the output s_1, and
// a loss only every `every` steps (steps every-1, 2 every-1, ...). With TBPTT(K, K) and
// every = K that is the loss 0.5 (s_1 - 1)^2 at the end of each window of the PES code's
// truncated unrolls (the mse head's (s_1 - 1)^2 is twice it: halve the learning rate).
// Held out: eval_lanes lanes of eval_steps / eval_lanes steps from s_0 with the loss at the last
// step only, the PES code's "unroll loss" of the current theta (500 steps).
#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct InfluenceShape {
  Index every = 1;       // training: steps between losses
  Index eval_steps = 1;  // held out: steps per lane (one loss, at the end)
};

class InfluenceStream final : public LaneStream {
 public:
  InfluenceStream(const TaskInfo& info, InfluenceShape shape, Index lanes, uint64_t seed, Split split)
      : LaneStream(info, lanes, seed, split),
        period_(split == Split::train ? shape.every : shape.eval_steps),
        step_(static_cast<size_t>(lanes), 0) {}

 private:
  void fill_lane(Index b, Index steps, StepBlock& out) override {
    Index& step = step_[static_cast<size_t>(b)];
    for (Index t = 0; t < steps; ++t, ++step) {
      const Index j = t * lanes_ + b;
      out.x(0, j) = 1.0f;
      out.values(0, j) = 1.0f;
      const uint8_t loss = (step + 1) % period_ == 0;
      out.mask[static_cast<size_t>(j)] = loss;
      out.score[static_cast<size_t>(j)] = loss;
    }
  }

  Index period_;
  std::vector<Index> step_;  // steps drawn so far, per lane
};

class InfluenceTask final : public ShapedTask<InfluenceStream, InfluenceShape, StreamTaskBase> {
 public:
  explicit InfluenceTask(const TaskParams& p)
      : ShapedTask(InfluenceShape{static_cast<Index>(p.integer("every")), 1}, p) {
    shape_.eval_steps = plan_.steps;
    set_io(info_, InputKind::dense, 1, HeadKind::mse, 1, 0.01);
    info_.chance_loss = 1.0;
    info_.chance_note = "theta = 0: s_1 decays to 0, loss (0 - 1)^2";
  }
};

}  // namespace

TaskKindEntry influence_kind() {
  std::vector<TaskParamDef> params = {
      int_param("every", 1, 1, 1e9, "steps between losses (TBPTT(K, K) with every = K: one loss at each window's end)"),
      int_param("eval_steps", 500, 1, 1e9, "held-out steps in total, over eval_lanes lanes from s_0; the loss at the last"),
      int_param("eval_lanes", 1, 1, 4096, "lanes of the held-out stream")};
  return {{"influence", "influence balancing (Tallec & Ollivier 2017): input 1, target 1 for s_1, a loss every `every` steps",
           std::move(params)},
          make_of<InfluenceTask>};
}

}  // namespace tbptt
