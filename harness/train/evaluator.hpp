// Evaluation over whole held-out sequences (DESIGN.md section 1): the model runs over the whole
// held-out stream with its state carried, never truncated, at fixed parameters. It uses its own
// tape and stream, so it changes neither the training state nor the training random streams.
// (context.hpp evaluates with the state reset periodically, to measure the context used.)
#pragma once

#include <map>
#include <string>

#include "harness/tasks/task.hpp"
#include "models/tape.hpp"

namespace tbptt {

struct EvalResult {
  double loss = 0;      // mean per-entry loss over the masked entries (nats for softmax heads)
  Index count = 0;      // masked entries
  double score = 0;     // accuracy (argmax == class) or error rate (squared error > threshold)
  Index scored = 0;     // entries that count for the score
  // "loss", plus "bpc" (softmax heads) and the task's score metric ("accuracy" or "error_rate").
  std::map<std::string, double> metrics(const TaskInfo& info) const;
};

// reset_every = L > 0 also zeroes the state every L steps within each sequence, aligned to the
// sequence's start s (before steps s + L, s + 2L, ...; a text or stream lane is one sequence
// starting at the held-out stream's first step); the entries scored are the same. 0: never.
template <class S>
EvalResult evaluate(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index sequences,
                    Split split, uint64_t seed, Index reset_every = 0);

}  // namespace tbptt
