// A deliberately naive TBPTT(k1, k2) reference for the tests: one lane and one step at a time,
// every cell written out from its equations with plain vectors, the whole history kept. It shares
// nothing with the trainer but the parameter names. A truncation scheme's decisions for a chunk
// (its window and boundary weights, drawn once by the policy) are given to chunk() as input.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/tasks/task.hpp"
#include "models/network.hpp"

namespace tbptt::test {

using Eigen::MatrixXd;
using Eigen::VectorXd;

inline VectorXd sigm(const VectorXd& a) { return (1.0 / (1.0 + (-a.array()).exp())).matrix(); }

// One layer, one lane, one step.
struct Rec {
  VectorXd x, h_prev, c_prev;  // input and the entering state (after a reset)
  VectorXd gates, hn;          // lstm: i f g o; gru: r z n and hn = Wh_n h + bhn; mgu: f n and hn = f*h
                               // influence: c is the system's state s itself (n H: copy k in column k)
  VectorXd h, c;
};

struct LayerW {
  MatrixXd Wx, Wh;  // influence: Wx is theta (H, I), Wh unused
  VectorXd b, bhn;
};

// The influence-balancing system (Tallec & Ollivier 2017) written out: n = 23, p = 10,
// A = 0.5 I + 0.5 (superdiagonal), u = (+1 x 10, -1 x 13), s_0 = 1.
constexpr Index kInfluenceN = 23;
inline MatrixXd influence_A() {
  MatrixXd A = 0.5 * MatrixXd::Identity(kInfluenceN, kInfluenceN);
  for (Index i = 0; i + 1 < kInfluenceN; ++i) A(i, i + 1) = 0.5;
  return A;
}
inline VectorXd influence_u() {
  VectorXd u = -VectorXd::Ones(kInfluenceN);
  u.head(10).setOnes();
  return u;
}

class NaiveTbptt {
 public:
  NaiveTbptt(const ModelSpec& m, Index k1, Index k2, bool recompute, bool mean)
      : m_(m), k2_(k2), recompute_(recompute), mean_(mean) {
    (void)k1;  // the chunking is given by the caller
  }

  // Loads the weights from a parameter buffer (e.g. the trainer's, before each update).
  void set_params(const ParamBuffer<double>& p) {
    w_.clear();
    for (Index l = 0; l < m_.layers; ++l) {
      const std::string n = "l" + std::to_string(l);
      if (m_.cell == "influence") {
        w_.push_back(LayerW{p[n + ".theta"], MatrixXd(), VectorXd(), VectorXd()});
        continue;
      }
      LayerW w{p[n + ".Wx"], p[n + ".Wh"], p[n + ".b"], VectorXd()};
      if (m_.cell == "gru") w.bhn = p[n + ".bhn"];
      w_.push_back(w);
    }
    Wout_ = p["out.W"];
    bout_ = p["out.b"];
  }

  // Writes the gradient in the buffer's layout.
  void get_grad(ParamBuffer<double>& g) const {
    g.set_zero();
    for (Index l = 0; l < m_.layers; ++l) {
      const std::string n = "l" + std::to_string(l);
      if (m_.cell == "influence") {
        g[n + ".theta"] = gw_[static_cast<size_t>(l)].Wx;
        continue;
      }
      g[n + ".Wx"] = gw_[static_cast<size_t>(l)].Wx;
      g[n + ".Wh"] = gw_[static_cast<size_t>(l)].Wh;
      g[n + ".b"] = gw_[static_cast<size_t>(l)].b;
      if (m_.cell == "gru") g[n + ".bhn"] = gw_[static_cast<size_t>(l)].bhn;
    }
    g["out.W"] = gWout_;
    g["out.b"] = gbout_;
  }

  // Consumes one chunk with the window k2 given at construction (0: full).
  double chunk(const StepBlock& c) { return chunk(c, k2_, {}); }

