// The training loop allocates nothing once its buffers are sized: every scratch buffer (tape,
// cell and head workspaces, product packing) grows during the first updates and is reused
// afterwards. Fresh buffers per call would also mean fresh pages and page faults at every update.
#include <catch2/catch.hpp>

#include <vector>

#include "count_allocations.hpp"
#include "harness/train/tbptt_trainer.hpp"
#include "models/gemm.hpp"
#include "models/rng.hpp"

namespace tbptt::test {
namespace {

// Chunks of dense N(0, 1) inputs with class targets at every step, episodes of `episode` steps.
std::vector<StepBlock> chunks(Index count, Index steps, Index lanes, Index input, Index output, Index episode) {
  Rng rng(5);
  std::vector<StepBlock> out(static_cast<size_t>(count));
  Index t = 0;
  for (auto& b : out) {
    b.resize(steps, lanes, InputKind::dense, input, HeadKind::softmax_xent, output);
    for (Index j = 0; j < b.x.size(); ++j) b.x.data()[j] = static_cast<float>(rng.normal());
    for (auto& c : b.classes) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(output)));
    std::fill(b.mask.begin(), b.mask.end(), uint8_t{1});
    for (Index s = 0; s < steps; ++s, ++t)
      for (Index l = 0; l < lanes; ++l) b.reset[static_cast<size_t>(s * lanes + l)] = (t + l) % episode == 0;
  }
  return out;
}

}  // namespace

TEST_CASE("the allocation counter sees an allocation", "[alloc]") {
  AllocationCount count;
  std::vector<float> v(1000);
  v[0] = 1.0f;
  CHECK(count.count() >= 1);
}

TEST_CASE("updates after the first few allocate nothing", "[alloc]") {
  if (std::string(window_gemm_backend()) == "eigen")
    WARN("products run on Eigen, which allocates its packing buffers inside each product");
  const std::string cell = GENERATE(std::string("rnn"), std::string("lstm"), std::string("gru"));
  // TBPTT(8, 8), TBPTT(4, 12) (the window reaches back into the previous chunk) and 2 layers.
  const auto [k1, k2, layers] = GENERATE(std::tuple<Index, Index, Index>{8, 8, 1},
                                         std::tuple<Index, Index, Index>{4, 12, 1},
                                         std::tuple<Index, Index, Index>{8, 8, 2});
  const Index B = 8, I = 5, H = 40, O = 6;
  const ModelSpec spec{cell, InputKind::dense, HeadKind::softmax_xent, I, H, O, layers};
  Network<float> net(spec);
  ParamBuffer<float> params = net.make_buffer();
  Rng rng(3);
  net.init(params, InitSpec{}, rng);
  TrainConfig tc;
  tc.batch = B;
  tc.tbptt.k1 = k1;
  tc.tbptt.k2 = k2;
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.lr = 0.01;
  tc.clip.kind = ClipKind::global_norm;
  tc.clip.threshold = 1.0;
  TbpttTrainer<float> trainer(net, params, tc, 0, false);
  const auto pool = chunks(6, k1, B, I, O, 11);
  auto one = [&](size_t u) {
    UpdateStats st = trainer.compute_gradient(pool[u % pool.size()]);
    trainer.apply(st, tc.optimizer.lr);
    return st;
  };
  for (size_t u = 0; u < 4; ++u) one(u);  // sizes every buffer
  INFO("cell " << cell << ", TBPTT(" << k1 << ", " << k2 << "), " << layers << " layer(s)");
  AllocationCount count;
  double loss = 0;
  for (size_t u = 4; u < 10; ++u) loss += one(u).loss;
  const long long allocations = count.count();
  CHECK(std::isfinite(loss));
  if (std::string(window_gemm_backend()) != "eigen") CHECK(allocations == 0);
}

}  // namespace tbptt::test
