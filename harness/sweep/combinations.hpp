// The combinations step of the expansion (sweep/expand.hpp): the cartesian product of the axes,
// never built. Combination n is a mixed-radix number over the axes' value counts, the first axis
// the most significant (varying slowest), so any run can be made from its index alone.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/sweep/axes.hpp"

namespace tbptt {

class Combinations {
 public:
  // Throws ConfigError at sweep_loc when the product exceeds the cap (max_sweep_runs()).
  Combinations(const std::vector<Axis>& axes, const Loc& sweep_loc);
  uint64_t size() const { return size_; }
  // The value index of each axis in combination n (< size()).
  std::vector<size_t> digits(uint64_t n) const;

 private:
  std::vector<size_t> radix_;
  uint64_t size_ = 1;
};

}  // namespace tbptt
