// Cost to target: what a run spent until its held-out metric first reached a quality level.
//
// The target of a setting is its full-BPTT baseline's quality: the baseline's final metric (mean
// over the baseline's ok seeds) within report.tolerance in the metric's direction (an absolute
// tolerance, or a fraction of |baseline| when relative), unless report.target names a level.
// A run reaches it at the first evaluation point whose metric is at least as good; the tokens,
// updates, CPU and wall seconds (training only, execute.hpp) are then interpolated linearly in
// the metric between that point and the one before (never extrapolated: a run already there at
// its first point costs what that point cost). A run whose curve never gets there has no cost.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/report/outcome.hpp"

namespace tbptt {

struct Target {
  std::string metric;
  double level = 0;
  bool higher_is_better = false;
};

// `value` is as good as `level` or better in the direction.
bool reaches(double value, const Target& target);

// The level "within tolerance of reference": reference -/+ tolerance (absolute) or
// reference -/+ tolerance * |reference| (relative), towards the worse side.
double tolerance_level(double reference, double tolerance, bool relative, bool higher_is_better);

struct CostToTarget {
  bool reached = false;
  size_t point = 0;  // index of the first curve point that reached it
  double tokens = 0, updates = 0, cpu_seconds = 0, wall_seconds = 0;
};

// Points without the target metric (or with a non-finite value) are skipped.
CostToTarget cost_to_target(const std::vector<CurvePoint>& curve, const Target& target);

// The smallest reset period whose value is within the tolerance of `never` (the never-reset
// metric); nullopt when none is. periods and values are parallel; non-finite values never count.
std::optional<double> effective_context(const std::vector<double>& periods, const std::vector<double>& values,
                                        double never, double tolerance, bool relative, bool higher_is_better);

}  // namespace tbptt
