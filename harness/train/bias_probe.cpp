#include "harness/train/bias_probe.hpp"

#include "harness/train/tbptt_trainer.hpp"
#include "models/check.hpp"

namespace tbptt {

namespace {

// Per-lag parts of the gradient of seeds dh (H, T*B) at the top h of a tape that holds T forward
// steps of B lanes: part j = sum over the seeded steps t of the contribution made at step t - j,
// found by carrying each seed back one step of backward at a time (backward accumulates into the
// buffer it is given). Parts 0..k-1 sum to the gradient with each seed back-propagated k steps.
template <class S>
std::vector<ParamBuffer<S>> lag_parts(const Network<S>& net, const ParamBuffer<S>& params, Tape<S>& tape,
                                      ConstView<S> dh, const std::vector<bool>& seeded) {
  const Index T = static_cast<Index>(seeded.size()), B = tape.lanes(), H = net.spec().hidden;
  std::vector<ParamBuffer<S>> part;
  for (Index j = 0; j < T; ++j) part.push_back(net.make_buffer());
  const Matrix<S> zero = Matrix<S>::Zero(H, B);
  std::vector<Matrix<S>> dstate, entering;
  for (Index t = 0; t < T; ++t) {
    if (!seeded[static_cast<size_t>(t)]) continue;
    for (Index s = t; s >= 0; --s) {
      const ConstView<S> dh_s = s == t ? sub(dh, 0, H, t * B, B) : cview(zero, 0, H, 0, B);
      tape.backward(params, part[static_cast<size_t>(t - s)], s, 1, dh_s, s == t ? nullptr : &dstate, &entering);
      dstate.swap(entering);
    }
  }
  return part;
}

// T steps of `lanes` lanes of the task's validation stream, run forward from the zero state.
template <class S>
Tape<S> probe_forward(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index T, Index B,
                      uint64_t seed, StepBlock& block) {
  auto stream = task.stream(Split::valid, B, seed);
  stream->next(T, block);
  Tape<S> tape(net, T, B);
  tape.append(T);
  load_inputs(tape, 0, block);
  tape.forward(params, 0, T);
  return tape;
}

}  // namespace

template <class S>
BiasProfile truncation_bias(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index length,
                            Index lanes, uint64_t seed) {
  TBPTT_CHECK(length >= 1 && lanes >= 1, "the bias probe needs length >= 1 and lanes >= 1, got " << length << ", "
                                                                                               << lanes);
  const Index T = length, B = lanes, H = net.spec().hidden;
  StepBlock block;
  Tape<S> tape = probe_forward(net, params, task, T, B, seed, block);

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

  const std::vector<ParamBuffer<S>> lag_part = lag_parts(net, params, tape, cview(dh, 0, H, 0, T * B), has_loss);

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

template <class S>
SensitivityProfile truncated_sensitivity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                         Index length, Index lanes, uint64_t seed) {
  TBPTT_CHECK(length >= 1 && lanes >= 1, "the sensitivity probe needs length >= 1 and lanes >= 1, got " << length
                                                                                                   << ", " << lanes);
  const Index T = length, B = lanes, H = net.spec().hidden;
  StepBlock block;
  Tape<S> tape = probe_forward(net, params, task, T, B, seed, block);
  // The seed: d(sum of the top h at the last step)/dh = 1, nothing at the earlier steps.
  Matrix<S> dh = Matrix<S>::Zero(H, T * B);
  dh.rightCols(B).setOnes();
  std::vector<bool> seeded(static_cast<size_t>(T), false);
  seeded.back() = true;
  const std::vector<ParamBuffer<S>> part = lag_parts(net, params, tape, cview(dh, 0, H, 0, T * B), seeded);
  SensitivityProfile r;
  r.length = T;
  r.lanes = B;
  for (const auto& s : params.layout().specs())
    for (Index i = 0; i < s.size(); ++i) r.names.push_back(s.size() > 1 ? s.name + "[" + std::to_string(i) + "]" : s.name);
  Vector<S> sum = Vector<S>::Zero(params.flat().size());
  for (Index k = 1; k <= T; ++k) {
    sum += part[static_cast<size_t>(k - 1)].flat();
    r.truncated.emplace_back(sum.data(), sum.data() + sum.size());
  }
  return r;
}

template BiasProfile truncation_bias<float>(const Network<float>&, const ParamBuffer<float>&, const Task&, Index, Index,
                                            uint64_t);
template BiasProfile truncation_bias<double>(const Network<double>&, const ParamBuffer<double>&, const Task&, Index,
                                             Index, uint64_t);

template SensitivityProfile truncated_sensitivity<float>(const Network<float>&, const ParamBuffer<float>&, const Task&,
                                                         Index, Index, uint64_t);
template SensitivityProfile truncated_sensitivity<double>(const Network<double>&, const ParamBuffer<double>&,
                                                          const Task&, Index, Index, uint64_t);

}  // namespace tbptt
