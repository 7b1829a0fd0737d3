#include "models/head.hpp"

#include <cmath>

#include "models/check.hpp"
#include "models/init.hpp"

namespace tbptt {

const char* to_string(HeadKind k) { return k == HeadKind::softmax_xent ? "softmax_xent" : "mse"; }

template <class S>
Head<S>::Head(HeadKind kind, Index hidden, Index output, HeadLayer layer)
    : kind_(kind), layer_(layer), hidden_(hidden), output_(output) {
  TBPTT_CHECK(output >= 1, "output size must be >= 1, got " << output);
  TBPTT_CHECK(layer == HeadLayer::linear || output == hidden,
              "an identity head needs as many outputs as hidden units, got " << output << " and " << hidden);
}

template <class S>
void Head<S>::add_params(ParamLayout& layout) {
  if (layer_ == HeadLayer::identity) return;
  iW_ = layout.add_matrix("out.W", output_, hidden_);
  ib_ = layout.add_vector("out.b", output_);
}

template <class S>
void Head<S>::init(ParamBuffer<S>& p, bool xavier, Rng& rng) const {
  if (layer_ == HeadLayer::identity) return;
  if (xavier) {
    fill_uniform<S>(p[iW_], std::sqrt(6.0 / static_cast<double>(hidden_ + output_)), rng);
    p[ib_].setZero();
  } else {
    // nn.Linear: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const double a = 1.0 / std::sqrt(static_cast<double>(hidden_));
    fill_uniform<S>(p[iW_], a, rng);
    fill_uniform<S>(p[ib_], a, rng);
  }
}

template <class S>
void Head<S>::logits(const ParamBuffer<S>& p, ConstView<S> h, Matrix<S>& out) const {
  TBPTT_CHECK(h.rows() == hidden_, "head input has " << h.rows() << " rows, expected " << hidden_);
  resize_safely(out, output_, h.cols());
  if (layer_ == HeadLayer::identity) {
    out = h;
    return;
  }
  out.noalias() = p[iW_] * h;
  out.colwise() += p[ib_].col(0);
}

template <class S>
S Head<S>::loss(const ParamBuffer<S>& p, ConstView<S> h, const Targets<S>& y, const uint8_t* mask, S scale,
                ParamBuffer<S>* g, View<S>* dh, S* column_loss) const {
  TBPTT_CHECK(h.rows() == hidden_, "head input has " << h.rows() << " rows, expected " << hidden_);
  const Index n = h.cols();
  if (kind_ == HeadKind::softmax_xent)
    TBPTT_CHECK(y.classes, "softmax_xent targets must be class ids");
  else
    TBPTT_CHECK(y.values.rows() == output_ && y.values.cols() == n,
                "mse targets are " << y.values.rows() << "x" << y.values.cols() << ", expected " << output_ << "x" << n);
  TBPTT_CHECK(!g || !dh || (dh->rows() == hidden_ && dh->cols() == n),
              "dh is " << dh->rows() << "x" << dh->cols() << ", expected " << hidden_ << "x" << n);
  ensure_size(z_, output_, n);
  auto z = z_.leftCols(n);
  const bool linear = layer_ == HeadLayer::linear;
  const ConstView<S> W(linear ? p[iW_].data() : nullptr, output_, hidden_, Eigen::OuterStride<>(output_));
  if (linear) {
    gemm_(W, Op::N, h, Op::N, View<S>(z.data(), output_, n, Eigen::OuterStride<>(z_.rows())), false);
    z.colwise() += p[ib_].col(0);
  } else {
    z = h;
  }
  S total = 0;
  for (Index j = 0; j < n; ++j) {
    auto zj = z.col(j);
    if (!mask[j]) {
      if (column_loss) column_loss[j] = 0;
      zj.setZero();  // no gradient from a masked-out column
      continue;
    }
    S lj;
    if (kind_ == HeadKind::softmax_xent) {
      const int32_t c = y.classes[j];
      TBPTT_CHECK(c >= 0 && c < output_, "class id " << c << " outside [0, " << output_ << ")");
      const S m = zj.maxCoeff();
      const S zc = zj(c) - m;
      zj.array() = (zj.array() - m).exp();
      const S sum = zj.sum();
      lj = std::log(sum) - zc;  // -log softmax(z)[c] = log sum exp(z - m) - (z[c] - m)
      zj /= sum;  // d loss / dz = softmax(z) - onehot(c)
      zj(c) -= S(1);
    } else {
      // (1/O) sum_k (z_k - y_k)^2, gradient (2/O) (z - y).
      zj -= y.values.col(j);
      lj = zj.squaredNorm() / static_cast<S>(output_);
      zj *= S(2) / static_cast<S>(output_);
    }
    if (column_loss) column_loss[j] = lj;
    total += lj;
    zj *= scale;
  }
  if (g && !linear) {
    if (dh) *dh = z;  // z = h: the gradient w.r.t. h is the gradient w.r.t. z
  } else if (g) {
    const ConstView<S> dz(z.data(), output_, n, Eigen::OuterStride<>(z_.rows()));
    gemm_(dz, Op::N, h, Op::T, View<S>((*g)[iW_].data(), output_, hidden_, Eigen::OuterStride<>(output_)), true);
    (*g)[ib_].col(0) += z.rowwise().sum();
    if (dh) gemm_(W, Op::T, dz, Op::N, *dh, false);
  }
  return total;
}

template class Head<float>;
template class Head<double>;

}  // namespace tbptt
