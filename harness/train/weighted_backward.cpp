#include "harness/train/weighted_backward.hpp"

namespace tbptt {

template <class S>
void backward_weighted(Tape<S>& tape, const ParamBuffer<S>& p, ParamBuffer<S>& g, Index t0, Index n,
                       ConstView<S> dh_top, Index c0, const std::vector<double>& weights) {
  const Index B = tape.lanes(), H = dh_top.rows();
  auto weight = [&](Index s) {  // of the boundary entering stored step s
    const Index j = s - c0;
    return j >= 0 && j < static_cast<Index>(weights.size()) ? weights[static_cast<size_t>(j)] : 1.0;
  };
  bool any = false;
  for (Index s = t0 + 1; s < t0 + n; ++s) any = any || weight(s) != 1.0;
  if (!any) {
    tape.backward(p, g, t0, n, dh_top);
    return;
  }
  std::vector<Matrix<S>> carried, entering;
  Index end = t0 + n;
  while (end > t0) {
    // [begin, end): no weighted boundary inside; begin is t0 or a step with a weighted boundary.
    Index begin = end - 1;
    while (begin > t0 && weight(begin) == 1.0) --begin;
    tape.backward(p, g, begin, end - begin, sub(dh_top, 0, H, (begin - t0) * B, (end - begin) * B),
                  carried.empty() ? nullptr : &carried, &entering);
    const S w = static_cast<S>(weight(begin));
    if (begin > t0)
      for (auto& m : entering) m *= w;
    carried.swap(entering);
    end = begin;
  }
}

template void backward_weighted<float>(Tape<float>&, const ParamBuffer<float>&, ParamBuffer<float>&, Index, Index,
                                       ConstView<float>, Index, const std::vector<double>&);
template void backward_weighted<double>(Tape<double>&, const ParamBuffer<double>&, ParamBuffer<double>&, Index, Index,
                                        ConstView<double>, Index, const std::vector<double>&);

}  // namespace tbptt
