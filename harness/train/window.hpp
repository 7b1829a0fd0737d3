// Window: a chunk or back-propagation length, either `full` or a number of steps n >= 1.
//
// A value type, so that `full` is never spelt as a magic 0: Window(n) throws for n < 1, and
// code that needs a number resolves `full` explicitly with resolve(full_steps).
#pragma once

#include <stdexcept>
#include <string>

#include "models/tensor.hpp"

namespace tbptt {

class Window {
 public:
  // Implicit from a step count, so that `k1 = 5` reads naturally; n < 1 is an error.
  Window(Index n) : n_(n) {  // NOLINT(google-explicit-constructor)
    if (n < 1) throw std::invalid_argument("a window is full or at least 1 step, got " + std::to_string(n));
  }
  static Window full() { return Window(); }

  bool is_full() const { return n_ == kFull; }
  // The number of steps; throws for full (callers that accept full use resolve()).
  Index steps() const {
    if (is_full()) throw std::logic_error("Window::steps() of a full window");
    return n_;
  }
  // The number of steps, `full` read as full_steps.
  Index resolve(Index full_steps) const { return is_full() ? full_steps : n_; }

  friend bool operator==(Window a, Window b) { return a.n_ == b.n_; }
  friend bool operator!=(Window a, Window b) { return a.n_ != b.n_; }
  friend bool operator==(Window a, Index n) { return !a.is_full() && a.n_ == n; }
  friend bool operator!=(Window a, Index n) { return !(a == n); }

  std::string text() const { return is_full() ? std::string("full") : std::to_string(n_); }

 private:
  Window() : n_(kFull) {}
  static constexpr Index kFull = -1;
  Index n_;
};

}  // namespace tbptt
