#include "harness/train/optimizer.hpp"

#include <cmath>

namespace tbptt {

template <class S>
Optimizer<S>::Optimizer(const OptimizerConfig& config, Index size) : config_(config) {
  scratch_.setZero(size);
  if (config.kind != OptimizerKind::sgd || config.momentum != 0) m_.setZero(size);
  if (config.kind == OptimizerKind::adam) v_.setZero(size);
}

template <class S>
void Optimizer<S>::step(ParamBuffer<S>& p, const ParamBuffer<S>& g, double lr) {
  ++t_;
  auto& x = p.flat();
  auto& d = scratch_;
  d = g.flat();
  if (config_.weight_decay != 0) d += static_cast<S>(config_.weight_decay) * x;
  const S lr_s = static_cast<S>(lr);
  switch (config_.kind) {
    case OptimizerKind::sgd: {
      if (config_.momentum != 0) {
        const S mu = static_cast<S>(config_.momentum);
        if (t_ == 1)
          m_ = d;
        else
          m_ = mu * m_ + d;
        if (config_.nesterov)
          d += mu * m_;
        else
          d = m_;
      }
      x -= lr_s * d;
      break;
    }
    case OptimizerKind::adam: {
      const S b1 = static_cast<S>(config_.beta1), b2 = static_cast<S>(config_.beta2);
      m_ = b1 * m_ + (S(1) - b1) * d;
      v_ = b2 * v_ + (S(1) - b2) * d.cwiseAbs2();
      const double bc1 = 1.0 - std::pow(config_.beta1, static_cast<double>(t_));
      const double bc2 = 1.0 - std::pow(config_.beta2, static_cast<double>(t_));
      const S step_size = static_cast<S>(lr / bc1);
      const S root_bc2 = static_cast<S>(std::sqrt(bc2));
      x.array() -= step_size * m_.array() / (v_.array().sqrt() / root_bc2 + static_cast<S>(config_.eps));
      break;
    }
    case OptimizerKind::rmsprop: {
      const S a = static_cast<S>(config_.alpha);
      m_ = a * m_ + (S(1) - a) * d.cwiseAbs2();
      x.array() -= lr_s * d.array() / (m_.array().sqrt() + static_cast<S>(config_.eps));
      break;
    }
  }
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace tbptt
