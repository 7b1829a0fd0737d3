// Finite-difference machinery shared by the model tests.
//
// A GradProblem is a small random network (double) with a filled Tape of T steps: parameters,
// entering state, dense inputs and final-state weights ~ U(-0.5, 0.5), random token ids, class ids
// and regression targets, a mask with optional zeros and optional resets at (step, lane) entries.
// Its loss over the stored steps [t0, T), with the state entering step t0 held constant, is
//   L = sum over the masked-in columns of steps [t0, T) of the head loss
//       + sum_l sum(w_l .* state_l after step T-1)
// so a nonzero gradient also arrives at the last state (passed to Tape::backward as dstate_end).
// For t0 = 0 the entering state is set through Tape::set_entering_state on every evaluation.
//
// compare() perturbs one tensor entry by entry in place (central differences) and reports the
// per-tensor relative error max|a-n| / max(1e-8, max|a| + max|n|), with the worst entry.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/network.hpp"
#include "models/rng.hpp"
#include "models/tape.hpp"

namespace tbptt::test {

inline constexpr double kGradTolerance = 1e-6;
inline constexpr double kFdStep = 1e-5;

struct ProblemSpec {
  std::string cell = "lstm";
  Index layers = 1;
  HeadKind head = HeadKind::softmax_xent;
  HeadLayer head_layer = HeadLayer::linear;  // identity: needs O == H
  InputKind input = InputKind::dense;
  Index I = 3, H = 4, O = 3, B = 2, T = 5;
  std::vector<std::pair<Index, Index>> resets;  // (step, lane) entries that start an episode
  std::vector<std::pair<Index, Index>> masked;  // (step, lane) entries with mask 0
  uint64_t seed = 1;
  Index backward_columns = 0;  // > 0: Cell::set_backward_columns (several backward blocks)
};

inline std::string describe(const ProblemSpec& s) {
  std::ostringstream o;
  o << s.cell << ", " << s.layers << " layer(s), " << to_string(s.head)
    << (s.head_layer == HeadLayer::identity ? " (identity head)" : "") << ", "
    << to_string(s.input) << " input, " << s.resets.size() << " reset(s), " << s.masked.size()
    << " masked, I=" << s.I << " H=" << s.H << " O=" << s.O << " B=" << s.B << " T=" << s.T;
  return o.str();
}

inline ModelSpec model_spec(const ProblemSpec& s) {
  ModelSpec m;
  m.cell = s.cell;
  m.input_kind = s.input;
  m.head = s.head;
  m.input = s.I;
  m.hidden = s.H;
  m.output = s.O;
  m.layers = s.layers;
  m.head_layer = s.head_layer;
  return m;
}

// The gradients Tape::backward and Head::loss produce for a window [t0, T).
struct Gradients {
  explicit Gradients(ParamBuffer<double> buffer) : g(std::move(buffer)) {}
  ParamBuffer<double> g;                // d L / d parameters
  std::vector<Matrix<double>> dstate;   // per layer, d L / d state entering step t0
  Matrix<double> dx;                    // (I, (T-t0)*B) d L / d dense inputs (empty for tokens)
};

class GradProblem {
 public:
  explicit GradProblem(const ProblemSpec& s)
      : spec_(s), net_(model_spec(s)), p_(net_.make_buffer()), tape_(net_, s.T, s.B) {
    if (s.backward_columns > 0) net_.set_backward_columns(s.backward_columns);
    Rng rng(s.seed);
    const Index n = s.T * s.B;
    for (Index i = 0; i < p_.flat().size(); ++i) p_.flat()(i) = rng.uniform(-0.5, 0.5);
    for (Index l = 0; l < s.layers; ++l) {
      h0_.push_back(random_matrix(net_.cell(l).state_rows(), s.B, rng));
      w_.push_back(random_matrix(net_.cell(l).state_rows(), s.B, rng));
    }
    tape_.append(s.T);
    if (s.input == InputKind::dense) {
      tape_.dense_input(0, s.T) = random_matrix(s.I, n, rng);
    } else {
      for (Index j = 0; j < n; ++j) tape_.tokens(0)[j] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.I)));
    }
    for (Index j = 0; j < n; ++j) tape_.reset(0)[j] = 0;
    for (const auto& [t, b] : s.resets) tape_.reset(t)[b] = 1;
    classes_.resize(static_cast<size_t>(n));
    for (auto& c : classes_) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(s.O)));
    values_ = random_matrix(s.O, n, rng);
    mask_.assign(static_cast<size_t>(n), 1);
    for (const auto& [t, b] : s.masked) mask_[static_cast<size_t>(t * s.B + b)] = 0;
  }

  const ProblemSpec& spec() const { return spec_; }
  const Network<double>& net() const { return net_; }
  ParamBuffer<double>& params() { return p_; }
  Tape<double>& tape() { return tape_; }
  std::vector<Matrix<double>>& entering_state() { return h0_; }
  std::vector<int32_t>& classes() { return classes_; }
  Matrix<double>& values() { return values_; }
  std::vector<uint8_t>& mask() { return mask_; }
  Index steps_from(Index t0) const { return spec_.T - t0; }

  Targets<double> targets(Index t0) const {
    const Index B = spec_.B;
    if (spec_.head == HeadKind::softmax_xent) return Targets<double>(classes_.data() + t0 * B);
    return Targets<double>(cview(values_, 0, spec_.O, t0 * B, steps_from(t0) * B));
  }

  // The loss of the window [t0, T), recomputing steps t0.. from the stored state at block t0.
  double loss(Index t0) {
    if (t0 == 0) tape_.set_entering_state(h0_);
    const Index n = steps_from(t0);
    tape_.forward(p_, t0, n);
    double total = net_.head().loss(p_, tape_.top_h(t0, n), targets(t0), mask_.data() + t0 * spec_.B, 1.0,
                                    nullptr, nullptr);
    for (Index l = 0; l < spec_.layers; ++l)
      total += tape_.state(l, spec_.T).cwiseProduct(w_[static_cast<size_t>(l)]).sum();
    return total;
  }

  // Runs the whole window forward (so every stored state is the unperturbed one), then the head
  // and Tape::backward over [t0, T).
  Gradients analytic(Index t0) {
    tape_.set_entering_state(h0_);
    tape_.forward(p_, 0, spec_.T);
    const Index n = steps_from(t0), B = spec_.B;
    Gradients r(net_.make_buffer());
    Matrix<double> dh(spec_.H, n * B);
    View<double> dhv = view(dh, 0, spec_.H, 0, n * B);
    net_.head().loss(p_, tape_.top_h(t0, n), targets(t0), mask_.data() + t0 * B, 1.0, &r.g, &dhv);
    if (spec_.input == InputKind::dense) {
      r.dx.setConstant(spec_.I, n * B, 12345.0);  // must be overwritten
      View<double> dxv = view(r.dx, 0, spec_.I, 0, n * B);
      tape_.backward(p_, r.g, t0, n, cview(dh, 0, spec_.H, 0, n * B), &w_, &r.dstate, &dxv);
    } else {
      tape_.backward(p_, r.g, t0, n, cview(dh, 0, spec_.H, 0, n * B), &w_, &r.dstate, nullptr);
    }
    return r;
  }

 private:
  static Matrix<double> random_matrix(Index rows, Index cols, Rng& rng) {
    Matrix<double> m(rows, cols);
    for (Index j = 0; j < cols; ++j)
      for (Index i = 0; i < rows; ++i) m(i, j) = rng.uniform(-0.5, 0.5);
    return m;
  }

  ProblemSpec spec_;
  Network<double> net_;
  ParamBuffer<double> p_;
  Tape<double> tape_;
  std::vector<Matrix<double>> h0_, w_;
  std::vector<int32_t> classes_;
  Matrix<double> values_;
  std::vector<uint8_t> mask_;
};

