#include "harness/config/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

std::atomic<uint64_t> g_limit_override{0};

// Beyond this many units per layer the exact count (the cell's own add_params, in 64-bit sizes)
// could overflow; such a model cannot fit in memory anyway.
constexpr uint64_t kCountable = uint64_t{1} << 24;

}  // namespace

MemoryEstimate estimate_memory(const RunConfig& c, const TaskInfo& info) {
  MemoryEstimate e;
  const Index k1 = c.train.tbptt.k1 == 0 ? info.max_episode_length : c.train.tbptt.k1;
  const Index k2 = c.train.tbptt.k2 == 0 ? info.max_episode_length : c.train.tbptt.k2;
  e.window = std::max<Index>(1, std::max(k1, k2));
  const uint64_t H = static_cast<uint64_t>(c.model.hidden);
  const CellShape& shape = cell_type(c.model.cell).shape;
  const bool countable = H <= kCountable && static_cast<uint64_t>(info.input_size) <= kCountable;
  // Computed in double: absurd settings must not wrap around.
  double params = 0;
  if (countable) {
    const double first = static_cast<double>(cell_param_count(c.model.cell, std::max<Index>(1, info.input_size), c.model.hidden));
    const double above = static_cast<double>(cell_param_count(c.model.cell, c.model.hidden, c.model.hidden));
    params = first + static_cast<double>(c.model.layers - 1) * above;
  } else {
    params = static_cast<double>(shape.gates) * static_cast<double>(H) * static_cast<double>(H);  // a lower bound
  }
  params += static_cast<double>(info.output_size) * static_cast<double>(H + 1);
  e.parameters = params >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(params);
  const uint64_t dense_in = info.input_kind == InputKind::dense ? static_cast<uint64_t>(info.input_size) : 0;
  // Per step and lane: each layer's state and cache rows (the tape), the two gradient buffers of
  // Tape::backward (2H), the dense input.
  const double per_step = static_cast<double>(c.model.layers) * static_cast<double>(shape.state + shape.cache) *
                              static_cast<double>(H) +
                          2.0 * static_cast<double>(H) + static_cast<double>(dense_in);
  const double act = 4.0 * static_cast<double>(c.train.batch) * static_cast<double>(e.window) * per_step;
  const double total = act + 16.0 * params;
  e.bytes = total >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(total);
  return e;
}

uint64_t memory_limit_bytes() {
  if (const uint64_t o = g_limit_override.load()) return o;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return UINT64_MAX;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
}

void set_memory_limit(uint64_t bytes) { g_limit_override.store(bytes); }

std::string format_bytes(uint64_t bytes) {
  char buf[64];
  const double gib = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  if (gib >= 1.0)
    std::snprintf(buf, sizeof buf, "%.1f GiB", gib);
  else
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace tbptt
