// Learning-rate schedules, as a function of the update number u (0-based) of U in all:
//   constant: lr0
//   step:     lr0 * gamma^floor(u / step_every)
//   cosine:   min_lr + (lr0 - min_lr) (1 + cos(pi u / U)) / 2   (Loshchilov & Hutter 2017, no restarts)
//   plateau:  lr0, halved after `patience` evaluations whose validation loss did not improve by
//             a relative `threshold` on the best so far (the RNNLM toolkit's rule, Mikolov 2012)
#pragma once

#include "harness/train/run_config.hpp"

namespace tbptt {

class LrSchedule {
 public:
  LrSchedule(const ScheduleConfig& config, double lr0, long long total_updates);
  double lr(long long update) const;
  // Reports a validation loss (plateau schedule only; ignored otherwise).
  void on_validation(double loss);

 private:
  ScheduleConfig config_;
  double lr0_;
  long long total_;
  double scale_ = 1.0;  // plateau halvings so far
  double best_ = 0;
  bool has_best_ = false;
  Index bad_evals_ = 0;
};

}  // namespace tbptt
