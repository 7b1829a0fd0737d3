// The output head: a linear layer out.W (O, H), out.b (O) read from the top layer's h (or, with
// HeadLayer::identity, no layer and no parameters: z = h, O = H, for a model whose output is its
// state, such as the influence-balancing system's s_1), then a loss per (step, lane) column:
//   softmax_xent: logsumexp(z) - z[y], y a class id;
//   mse:          (1/O) sum_k (z_k - y_k)^2, the mean over output units of the squared error.
// Columns whose mask is 0 contribute nothing, to the loss or to any gradient.
#pragma once

#include "models/gemm.hpp"
#include "models/params.hpp"
#include "models/tensor.hpp"

namespace tbptt {

enum class HeadKind { softmax_xent, mse };
const char* to_string(HeadKind);
enum class HeadLayer { linear, identity };

// Targets of n columns: class ids (softmax_xent) or values (O, n) (mse).
template <class S>
struct Targets {
  explicit Targets(const int32_t* c) : classes(c) {}
  explicit Targets(ConstView<S> v) : values(v) {}
  const int32_t* classes = nullptr;
  ConstView<S> values{nullptr, 0, 0, Eigen::OuterStride<>(1)};
};

template <class S>
class Head {
 public:
  Head(HeadKind kind, Index hidden, Index output, HeadLayer layer = HeadLayer::linear);
  HeadKind kind() const { return kind_; }
  HeadLayer layer() const { return layer_; }
  Index output_size() const { return output_; }

  void add_params(ParamLayout& layout);  // out.W, out.b (identity: nothing)
  void init(ParamBuffer<S>& p, bool xavier, class Rng& rng) const;

  // logits (O, n) = W h + b over n columns (one GEMM); identity: h.
  void logits(const ParamBuffer<S>& p, ConstView<S> h, Matrix<S>& out) const;

  // Sum over the masked columns of the per-column loss. When g is non-null, also accumulates
  // (+=) scale * d(sum)/d(W, b) into g and overwrites dh (H, n) with scale * d(sum)/dh (zero in
  // masked-out columns). Per-column losses go to `column_loss` (n) when non-null.
  S loss(const ParamBuffer<S>& p, ConstView<S> h, const Targets<S>& y, const uint8_t* mask, S scale,
         ParamBuffer<S>* g, View<S>* dh, S* column_loss = nullptr) const;

 private:
  HeadKind kind_;
  HeadLayer layer_;
  Index hidden_, output_;
  Index iW_ = -1, ib_ = -1;
  mutable Matrix<S> z_;     // (O, n) logits, then their gradient
  mutable Gemm<S> gemm_;    // the head's products: z = W h, dW += dz h^T, dh = W^T dz
};

}  // namespace tbptt
