// add_stream: the "coin" task of Pitis (2016, "Styles of truncated backpropagation", R2RT blog),
// also used by Marschall, Cho & Savin (2020, "A unified framework of online learning algorithms
// for training RNNs", JMLR). Each lane is one endless stream of i.i.d. bits x_t ~ Bernoulli(0.5),
// fed dense as (x, 1-x); the label is y_t ~ Bernoulli(0.5 + 0.5 x_{t-t1} - 0.25 x_{t-t2}).
// A network that remembers nothing, x_{t-t1} only, or both, plateaus at the entropies computed in
// reference_levels (0.6616, 0.5192, 0.4545 nats for t1 = 3, t2 = 8).
// The first max(t1, t2) steps of a lane have no complete history: their label is drawn with the
// missing bits taken as 0, but they carry no loss and no score (mask 0), so every masked label has
// the stationary distribution. Lags are limited to 64 (the history is one 64-bit word per lane).
#include <algorithm>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

struct CoinShape {
  Index t1, t2;
  double p(int x1, int x2) const { return 0.5 + 0.5 * x1 - 0.25 * x2; }
};

class AddStreamStream final : public LaneStream {
 public:
  AddStreamStream(const TaskInfo& info, CoinShape s, Index lanes, uint64_t seed, Split split)
      : LaneStream(info, lanes, seed, split), s_(s), history_(static_cast<size_t>(lanes), 0),
        age_(static_cast<size_t>(lanes), 0) {}

 private:
  void fill_lane(Index b, Index steps, StepBlock& out) override {
    const Index B = lanes_, warm = std::max(s_.t1, s_.t2);
    Rng& rng = lane(b);
    uint64_t& h = history_[static_cast<size_t>(b)];  // bit k-1: x_{t-k}
    Index& age = age_[static_cast<size_t>(b)];
    for (Index t = 0; t < steps; ++t) {
      const Index j = t * B + b;
      const int x = rng.bernoulli(0.5) ? 1 : 0;
      const int x1 = static_cast<int>((h >> (s_.t1 - 1)) & 1u);
      const int x2 = static_cast<int>((h >> (s_.t2 - 1)) & 1u);
      out.x(0, j) = static_cast<float>(x);
      out.x(1, j) = static_cast<float>(1 - x);
      out.classes[static_cast<size_t>(j)] = rng.bernoulli(s_.p(x1, x2)) ? 1 : 0;
      const uint8_t on = age >= warm ? 1 : 0;
      out.mask[static_cast<size_t>(j)] = on;
      out.score[static_cast<size_t>(j)] = on;
      h = (h << 1) | static_cast<uint64_t>(x);
      ++age;
    }
  }

  CoinShape s_;
  std::vector<uint64_t> history_;
  std::vector<Index> age_;  // steps generated so far in the lane
};

class AddStreamTask final : public ShapedTask<AddStreamStream, CoinShape, StreamTaskBase> {
 public:
  explicit AddStreamTask(const TaskParams& p) : ShapedTask({p.integer("t1"), p.integer("t2")}, p) {
    const CoinShape& s = shape_;
    set_io(info_, InputKind::dense, 2, HeadKind::softmax_xent, 2);
    // Entropy of the label given what a network could know, from the label probabilities: the
    // two lagged bits are independent fair coins (the same bit when t1 == t2).
    double weight[2][2], p_bar = 0, p_given_x1[2] = {0, 0}, w_x1[2] = {0, 0}, both = 0;
    for (int x1 = 0; x1 < 2; ++x1)
      for (int x2 = 0; x2 < 2; ++x2) {
        weight[x1][x2] = s.t1 != s.t2 ? 0.25 : (x1 == x2 ? 0.5 : 0.0);
        p_bar += weight[x1][x2] * s.p(x1, x2);
        p_given_x1[x1] += weight[x1][x2] * s.p(x1, x2);
        w_x1[x1] += weight[x1][x2];
        both += weight[x1][x2] * binary_entropy(s.p(x1, x2));
      }
    double t1_only = 0;
    for (int x1 = 0; x1 < 2; ++x1) t1_only += w_x1[x1] * binary_entropy(p_given_x1[x1] / w_x1[x1]);
    info_.reference_levels = {
        {"no_memory", binary_entropy(p_bar)}, {"t1_only", t1_only}, {"both", both}};
    info_.chance_loss = binary_entropy(p_bar);
    info_.chance_note = "no memory: entropy of the label's marginal (Pitis 2016)";
  }
};

}  // namespace

TaskKindEntry add_stream_kind() {
  std::vector<TaskParamDef> params = {
      int_param("t1", 3, 1, 64, "lag of the +0.5 dependency"),
      int_param("t2", 8, 1, 64, "lag of the -0.25 dependency")};
  add_stream_eval_params(params);
  return {{"add_stream",
           "coin stream (Pitis 2016): y_t ~ Bernoulli(0.5 + 0.5 x_{t-t1} - 0.25 x_{t-t2})",
           std::move(params)},
          make_of<AddStreamTask>};
}

}  // namespace tbptt
