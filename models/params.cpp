#include "models/params.hpp"

#include "models/check.hpp"

namespace tbptt {

Index ParamLayout::add(std::string name, Index rows, Index cols, bool is_vector) {
  TBPTT_CHECK(rows > 0 && cols > 0, "parameter " << name << ": empty shape " << rows << "x" << cols);
  for (const auto& s : specs_) TBPTT_CHECK(s.name != name, "parameter " << name << " registered twice");
  specs_.push_back({std::move(name), rows, cols, is_vector, size_});
  size_ += rows * cols;
  return count() - 1;
}

Index ParamLayout::add_matrix(std::string name, Index rows, Index cols) {
  return add(std::move(name), rows, cols, false);
}

Index ParamLayout::add_vector(std::string name, Index rows) { return add(std::move(name), rows, 1, true); }

Index ParamLayout::index_of(std::string_view name) const {
  for (Index i = 0; i < count(); ++i)
    if (specs_[static_cast<size_t>(i)].name == name) return i;
  std::string known;
  for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + s.name;
  TBPTT_CHECK(false, "no parameter named '" << name << "' (known: " << known << ")");
}

}  // namespace tbptt