struct TensorError {
  std::string name;
  double rel = 0;           // max|a-n| / max(1e-8, max|a| + max|n|)
  Index row = 0, col = 0;   // the entry with the largest |a-n|
  double a = 0, n = 0;      // analytic and numeric values there
  double max_a = 0, max_n = 0;

  std::string str() const {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "%s: relative error %.3e, worst entry (%ld, %ld): analytic %.12g, numeric %.12g "
                  "(max|analytic| %.3e, max|numeric| %.3e)",
                  name.c_str(), rel, static_cast<long>(row), static_cast<long>(col), a, n, max_a, max_n);
    return buf;
  }
};

// Central differences of loss() with respect to every entry of x (perturbed in place, restored),
// compared with `analytic`.
template <class Loss>
TensorError compare(std::string name, Eigen::Ref<Matrix<double>> x, const Matrix<double>& analytic, Loss&& loss,
                    double eps = kFdStep) {
  TensorError e;
  e.name = std::move(name);
  REQUIRE(analytic.rows() == x.rows());
  REQUIRE(analytic.cols() == x.cols());
  double worst = -1;
  for (Index j = 0; j < x.cols(); ++j) {
    for (Index i = 0; i < x.rows(); ++i) {
      const double v = x(i, j);
      x(i, j) = v + eps;
      const double lp = loss();
      x(i, j) = v - eps;
      const double lm = loss();
      x(i, j) = v;
      const double num = (lp - lm) / (2 * eps);
      const double a = analytic(i, j);
      e.max_a = std::max(e.max_a, std::abs(a));
      e.max_n = std::max(e.max_n, std::abs(num));
      if (std::abs(a - num) > worst) {
        worst = std::abs(a - num);
        e.row = i;
        e.col = j;
        e.a = a;
        e.n = num;
      }
    }
  }
  e.rel = worst / std::max(1e-8, e.max_a + e.max_n);
  return e;
}

