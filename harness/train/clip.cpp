#include "harness/train/clip.hpp"

#include <cmath>

namespace tbptt {

template <class S>
ClipResult clip_gradient(ParamBuffer<S>& g, const ClipConfig& config) {
  ClipResult r;
  r.norm = static_cast<double>(g.flat().norm());
  const S t = static_cast<S>(config.threshold);
  switch (config.kind) {
    case ClipKind::none:
      break;
    case ClipKind::global_norm:
      if (r.norm > config.threshold) {
        g.flat() *= static_cast<S>(config.threshold / r.norm);
        r.clipped = true;
      }
      break;
    case ClipKind::matrix_norm:
      for (Index i = 0; i < g.layout().count(); ++i) {
        auto m = g[i];
        const double n = static_cast<double>(m.norm());
        if (n > config.threshold) {
          m *= static_cast<S>(config.threshold / n);
          r.clipped = true;
        }
      }
      break;
    case ClipKind::value:
      r.clipped = (g.flat().array().abs() > t).any();
      if (r.clipped) g.flat() = g.flat().cwiseMax(-t).cwiseMin(t);
      break;
  }
  return r;
}

template ClipResult clip_gradient<float>(ParamBuffer<float>&, const ClipConfig&);
template ClipResult clip_gradient<double>(ParamBuffer<double>&, const ClipConfig&);

}  // namespace tbptt