  // Consumes one chunk; returns the reduced loss (0 when no entry is masked). window: the last
  // `window` steps are back-propagated (0: back to each lane's reset); weights (empty: all 1):
  // entry j multiplies the gradient w.r.t. the state entering chunk step j, every layer's h and c.
  double chunk(const StepBlock& c, Index window, const std::vector<double>& weights) {
    const Index B = c.lanes, n = c.steps, L = m_.layers;
    const Index c0 = static_cast<Index>(recs_.size()), c1 = c0 + n;
    for (Index t = 0; t < n; ++t) data_.push_back(slice(c, t));
    if (carried_h_.empty()) {
      carried_h_.assign(static_cast<size_t>(B * L), VectorXd::Zero(m_.hidden));
      carried_c_ = carried_h_;
      if (m_.cell == "influence") carried_c_.assign(static_cast<size_t>(B * L), start_c());
    }
    const Index w0 = window > 0 ? std::max<Index>(0, c1 - window) : 0;
    if (recompute_ && w0 < c0) {
      // Re-run [w0, c0) from the state stored as entering step w0.
      for (Index b = 0; b < B; ++b)
        for (Index l = 0; l < L; ++l) {
          const Rec& r = recs_[static_cast<size_t>(w0)][static_cast<size_t>(b * L + l)];
          carried_h_[static_cast<size_t>(b * L + l)] = r.h_prev;
          carried_c_[static_cast<size_t>(b * L + l)] = r.c_prev;
        }
      for (Index s = w0; s < c0; ++s) recs_[static_cast<size_t>(s)] = run_step(s);
    }
    recs_.resize(static_cast<size_t>(c1));
    for (Index s = c0; s < c1; ++s) recs_[static_cast<size_t>(s)] = run_step(s);

    zero_grads();
    Index count = 0;
    for (uint8_t v : c.mask) count += v;
    if (count == 0) return 0;
    const double scale = mean_ ? 1.0 / static_cast<double>(count) : 1.0;
    double loss = 0;
    for (Index b = 0; b < B; ++b) {
      std::vector<VectorXd> dh_next(static_cast<size_t>(L), VectorXd::Zero(m_.hidden)), dc_next = dh_next;
      for (Index s = c1 - 1; s >= std::min(w0, c0); --s) {
        const Step& d = data_[static_cast<size_t>(s)];
        const auto& layer_recs = recs_[static_cast<size_t>(s)];
        VectorXd dtop = VectorXd::Zero(m_.hidden);
        if (s >= c0 && d.mask[static_cast<size_t>(b)]) {
          const VectorXd& h = layer_recs[static_cast<size_t>(b * L + L - 1)].h;
          VectorXd z = Wout_ * h + bout_, dz;
          if (m_.head == HeadKind::softmax_xent) {
            const int y = d.cls[static_cast<size_t>(b)];
            const double mx = z.maxCoeff();
            const double lse = mx + std::log((z.array() - mx).exp().sum());
            loss += lse - z(y);
            dz = (z.array() - lse).exp().matrix();
            dz(y) -= 1.0;
          } else {
            const VectorXd e = z - d.val[static_cast<size_t>(b)];
            loss += e.squaredNorm() / static_cast<double>(m_.output);
            dz = 2.0 / static_cast<double>(m_.output) * e;
          }
          dz *= scale;
          gWout_ += dz * h.transpose();
          gbout_ += dz;
          dtop = Wout_.transpose() * dz;
        }
        if (s < w0) continue;  // older than the window: the head only
        VectorXd dx = dtop;
        for (Index l = L - 1; l >= 0; --l) {
          const size_t li = static_cast<size_t>(l);
          const Rec& r = layer_recs[static_cast<size_t>(b * L + l)];
          VectorXd dh = dx + dh_next[li];
          back_step(l, r, dh, dc_next[li], dh_next[li], dx);
        }
        if (d.reset[static_cast<size_t>(b)])
          for (Index l = 0; l < L; ++l) dh_next[static_cast<size_t>(l)].setZero(), dc_next[static_cast<size_t>(l)].setZero();
        if (s >= c0 && s - c0 < static_cast<Index>(weights.size()))
          for (Index l = 0; l < L; ++l) {
            dh_next[static_cast<size_t>(l)] *= weights[static_cast<size_t>(s - c0)];
            dc_next[static_cast<size_t>(l)] *= weights[static_cast<size_t>(s - c0)];
          }
      }
    }
    return loss * scale;
  }

