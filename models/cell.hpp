// The recurrent cell interface: one layer of a stack, run over a window of T steps of B lanes.
// Each cell's equations are in its own header (rnn_cell.hpp, lstm_cell.hpp, gru_cell.hpp, ...);
// cell_registry.hpp lists the cells by name.
//
// Storage the caller owns (Tape sizes it once; nothing here allocates once it is sized):
//   states (state_rows, (T+1)*B): block 0 is the state entering the window; forward writes block
//          t+1 = the state after step t. A state's top H rows are the output h (the LSTM stacks c
//          below it).
//   cache  (cache_rows, T*B): what backward needs beyond the states (e.g. gate activations).
//   reset  (T*B) 0/1: lane b starts an episode at step t. Step t then reads a zero state, and no
//          gradient flows into the state before it.
//   ws     a CellWorkspace: all scratch. A cell holds no mutable state, so one const Network may
//          serve several threads, each with its own tapes and workspaces.
// Only the recurrent product is sequential. The input projection of the window is one GEMM, and
// the weight gradients of the window are one GEMM each over its T*B columns (DESIGN.md section 4).
//
// The reset protocol lives here, not in the cells: forward() and backward() run the time loop,
// hand each step the entering state with reset lanes already zeroed (entering_state), zero the
// reset lanes of dstate after each backward step, and cells zero the reset columns of the gate
// gradients before the Wh product (zero_reset_columns).
//
// THE BACKWARD CONTRACT (every cell follows it; Tape::backward builds on it):
//   g       parameter gradients ACCUMULATE (+=): the caller zeroes g once per update.
//   dx      if non-null, the gradient w.r.t. a dense input ACCUMULATES (+=) into it (I, T*B):
//           the caller zeroes it (Tape does). Token inputs have no dx.
//   dstate  (state_rows, B) IN/OUT, replaced: on entry the gradient arriving at the state after
//           step T-1 (zero if none), on return the gradient w.r.t. the entering state (block 0),
//           zero in lanes that reset at step 0.
//   dh      (H, T*B) read only: the gradient of the loss w.r.t. each step's output h.
//   states, cache, x, reset: read only (as forward left them).
#pragma once

#include <memory>
#include <string>

#include "models/gemm.hpp"
#include "models/init.hpp"
#include "models/params.hpp"
#include "models/tensor.hpp"

namespace tbptt {

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

// A cell's row counts, in multiples of H. Each cell states its own (kShape in its header) and the
// registry reads them from there.
struct CellShape {
  Index gates;     // G / H: rows of Wx and b (the gate pre-activations)
  Index state;     // state_rows / H
  Index cache;     // cache_rows / H
  Index gradient;  // rows of the per-step gate gradients dA that backward folds in blocks, / H
  Index step;      // rows of the per-step scratch (CellWorkspace::step), / H
};

// The scratch of one cell, owned by the caller (one per layer of a Tape). Cell::reserve sizes it
// for a window; forward and backward only grow it when given a larger window than reserved.
template <class S>
struct CellWorkspace {
  Matrix<S> dA;       // (gradient rows, block*B) gate gradients of one block of steps
  Matrix<S> step;     // (step rows, B) per-step products and temporaries
  Matrix<S> prev;     // (state_rows, B) the entering state with reset lanes zeroed
  PackedMatrix<S> wh;    // (G, H) Wh packed once per forward window for the per-step products
  PackedMatrix<S> wh_t;  // (H, G) Wh^T packed once per backward window (models/gemm.hpp)
  Matrix<S> weights;     // for cells that multiply by parts of Wh^T (MGU): Wh^T, (H, G)
};

template <class S>
class Cell {
 public:
  Cell(const CellShape& shape, Index input, Index hidden);
  virtual ~Cell() = default;

  const CellShape& shape() const { return shape_; }
  Index input_size() const { return input_; }
  Index hidden_size() const { return hidden_; }
  Index gate_rows() const { return shape_.gates * hidden_; }    // G
  Index state_rows() const { return shape_.state * hidden_; }
  Index cache_rows() const { return shape_.cache * hidden_; }

  // Multiply-adds per token (one lane, one step) of the recurrent and of the input product (2 FLOPs
  // each); the gate arithmetic is O(G) and left out. Default: a (G x H) Wh and a (G x I) Wx.
  virtual double recurrent_macs() const;
  virtual double input_macs() const;

  // Backward holds the gate gradients of at most this many steps at once, and folds them into
  // the weight gradients block by block: the scratch is fixed whatever the window (so memory
  // grows with k2 only through the tape), while each weight-gradient GEMM still spans about
  // backward_columns() columns (default kBackwardColumns).
  static constexpr Index kBackwardColumns = 2048;
  Index backward_columns() const { return backward_columns_; }
  void set_backward_columns(Index columns);
  Index backward_block_steps(Index B) const { return std::max<Index>(1, (backward_columns_ + B - 1) / B); }

  // Sizes ws for windows of up to `steps` steps of B lanes, so that forward/backward allocate
  // nothing afterwards.
  void reserve(CellWorkspace<S>& ws, Index steps, Index B) const;

