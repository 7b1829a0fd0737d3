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

// The median and the 95% interval of a sample: its 2.5th and 97.5th percentiles (linear
// interpolation between order statistics, as numpy's default). A spread over the seeds, not a
// confidence interval of the median; for n <= 3 the interval is close to [min, max].
struct Spread {
  int n = 0;
  double median = 0, lo = 0, hi = 0;
};
Spread spread(std::vector<double> values);  // empty: n = 0
// The q-quantile (0 <= q <= 1) of sorted values by linear interpolation; sorted must not be empty.
double quantile_sorted(const std::vector<double>& sorted, double q);

// Two-sided 95% quantile t_{0.975, df} for df >= 1 (exact table to df 30, then the
// Cornish-Fisher expansion, accurate to ~1e-5). Throws std::invalid_argument for df < 1.
double student_t_975(int df);

}  // namespace tbptt
