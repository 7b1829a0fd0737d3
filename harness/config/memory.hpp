// Refusing settings that cannot fit in memory, before anything is allocated.
//
// Estimate (float32 runs), in bytes, of the four things a run holds at its peak:
//   parameters:  16 * parameters (weights, gradients, two optimizer moments), counted by the
//                cells' own add_params (models/cell_registry.hpp)
//   training:    4 * batch * window * (layers * (state + cache) + 2 hidden + dense width + 2 outputs)
//                the tape of the truncation policy's capacity (fixed: max(k1, k2) steps, the
//                longest episode for full): per layer the cell's state and cache rows (LSTM: h, c
//                and the four gates = 6H), the two gradient buffers of Tape::backward, the dense
//                input, and the head's logits and their gradient
//   evaluation:  4 * lanes * block * (layers * (state + cache) + 2 hidden + 2 * dense width + 3 * outputs + 3)
//                the evaluator's tape over blocks of up to 128 steps of its lanes (one per
//                eval.sequence for episodic tasks; the task's eval_lanes for streams), with the
//                block's inputs, logits, targets and per-column losses
//   fidelity:    (eval.fidelity only) the probe: min(batch, 16) lanes over one episode, or
//                4 * max(window, fidelity_lags, 16) steps of a stream (at most 4096), its tape,
//                two (hidden x steps x lanes) gradients and three more parameter buffers
// Evaluation and the probe run one after the other, while the trainer keeps its ring:
//   bytes = parameters + training + max(evaluation, fidelity)
// Everything is computed in double, so that absurd sizes (hidden 1e9) cannot wrap around.
// The limit is half of the physical memory (sysconf), so that parallel runs and the OS have room.
#pragma once

#include <cstdint>
#include <string>

#include "harness/train/run_config.hpp"

namespace tbptt {

struct MemoryEstimate {
  Index window = 0;          // training steps held: TruncationPolicy::tape_capacity()
  Index eval_lanes = 0, eval_block = 0;  // the evaluator's lanes and steps per block
  Index probe_lanes = 0, probe_steps = 0;  // the fidelity probe (0 when eval.fidelity is off)
  double parameters = 0;     // count of trainable values
  double parameter_bytes = 0, training_bytes = 0, eval_bytes = 0, fidelity_bytes = 0;
  double bytes = 0;          // the peak, as above
};

// `eval` is the task's evaluation plan for config.eval.sequences (Task::eval_plan_for).
MemoryEstimate estimate_memory(const RunConfig& config, const TaskInfo& info, const EvalPlan& eval);
// Half of the physical memory, or the value set by set_memory_limit (0 restores the default).
uint64_t memory_limit_bytes();
void set_memory_limit(uint64_t bytes);
// The most runs one sweep may have: 1,000,000, or fewer when the materialized run list that
// `tbptt run` holds (about kBytesPerRun each, measured: a 100,000-run sweep of the adding task,
// rnn hidden 8, peaks at 837 MB in its first 25 s, 8.0 KB per run: the experiment's RunSpecs and
// the plan's copy of those to run) would not fit in memory_limit_bytes(). The expansion and
// `tbptt validate` are lazy (sweep/run_list.hpp: 24 bytes per run, plus about 300 for the id maps
// and baseline settings of the streaming pass; 1,000,000 runs: 24-29 s, 330 MB).
constexpr uint64_t kMaxSweepRuns = 1000000;
constexpr uint64_t kBytesPerRun = 8 * 1024;
uint64_t max_sweep_runs();
// Why the cap is what it is: "a sweep may have" or "this machine's memory holds (...)".
std::string sweep_cap_reason();

// "12 KiB", "320 MiB", "1.5 GiB", "2.0 TiB", ... up to EiB ("5.6e+14 EiB" beyond 10000 EiB).
std::string format_bytes(double bytes);

}  // namespace tbptt
