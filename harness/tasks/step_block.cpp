// StepBlock::resize: sizes a block for (steps, lanes) with zero contents. std::vector::assign and
// Eigen's resize keep their storage when the size does not change, so a stream that is asked for
// chunks of the same length does not allocate after the first one.
#include <algorithm>

#include "harness/tasks/task.hpp"

namespace tbptt {

void StepBlock::resize(Index steps_in, Index lanes_in, InputKind in, Index input, HeadKind head,
                       Index output) {
  steps = steps_in;
  lanes = lanes_in;
  const Index n = steps * lanes;
  const auto un = static_cast<size_t>(n);
  if (in == InputKind::dense) {
    resize_safely(x, input, n);  // N.B. Eigen's resize() double-frees when its allocation throws
    x.setZero();
    tokens.clear();
  } else {
    x.resize(0, 0);
    tokens.assign(un, 0);
  }
  if (head == HeadKind::softmax_xent) {
    classes.assign(un, 0);
    values.resize(0, 0);
  } else {
    classes.clear();
    resize_safely(values, output, n);
    values.setZero();
  }
  mask.assign(un, 0);
  reset.assign(un, 0);
  score.assign(un, 0);
}

}  // namespace tbptt
