// The recurrent cell interface: one layer of a stack, run over a window of T steps of B lanes.
//
// Equations (gates stacked in this order in Wx (G, I), Wh (G, H) and b (G)):
//   rnn:  h' = tanh(Wx x + b + Wh h)                                           G = H
//   lstm: a = Wx x + b + Wh h; i, f, o = sigmoid(a_i, a_f, a_o); g = tanh(a_g)   G = 4H
//         c' = f*c + i*g; h' = o*tanh(c')    (Hochreiter & Schmidhuber 1997; gates i, f, g, o)
//   gru:  r = sigmoid(Wx_r x + b_r + Wh_r h); z = sigmoid(Wx_z x + b_z + Wh_z h)  G = 3H
//         n = tanh(Wx_n x + b_n + r*(Wh_n h + bhn)); h' = (1-z)*n + z*h   (Cho et al. 2014,
//         PyTorch's placement of r; gates r, z, n; extra bias bhn (H))
//
// Storage the caller owns (Tape sizes it once; nothing here allocates per step):
//   states (state_rows, (T+1)*B): block 0 is the state entering the window; forward writes block
//          t+1 = the state after step t. A state is h (H rows), or for the LSTM h above c (2H rows).
//   cache  (cache_rows, T*B): what backward needs beyond the states (LSTM: i, f, g, o after their
//          nonlinearities; GRU: r, z, n and Wh_n h + bhn; rnn: nothing).
//   reset  (T*B) 0/1: lane b starts an episode at step t. Step t then reads a zero state, and no
//          gradient flows into the state before it.
// Only the recurrent product is sequential. The input projection of the window is one GEMM, and
// the weight gradients of the window are one GEMM each over its T*B columns (DESIGN.md section 4).
#pragma once

#include <memory>
#include <string>

#include "models/init.hpp"
#include "models/params.hpp"
#include "models/tensor.hpp"

namespace tbptt {

enum class CellKind { rnn, lstm, gru };
const char* to_string(CellKind);

// The input of a layer over a window: dense columns (I, T*B), or token ids (T*B) that select
// columns of Wx (a one-hot product done as a gather).
template <class S>
struct LayerInput {
  LayerInput(ConstView<S> d) : dense(d) {}  // NOLINT: a dense view is a layer input
  explicit LayerInput(const int32_t* t) : tokens(t) {}
  ConstView<S> dense{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  const int32_t* tokens = nullptr;
};

// Steps [col0 / B, (col0 + cols) / B) of a layer input, as columns [col0, col0 + cols).
template <class S>
LayerInput<S> slice(const LayerInput<S>& x, Index col0, Index cols) {
  if (x.tokens) return LayerInput<S>(x.tokens + col0);
  return sub(x.dense, 0, x.dense.rows(), col0, cols);
}

template <class S>
class Cell {
 public:
  Cell(CellKind kind, Index input, Index hidden);
  virtual ~Cell() = default;

  CellKind kind() const { return kind_; }
  Index input_size() const { return input_; }
  Index hidden_size() const { return hidden_; }
  Index gate_rows() const;   // G
  Index state_rows() const;  // H, or 2H for the LSTM
  Index cache_rows() const;  // 0 (rnn), 4H (lstm, gru)

  // Backward holds the gate gradients of at most this many steps at once, and folds them into
  // the weight gradients block by block: the scratch is fixed whatever the window (so memory
  // grows with k2 only through the tape), while each weight-gradient GEMM still spans about
  // backward_columns() columns (default kBackwardColumns).
  static constexpr Index kBackwardColumns = 2048;
  Index backward_columns() const { return backward_columns_; }
  void set_backward_columns(Index columns);
  Index backward_block_steps(Index B) const { return std::max<Index>(1, (backward_columns_ + B - 1) / B); }

  // Registers prefix.Wx (G, I), prefix.Wh (G, H), prefix.b (G) and, for the GRU, prefix.bhn (H).
  void add_params(ParamLayout& layout, const std::string& prefix);
  void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const;

  // Runs steps 0..T-1: reads states block 0, writes states blocks 1..T and the cache.
  virtual void forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
                       const uint8_t* reset, Index T, Index B) const = 0;

  // Back-propagates through steps T-1..0 of a forward() whose states and cache are given.
  //   dh     (H, T*B): gradient of the loss w.r.t. each step's output h (from the head or the
  //          layer above); read only.
  //   dstate (state_rows, B): in: the gradient arriving at the state after step T-1; out: the
  //          gradient w.r.t. the entering state (block 0), zero in lanes that reset at step 0.
  //   g      accumulates (+=) the gradients of this layer's parameters.
  //   dx     if non-null, overwritten with the gradient w.r.t. a dense input (I, T*B).
  virtual void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                        ConstView<S> states, ConstView<S> cache, const uint8_t* reset,
                        ConstView<S> dh, View<S> dstate, View<S>* dx, Index T, Index B) const = 0;

 protected:
  // pre (G, T*B) = Wx x + b for the whole window: one GEMM, or a gather for tokens.
  void project_input(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> pre) const;
  // The input-side gradients of the window from dA (G, T*B) (rows of Wx/b that dA covers start
  // at row0): dWx += dA x^T (or a scatter for tokens), db += rowsum(dA), dx (+)= Wx^T dA.
  void input_gradients(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                       ConstView<S> dA, Index row0, View<S>* dx, bool accumulate_dx) const;
  // Folds the gate gradients dA (G, n*B) of steps [lo, lo + n) into the weight gradients, for
  // cells whose dA rows are those of both Wx and Wh (rnn, lstm): input side first, then Wh once
  // the reset columns are zeroed. dx (all steps) receives the block's input gradient.
  void fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                  ConstView<S> states, const uint8_t* reset, Index lo, Index n, Index B, View<S>* dx) const;
  // Zeroes column j of m where reset[j] is set: the state entering such a step is the constant
  // zero, so neither Wh (columns of dA) nor the state before it (columns of dstate) gets gradient.
  static void zero_reset_columns(View<S> m, const uint8_t* reset, Index n);
  // Wh^T as a column-major copy (H, G), made once per backward window: the per-step product
  // Wh^T dA then runs as a plain GEMM, instead of re-packing the transposed Wh at every step
  // (measured with perf: that packing took about 8% of an LSTM update at H = 256).
  const Matrix<S>& transposed_wh(const ParamBuffer<S>& p) const;
  // The state a step reads, (state_rows, B): the stored block itself, or, when some lane resets
  // at this step, a copy (in prev_) with those lanes zeroed.
  ConstView<S> entering_state(ConstView<S> block, const uint8_t* reset_t) const;

  CellKind kind_;
  Index input_, hidden_;
  Index iWx_ = -1, iWh_ = -1, ib_ = -1, ibhn_ = -1;
  Index backward_columns_ = kBackwardColumns;
  // Per-window scratch, grown once to the largest window (a cell belongs to one run's thread).
  mutable Matrix<S> dA_;      // (G or 4H, block*B) gate gradients of one block of steps
  mutable Matrix<S> step_;    // (G, B) the recurrent product of one step
  mutable Matrix<S> prev_;    // (state_rows, B) the entering state with reset lanes zeroed
  mutable Matrix<S> wh_t_;    // (H, G) Wh^T for the backward products
};

template <class S>
std::unique_ptr<Cell<S>> make_cell(CellKind kind, Index input, Index hidden);

}  // namespace tbptt
