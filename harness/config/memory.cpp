#include "harness/config/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "harness/train/truncation.hpp"

namespace tbptt {
namespace {

std::atomic<uint64_t> g_limit_override{0};

uint64_t gates(CellKind c) { return c == CellKind::rnn ? 1 : c == CellKind::gru ? 3 : 4; }

}  // namespace

MemoryEstimate estimate_memory(const RunConfig& c, const TaskInfo& info) {
  MemoryEstimate e;
  // The steps the tape holds are the truncation policy's decision (harness/train/truncation.hpp).
  e.window = TruncationPolicy(c.train.tbptt, info.max_episode_length, info.aligned_episodes, 0).tape_capacity();
  const uint64_t H = static_cast<uint64_t>(c.model.hidden);
  const uint64_t G = gates(c.model.cell) * H;
  uint64_t params = 0;
  for (Index l = 0; l < c.model.layers; ++l) {
    const uint64_t in = l == 0 ? static_cast<uint64_t>(info.input_size) : H;
    params += G * (in + H + 1) + (c.model.cell == CellKind::gru ? H : 0);
  }
  params += static_cast<uint64_t>(info.output_size) * (H + 1);
  e.parameters = params;
  const uint64_t dense_in = info.input_kind == InputKind::dense ? static_cast<uint64_t>(info.input_size) : 0;
  // Computed in double: absurd settings must not wrap around.
  const double act = 4.0 * static_cast<double>(c.train.batch) * static_cast<double>(e.window) *
                     (static_cast<double>(c.model.layers) * 7.0 * static_cast<double>(H) + static_cast<double>(dense_in));
  const double total = act + 16.0 * static_cast<double>(params);
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
