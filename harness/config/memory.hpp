// Refusing settings that cannot fit in memory, before anything is allocated.
//
// Estimate (float32 runs): the tape holds max(k1, k2) steps (the task's longest episode for
// `full`) of B lanes: per layer the cell's state and cache rows (models/cell_registry.hpp; LSTM:
// h, c and the four gates = 6H), plus two gradient buffers of H rows for the whole stack, plus
// dense inputs; the parameters (counted by the cells' own add_params) are held 4 times (weights,
// gradients, two optimizer moments):
//   bytes = 4 * batch * window * (layers * (state + cache) + 2 hidden + dense input width)
//           + 16 * parameters
// The limit is half of the physical memory (sysconf), so that parallel runs and the OS have room.
#pragma once

#include <cstdint>
#include <string>

#include "harness/config/run_config.hpp"

namespace tbptt {

struct MemoryEstimate {
  Index window = 0;          // steps held: max(k1, k2), full -> max_episode_length
  uint64_t parameters = 0;   // count of trainable values
  uint64_t bytes = 0;
};

MemoryEstimate estimate_memory(const RunConfig& config, const TaskInfo& info);
// Half of the physical memory, or the value set by set_memory_limit (0 restores the default).
uint64_t memory_limit_bytes();
void set_memory_limit(uint64_t bytes);
// "1.5 GiB", "320 MiB".
std::string format_bytes(uint64_t bytes);

}  // namespace tbptt
