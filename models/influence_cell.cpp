#include "models/influence_cell.hpp"

#include "models/check.hpp"

namespace tbptt {

template <class S>
void InfluenceCell<S>::add_params(ParamLayout& layout, const std::string& prefix) {
  itheta_ = layout.add_matrix(prefix + ".theta", this->hidden_, this->input_);
}

template <class S>
void InfluenceCell<S>::init(ParamBuffer<S>& p, const InitSpec&, Rng&) const {
  p[itheta_].setConstant(S(kTheta0));
}

template <class S>
void InfluenceCell<S>::project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S>, View<S> cache) const {
  // d = theta x for every column of the window: one GEMM, or a gather for token inputs.
  const auto theta = p[itheta_];
  if (x.tokens) {
    for (Index j = 0; j < cache.cols(); ++j) {
      const int32_t k = x.tokens[j];
      TBPTT_CHECK(k >= 0 && k < this->input_, "token id " << k << " outside the vocabulary [0, " << this->input_ << ")");
      cache.col(j) = theta.col(k);
    }
  } else {
    TBPTT_CHECK(x.dense.rows() == this->input_ && x.dense.cols() == cache.cols(),
                "dense input is " << x.dense.rows() << "x" << x.dense.cols() << ", the cell expects " << this->input_
                                  << "x" << cache.cols());
    thread_gemm<S>()(this->param_view(p, itheta_), Op::N, x.dense, Op::N, cache, false);
  }
}

template <class S>
void InfluenceCell<S>::forward_step(const ParamBuffer<S>&, ConstView<S> prev, View<S> next, View<S> cache,
                                    CellWorkspace<S>&) const {
  const Index H = this->hidden_;
  const auto d = cache.topRows(H);
  auto z = [H](auto& m, Index i) { return m.middleRows(H + i * H, H); };  // component i of every copy
  for (Index i = 0; i + 1 < kN; ++i) z(next, i) = S(0.5) * (z(prev, i) + z(prev, i + 1)) + u(i) * d;
  // (A z)_n = 0.5 z_n, and the offset term (A - I) 1 = -0.5 e_n.
  z(next, kN - 1).array() = (S(0.5) * z(prev, kN - 1) + u(kN - 1) * d).array() - S(0.5);
  next.topRows(H).array() = z(next, 0).array() + S(1);  // h = s_1 = z_1 + 1
}

template <class S>
void InfluenceCell<S>::backward_step(const ParamBuffer<S>&, ConstView<S>, ConstView<S>, ConstView<S>, ConstView<S> dh,
                                     View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const {
  const Index H = this->hidden_, B = dstate.cols();
  auto g = [&](Index i) { return ws.step.block(i * H, 0, H, B); };  // dL/dz'_i
  auto dz = [&](Index i) { return dstate.middleRows(H + i * H, H); };
  for (Index i = 0; i < kN; ++i) g(i) = dz(i);
  g(0) += dstate.topRows(H) + dh;  // h' = z'_1 + 1
  dA.topRows(H).setZero();
  for (Index i = 0; i < kN; ++i) dA.topRows(H) += u(i) * g(i);  // dL/dd = u . dL/dz'
  // dL/dz = A^T dL/dz': (A^T g)_1 = 0.5 g_1, (A^T g)_i = 0.5 (g_i + g_{i-1}). h is not read.
  dstate.topRows(H).setZero();
  dz(0) = S(0.5) * g(0);
  for (Index i = 1; i < kN; ++i) dz(i) = S(0.5) * (g(i) + g(i - 1));
}

template <class S>
void InfluenceCell<S>::fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                                  ConstView<S>, ConstView<S>, const uint8_t*, View<S>* dx) const {
  // d = theta x does not read the entering state, so a reset column still carries its gradient.
  const Index H = this->hidden_, m = dA.cols();
  const ConstView<S> dd = cview(sub(dA, 0, H, 0, m));
  if (x.tokens) {
    auto dtheta = g[itheta_];
    for (Index j = 0; j < m; ++j) dtheta.col(x.tokens[j]) += dd.col(j);
  } else {
    thread_gemm<S>()(dd, Op::N, x.dense, Op::T, this->param_view(g, itheta_), true);
    if (dx) thread_gemm<S>()(this->param_view(p, itheta_), Op::T, dd, Op::N, *dx, true);
  }
}

template class InfluenceCell<float>;
template class InfluenceCell<double>;

}  // namespace tbptt
