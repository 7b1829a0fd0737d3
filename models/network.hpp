// A stack of recurrent layers and an output head (layer l+1 reads layer l's h), with one flat
// parameter layout: l0.* (the cell's tensors, e.g. l0.Wx, l0.Wh, l0.b), l1.*, ..., out.W, out.b.
// A Network is immutable once built (set_backward_columns aside): a const Network may be shared
// by threads, each with its own Tape.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/cell.hpp"
#include "models/cell_registry.hpp"
#include "models/head.hpp"
#include "models/params.hpp"

namespace tbptt {

enum class InputKind { dense, tokens };
const char* to_string(InputKind);

struct ModelSpec {
  std::string cell = "lstm";  // a name in cell_types()
  InputKind input_kind = InputKind::dense;
  HeadKind head = HeadKind::softmax_xent;
  Index input = 1;   // dense width, or vocabulary size for tokens
  Index hidden = 1;
  Index output = 1;
  Index layers = 1;
  HeadLayer head_layer = HeadLayer::linear;  // identity: the top h is the output (no out.W, out.b)
};

template <class S>
class Network {
 public:
  explicit Network(const ModelSpec& spec);

  const ModelSpec& spec() const { return spec_; }
  Index layers() const { return static_cast<Index>(cells_.size()); }
  const Cell<S>& cell(Index l) const { return *cells_[static_cast<size_t>(l)]; }
  const Head<S>& head() const { return head_; }
  const std::shared_ptr<const ParamLayout>& layout() const { return layout_; }

  // See Cell::backward_columns (a tuning knob; tests shrink it to exercise several blocks).
  void set_backward_columns(Index columns) {
    for (auto& c : cells_) c->set_backward_columns(columns);
  }

  ParamBuffer<S> make_buffer() const { return ParamBuffer<S>(layout_); }  // zeros
  void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const;

  // Multiply-adds x 2 (FLOPs) per token: forward, and forward plus backward, cells and head.
  double forward_flops_per_token() const;
  double train_flops_per_token() const;

 private:
  // The head's forward multiply-adds x 2 per token.
  double head_flops() const {
    return spec_.head_layer == HeadLayer::identity ? 0.0 : 2.0 * static_cast<double>(spec_.output * spec_.hidden);
  }

  ModelSpec spec_;
  std::vector<std::unique_ptr<Cell<S>>> cells_;
  Head<S> head_;
  std::shared_ptr<const ParamLayout> layout_;
};

}  // namespace tbptt
