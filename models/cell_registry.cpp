#include "models/cell_registry.hpp"

#include "models/check.hpp"
#include "models/gru_cell.hpp"
#include "models/influence_cell.hpp"
#include "models/lstm_cell.hpp"
#include "models/mgu_cell.hpp"
#include "models/rnn_cell.hpp"

namespace tbptt {
namespace {

template <template <class> class C, class S>
std::unique_ptr<Cell<S>> make(Index input, Index hidden) {
  return std::make_unique<C<S>>(input, hidden);
}

template <template <class> class C>
CellType entry(std::string name, std::string summary, bool scheme_init = true) {
  return {std::move(name), std::move(summary), C<double>::kShape, &make<C, float>, &make<C, double>, scheme_init};
}

}  // namespace

const std::vector<CellType>& cell_types() {
  static const std::vector<CellType> types = {
      entry<RnnCell>("rnn", "tanh RNN (Elman 1990): h' = tanh(Wx x + b + Wh h)"),
      entry<LstmCell>("lstm", "LSTM (Hochreiter & Schmidhuber 1997, forget gate of Gers et al. 2000), gates i, f, g, o"),
      entry<GruCell>("gru", "GRU (Cho et al. 2014) in PyTorch's convention, gates r, z, n, extra bias bhn"),
      entry<MguCell>("mgu", "minimal gated unit (Zhou et al. 2016): f gates both the reset and the update, gates f, n"),
      entry<InfluenceCell>("influence", "influence balancing (Tallec & Ollivier 2017): s' = A s + (theta x) u, n = 23, fixed A and u, s_0 = 1, h = s_1", false),
  };
  return types;
}

std::vector<std::string> cell_names() {
  std::vector<std::string> names;
  for (const auto& t : cell_types()) names.push_back(t.name);
  return names;
}

std::vector<std::string> scheme_init_cell_names() {
  std::vector<std::string> names;
  for (const auto& t : cell_types())
    if (t.scheme_init) names.push_back(t.name);
  return names;
}

const CellType& cell_type(std::string_view name) {
  std::string known;
  for (const auto& t : cell_types()) {
    if (t.name == name) return t;
    known += (known.empty() ? "" : ", ") + t.name;
  }
  TBPTT_CHECK(false, "no cell named '" << name << "' (known: " << known << ")");
}

template <>
std::unique_ptr<Cell<float>> make_cell<float>(std::string_view name, Index input, Index hidden) {
  return cell_type(name).make_float(input, hidden);
}
template <>
std::unique_ptr<Cell<double>> make_cell<double>(std::string_view name, Index input, Index hidden) {
  return cell_type(name).make_double(input, hidden);
}

Index cell_param_count(std::string_view name, Index input, Index hidden) {
  ParamLayout layout;
  make_cell<double>(name, input, hidden)->add_params(layout, "l");
  return layout.size();
}

}  // namespace tbptt
