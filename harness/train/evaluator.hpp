// Evaluation over whole held-out sequences (DESIGN.md section 1): the model runs over the whole
// held-out stream with its state carried, never truncated, at fixed parameters. It uses its own
// tape and stream, so it changes neither the training state nor the training random streams.
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

template <class S>
EvalResult evaluate(const Network<S>& net, const ParamBuffer<S>& params, const Task& task, Index sequences,
                    Split split, uint64_t seed);

}  // namespace tbptt
