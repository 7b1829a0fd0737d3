// Parameters (and gradients, and optimizer moments) in one flat buffer with named views.
//
// A ParamLayout lists the tensors in registration order: per layer `l0.Wx`, `l0.Wh`, `l0.b`
// (`l0.bhn` for the GRU), then `out.W`, `out.b`. Each tensor is stored column-major at its offset;
// a vector has cols == 1 and is_vector set (its trace shape is [rows]). Clipping and optimizers
// see the whole buffer as one vector through flat().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/tensor.hpp"

namespace tbptt {

struct ParamSpec {
  std::string name;
  Index rows = 0;
  Index cols = 1;
  bool is_vector = false;
  Index offset = 0;  // into the flat buffer
  Index size() const { return rows * cols; }
};

class ParamLayout {
 public:
  // Appends a tensor; returns its index. Names must be unique.
  Index add_matrix(std::string name, Index rows, Index cols);
  Index add_vector(std::string name, Index rows);

  const std::vector<ParamSpec>& specs() const { return specs_; }
  const ParamSpec& spec(Index i) const { return specs_[static_cast<size_t>(i)]; }
  Index count() const { return static_cast<Index>(specs_.size()); }
  Index size() const { return size_; }  // total scalars
  Index index_of(std::string_view name) const;  // throws ShapeError listing the known names

 private:
  Index add(std::string name, Index rows, Index cols, bool is_vector);
  std::vector<ParamSpec> specs_;
  Index size_ = 0;
};

template <class S>
class ParamBuffer {
 public:
  ParamBuffer() = default;
  explicit ParamBuffer(std::shared_ptr<const ParamLayout> layout)
      : layout_(std::move(layout)), data_(Vector<S>::Zero(layout_->size())) {}

  const ParamLayout& layout() const { return *layout_; }

  Eigen::Map<Matrix<S>> operator[](Index i) {
    const auto& s = layout_->spec(i);
    return {data_.data() + s.offset, s.rows, s.cols};
  }
  Eigen::Map<const Matrix<S>> operator[](Index i) const {
    const auto& s = layout_->spec(i);
    return {data_.data() + s.offset, s.rows, s.cols};
  }
  Eigen::Map<Matrix<S>> operator[](std::string_view name) { return (*this)[layout_->index_of(name)]; }
  Eigen::Map<const Matrix<S>> operator[](std::string_view name) const {
    return (*this)[layout_->index_of(name)];
  }

  Vector<S>& flat() { return data_; }
  const Vector<S>& flat() const { return data_; }
  void set_zero() { data_.setZero(); }


 private:
  std::shared_ptr<const ParamLayout> layout_;
  Vector<S> data_;
};

}  // namespace tbptt
