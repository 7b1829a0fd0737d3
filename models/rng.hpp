// A small, portable random generator (xoshiro256**, Blackman & Vigna 2018), seeded through
// splitmix64. The standard library's distributions are implementation-defined, so every draw the
// project makes goes through these functions: the same seed gives the same numbers everywhere.
#pragma once

#include <cstdint>
#include <string_view>

namespace tbptt {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);

  uint64_t next_u64();
  double uniform();                           // [0, 1), 53 random bits
  double uniform(double lo, double hi);       // [lo, hi)
  uint64_t below(uint64_t n);                 // uniform in {0, .., n-1}, unbiased; n >= 1
  int64_t between(int64_t lo, int64_t hi);    // uniform in {lo, .., hi} (inclusive)
  double normal();                            // standard normal (Marsaglia polar method)
  bool bernoulli(double p) { return uniform() < p; }

  // An independent generator for a named sub-stream (e.g. "init", "train", "eval").
  Rng split(std::string_view name) const;

 private:
  uint64_t s_[4];
};

// Mixes values into a 64-bit seed (splitmix64 finaliser), e.g. seed_of(experiment_seed, run_id).
uint64_t mix_seed(uint64_t a, uint64_t b);
uint64_t hash_string(std::string_view s);  // FNV-1a, 64 bit

}  // namespace tbptt
