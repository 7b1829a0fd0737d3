// GEMM rates at the exact shapes of an LSTM update (G = 4H gates, batch B = 32, input I = 64,
// output O = 64, a window of T = 32 steps: n = T*B = 1024 columns), float, one thread, for each
// backend the project can use: Eigen (the expressions the cells used), libxsmm (models/gemm.hpp)
// and oneDNN's dnnl_sgemm and matmul primitive (when libdnnl-dev is installed; measured only:
// both allocate inside every call, the matmul primitive 6-7 times per execute even with a
// user-owned scratchpad). They decide which library runs which product (models/gemm.hpp).
//
//   BM_Gemm/<product>/<backend>/<H>, product (C = op(A) op(B), m x n x k):
//     step_fwd   Wh h                (G, B, H)     per step: Wh packed once per window
//     step_bwd   Wh^T dA             (H, B, G)     per step: Wh^T packed once per window
//     dWh        dA states^T         (G, H, T*B)   window weight gradient (accumulates)
//     proj       Wx x                (G, T*B, I)   window input projection
//     dWx        dA x^T              (G, I, T*B)   window weight gradient (accumulates)
//     head       W h                 (O, T*B, H)   head logits
//     head_dW    dz h^T              (O, H, T*B)   head weight gradient (accumulates)
//     head_dh    W^T dz              (H, T*B, O)   head gradient into the top layer
// Counter GFLOP (a rate, GFLOP/s) = 2 m n k per iteration. Compare with BM_FmaPeak.
//   tbptt_bench --benchmark_filter='BM_Gemm/step_fwd/.*/512' --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "models/gemm.hpp"

#if defined(TBPTT_WITH_DNNL)
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace tbptt {
namespace {

constexpr Index kBatch = 32, kSteps = 32, kInput = 64, kOutput = 64;

struct Shape {
  const char* name;
  Op opA, opB;
  bool accumulate;
  bool packed_once;  // a per-step product: op(A) is packed outside the timed loop
  Index m, n, k;
};

Shape shape_of(const std::string& product, Index H) {
  const Index G = 4 * H, n = kSteps * kBatch;
  if (product == "step_fwd") return {"step_fwd", Op::N, Op::N, false, true, G, kBatch, H};
  if (product == "step_bwd") return {"step_bwd", Op::T, Op::N, false, true, H, kBatch, G};
  if (product == "dWh") return {"dWh", Op::N, Op::T, true, false, G, H, n};
  if (product == "proj") return {"proj", Op::N, Op::N, false, false, G, n, kInput};
  if (product == "dWx") return {"dWx", Op::N, Op::T, true, false, G, kInput, n};
  if (product == "head") return {"head", Op::N, Op::N, false, false, kOutput, n, H};
  if (product == "head_dW") return {"head_dW", Op::N, Op::T, true, false, kOutput, H, n};
  return {"head_dh", Op::T, Op::N, false, false, H, n, kOutput};
}

Matrix<float> random_matrix(Index rows, Index cols, std::mt19937& gen) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Matrix<float> m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = u(gen);
  return m;
}

void eigen_product(const Matrix<float>& A, Op opA, const Matrix<float>& B, Op opB, Matrix<float>& C, bool acc) {
  // The expressions the cells wrote before models/gemm.hpp existed.
  if (opA == Op::N && opB == Op::N) {
    if (acc) C.noalias() += A * B; else C.noalias() = A * B;
  } else if (opA == Op::N) {
    if (acc) C.noalias() += A * B.transpose(); else C.noalias() = A * B.transpose();
  } else {
    if (acc) C.noalias() += A.transpose() * B; else C.noalias() = A.transpose() * B;
  }
}

void bm_gemm(benchmark::State& state, const std::string& product, const std::string& backend) {
  Eigen::setNbThreads(1);
#if defined(TBPTT_WITH_DNNL)
  omp_set_num_threads(1);  // dnnl_sgemm runs on OpenMP's threads: one, like the other backends
#endif
  const Shape s = shape_of(product, state.range(0));
  std::mt19937 gen(static_cast<unsigned>(s.m * 31 + s.n * 7 + s.k));
  const Matrix<float> A = s.opA == Op::N ? random_matrix(s.m, s.k, gen) : random_matrix(s.k, s.m, gen);
  const Matrix<float> B = s.opB == Op::N ? random_matrix(s.k, s.n, gen) : random_matrix(s.n, s.k, gen);
  Matrix<float> C = Matrix<float>::Zero(s.m, s.n);
  const ConstView<float> a = cview(A, 0, A.rows(), 0, A.cols()), b = cview(B, 0, B.rows(), 0, B.cols());
  View<float> c = view(C, 0, s.m, 0, s.n);
  PackedMatrix<float> packed;
  Gemm<float> gemm;
  packed.pack(a, s.opA);

#if defined(TBPTT_WITH_DNNL)
  // The matmul primitive, created once with a caller-owned scratchpad, on the row-major view of
  // the column-major data: C^T (n, m) = op(B)^T (n, k) op(A)^T (k, m), every operand in place.
  using dnnl::memory;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const memory::dim lda = A.rows(), ldb = B.rows(), ldc = C.rows();
  const memory::desc src_d({s.n, s.k}, memory::data_type::f32,
                           s.opB == Op::N ? memory::dims{ldb, 1} : memory::dims{1, ldb});
  const memory::desc wei_d({s.k, s.m}, memory::data_type::f32,
                           s.opA == Op::N ? memory::dims{lda, 1} : memory::dims{1, lda});
  const memory::desc dst_d({s.n, s.m}, memory::data_type::f32, memory::dims{ldc, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (s.accumulate) {
    dnnl::post_ops sum;
    sum.append_sum(1.0f);
    attr.set_post_ops(sum);
  }
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_d, wei_d, dst_d), attr, engine);
  std::vector<char> scratch(pd.scratchpad_desc().get_size());
  const dnnl::matmul matmul(pd);
  memory src(src_d, engine, const_cast<float*>(B.data())), wei(wei_d, engine, const_cast<float*>(A.data())),
      dst(dst_d, engine, C.data()), scr(pd.scratchpad_desc(), engine, scratch.data());
  const dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, src.get()}, {DNNL_ARG_WEIGHTS, wei.get()},
                                  {DNNL_ARG_DST, dst.get()}, {DNNL_ARG_SCRATCHPAD, scr.get()}};
  if (backend == "onednn_matmul") state.SetLabel(pd.impl_info_str());