 private:
  struct Step {
    std::vector<VectorXd> x;  // per lane (one-hot for tokens)
    std::vector<int> cls;
    std::vector<VectorXd> val;
    std::vector<uint8_t> mask, reset;
  };

  Step slice(const StepBlock& c, Index t) const {
    Step s;
    for (Index b = 0; b < c.lanes; ++b) {
      const Index j = t * c.lanes + b;
      const size_t js = static_cast<size_t>(j);
      if (m_.input_kind == InputKind::dense) {
        s.x.push_back(c.x.col(j).cast<double>());
      } else {
        VectorXd e = VectorXd::Zero(m_.input);
        e(c.tokens[js]) = 1.0;
        s.x.push_back(e);
      }
      if (m_.head == HeadKind::softmax_xent)
        s.cls.push_back(c.classes[js]);
      else
        s.val.push_back(c.values.col(j).cast<double>());
      s.mask.push_back(c.mask[js]);
      s.reset.push_back(c.reset[js]);
    }
    return s;
  }

  // Forward of global step s for every lane and layer from carried_*; updates carried_*.
  std::vector<Rec> run_step(Index s) {
    const Step& d = data_[static_cast<size_t>(s)];
    const Index B = static_cast<Index>(d.mask.size()), L = m_.layers, H = m_.hidden;
    std::vector<Rec> out(static_cast<size_t>(B * L));
    for (Index b = 0; b < B; ++b) {
      VectorXd x = d.x[static_cast<size_t>(b)];
      for (Index l = 0; l < L; ++l) {
        const size_t k = static_cast<size_t>(b * L + l);
        const LayerW& w = w_[static_cast<size_t>(l)];
        Rec r;
        r.x = x;
        r.h_prev = d.reset[static_cast<size_t>(b)] ? VectorXd::Zero(H) : carried_h_[k];
        r.c_prev = d.reset[static_cast<size_t>(b)] ? start_c() : carried_c_[k];
        if (m_.cell == "influence") {
          // s' = A s + (theta x) u for each copy; h = s'_1.
          const MatrixXd S = Eigen::Map<const MatrixXd>(r.c_prev.data(), kInfluenceN, H);
          const VectorXd drive = w.Wx * x;
          const MatrixXd Sn = influence_A() * S + influence_u() * drive.transpose();
          r.c = Eigen::Map<const VectorXd>(Sn.data(), Sn.size());
          r.h = Sn.row(0).transpose();
        } else if (m_.cell == "rnn") {
          r.h = (w.Wx * x + w.b + w.Wh * r.h_prev).array().tanh().matrix();
          r.c = VectorXd::Zero(H);
        } else if (m_.cell == "lstm") {
          const VectorXd a = w.Wx * x + w.b + w.Wh * r.h_prev;
          r.gates.resize(4 * H);
          r.gates << sigm(a.segment(0, H)), sigm(a.segment(H, H)), a.segment(2 * H, H).array().tanh().matrix(),
              sigm(a.segment(3 * H, H));
          r.c = r.gates.segment(H, H).cwiseProduct(r.c_prev) + r.gates.segment(0, H).cwiseProduct(r.gates.segment(2 * H, H));
          r.h = r.gates.segment(3 * H, H).cwiseProduct(r.c.array().tanh().matrix());
        } else if (m_.cell == "gru") {
          const VectorXd ax = w.Wx * x + w.b, ah = w.Wh * r.h_prev;
          const VectorXd rg = sigm(ax.segment(0, H) + ah.segment(0, H));
          const VectorXd zg = sigm(ax.segment(H, H) + ah.segment(H, H));
          r.hn = ah.segment(2 * H, H) + w.bhn;
          const VectorXd ng = (ax.segment(2 * H, H) + rg.cwiseProduct(r.hn)).array().tanh().matrix();
          r.gates.resize(3 * H);
          r.gates << rg, zg, ng;
          r.h = (1.0 - zg.array()).matrix().cwiseProduct(ng) + zg.cwiseProduct(r.h_prev);
          r.c = VectorXd::Zero(H);
        } else if (m_.cell == "mgu") {
          // Zhou et al. 2016: f = sigm(Wf [h, x] + bf), n = tanh(Wn [f*h, x] + bn), h' = (1-f) h + f n.
          const VectorXd ax = w.Wx * x + w.b;
          const VectorXd fg = sigm(ax.segment(0, H) + w.Wh.topRows(H) * r.h_prev);
          r.hn = fg.cwiseProduct(r.h_prev);
          const VectorXd ng = (ax.segment(H, H) + w.Wh.bottomRows(H) * r.hn).array().tanh().matrix();
          r.gates.resize(2 * H);
          r.gates << fg, ng;
          r.h = (1.0 - fg.array()).matrix().cwiseProduct(r.h_prev) + fg.cwiseProduct(ng);
          r.c = VectorXd::Zero(H);
        } else {
          throw std::logic_error("the naive reference has no cell " + m_.cell);
        }
        carried_h_[k] = r.h;
        carried_c_[k] = r.c;
        x = r.h;
        out[k] = r;
      }
    }
    return out;
  }

