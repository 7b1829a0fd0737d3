// Context utilisation: how much of the past the trained model actually uses at test time.
//
// Truncation limits how far back training assigns credit (k2), not what the hidden state can
// carry (Mikolov 2012, sec. 3.2: a network trained with short truncation still keeps information
// for longer). To measure it, the held-out data is evaluated with the state reset every L steps
// for each L of a list; the metric against L is the context-utilisation curve, and "never" (no
// extra reset) is the ordinary evaluation. The report's effective context is the smallest L whose
// metric is within the tolerance of the never-reset metric.
//
// Alignment: resets fall at s, s + L, s + 2L, ... of every held-out sequence starting at step s
// (an episode of an episodic task; for streams and text, each lane's held-out stream from its
// first step). A prediction at offset t of its sequence therefore sees the last (t mod L) + 1
// inputs: a dependency reaching d steps back is whole at every offset only when L >= the
// sequence length, and cut at every offset t >= d when L <= d.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/train/evaluator.hpp"

namespace tbptt {

struct ContextCurve {
  std::vector<Index> periods;                          // the L values, increasing
  std::vector<std::map<std::string, double>> metrics;  // EvalResult::metrics per L
};

// The longest held-out sequence of a task: its longest episode, or for streams and text the
// whole held-out stream of one lane (eval_plan_for(split, sequences).steps).
Index longest_heldout_sequence(const Task& task, Split split, Index sequences);

// The default periods 1, 2, 4, ... strictly below `longest` (a period >= the longest sequence
// would equal "never"); {} when longest <= 1.
std::vector<Index> default_reset_periods(Index longest);

// Evaluates the model at each period (sorted, duplicates dropped), same sequences and seed as
// evaluate(); parameters are read only.
template <class S>
ContextCurve context_utilisation(const Network<S>& net, const ParamBuffer<S>& params, const Task& task,
                                 Index sequences, Split split, uint64_t seed, std::vector<Index> periods);

}  // namespace tbptt
