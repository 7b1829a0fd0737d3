#include "models/tape.hpp"

#include <cstring>

#include "models/check.hpp"

namespace tbptt {

template <class S>
Tape<S>::Tape(const Network<S>& net, Index capacity, Index lanes) : net_(&net), capacity_(capacity), lanes_(lanes) {
  TBPTT_CHECK(capacity >= 1, "tape capacity must be >= 1 step, got " << capacity);
  TBPTT_CHECK(lanes >= 1, "batch must be >= 1 lane, got " << lanes);
  const auto& spec = net.spec();
  for (Index l = 0; l < net.layers(); ++l) {
    const auto& c = net.cell(l);
    states_.push_back(Matrix<S>::Zero(c.state_rows(), (capacity + 1) * lanes));
    caches_.push_back(Matrix<S>(c.cache_rows(), capacity * lanes));
  }
  if (spec.input_kind == InputKind::dense)
    dense_.setZero(spec.input, capacity * lanes);
  else
    tokens_.assign(static_cast<size_t>(capacity * lanes), 0);
  reset_.assign(static_cast<size_t>(capacity * lanes), 0);
  dstate_.resize(static_cast<size_t>(net.layers()));
  work_.resize(static_cast<size_t>(net.layers()));
  for (Index l = 0; l < net.layers(); ++l) net.cell(l).reserve(work_[static_cast<size_t>(l)], capacity, lanes);
}

template <class S>
void Tape<S>::append(Index n) {
  TBPTT_CHECK(n >= 0 && size_ + n <= capacity_,
              "tape holds " << size_ << " of " << capacity_ << " steps, cannot append " << n);
  size_ += n;
}

template <class S>
void Tape<S>::slide(Index keep) {
  TBPTT_CHECK(keep >= 0 && keep <= size_, "cannot keep " << keep << " of " << size_ << " stored steps");
  const Index B = lanes_, from = size_ - keep;
  if (from > 0) {
    // Destination below source: a forward memmove of whole columns is safe. N.B. an empty
    // matrix (the rnn's cache) has no storage at all: nothing to move, and memmove forbids null.
    auto move_cols = [](auto* data, Index rows, Index col_from, Index cols) {
      if (rows * cols == 0) return;
      std::memmove(data, data + col_from * rows, sizeof(*data) * static_cast<size_t>(rows * cols));
    };
    for (size_t l = 0; l < states_.size(); ++l) {
      move_cols(states_[l].data(), states_[l].rows(), from * B, (keep + 1) * B);
      move_cols(caches_[l].data(), caches_[l].rows(), from * B, keep * B);
    }
    if (dense_.size()) move_cols(dense_.data(), dense_.rows(), from * B, keep * B);
    if (!tokens_.empty()) move_cols(tokens_.data(), 1, from * B, keep * B);
    move_cols(reset_.data(), 1, from * B, keep * B);
  }
  size_ = keep;
}

template <class S>
View<S> Tape<S>::dense_input(Index t0, Index n) {
  TBPTT_CHECK(dense_.size() > 0, "this network reads token ids, not dense inputs");
  TBPTT_CHECK(t0 >= 0 && n >= 0 && t0 + n <= capacity_,
              "dense inputs of steps [" << t0 << ", " << t0 + n << ") outside the capacity of " << capacity_);
  return view(dense_, 0, dense_.rows(), t0 * lanes_, n * lanes_);
}

template <class S>
int32_t* Tape<S>::tokens(Index t0) {
  TBPTT_CHECK(!tokens_.empty(), "this network reads dense inputs, not token ids");
  return tokens_.data() + t0 * lanes_;
}

template <class S>
uint8_t* Tape<S>::reset(Index t0) {
  return reset_.data() + t0 * lanes_;
}
template <class S>
const uint8_t* Tape<S>::reset(Index t0) const {
  return reset_.data() + t0 * lanes_;
}

template <class S>
View<S> Tape<S>::state(Index l, Index block) {
  auto& m = states_[static_cast<size_t>(l)];
  return view(m, 0, m.rows(), block * lanes_, lanes_);
}
template <class S>
ConstView<S> Tape<S>::state(Index l, Index block) const {
  const auto& m = states_[static_cast<size_t>(l)];
  return cview(m, 0, m.rows(), block * lanes_, lanes_);
}

template <class S>
ConstView<S> Tape<S>::top_h(Index t0, Index n) const {
  return cview(states_.back(), 0, net_->spec().hidden, (t0 + 1) * lanes_, n * lanes_);
}

template <class S>
void Tape<S>::set_entering_state(const std::vector<Matrix<S>>& from) {
  TBPTT_CHECK(from.size() == states_.size(), "entering state has " << from.size() << " layers, expected "
                                                                   << states_.size());
  for (size_t l = 0; l < states_.size(); ++l) {
    TBPTT_CHECK(from[l].rows() == states_[l].rows() && from[l].cols() == lanes_,
                "entering state of layer " << l << " is " << from[l].rows() << "x" << from[l].cols()
                                           << ", expected " << states_[l].rows() << "x" << lanes_);
    state(static_cast<Index>(l), 0) = from[l];
  }
}

template <class S>
void Tape<S>::final_state(std::vector<Matrix<S>>& to) const {
  to.resize(states_.size());
  for (size_t l = 0; l < states_.size(); ++l) to[l] = state(static_cast<Index>(l), size_);
}

template <class S>
LayerInput<S> Tape<S>::layer_input(Index l, Index t0, Index n) const {
  if (l > 0) return cview(states_[static_cast<size_t>(l - 1)], 0, net_->spec().hidden, (t0 + 1) * lanes_, n * lanes_);
  if (!tokens_.empty()) return LayerInput<S>(tokens_.data() + t0 * lanes_);
  return cview(dense_, 0, dense_.rows(), t0 * lanes_, n * lanes_);
}

template <class S>
void Tape<S>::forward(const ParamBuffer<S>& p, Index t0, Index n) {
  TBPTT_CHECK(t0 >= 0 && n >= 1 && t0 + n <= size_, "forward over steps [" << t0 << ", " << t0 + n
                                                                           << ") outside the " << size_
                                                                           << " stored");
  const Index B = lanes_;
  for (Index l = 0; l < net_->layers(); ++l) {
    auto& st = states_[static_cast<size_t>(l)];
    auto& ca = caches_[static_cast<size_t>(l)];
    net_->cell(l).forward(p, layer_input(l, t0, n), view(st, 0, st.rows(), t0 * B, (n + 1) * B),
                          view(ca, 0, ca.rows(), t0 * B, n * B), reset(t0), n, B, work_[static_cast<size_t>(l)]);
  }
}

template <class S>
void Tape<S>::backward(const ParamBuffer<S>& p, ParamBuffer<S>& g, Index t0, Index n, ConstView<S> dh_top,
                       const std::vector<Matrix<S>>* dstate_end, std::vector<Matrix<S>>* dstate_entering,
                       View<S>* dx) {
  TBPTT_CHECK(t0 >= 0 && n >= 1 && t0 + n <= size_, "backward over steps [" << t0 << ", " << t0 + n
                                                                            << ") outside the " << size_
                                                                            << " stored");
  const Index B = lanes_, H = net_->spec().hidden;
  TBPTT_CHECK(dh_top.rows() == H && dh_top.cols() == n * B,
              "dh_top is " << dh_top.rows() << "x" << dh_top.cols() << ", expected " << H << "x" << n * B);
  TBPTT_CHECK(!dstate_end || dstate_end->size() == states_.size(),
              "dstate_end has " << dstate_end->size() << " layers, expected " << states_.size());
  TBPTT_CHECK(!dx || dense_.size() == 0 || (dx->rows() == dense_.rows() && dx->cols() == n * B),
              "dx is " << dx->rows() << "x" << dx->cols() << ", expected " << dense_.rows() << "x" << n * B);
  // Layer l reads the gradient w.r.t. its h from the layer above (dh_top for the top layer) and
  // writes the gradient w.r.t. its input into the other of two buffers for the layer below.
  const S* dh_data = dh_top.data();
  Index dh_ld = dh_top.outerStride();
  Matrix<S>* buffers[2] = {&dh_a_, &dh_b_};
  for (Index l = net_->layers() - 1; l >= 0; --l) {
    const size_t li = static_cast<size_t>(l);
    auto& ds = dstate_[li];
    if (dstate_end && (*dstate_end)[li].size() > 0) {
      TBPTT_CHECK((*dstate_end)[li].rows() == states_[li].rows() && (*dstate_end)[li].cols() == B,
                  "dstate_end of layer " << l << " is " << (*dstate_end)[li].rows() << "x" << (*dstate_end)[li].cols()
                                         << ", expected " << states_[li].rows() << "x" << B);
      ds = (*dstate_end)[li];
    } else
      ds.setZero(states_[li].rows(), B);
    const View<S> dsv = view(ds, 0, ds.rows(), 0, B);
    const auto& st = states_[li];
    const auto& ca = caches_[li];
    const auto states = cview(st, 0, st.rows(), t0 * B, (n + 1) * B);
    const auto cache = cview(ca, 0, ca.rows(), t0 * B, n * B);
    const Cell<S>& cell = net_->cell(l);
    const ConstView<S> dh(dh_data, H, n * B, Eigen::OuterStride<>(dh_ld));
    if (l > 0) {
      Matrix<S>& out = *buffers[l % 2];
      ensure_size(out, H, n * B);
      View<S> dx_below = view(out, 0, H, 0, n * B);
      dx_below.setZero();  // the cell accumulates into it
      cell.backward(p, g, layer_input(l, t0, n), states, cache, reset(t0), dh, dsv, &dx_below, n, B, work_[li]);
      dh_data = out.data();
      dh_ld = out.rows();
    } else {
      if (dx && dense_.size() > 0) dx->setZero();
      cell.backward(p, g, layer_input(l, t0, n), states, cache, reset(t0), dh, dsv, dx, n, B, work_[li]);
    }
  }
  if (dstate_entering) *dstate_entering = dstate_;
}

template <class S>
size_t Tape<S>::bytes() const {
  size_t b = sizeof(S) * static_cast<size_t>(dense_.size()) + sizeof(int32_t) * tokens_.size() + reset_.size();
  for (size_t l = 0; l < states_.size(); ++l)
    b += sizeof(S) * static_cast<size_t>(states_[l].size() + caches_[l].size());
  return b;
}

template class Tape<float>;
template class Tape<double>;

}  // namespace tbptt
