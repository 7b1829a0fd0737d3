// Initialisation schemes users expect, all drawn from a seeded tbptt::Rng.
//
//   uniform:  every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)), as PyTorch's nn.RNN/LSTM/GRU
//             (and U(-1/sqrt(fan_in), ..) for the output layer, as nn.Linear).
//   xavier:   weights ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010), per
//             gate block; biases zero.
//   orthogonal_recurrent: each gate block of Wh is a random orthogonal matrix (Saxe et al. 2014),
//             from the QR decomposition of a Gaussian matrix with the signs of R's diagonal fixed.
//   forget_bias: added to the LSTM forget-gate bias after the scheme (Gers et al. 2000;
//             Jozefowicz et al. 2015 recommend 1).
//   spectral_radius: if > 0, each gate block of Wh is rescaled, last, so that its largest
//             eigenvalue modulus is this (Pascanu, Mikolov & Bengio 2013, sec. 2.1: rho < 1 is
//             sufficient for vanishing gradients in a tanh RNN, rho > 1 necessary for exploding).
#pragma once

#include "models/rng.hpp"
#include "models/tensor.hpp"

namespace tbptt {

enum class InitScheme { uniform, xavier };

struct InitSpec {
  InitScheme scheme = InitScheme::uniform;
  bool orthogonal_recurrent = false;
  double forget_bias = 0.0;
  double spectral_radius = 0.0;  // 0: keep the scheme's Wh
};

// Fills m with U(-a, a).
template <class S>
void fill_uniform(Eigen::Ref<Matrix<S>> m, double a, Rng& rng);

// Fills the square matrix m with a random orthogonal matrix.
template <class S>
void fill_orthogonal(Eigen::Ref<Matrix<S>> m, Rng& rng);

// Rescales the square matrix m (in place) to spectral radius `radius` (> 0). Throws if m is zero.
template <class S>
void scale_to_spectral_radius(Eigen::Ref<Matrix<S>> m, double radius);

}  // namespace tbptt