  // Default: registers prefix.Wx (G, I), prefix.Wh (G, H), prefix.b (G) (gate blocks stacked in
  // the cell's order). A cell with other tensors overrides it (and init).
  virtual void add_params(ParamLayout& layout, const std::string& prefix);
  // Default: init_gates then init_recurrent (see below), i.e. the scheme of models/init.hpp.
  virtual void init(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const;

  // Runs steps 0..T-1: reads states block 0, writes states blocks 1..T and the cache.
  void forward(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> states, View<S> cache,
               const uint8_t* reset, Index T, Index B, CellWorkspace<S>& ws) const;

  // Back-propagates through steps T-1..0 of a forward() whose states and cache are given, under
  // the contract above.
  void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, ConstView<S> states,
                ConstView<S> cache, const uint8_t* reset, ConstView<S> dh, View<S> dstate, View<S>* dx,
                Index T, Index B, CellWorkspace<S>& ws) const;

 protected:
  // --- What a cell implements; the base class runs the loops and the reset protocol. ---
  // Writes what the steps need from the input for the whole window, e.g. pre = Wx x + b with
  // project_input. out (state_rows, T*B) = states blocks 1..T, cache (cache_rows, T*B).
  virtual void project_window(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> out, View<S> cache) const = 0;
  // One step: prev (state_rows, B) is the entering state (reset lanes zeroed); writes next
  // (state_rows, B) and completes the step's cache (cache_rows, B) from what project_window left.
  virtual void forward_step(const ParamBuffer<S>& p, ConstView<S> prev, View<S> next, View<S> cache,
                            CellWorkspace<S>& ws) const = 0;
  // Called once per forward window before the steps (default: ws.wh = Wh packed).
  virtual void prepare_forward(const ParamBuffer<S>& p, CellWorkspace<S>& ws) const;
  // Called once per backward window before the steps (default: ws.wh_t = Wh^T packed).
  virtual void prepare_backward(const ParamBuffer<S>& p, CellWorkspace<S>& ws) const;
  // One backward step: prev, next, cache, dh (H, B) as in forward; dstate in: the gradient at
  // next, out: the gradient at prev (the base then zeroes its reset lanes); dA (gradient rows, B)
  // overwritten with the step's gate gradients, which fold_block later turns into weight gradients.
  virtual void backward_step(const ParamBuffer<S>& p, ConstView<S> prev, ConstView<S> next, ConstView<S> cache,
                             ConstView<S> dh, View<S> dstate, View<S> dA, CellWorkspace<S>& ws) const = 0;
  // Folds the gate gradients dA (gradient rows, n*B) of a block of n steps into g and dx (+=).
  // x, entering (state_rows, n*B: the states entering each step, as stored), cache, reset and dx
  // are that block's columns. Default, for cells whose dA rows are those of Wx, b and Wh alike
  // (rnn, lstm): input side, then Wh once the reset columns are zeroed.
  virtual void fold_block(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x, View<S> dA,
                          ConstView<S> entering, ConstView<S> cache, const uint8_t* reset, View<S>* dx) const;

  // --- Helpers for cells. ---
  // Rows [row0, row0 + rows) of parameter (or gradient) tensor i as a view (all rows if rows < 0).
  static ConstView<S> param_view(const ParamBuffer<S>& p, Index i, Index row0 = 0, Index rows = -1) {
    const auto m = p[i];
    return ConstView<S>(m.data() + row0, rows < 0 ? m.rows() : rows, m.cols(), Eigen::OuterStride<>(m.rows()));
  }
  static View<S> param_view(ParamBuffer<S>& p, Index i, Index row0 = 0, Index rows = -1) {
    auto m = p[i];
    return View<S>(m.data() + row0, rows < 0 ? m.rows() : rows, m.cols(), Eigen::OuterStride<>(m.rows()));
  }
  // pre (R, T*B) = Wx x + b for rows [0, R) of Wx and b: one GEMM, or a gather for tokens.
  void project_input(const ParamBuffer<S>& p, const LayerInput<S>& x, View<S> pre) const;
  // The input-side gradients from dA (R, n*B) (rows of Wx/b that dA covers start at row0):
  // dWx += dA x^T (or a scatter for tokens), db += rowsum(dA), dx += Wx^T dA.
  void input_gradients(const ParamBuffer<S>& p, ParamBuffer<S>& g, const LayerInput<S>& x,
                       ConstView<S> dA, Index row0, View<S>* dx) const;
  // Zeroes column j of m where reset[j] is set: the state entering such a step is the constant
  // zero, so neither Wh (columns of dA) nor the state before it (columns of dstate) gets gradient.
  static void zero_reset_columns(View<S> m, const uint8_t* reset, Index n);
  // Fills Wx, Wh and b by the scheme (uniform: PyTorch's U(-1/sqrt(H), 1/sqrt(H)); xavier: Glorot
  // per gate block, biases zero), then init_recurrent (orthogonal gate blocks if asked). N.B. the
  // draw order is part of every result: a cell with extra tensors draws them between the two.
  void init_gates(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const;
  void init_recurrent(ParamBuffer<S>& p, const InitSpec& spec, Rng& rng) const;
  // A bias beyond b, by the scheme: U(-1/sqrt(H), 1/sqrt(H)) or zero.
  void init_bias(Eigen::Ref<Matrix<S>> bias, const InitSpec& spec, Rng& rng) const;

  CellShape shape_;
  Index input_, hidden_;
  Index iWx_ = -1, iWh_ = -1, ib_ = -1;
  Index backward_columns_ = kBackwardColumns;

 private:
  // The state a step reads, (state_rows, B): the stored block itself, or, when some lane resets
  // at this step, a copy (in ws.prev) with those lanes zeroed.
  ConstView<S> entering_state(ConstView<S> block, const uint8_t* reset_t, CellWorkspace<S>& ws) const;
};

}  // namespace tbptt
