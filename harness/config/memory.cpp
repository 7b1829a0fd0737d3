#include "harness/config/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "harness/train/truncation.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

std::atomic<uint64_t> g_limit_override{0};

// Beyond this many units per layer the exact count (the cell's own add_params, in 64-bit sizes)
// could overflow; such a model cannot fit in memory anyway.
constexpr uint64_t kCountable = uint64_t{1} << 24;

// Evaluation blocks: the evaluator's kBlock (harness/train/evaluator.cpp).
constexpr Index kEvalBlock = 128;
// The fidelity probe: harness/train/fidelity.cpp (lanes, stream probe length and its cap).
constexpr Index kProbeLanes = 16, kProbeMinReach = 16, kProbeMaxSteps = 4096;

}  // namespace

MemoryEstimate estimate_memory(const RunConfig& c, const TaskInfo& info, const EvalPlan& eval) {
  MemoryEstimate e;
  // The steps the tape holds are the truncation policy's decision (harness/train/truncation.hpp).
  e.window = TruncationPolicy(c.train.tbptt, info.max_episode_length, info.aligned_episodes, 0).tape_capacity();
  const double H = static_cast<double>(c.model.hidden), L = static_cast<double>(c.model.layers);
  const double O = static_cast<double>(info.output_size);
  const CellShape& shape = cell_type(c.model.cell).shape;
  const bool countable = static_cast<uint64_t>(c.model.hidden) <= kCountable &&
                         static_cast<uint64_t>(info.input_size) <= kCountable;
  double params = 0;
  if (countable) {
    const Index in = std::max<Index>(1, info.input_size);
    params = static_cast<double>(cell_param_count(c.model.cell, in, c.model.hidden)) +
             (L - 1.0) * static_cast<double>(cell_param_count(c.model.cell, c.model.hidden, c.model.hidden));
  } else {
    params = static_cast<double>(shape.gates) * H * H * L;  // a lower bound
  }
  if (c.model.head == HeadLayer::linear) params += O * (H + 1);
  e.parameters = params;
  const double dense = info.input_kind == InputKind::dense ? static_cast<double>(info.input_size) : 0;
  // Per step and lane: each layer's state and cache rows (the tape) and the two gradient buffers
  // of Tape::backward (2H).
  const double per_step = L * static_cast<double>(shape.state + shape.cache) * H + 2.0 * H;

  e.parameter_bytes = 16.0 * params;
  e.training_bytes = 4.0 * static_cast<double>(c.train.batch) * static_cast<double>(e.window) * (per_step + dense + 2 * O);

  e.eval_lanes = std::max<Index>(1, eval.lanes);
  e.eval_block = std::min<Index>(kEvalBlock, std::max<Index>(1, eval.steps));
  e.eval_bytes = 4.0 * static_cast<double>(e.eval_lanes) * static_cast<double>(e.eval_block) *
                 (per_step + 2 * dense + 3 * O + 3);

  if (c.eval.fidelity) {
    e.probe_lanes = std::min<Index>(c.train.batch, kProbeLanes);
    const Index reach = std::max<Index>({e.window, c.eval.fidelity_lags, kProbeMinReach});
    e.probe_steps = info.aligned_episodes && info.max_episode_length > 0
                        ? info.max_episode_length
                        : std::min<Index>(reach > kProbeMaxSteps ? kProbeMaxSteps : 4 * reach, kProbeMaxSteps);
    const double cols = static_cast<double>(e.probe_lanes) * static_cast<double>(e.probe_steps);
    e.fidelity_bytes = 4.0 * cols * (per_step + dense + 2 * O + 2 * H) + 12.0 * params;
  }
  e.bytes = e.parameter_bytes + e.training_bytes + std::max(e.eval_bytes, e.fidelity_bytes);
  return e;
}

uint64_t memory_limit_bytes() {
  if (const uint64_t o = g_limit_override.load()) return o;
  // Read once: sysconf(_SC_PHYS_PAGES) is a system call, and every run of a sweep is checked.
  static const uint64_t kHalf = [] {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return UINT64_MAX;
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
  }();
  return kHalf;
}

void set_memory_limit(uint64_t bytes) { g_limit_override.store(bytes); }

uint64_t max_sweep_runs() { return std::min(kMaxSweepRuns, memory_limit_bytes() / kBytesPerRun); }

std::string sweep_cap_reason() {
  if (max_sweep_runs() == kMaxSweepRuns) return "a sweep may have";
  return "this machine can hold (about " + format_bytes(static_cast<double>(kBytesPerRun)) + " per run within " +
         format_bytes(static_cast<double>(memory_limit_bytes())) + ", half of the physical memory)";
}

std::string format_bytes(double bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  char buf[64];
  double v = bytes / 1024.0;
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++u;
  }
  if (u <= 1)
    std::snprintf(buf, sizeof buf, "%.0f %s", v, kUnits[u]);
  else if (v >= 10000.0)
    std::snprintf(buf, sizeof buf, "%.2g %s", v, kUnits[u]);
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

}  // namespace tbptt
