// Summary statistics over the seeds of one setting: mean, sample standard deviation and the
// half-width of the two-sided 95% confidence interval of the mean (Student t with n-1 degrees
// of freedom): t_{0.975, n-1} * s / sqrt(n).
#pragma once

#include <optional>
#include <vector>

namespace tbptt {

struct Summary {
  int n = 0;
  double mean = 0;
  double stddev = 0;                     // sample (n-1); 0 for n = 1
  std::optional<double> ci95_half_width; // none for n < 2
};

// Empty input: n = 0, mean 0.
Summary summarize(const std::vector<double>& values);

// Two-sided 95% quantile t_{0.975, df} for df >= 1 (exact table to df 30, then the
// Cornish-Fisher expansion, accurate to ~1e-5). Throws std::invalid_argument for df < 1.
double student_t_975(int df);

}  // namespace tbptt
