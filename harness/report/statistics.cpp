#include "harness/report/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace tbptt {

double student_t_975(int df) {
  // t_{0.975, df} for df = 1..30 (standard tables).
  static constexpr std::array<double, 30> kTable = {
      12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
      2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
      2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
      2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
  if (df < 1) throw std::invalid_argument("student_t_975: degrees of freedom must be >= 1");
  if (df <= static_cast<int>(kTable.size())) return kTable[static_cast<size_t>(df - 1)];
  // Cornish-Fisher expansion of the t quantile around the normal quantile z.
  const double z = 1.959963984540054;
  const double v = df;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

Summary summarize(const std::vector<double>& values) {
  Summary s;
  s.n = static_cast<int>(values.size());
  if (s.n == 0) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double sq = 0;
  for (double v : values) sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sq / (s.n - 1));
  s.ci95_half_width = student_t_975(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(s.n));
  return s;
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

Spread spread(std::vector<double> values) {
  Spread s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.median = quantile_sorted(values, 0.5);
  s.lo = quantile_sorted(values, 0.025);
  s.hi = quantile_sorted(values, 0.975);
  return s;
}

}  // namespace tbptt
