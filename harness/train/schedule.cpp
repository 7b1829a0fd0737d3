#include "harness/train/schedule.hpp"

#include <cmath>
#include <numbers>

namespace tbptt {

LrSchedule::LrSchedule(const ScheduleConfig& config, double lr0, long long total_updates)
    : config_(config), lr0_(lr0), total_(total_updates) {}

double LrSchedule::lr(long long update) const {
  switch (config_.kind) {
    case ScheduleKind::constant:
      return lr0_;
    case ScheduleKind::step:
      return lr0_ * std::pow(config_.gamma, static_cast<double>(update / std::max<Index>(1, config_.step_every)));
    case ScheduleKind::cosine: {
      const double x = total_ > 0 ? std::min(1.0, static_cast<double>(update) / static_cast<double>(total_)) : 0.0;
      return config_.min_lr + (lr0_ - config_.min_lr) * 0.5 * (1.0 + std::cos(std::numbers::pi * x));
    }
    case ScheduleKind::plateau:
      return lr0_ * scale_;
  }
  return lr0_;
}

void LrSchedule::on_validation(double loss) {
  if (config_.kind != ScheduleKind::plateau || !std::isfinite(loss)) return;
  if (!has_best_ || loss < best_ * (1.0 - config_.threshold)) {
    best_ = has_best_ ? std::min(best_, loss) : loss;
    has_best_ = true;
    bad_evals_ = 0;
    return;
  }
  best_ = std::min(best_, loss);
  if (++bad_evals_ >= config_.patience) {
    scale_ *= 0.5;
    bad_evals_ = 0;
  }
}

}  // namespace tbptt
