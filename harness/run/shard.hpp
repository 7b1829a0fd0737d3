// Shards of a sweep for job arrays: shard I of N (0 <= I < N) runs the runs at positions
// I, I+N, I+2N, ... of the longest-first order of the whole run list (not of what is left, so
// a restarted shard takes the same runs). Shards are disjoint, together cover the sweep, and
// get near-equal cost. Taken from `--shard I/N` or from Slurm's array variables.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/sweep/run_spec.hpp"

namespace tbptt {

struct Shard {
  int index = 0;  // I, 0-based
  int count = 1;  // N
  std::string name() const;  // "I-of-N", as in file names
};

// "I/N" with 0 <= I < N; throws std::invalid_argument ("--shard: expected I/N ..., got ...").
Shard parse_shard(const std::string& text);

// From SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and _STEP (the index is
// (ID - MIN) / STEP, so --array=1-8 and --array=0-14:2 both give 0..N-1). nullopt when not in
// a job array; throws std::invalid_argument when the variables make no shard.
std::optional<Shard> shard_from_environment();

// The runs of `runs` that belong to `shard`, in list order.
std::vector<RunSpec> shard_runs(const std::vector<RunSpec>& runs, const Shard& shard);

}  // namespace tbptt
