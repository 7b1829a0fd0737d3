// What each parameter tensor is, for the rules that treat kinds of parameters differently (a
// toolkit's per-weight gradient scaling, its per-step output-layer update).
//
// Read from the tensor names of the parameter layout (models/params.hpp), the one thing the
// harness knows of a cell's parameters: `out.*` is the output head, `lN.Wx` a layer's input
// weights (for layer 0 on token inputs, the embedding: one column per token), `lN.Wh` its
// recurrent weights, and any other tensor of a layer (b, bhn, ...) a bias.
#pragma once

#include <vector>

#include "models/params.hpp"

namespace tbptt {

enum class ParamRole { input, embedding, recurrent, bias, head };

// Factors on the gradient of each role; 1 leaves it as the backward pass computed it.
struct GradScale {
  double input = 1, embedding = 1, recurrent = 1, bias = 1;
  bool identity() const { return input == 1 && embedding == 1 && recurrent == 1 && bias == 1; }
  double of(ParamRole role) const;
};

// The role of every tensor of the layout, in layout order.
std::vector<ParamRole> param_roles(const ParamLayout& layout, bool token_input);

}  // namespace tbptt
