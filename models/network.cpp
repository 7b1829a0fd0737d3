#include "models/network.hpp"

#include <string>

#include "models/check.hpp"

namespace tbptt {

const char* to_string(InputKind k) { return k == InputKind::dense ? "dense" : "tokens"; }

template <class S>
Network<S>::Network(const ModelSpec& spec) : spec_(spec), head_(spec.head, spec.hidden, spec.output, spec.head_layer) {
  TBPTT_CHECK(spec.layers >= 1, "a network needs at least 1 layer, got " << spec.layers);
  ParamLayout layout;
  for (Index l = 0; l < spec.layers; ++l) {
    cells_.push_back(make_cell<S>(spec.cell, l == 0 ? spec.input : spec.hidden, spec.hidden));
    cells_.back()->add_params(layout, "l" + std::to_string(l));
  }
  head_.add_params(layout);
  layout_ = std::make_shared<const ParamLayout>(std::move(layout));
}

template <class S>
void Network<S>::init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const {
  TBPTT_CHECK(p.flat().size() == layout_->size(), "parameter buffer has " << p.flat().size()
                                                      << " values, the network needs " << layout_->size());
  for (const auto& c : cells_) c->init(p, spec, rng);
  head_.init(p, spec.scheme == InitScheme::xavier, rng);
}

// FLOPs (2 per multiply-add) of the matrix products, per token (one lane, one step); the gate
// arithmetic is O(G) per token and left out. Per layer, from the cell (Cell::recurrent_macs,
// input_macs): forward, the recurrent product (2 R) and the input product (2 X, none for token
// inputs, which are gathers); backward, dWh and dh (4 R), dWx (2 X) and, above layer 0, dx (2 X).
// Head: 2OH forward, 4OH backward (none for an identity head).
template <class S>
double Network<S>::forward_flops_per_token() const {
  double f = head_flops();
  for (Index l = 0; l < layers(); ++l) {
    const bool gather = l == 0 && spec_.input_kind == InputKind::tokens;
    f += 2.0 * cell(l).recurrent_macs() + (gather ? 0.0 : 2.0 * cell(l).input_macs());
  }
  return f;
}

template <class S>
double Network<S>::train_flops_per_token() const {
  double f = 3.0 * head_flops();
  for (Index l = 0; l < layers(); ++l) {
    const double rec = 2.0 * cell(l).recurrent_macs();
    const double in = (l == 0 && spec_.input_kind == InputKind::tokens) ? 0.0 : 2.0 * cell(l).input_macs();
    f += 3.0 * rec + (l == 0 ? 2.0 : 3.0) * in;
  }
  return f;
}

template class Network<float>;
template class Network<double>;

}  // namespace tbptt
