#include "harness/train/bias_probe.hpp"

#include "harness/train/tbptt_trainer.hpp"
#include "models/check.hpp"

namespace tbptt {

template <class S>
BiasProfile truncation_bias(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index length,
                            Index lanes, uint64_t seed) {
  TBPTT_CHECK(length >= 1 && lanes >= 1, "the bias probe needs length >= 1 and lanes >= 1, got " << length << ", "
                                                                                               << lanes);
  const Index T = length, B = lanes, H = net.spec().hidden;
  auto stream = task.stream(Split::valid, B, seed);
  StepBlock block;
  stream->next(T, block);
  Tape<S> tape(net, T, B);
  tape.append(T);
  load_inputs(tape, 0, block);
  tape.forward(params, 0, T);

  // dL/dh_t of every step, each step's loss reduced by its own mean as one TBPTT(1, K) update is.
  Matrix<S> values;
  const Targets<S> y = block_targets(block, values);
  ParamBuffer<S> g_head = net.make_buffer();
  Matrix<S> dh = Matrix<S>::Zero(H, T * B);
  std::vector<bool> has_loss(static_cast<size_t>(T), false);
  for (Index t = 0; t < T; ++t) {
    Index count = 0;
    for (Index b = 0; b < B; ++b) count += block.mask[static_cast<size_t>(t * B + b)];
    if (count == 0) continue;
    has_loss[static_cast<size_t>(t)] = true;
    View<S> dh_t = view(dh, 0, H, t * B, B);
    const Targets<S> yt = y.classes ? Targets<S>(y.classes + t * B) : Targets<S>(sub(y.values, 0, y.values.rows(), t * B, B));
    net.head().loss(params, tape.top_h(t, 1), yt, block.mask.data() + t * B, S(1) / static_cast<S>(count), &g_head,
                    &dh_t);
  }

  ParamBuffer<S> g_full = net.make_buffer();
  tape.backward(params, g_full, 0, T, cview(dh, 0, H, 0, T * B));
  g_full.flat() += g_head.flat();

  // Per-lag parts: the loss of step t, carried back one step at a time, adds its step-s part to
  // G_{t-s} (backward accumulates into the buffer it is given).
  std::vector<ParamBuffer<S>> lag_part;
  for (Index j = 0; j < T; ++j) lag_part.push_back(net.make_buffer());
  const Matrix<S> zero = Matrix<S>::Zero(H, B);
  std::vector<Matrix<S>> dstate, entering;
  for (Index t = 0; t < T; ++t) {
    if (!has_loss[static_cast<size_t>(t)]) continue;
    for (Index s = t; s >= 0; --s) {
      const ConstView<S> dh_s = s == t ? cview(dh, 0, H, t * B, B) : cview(zero, 0, H, 0, B);
      tape.backward(params, lag_part[static_cast<size_t>(t - s)], s, 1, dh_s, s == t ? nullptr : &dstate, &entering);
      dstate.swap(entering);
    }
  }

  BiasProfile r;
  r.length = T;
  r.lanes = B;
  r.grad_norm = static_cast<double>(g_full.flat().norm());
  ParamBuffer<S> g_trunc = net.make_buffer();
  g_trunc.flat() = g_head.flat();
  for (Index k = 1; k <= T; ++k) {
    g_trunc.flat() += lag_part[static_cast<size_t>(k - 1)].flat();
    const double err = static_cast<double>((g_trunc.flat() - g_full.flat()).norm());
    r.rel_error.push_back(r.grad_norm > 0 ? err / r.grad_norm : err);
  }
  return r;
}

template BiasProfile truncation_bias<float>(const Network<float>&, const ParamBuffer<float>&, const Task&, Index, Index,
                                            uint64_t);
template BiasProfile truncation_bias<double>(const Network<double>&, const ParamBuffer<double>&, const Task&, Index,
                                             Index, uint64_t);

}  // namespace tbptt
