#include "harness/sweep/combinations.hpp"

#include <string>

#include "harness/config/error.hpp"
#include "harness/config/memory.hpp"
#include "harness/config/yaml_reader.hpp"

namespace tbptt {

Combinations::Combinations(const std::vector<Axis>& axes, const Loc& sweep_loc) {
  // Refused before anything is built when the run list would be too long.
  double product = 1;
  for (const auto& a : axes) {
    product *= static_cast<double>(a.values.size());
    radix_.push_back(a.values.size());
  }
  const uint64_t cap = max_sweep_runs();
  if (product > static_cast<double>(cap)) {
    const std::string count = product < 1e18 ? std::to_string(static_cast<uint64_t>(product)) : format_number(product);
    throw ConfigError(sweep_loc, "sweep",
                      count + " combinations, more than the " + std::to_string(cap) + " runs " + sweep_cap_reason() +
                          "; split the sweep into several experiments or narrow it");
  }
  size_ = static_cast<uint64_t>(product);
}

std::vector<size_t> Combinations::digits(uint64_t n) const {
  std::vector<size_t> d(radix_.size(), 0);
  for (size_t a = radix_.size(); a-- > 0;) {
    d[a] = static_cast<size_t>(n % radix_[a]);
    n /= radix_[a];
  }
  return d;
}

}  // namespace tbptt
