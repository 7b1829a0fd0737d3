#include "harness/report/cost_to_target.hpp"

#include <algorithm>
#include <cmath>

namespace tbptt {

bool reaches(double value, const Target& target) {
  if (!std::isfinite(value)) return false;
  // A relative slack of 1e-12 keeps a value equal to the level up to rounding (a mean of equal
  // seeds, 1 - 0.02 + 0.02) on the reached side.
  const double slack = 1e-12 * std::max(1.0, std::fabs(target.level));
  return target.higher_is_better ? value >= target.level - slack : value <= target.level + slack;
}

double tolerance_level(double reference, double tolerance, bool relative, bool higher_is_better) {
  const double margin = relative ? tolerance * std::fabs(reference) : tolerance;
  return higher_is_better ? reference - margin : reference + margin;
}

CostToTarget cost_to_target(const std::vector<CurvePoint>& curve, const Target& target) {
  CostToTarget c;
  const CurvePoint* previous = nullptr;
  double previous_value = 0;
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto it = curve[i].eval.find(target.metric);
    if (it == curve[i].eval.end() || !std::isfinite(it->second)) continue;
    const CurvePoint& p = curve[i];
    const double v = it->second;
    if (reaches(v, target)) {
      // Fraction of the way from the previous point at which the metric crosses the level; the
      // previous point did not reach it, so the fraction lies in (0, 1].
      double f = 1.0;
      if (previous != nullptr && v != previous_value) {
        f = std::clamp((target.level - previous_value) / (v - previous_value), 0.0, 1.0);
      }
      auto lerp = [&](double a, double b) { return previous == nullptr ? b : a + f * (b - a); };
      c.reached = true;
      c.point = i;
      c.tokens = lerp(previous ? static_cast<double>(previous->tokens) : 0, static_cast<double>(p.tokens));
      c.updates = lerp(previous ? static_cast<double>(previous->update) : 0, static_cast<double>(p.update));
      c.cpu_seconds = lerp(previous ? previous->cpu_seconds : 0, p.cpu_seconds);
      c.wall_seconds = lerp(previous ? previous->wall_seconds : 0, p.wall_seconds);
      return c;
    }
    previous = &p;
    previous_value = v;
  }
  return c;
}

std::optional<double> effective_context(const std::vector<double>& periods, const std::vector<double>& values,
                                        double never, double tolerance, bool relative, bool higher_is_better) {
  const Target within{"", tolerance_level(never, tolerance, relative, higher_is_better), higher_is_better};
  std::optional<double> best;
  for (size_t i = 0; i < periods.size() && i < values.size(); ++i) {
    if (reaches(values[i], within) && (!best || periods[i] < *best)) best = periods[i];
  }
  return best;
}

}  // namespace tbptt
