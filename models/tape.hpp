// The tape: the last `capacity` steps of every layer, for B lanes, as one contiguous window.
//
// Steps are stored oldest first in columns [t*B, (t+1)*B). For each layer, state block 0 is the
// state entering stored step 0 and block t+1 the state after step t, so any suffix of the stored
// steps is a contiguous window whose entering state is stored too.
//
// N.B. This is a sliding window rather than a circular ring: slide(keep) moves the newest `keep`
// steps to the front before the next chunk is appended. A window therefore never wraps, so the
// input projection and the weight gradients of a whole window stay one GEMM each. The copy costs
// O(keep * B * rows) once per update, small beside the GEMMs. Memory is fixed by the capacity
// (max(k1, k2) steps) and never grows with the stream.
#pragma once

#include <vector>

#include "models/network.hpp"

namespace tbptt {

template <class S>
class Tape {
 public:
  Tape(const Network<S>& net, Index capacity, Index lanes);

  const Network<S>& network() const { return *net_; }
  Index capacity() const { return capacity_; }
  Index lanes() const { return lanes_; }
  Index size() const { return size_; }  // steps stored

  // Appends n steps (size += n; throws if that exceeds the capacity). Their inputs and reset flags
  // are then written through dense_input / tokens / reset before forward().
  void append(Index n);
  // Keeps the newest `keep` stored steps (and the state entering them), moved to the front.
  void slide(Index keep);
  void clear() { size_ = 0; }

  View<S> dense_input(Index t0, Index n);   // (I, n*B)
  int32_t* tokens(Index t0);                // (n*B)
  uint8_t* reset(Index t0);                 // (n*B)
  const uint8_t* reset(Index t0) const;

  // The state of layer l at block k (0 = entering stored step 0), (state_rows, B).
  View<S> state(Index l, Index block);
  ConstView<S> state(Index l, Index block) const;
  // The top layer's h after steps [t0, t0+n), (H, n*B): what the head reads.
  ConstView<S> top_h(Index t0, Index n) const;

  // Sets the state entering stored step 0 of every layer (e.g. the state carried from the last
  // chunk); `from` holds one (state_rows, B) matrix per layer.
  void set_entering_state(const std::vector<Matrix<S>>& from);
  // Copies the state after the newest stored step into `to` (resized per layer).
  void final_state(std::vector<Matrix<S>>& to) const;

  // Runs every layer over stored steps [t0, t0+n), starting from the states at block t0.
  void forward(const ParamBuffer<S>& p, Index t0, Index n);

  // Back-propagates through stored steps [t0, t0+n), layers top to bottom.
  //   dh_top (H, n*B): gradient w.r.t. the top layer's h at those steps (from the head).
  //   dstate_end: per layer (state_rows, B), the gradient arriving after step t0+n-1, or empty
  //               for zero. Gradients accumulate into g. On return, dstate_entering (if non-null)
  //               holds per layer the gradient w.r.t. the state entering step t0.
  //   dx (I, n*B) if non-null is overwritten with the gradient w.r.t. dense inputs (the cells
  //               accumulate into it, after Tape zeroes it).
  void backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, Index t0, Index n, ConstView<S> dh_top,
                const std::vector<Matrix<S>>* dstate_end = nullptr,
                std::vector<Matrix<S>>* dstate_entering = nullptr, View<S>* dx = nullptr);

  // Bytes held for stored steps (states, caches, inputs, flags): the activation memory.
  size_t bytes() const;

 private:
  LayerInput<S> layer_input(Index l, Index t0, Index n) const;

  const Network<S>* net_;
  Index capacity_, lanes_;
  Index size_ = 0;
  std::vector<Matrix<S>> states_;  // per layer (state_rows, (capacity+1)*B)
  std::vector<Matrix<S>> caches_;  // per layer (cache_rows, capacity*B)
  Matrix<S> dense_;                // (I, capacity*B), dense inputs only
  std::vector<int32_t> tokens_;    // (capacity*B), token inputs only
  std::vector<uint8_t> reset_;     // (capacity*B)
  // Backward scratch: the gradient w.r.t. h of the layer being processed and of the one below.
  Matrix<S> dh_a_, dh_b_;
  std::vector<Matrix<S>> dstate_;
  std::vector<CellWorkspace<S>> work_;  // per layer, sized for the capacity at construction
};

}  // namespace tbptt