// Every parameter tensor, every layer's entering state and (dense) the inputs of the window
// [t0, T): analytic gradients against central differences, one CHECK per tensor.
inline std::vector<TensorError> check_window(GradProblem& prob, Index t0) {
  const ProblemSpec& s = prob.spec();
  const Gradients an = prob.analytic(t0);
  auto loss = [&] { return prob.loss(t0); };
  std::vector<TensorError> errors;
  const ParamLayout& layout = prob.params().layout();
  for (Index k = 0; k < layout.count(); ++k)
    errors.push_back(compare(layout.spec(k).name, prob.params()[k], an.g[k], loss));
  REQUIRE(an.dstate.size() == static_cast<size_t>(s.layers));
  for (Index l = 0; l < s.layers; ++l) {
    const std::string name = "l" + std::to_string(l) + ".state_entering_step_" + std::to_string(t0);
    if (t0 == 0)
      errors.push_back(compare(name, prob.entering_state()[static_cast<size_t>(l)], an.dstate[static_cast<size_t>(l)], loss));
    else
      errors.push_back(compare(name, prob.tape().state(l, t0), an.dstate[static_cast<size_t>(l)], loss));
  }
  if (s.input == InputKind::dense)
    errors.push_back(compare("dx", prob.tape().dense_input(t0, prob.steps_from(t0)), an.dx, loss));
  return errors;
}

// Runs check_window and asserts every tensor's relative error; with TBPTT_GRADCHECK_VERBOSE set,
// prints the worst tensor of the case.
inline void require_window_gradients(const ProblemSpec& s, Index t0) {
  GradProblem prob(s);
  const auto errors = check_window(prob, t0);
  const TensorError* worst = &errors.front();
  for (const auto& e : errors) {
    INFO(describe(s) << ", window [" << t0 << ", " << s.T << "): " << e.str());
    CHECK(e.rel <= kGradTolerance);
    if (e.rel > worst->rel) worst = &e;
  }
  if (std::getenv("TBPTT_GRADCHECK_VERBOSE"))
    std::printf("gradcheck %s, window [%ld, %ld): worst %s\n", describe(s).c_str(), static_cast<long>(t0),
                static_cast<long>(s.T), worst->str().c_str());
}

}  // namespace tbptt::test