  // Backward through one layer-step with the CURRENT weights: accumulates weight gradients,
  // returns the gradient w.r.t. the entering h (and c) and w.r.t. the input x.
  void back_step(Index l, const Rec& r, const VectorXd& dh, VectorXd& dc_io, VectorXd& dh_prev, VectorXd& dx) {
    const LayerW& w = w_[static_cast<size_t>(l)];
    LayerW& g = gw_[static_cast<size_t>(l)];
    const Index H = m_.hidden;
    if (m_.cell == "influence") {
      MatrixXd G = MatrixXd::Zero(kInfluenceN, H);  // dL/ds'
      if (dc_io.size() == G.size()) G = Eigen::Map<const MatrixXd>(dc_io.data(), kInfluenceN, H);
      G.row(0) += dh.transpose();
      const VectorXd dd = G.transpose() * influence_u();  // dL/d(theta x)
      g.Wx += dd * r.x.transpose();
      const MatrixXd Gp = influence_A().transpose() * G;
      dc_io = Eigen::Map<const VectorXd>(Gp.data(), Gp.size());
      dh_prev = VectorXd::Zero(H);  // the step does not read h
      dx = w.Wx.transpose() * dd;
    } else if (m_.cell == "rnn") {
      const VectorXd da = dh.cwiseProduct((1.0 - r.h.array().square()).matrix());
      g.Wx += da * r.x.transpose();
      g.Wh += da * r.h_prev.transpose();
      g.b += da;
      dh_prev = w.Wh.transpose() * da;
      dx = w.Wx.transpose() * da;
    } else if (m_.cell == "lstm") {
      const VectorXd i = r.gates.segment(0, H), f = r.gates.segment(H, H), gg = r.gates.segment(2 * H, H),
                     o = r.gates.segment(3 * H, H);
      const VectorXd tc = r.c.array().tanh().matrix();
      const VectorXd dc = dc_io + dh.cwiseProduct(o).cwiseProduct((1.0 - tc.array().square()).matrix());
      VectorXd da(4 * H);
      da << (dc.array() * gg.array() * i.array() * (1 - i.array())).matrix(),
          (dc.array() * r.c_prev.array() * f.array() * (1 - f.array())).matrix(),
          (dc.array() * i.array() * (1 - gg.array().square())).matrix(),
          (dh.array() * tc.array() * o.array() * (1 - o.array())).matrix();
      g.Wx += da * r.x.transpose();
      g.Wh += da * r.h_prev.transpose();
      g.b += da;
      dh_prev = w.Wh.transpose() * da;
      dc_io = dc.cwiseProduct(f);
      dx = w.Wx.transpose() * da;
    } else if (m_.cell == "gru") {
      const VectorXd rg = r.gates.segment(0, H), zg = r.gates.segment(H, H), ng = r.gates.segment(2 * H, H);
      const VectorXd dan = (dh.array() * (1 - zg.array()) * (1 - ng.array().square())).matrix();
      const VectorXd dar = (dan.array() * r.hn.array() * rg.array() * (1 - rg.array())).matrix();
      const VectorXd daz = (dh.array() * (r.h_prev - ng).array() * zg.array() * (1 - zg.array())).matrix();
      const VectorXd dhn = dan.cwiseProduct(rg);
      VectorXd dax(3 * H), dah(3 * H);
      dax << dar, daz, dan;
      dah << dar, daz, dhn;
      g.Wx += dax * r.x.transpose();
      g.b += dax;
      g.Wh += dah * r.h_prev.transpose();
      g.bhn += dhn;
      dh_prev = w.Wh.transpose() * dah + dh.cwiseProduct(zg);
      dx = w.Wx.transpose() * dax;
    } else if (m_.cell == "mgu") {
      const VectorXd fg = r.gates.segment(0, H), ng = r.gates.segment(H, H);
      const VectorXd dan = (dh.array() * fg.array() * (1 - ng.array().square())).matrix();
      const VectorXd dfh = w.Wh.bottomRows(H).transpose() * dan;  // w.r.t. f*h
      const VectorXd daf = ((dh.array() * (ng - r.h_prev).array() + dfh.array() * r.h_prev.array()) * fg.array() *
                            (1 - fg.array())).matrix();
      VectorXd da(2 * H);
      da << daf, dan;
      g.Wx += da * r.x.transpose();
      g.b += da;
      g.Wh.topRows(H) += daf * r.h_prev.transpose();
      g.Wh.bottomRows(H) += dan * r.hn.transpose();
      dh_prev = w.Wh.topRows(H).transpose() * daf + dh.cwiseProduct((1.0 - fg.array()).matrix()) + dfh.cwiseProduct(fg);
      dx = w.Wx.transpose() * da;
    } else {
      throw std::logic_error("the naive reference has no cell " + m_.cell);
    }
  }

  // The state a lane starts from (and restarts from at a reset): zero, or s_0 = 1 for influence.
  VectorXd start_c() const {
    return m_.cell == "influence" ? VectorXd::Ones(kInfluenceN * m_.hidden) : VectorXd::Zero(m_.hidden);
  }

  void zero_grads() {
    gw_ = w_;
    for (auto& g : gw_) {
      g.Wx.setZero();
      g.Wh.setZero();
      g.b.setZero();
      if (g.bhn.size()) g.bhn.setZero();
    }
    gWout_ = MatrixXd::Zero(Wout_.rows(), Wout_.cols());
    gbout_ = VectorXd::Zero(bout_.size());
  }

  ModelSpec m_;
  Index k2_;
  bool recompute_, mean_;
  std::vector<LayerW> w_, gw_;
  MatrixXd Wout_, gWout_;
  VectorXd bout_, gbout_;
  std::vector<Step> data_;
  std::vector<std::vector<Rec>> recs_;            // [step][lane * L + layer]
  std::vector<VectorXd> carried_h_, carried_c_;  // [lane * L + layer]
};

}  // namespace tbptt::test
