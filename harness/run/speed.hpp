// `tbptt speed`: times the training loop on a synthetic workload that a PyTorch script can repeat
// exactly (dense N(0,1) inputs, uniform random class targets at every step, no resets).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/train/run_config.hpp"

namespace tbptt {

struct SpeedSpec {
  std::string cell = "lstm";
  Index hidden = 256, batch = 32, input = 64, output = 64, layers = 1;
  Index k1 = 32, k2 = 32;
  long long updates = 50, warmup = 5;
  OptimizerKind optimizer = OptimizerKind::sgd;
  double lr = 0.01;
  bool use_double = false;
  int threads = 1;  // Eigen::setNbThreads for the run (threads_per_run)
};

// Returns {"tokens_per_second", "seconds", "tokens", "gflops", "flops_per_token",
// "activation_bytes", "peak_rss_bytes", "phase_seconds": {...}, plus the spec}.
nlohmann::json measure_speed(const SpeedSpec& spec);

}  // namespace tbptt