#endif

  auto once = [&] {
    if (backend == "eigen") {
      eigen_product(A, s.opA, B, s.opB, C, s.accumulate);
    } else if (backend == "libxsmm") {
      if (s.packed_once)
        packed.multiply(b, c, s.accumulate);
      else
        gemm(a, s.opA, b, s.opB, c, s.accumulate);
    } else if (backend == "onednn_matmul") {
#if defined(TBPTT_WITH_DNNL)
      dnnl_primitive_execute(matmul.get(), stream.get(), 4, args);
#endif
    } else {
#if defined(TBPTT_WITH_DNNL)
      // Row-major dnnl_sgemm on column-major data computes C^T = op(B)^T op(A)^T.
      dnnl_sgemm(s.opB == Op::N ? 'N' : 'T', s.opA == Op::N ? 'N' : 'T', s.n, s.m, s.k, 1.0f, B.data(),
                 B.rows(), A.data(), A.rows(), s.accumulate ? 1.0f : 0.0f, C.data(), C.rows());
#endif
    }
  };
  once();
  for (auto _ : state) {
    once();
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
  state.counters["GFLOP"] =
      benchmark::Counter(flops * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

const bool registered = [] {
  std::vector<std::string> backends{"eigen"};
  if (std::string(window_gemm_backend()) == "libxsmm") backends.emplace_back("libxsmm");
#if defined(TBPTT_WITH_DNNL)
  backends.emplace_back("onednn");
  backends.emplace_back("onednn_matmul");
#endif
  for (const char* product : {"step_fwd", "step_bwd", "dWh", "proj", "dWx", "head", "head_dW", "head_dh"})
    for (const auto& backend : backends) {
      const std::string name = std::string("BM_Gemm/") + product + "/" + backend;
      benchmark::RegisterBenchmark(name.c_str(), [p = std::string(product), backend](benchmark::State& st) {
        bm_gemm(st, p, backend);
      })->Arg(128)->Arg(256)->Arg(512);
    }
  return true;
}();

}  // namespace
}  // namespace tbptt
