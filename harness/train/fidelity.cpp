#include "harness/train/fidelity.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "harness/train/tbptt_trainer.hpp"
#include "harness/train/weighted_backward.hpp"

namespace tbptt {
namespace {

// The probe length: one aligned episode, or several chunks of a stream.
Index probe_steps(const Stream& stream, Index reach, Index lags) {
  if (const Index left = stream.aligned_episode_left(); left > 0) return left;
  return std::min<Index>(4 * std::max({reach, lags, Index{16}}), 4096);
}

// A probe batch run forward once with frozen parameters.
template <class S>
struct Probe {
  Probe(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Split split, Index lanes, Index reach,
        Index lags, uint64_t seed)
      : tape(net, 1, lanes) {
    auto stream = task.stream(split, lanes, seed);
    P = probe_steps(*stream, reach, lags);
    B = lanes;
    stream->next(P, block);
    tape = Tape<S>(net, P, B);
    tape.append(P);
    load_inputs(tape, 0, block);
    tape.forward(params, 0, P);
    y.emplace(block_targets(block, values));
  }
  Targets<S> targets(Index t0, Index n) const {
    return y->classes ? Targets<S>(y->classes + t0 * B) : Targets<S>(sub(y->values, 0, y->values.rows(), t0 * B, n * B));
  }
  StepBlock block;
  Tape<S> tape;
  Matrix<S> values;
  std::optional<Targets<S>> y;  // (a Targets holds a Map: emplaced, never assigned)
  Index P = 0, B = 0;
};

// One probe of the policy's chunks: writes cos(g, g~) and ||g~ - g|| / ||g||.
template <class S>
void compare(const Network<S>& net, const ParamBuffer<S>& params, Probe<S>& pr, TruncationPolicy policy,
             double* cosine, double* rel_error) {
  const Index P = pr.P, B = pr.B, H = net.spec().hidden;
  ParamBuffer<S> g_head = net.make_buffer(), g_full = net.make_buffer(), g_trunc = net.make_buffer();
  Matrix<S> dh_full = Matrix<S>::Zero(H, P * B), dh_win(H, P * B);
  const LossReduction reduction = policy.config().loss_reduction;
  for (Index c0 = 0; c0 < P;) {
    const ChunkPlan plan = policy.next(P - c0);
    const Index n = plan.steps, c1 = c0 + n;
    Index count = 0;
    for (Index j = c0 * B; j < c1 * B; ++j) count += pr.block.mask[static_cast<size_t>(j)];
    if (count > 0) {
      const S scale = reduction == LossReduction::mean ? S(1) / static_cast<S>(count) : S(1);
      View<S> dh_chunk = view(dh_full, 0, H, c0 * B, n * B);
      net.head().loss(params, pr.tape.top_h(c0, n), pr.targets(c0, n), pr.block.mask.data() + c0 * B, scale, &g_head,
                      &dh_chunk);
      // This chunk's truncated gradient: its window (full: the probe start).
      const Index w0 = plan.window.is_full() ? 0 : std::max<Index>(0, c1 - plan.window.steps());
      view(dh_win, 0, H, w0 * B, (c1 - w0) * B).setZero();
      const Index from = std::max(w0, c0);
      view(dh_win, 0, H, from * B, (c1 - from) * B) = view(dh_full, 0, H, from * B, (c1 - from) * B);
      backward_weighted(pr.tape, params, g_trunc, w0, c1 - w0, cview(dh_win, 0, H, w0 * B, (c1 - w0) * B), c0,
                        plan.boundary_weight);
    }
    c0 = c1;
  }
  pr.tape.backward(params, g_full, 0, P, cview(dh_full, 0, H, 0, P * B));
  g_full.flat() += g_head.flat();
  g_trunc.flat() += g_head.flat();
  const double nf = static_cast<double>(g_full.flat().norm()), nt = static_cast<double>(g_trunc.flat().norm());
  *cosine = nf > 0 && nt > 0 ? std::clamp(static_cast<double>(g_full.flat().dot(g_trunc.flat())) / (nf * nt), -1.0, 1.0) : 1.0;
  *rel_error = nf > 0 ? static_cast<double>((g_trunc.flat() - g_full.flat()).norm()) / nf : 0.0;
}

// Per-lag profile from the probe's last step with a target, one step of backward at a time.
template <class S>
std::vector<double> profile(const Network<S>& net, const ParamBuffer<S>& params, Probe<S>& pr, Index lags) {
  std::vector<double> out;
  const Index B = pr.B, H = net.spec().hidden;
  Index t = pr.P - 1;
  auto has_target = [&](Index s) {
    for (Index b = 0; b < B; ++b)
      if (pr.block.mask[static_cast<size_t>(s * B + b)]) return true;
    return false;
  };
  while (t >= 0 && !has_target(t)) --t;
  if (t < 0) return out;
  Index count = 0;
  for (Index b = 0; b < B; ++b) count += pr.block.mask[static_cast<size_t>(t * B + b)];
  Matrix<S> dh_last(H, B), zero = Matrix<S>::Zero(H, B);
  View<S> dh_last_view = view(dh_last, 0, H, 0, B);
  ParamBuffer<S> g_scratch = net.make_buffer();
  net.head().loss(params, pr.tape.top_h(t, 1), pr.targets(t, 1), pr.block.mask.data() + t * B,
                  S(1) / static_cast<S>(count), &g_scratch, &dh_last_view);
  out.push_back(static_cast<double>(dh_last.norm()));
  std::vector<Matrix<S>> dstate, entering;
  for (Index k = 1; k <= lags && t - k + 1 >= 0; ++k) {
    const Index s = t - k + 1;  // back-propagate through step s alone
    pr.tape.backward(params, g_scratch, s, 1, cview(k == 1 ? dh_last : zero, 0, H, 0, B), k == 1 ? nullptr : &dstate,
                     &entering);
    double sq = 0;
    for (const auto& d : entering) sq += static_cast<double>(d.squaredNorm());
    out.push_back(std::sqrt(sq));
    dstate.swap(entering);
  }
  return out;
}

}  // namespace

template <class S>
FidelityResult gradient_fidelity(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 const TruncationPolicy& policy, Index lanes, Index lags, uint64_t seed) {
  Probe<S> pr(net, params, task, Split::valid, lanes, policy.tape_capacity(), lags, seed);
  FidelityResult r;
  if (!policy.random()) {
    compare(net, params, pr, policy.reseeded(seed), &r.cosine, &r.rel_error);
  } else {
    r.draws = kFidelityDraws;
    std::vector<double> cs, es;
    for (int d = 0; d < r.draws; ++d) {
      double c = 0, e = 0;
      compare(net, params, pr, policy.reseeded(mix_seed(seed, static_cast<uint64_t>(d))), &c, &e);
      cs.push_back(c);
      es.push_back(e);
    }
    auto mean_sd = [](const std::vector<double>& v, double* mean, double* sd) {
      double m = 0, q = 0;
      for (double x : v) m += x;
      m /= static_cast<double>(v.size());
      for (double x : v) q += (x - m) * (x - m);
      *mean = m;
      *sd = v.size() > 1 ? std::sqrt(q / static_cast<double>(v.size() - 1)) : 0.0;
    };
    mean_sd(cs, &r.cosine, &r.cosine_sd);
    mean_sd(es, &r.rel_error, &r.rel_error_sd);
  }
  r.lag_profile = profile(net, params, pr, lags);
  return r;
}

template <class S>
std::vector<double> lag_profile(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Split split,
                                Index lanes, Index lags, uint64_t seed) {
  Probe<S> pr(net, params, task, split, lanes, lags, lags, seed);
  return profile(net, params, pr, lags);
}

template FidelityResult gradient_fidelity<float>(const Network<float>&, const ParamBuffer<float>&, const Task&,
                                                 const TruncationPolicy&, Index, Index, uint64_t);
template FidelityResult gradient_fidelity<double>(const Network<double>&, const ParamBuffer<double>&, const Task&,
                                                  const TruncationPolicy&, Index, Index, uint64_t);
template std::vector<double> lag_profile<float>(const Network<float>&, const ParamBuffer<float>&, const Task&, Split,
                                                Index, Index, uint64_t);
template std::vector<double> lag_profile<double>(const Network<double>&, const ParamBuffer<double>&, const Task&,
                                                 Split, Index, Index, uint64_t);

}  // namespace tbptt
