// First-order optimizers on the flat parameter buffer, with the update rules of torch.optim so
// that a trace can be checked against PyTorch step for step:
//   sgd:     g += wd p;  buf = g (first step) or momentum buf + g;  g = g + momentum buf
//            (Nesterov, Sutskever et al. 2013) or buf;  p -= lr g
//   adam:    g += wd p;  m, v moments;  p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
//            (Kingma & Ba 2015)
//   rmsprop: g += wd p;  s = alpha s + (1-alpha) g^2;  p -= lr g / (sqrt(s) + eps)
//            (Tieleman & Hinton 2012)
// Moments live in flat buffers beside the parameters, allocated once.
#pragma once

#include "harness/train/run_config.hpp"
#include "models/params.hpp"

namespace tbptt {

template <class S>
class Optimizer {
 public:
  Optimizer(const OptimizerConfig& config, Index size);
  // One update with learning rate lr; g is read (weight decay is added to a scratch copy).
  void step(ParamBuffer<S>& p, const ParamBuffer<S>& g, double lr);
  long long steps() const { return t_; }

 private:
  OptimizerConfig config_;
  long long t_ = 0;
  Vector<S> m_, v_, scratch_;
};

}  // namespace tbptt
