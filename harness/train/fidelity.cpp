#include "harness/train/fidelity.hpp"

#include <algorithm>
#include <cmath>

#include "harness/train/tbptt_trainer.hpp"

namespace tbptt {
namespace {

// The probe length: one aligned episode, or several chunks of a stream.
Index probe_steps(const Stream& stream, const TruncationConfig& tbptt, Index lags) {
  if (const Index left = stream.aligned_episode_left(); left > 0) return left;
  const Index reach = std::max({tbptt.k1, tbptt.k2, lags, Index{16}});
  return std::min<Index>(4 * reach, 4096);
}

}  // namespace

template <class S>
FidelityResult gradient_fidelity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 const TruncationConfig& tbptt, Index lanes, Index lags, uint64_t seed) {
  auto stream = task.stream(Split::valid, lanes, seed);
  const Index P = probe_steps(*stream, tbptt, lags);
  const Index B = lanes, H = net.spec().hidden;
  StepBlock block;
  stream->next(P, block);
  Tape<S> tape(net, P, B);
  tape.append(P);
  load_inputs(tape, 0, block);
  tape.forward(params, 0, P);

  Matrix<S> values;
  const Targets<S> y = block_targets(block, values);
  ParamBuffer<S> g_head = net.make_buffer(), g_full = net.make_buffer(), g_trunc = net.make_buffer();
  Matrix<S> dh_full = Matrix<S>::Zero(H, P * B), dh_win(H, P * B);
  const Index k1 = tbptt.k1 > 0 ? tbptt.k1 : P;
  for (Index c0 = 0; c0 < P; c0 += k1) {
    const Index n = std::min(k1, P - c0), c1 = c0 + n;
    Index count = 0;
    for (Index j = c0 * B; j < c1 * B; ++j) count += block.mask[static_cast<size_t>(j)];
    if (count == 0) continue;
    const S scale = tbptt.loss_reduction == LossReduction::mean ? S(1) / static_cast<S>(count) : S(1);
    View<S> dh_chunk = view(dh_full, 0, H, c0 * B, n * B);
    const Targets<S> yc = y.classes ? Targets<S>(y.classes + c0 * B) : Targets<S>(sub(y.values, 0, y.values.rows(), c0 * B, n * B));
    net.head().loss(params, tape.top_h(c0, n), yc, block.mask.data() + c0 * B, scale, &g_head, &dh_chunk);
    // This chunk's truncated gradient: its window is the last k2 steps (k2: full, the probe start).
    const Index w0 = tbptt.k2 > 0 ? std::max<Index>(0, c1 - tbptt.k2) : 0;
    view(dh_win, 0, H, w0 * B, (c1 - w0) * B).setZero();
    const Index from = std::max(w0, c0);
    view(dh_win, 0, H, from * B, (c1 - from) * B) = view(dh_full, 0, H, from * B, (c1 - from) * B);
    tape.backward(params, g_trunc, w0, c1 - w0, cview(dh_win, 0, H, w0 * B, (c1 - w0) * B));
  }
  tape.backward(params, g_full, 0, P, cview(dh_full, 0, H, 0, P * B));
  g_full.flat() += g_head.flat();
  g_trunc.flat() += g_head.flat();

  FidelityResult r;
  const double nf = static_cast<double>(g_full.flat().norm()), nt = static_cast<double>(g_trunc.flat().norm());
  r.cosine = nf > 0 && nt > 0 ? std::clamp(static_cast<double>(g_full.flat().dot(g_trunc.flat())) / (nf * nt), -1.0, 1.0) : 1.0;
  r.rel_error = nf > 0 ? static_cast<double>((g_trunc.flat() - g_full.flat()).norm()) / nf : 0.0;

  // Per-lag profile from the last step with a target, one step of backward at a time.
  Index t = P - 1;
  auto has_target = [&](Index s) {
    for (Index b = 0; b < B; ++b)
      if (block.mask[static_cast<size_t>(s * B + b)]) return true;
    return false;
  };
  while (t >= 0 && !has_target(t)) --t;
  if (t < 0) return r;
  Index count = 0;
  for (Index b = 0; b < B; ++b) count += block.mask[static_cast<size_t>(t * B + b)];
  Matrix<S> dh_last(H, B), zero = Matrix<S>::Zero(H, B);
  View<S> dh_last_view = view(dh_last, 0, H, 0, B);
  ParamBuffer<S> g_scratch = net.make_buffer();
  const Targets<S> yt = y.classes ? Targets<S>(y.classes + t * B) : Targets<S>(sub(y.values, 0, y.values.rows(), t * B, B));
  net.head().loss(params, tape.top_h(t, 1), yt, block.mask.data() + t * B, S(1) / static_cast<S>(count), &g_scratch,
                  &dh_last_view);
  r.lag_profile.push_back(static_cast<double>(dh_last.norm()));
  std::vector<Matrix<S>> dstate, entering;
  for (Index k = 1; k <= lags && t - k + 1 >= 0; ++k) {
    const Index s = t - k + 1;  // back-propagate through step s alone
    tape.backward(params, g_scratch, s, 1, cview(k == 1 ? dh_last : zero, 0, H, 0, B), k == 1 ? nullptr : &dstate,
                  &entering);
    double sq = 0;
    for (const auto& d : entering) sq += static_cast<double>(d.squaredNorm());
    r.lag_profile.push_back(std::sqrt(sq));
    dstate.swap(entering);
  }
  return r;
}

template FidelityResult gradient_fidelity<float>(const Network<float>&, const ParamBuffer<float>&, const Task&,
                                                 const TruncationConfig&, Index, Index, uint64_t);
template FidelityResult gradient_fidelity<double>(const Network<double>&, const ParamBuffer<double>&, const Task&,
                                                  const TruncationConfig&, Index, Index, uint64_t);

}  // namespace tbptt
