// The oneDNN peer: the workload of `tbptt speed` and scripts/peers/pytorch_tbptt.py with oneDNN
// 2.x RNN primitives doing the whole update: forward over a chunk of k1 steps (vanilla_rnn tanh,
// vanilla_lstm, or lbr_gru, which is PyTorch's GRU placement of r), a linear head with softmax
// cross-entropy (mean over the chunk's k1*B entries) through dnnl_sgemm, backward through the
// chunk (TBPTT(k1, k1): no gradient enters from the future), SGD, and the hidden state carried
// into the next chunk. Float, one layer, dense N(0, 1) inputs and uniform class targets from a
// pool of chunks generated before timing.
//
// Weights live in the layout of the backward primitive's weight gradients (SGD is then one
// elementwise loop) and are reordered into the forward and backward primitives' own layouts at
// every update, as a framework on oneDNN does when the weights change.
//
//   onednn_tbptt --cell lstm --hidden 256 [--batch 32 --input 64 --output 64 --k1 32
//                --updates 50 --warmup 5 --lr 0.01 --seed 1]
// Prints one JSON line (the fields of pytorch_tbptt.py). Threads: OMP_NUM_THREADS.
#include <oneapi/dnnl/dnnl.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Args {
  std::string cell = "lstm";
  long hidden = 256, batch = 32, input = 64, output = 64, k1 = 32, k2 = 0, layers = 1;
  long updates = 50, warmup = 5, pool = 4;
  double lr = 0.01;
  unsigned seed = 1;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("missing value after " + key);
    const std::string v = argv[++i];
    if (key == "--cell") a.cell = v;
    else if (key == "--hidden") a.hidden = std::stol(v);
    else if (key == "--batch") a.batch = std::stol(v);
    else if (key == "--input") a.input = std::stol(v);
    else if (key == "--output") a.output = std::stol(v);
    else if (key == "--layers") a.layers = std::stol(v);
    else if (key == "--k1") a.k1 = std::stol(v);
    else if (key == "--k2") a.k2 = std::stol(v);
    else if (key == "--updates") a.updates = std::stol(v);
    else if (key == "--warmup") a.warmup = std::stol(v);
    else if (key == "--lr") a.lr = std::stod(v);
    else if (key == "--seed") a.seed = static_cast<unsigned>(std::stoul(v));
    else if (key == "--threads" || key == "--optimizer") continue;  // OMP_NUM_THREADS; SGD only
    else throw std::invalid_argument("unknown option " + key);
  }
  if (a.k2 == 0) a.k2 = a.k1;
  if (a.cell != "rnn" && a.cell != "lstm" && a.cell != "gru") throw std::invalid_argument("--cell: rnn, lstm or gru");
  if (a.k2 != a.k1) throw std::invalid_argument("the oneDNN peer runs TBPTT(k1, k1) only");
  if (a.layers != 1) throw std::invalid_argument("the oneDNN peer runs one layer only");
  if (a.hidden < 1 || a.batch < 1 || a.input < 1 || a.output < 1 || a.k1 < 1 || a.updates < 1 || a.warmup < 0)
    throw std::invalid_argument("sizes must be >= 1");
  return a;
}

long gates_of(const std::string& cell) { return cell == "lstm" ? 4 : cell == "gru" ? 3 : 1; }

// Training FLOPs per (step, lane), the formula of tbptt's Network::train_flops_per_token.
double flops_per_token(const Args& a) {
  const double G = static_cast<double>(gates_of(a.cell) * a.hidden), H = static_cast<double>(a.hidden);
  return 6.0 * static_cast<double>(a.output) * H + 3 * 2 * G * H + 2 * 2 * G * static_cast<double>(a.input);
}

memory make(const memory::desc& md, const engine& eng) {
  memory m(md, eng);
  std::memset(m.get_data_handle(), 0, md.get_size());
  return m;
}
float* ptr(const memory& m) { return static_cast<float*>(m.get_data_handle()); }

class Peer {
 public:
  explicit Peer(const Args& a) : a_(a), eng_(engine::kind::cpu, 0), s_(eng_) {
    const long T = a.k1, N = a.batch, C = a.input, H = a.hidden, G = gates_of(a.cell);
    const long bias_gates = a.cell == "gru" ? 4 : G;  // lbr_gru: the extra bias of r*(Wh_n h + bhn)
    const memory::desc x_md({T, N, C}, dt::f32, tag::tnc), h_md({T, N, H}, dt::f32, tag::tnc);
    const memory::desc it_md({1, 1, N, H}, dt::f32, tag::ldnc);
    const memory::desc wl_any({1, 1, C, G, H}, dt::f32, tag::any), wi_any({1, 1, H, G, H}, dt::f32, tag::any);
    const memory::desc b_md({1, 1, bias_gates, H}, dt::f32, tag::ldgo);
    const memory::desc none;
    const auto fwd = prop_kind::forward_training, bwd = prop_kind::backward;
    const auto dir = rnn_direction::unidirectional_left2right;
    primitive_desc fpd, bpd;
    if (a.cell == "rnn") {
      vanilla_rnn_forward::desc fd(fwd, algorithm::eltwise_tanh, dir, x_md, it_md, wl_any, wi_any, b_md, h_md, it_md);
      vanilla_rnn_forward::primitive_desc f(fd, eng_);
      vanilla_rnn_backward::desc bd(bwd, algorithm::eltwise_tanh, dir, x_md, it_md, wl_any, wi_any, b_md, h_md, it_md,
                                    x_md, it_md, wl_any, wi_any, b_md, h_md, it_md);
      vanilla_rnn_backward::primitive_desc b(bd, eng_, f);
      fwd_ = vanilla_rnn_forward(f);
      bwd_ = vanilla_rnn_backward(b);
      fpd = f, bpd = b;
    } else if (a.cell == "lstm") {
      lstm_forward::desc fd(fwd, dir, x_md, it_md, it_md, wl_any, wi_any, b_md, h_md, it_md, it_md);
      lstm_forward::primitive_desc f(fd, eng_);
      lstm_backward::desc bd(bwd, dir, x_md, it_md, it_md, wl_any, wi_any, b_md, h_md, it_md, it_md, x_md, it_md,
                             it_md, wl_any, wi_any, b_md, h_md, it_md, it_md);
      lstm_backward::primitive_desc b(bd, eng_, f);
      fwd_ = lstm_forward(f);
      bwd_ = lstm_backward(b);
      fpd = f, bpd = b;
    } else {
      lbr_gru_forward::desc fd(fwd, dir, x_md, it_md, wl_any, wi_any, b_md, h_md, it_md);
      lbr_gru_forward::primitive_desc f(fd, eng_);
      lbr_gru_backward::desc bd(bwd, dir, x_md, it_md, wl_any, wi_any, b_md, h_md, it_md, x_md, it_md, wl_any, wi_any,
                                b_md, h_md, it_md);
      lbr_gru_backward::primitive_desc b(bd, eng_, f);
      fwd_ = lbr_gru_forward(f);
      bwd_ = lbr_gru_backward(b);
      fpd = f, bpd = b;
    }
    auto q = [](const primitive_desc& pd, int arg) { return pd.query_md(query::exec_arg_md, arg); };
    // Master weights and their gradients: the layout of the backward pass's weight gradients.
    dwl_ = make(q(bpd, DNNL_ARG_DIFF_WEIGHTS_LAYER), eng_);
    dwi_ = make(q(bpd, DNNL_ARG_DIFF_WEIGHTS_ITER), eng_);
    db_ = make(q(bpd, DNNL_ARG_DIFF_BIAS), eng_);
    wl_ = make(dwl_.get_desc(), eng_);
    wi_ = make(dwi_.get_desc(), eng_);
    b_ = make(db_.get_desc(), eng_);
    fwl_ = make(q(fpd, DNNL_ARG_WEIGHTS_LAYER), eng_);
    fwi_ = make(q(fpd, DNNL_ARG_WEIGHTS_ITER), eng_);
    bwl_ = make(q(bpd, DNNL_ARG_WEIGHTS_LAYER), eng_);
    bwi_ = make(q(bpd, DNNL_ARG_WEIGHTS_ITER), eng_);
    to_fwl_ = reorder(wl_, fwl_), to_fwi_ = reorder(wi_, fwi_), to_bwl_ = reorder(wl_, bwl_), to_bwi_ = reorder(wi_, bwi_);
    ws_ = make(q(fpd, DNNL_ARG_WORKSPACE), eng_);
    x_ = make(x_md, eng_), h_ = make(h_md, eng_), dh_ = make(h_md, eng_), dx_ = make(x_md, eng_);
    h0_ = make(it_md, eng_), c0_ = make(it_md, eng_), hT_ = make(it_md, eng_), cT_ = make(it_md, eng_);
    zero_it_ = make(it_md, eng_), dh0_ = make(it_md, eng_), dc0_ = make(it_md, eng_);

    // PyTorch's initialisation: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)).
    std::mt19937 gen(a.seed);
    std::uniform_real_distribution<float> u(-1.0f / std::sqrt(static_cast<float>(H)), 1.0f / std::sqrt(static_cast<float>(H)));
    for (memory* m : {&wl_, &wi_, &b_}) {
      float* p = ptr(*m);
      for (size_t i = 0; i < m->get_desc().get_size() / sizeof(float); ++i) p[i] = u(gen);
    }
    W_.resize(static_cast<size_t>(a.output * H));
    hb_.resize(static_cast<size_t>(a.output));
    dW_.resize(W_.size());
    dhb_.resize(hb_.size());
    for (auto& w : W_) w = u(gen);
    for (auto& w : hb_) w = u(gen);
    logits_.resize(static_cast<size_t>(T * N * a.output));

    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> cls(0, static_cast<int>(a.output - 1));
    xs_.resize(static_cast<size_t>(a.pool * T * N * C));
    ys_.resize(static_cast<size_t>(a.pool * T * N));
    for (auto& v : xs_) v = normal(gen);
    for (auto& v : ys_) v = cls(gen);
  }

  // One TBPTT(k1, k1) update on chunk u of the pool; returns the chunk's mean loss.
  float update(long u) {
    const long T = a_.k1, N = a_.batch, C = a_.input, H = a_.hidden, O = a_.output, n = T * N;
    const long chunk = u % a_.pool;
    std::memcpy(ptr(x_), xs_.data() + chunk * n * C, static_cast<size_t>(n * C) * sizeof(float));
    const int* y = ys_.data() + chunk * n;
    to_fwl_.execute(s_, wl_, fwl_);
    to_fwi_.execute(s_, wi_, fwi_);
    const bool lstm = a_.cell == "lstm";
    std::unordered_map<int, memory> fargs{{DNNL_ARG_SRC_LAYER, x_}, {DNNL_ARG_SRC_ITER, h0_},
                                          {DNNL_ARG_WEIGHTS_LAYER, fwl_}, {DNNL_ARG_WEIGHTS_ITER, fwi_},
                                          {DNNL_ARG_BIAS, b_}, {DNNL_ARG_DST_LAYER, h_},
                                          {DNNL_ARG_DST_ITER, hT_}, {DNNL_ARG_WORKSPACE, ws_}};
    if (lstm) fargs.insert({{DNNL_ARG_SRC_ITER_C, c0_}, {DNNL_ARG_DST_ITER_C, cT_}});
    fwd_.execute(s_, fargs);

    // Head: logits (n, O) = h (n, H) W^T + b, row-major; softmax cross-entropy, mean over n.
    const float* h = ptr(h_);
    dnnl_sgemm('N', 'T', n, O, H, 1.0f, h, H, W_.data(), H, 0.0f, logits_.data(), O);
    double loss = 0;
    const float inv_n = 1.0f / static_cast<float>(n);
    for (long j = 0; j < n; ++j) {
      float* z = logits_.data() + j * O;
      float m = z[0];
      for (long o = 0; o < O; ++o) z[o] += hb_[static_cast<size_t>(o)], m = std::max(m, z[o]);
      float sum = 0;
      for (long o = 0; o < O; ++o) sum += (z[o] = std::exp(z[o] - m));
      loss += std::log(sum) - std::log(z[y[j]]);
      for (long o = 0; o < O; ++o) z[o] *= inv_n / sum;  // d loss / dz = (softmax - onehot) / n
      z[y[j]] -= inv_n;
    }
    // dW (O, H) = dz^T h; db = column sums of dz; dh (n, H) = dz W.
    dnnl_sgemm('T', 'N', O, H, n, 1.0f, logits_.data(), O, h, H, 0.0f, dW_.data(), H);
    std::fill(dhb_.begin(), dhb_.end(), 0.0f);
    for (long j = 0; j < n; ++j)
      for (long o = 0; o < O; ++o) dhb_[static_cast<size_t>(o)] += logits_[static_cast<size_t>(j * O + o)];
    dnnl_sgemm('N', 'N', n, H, O, 1.0f, logits_.data(), O, W_.data(), H, 0.0f, ptr(dh_), H);

    // Backward through the chunk; no gradient arrives at its final state. oneDNN accumulates
    // into the weight gradients, so they are zeroed first.
    to_bwl_.execute(s_, wl_, bwl_);
    to_bwi_.execute(s_, wi_, bwi_);
    for (memory* m : {&dwl_, &dwi_, &db_}) std::memset(m->get_data_handle(), 0, m->get_desc().get_size());
    std::unordered_map<int, memory> bargs{
        {DNNL_ARG_SRC_LAYER, x_},        {DNNL_ARG_SRC_ITER, h0_},          {DNNL_ARG_WEIGHTS_LAYER, bwl_},
        {DNNL_ARG_WEIGHTS_ITER, bwi_},   {DNNL_ARG_BIAS, b_},               {DNNL_ARG_DST_LAYER, h_},
        {DNNL_ARG_DST_ITER, hT_},        {DNNL_ARG_WORKSPACE, ws_},         {DNNL_ARG_DIFF_SRC_LAYER, dx_},
        {DNNL_ARG_DIFF_SRC_ITER, dh0_},  {DNNL_ARG_DIFF_WEIGHTS_LAYER, dwl_}, {DNNL_ARG_DIFF_WEIGHTS_ITER, dwi_},
        {DNNL_ARG_DIFF_BIAS, db_},       {DNNL_ARG_DIFF_DST_LAYER, dh_},    {DNNL_ARG_DIFF_DST_ITER, zero_it_}};
    if (lstm)
      bargs.insert({{DNNL_ARG_SRC_ITER_C, c0_}, {DNNL_ARG_DST_ITER_C, cT_}, {DNNL_ARG_DIFF_SRC_ITER_C, dc0_},
                    {DNNL_ARG_DIFF_DST_ITER_C, zero_it_}});
    bwd_.execute(s_, bargs);
    s_.wait();

    // SGD, then carry the state.
    const float lr = static_cast<float>(a_.lr);
    auto sgd = [lr](float* w, const float* g, size_t count) {
      for (size_t i = 0; i < count; ++i) w[i] -= lr * g[i];
    };
    sgd(ptr(wl_), ptr(dwl_), wl_.get_desc().get_size() / sizeof(float));
    sgd(ptr(wi_), ptr(dwi_), wi_.get_desc().get_size() / sizeof(float));
    sgd(ptr(b_), ptr(db_), b_.get_desc().get_size() / sizeof(float));
    sgd(W_.data(), dW_.data(), W_.size());
    sgd(hb_.data(), dhb_.data(), hb_.size());
    std::memcpy(ptr(h0_), ptr(hT_), static_cast<size_t>(N * H) * sizeof(float));
    if (lstm) std::memcpy(ptr(c0_), ptr(cT_), static_cast<size_t>(N * H) * sizeof(float));
    return static_cast<float>(loss / static_cast<double>(n));
  }

 private:
  Args a_;
  engine eng_;
  stream s_;
  primitive fwd_, bwd_;
  reorder to_fwl_, to_fwi_, to_bwl_, to_bwi_;
  memory wl_, wi_, b_, dwl_, dwi_, db_, fwl_, fwi_, bwl_, bwi_, ws_;
  memory x_, h_, dh_, dx_, h0_, c0_, hT_, cT_, zero_it_, dh0_, dc0_;
  std::vector<float> W_, hb_, dW_, dhb_, logits_, xs_;
  std::vector<int> ys_;
};

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse(argc, argv);
    Peer peer(a);
    for (long u = 0; u < a.warmup; ++u) peer.update(u);
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    float loss = 0;
    for (long u = 0; u < a.updates; ++u) loss = peer.update(a.warmup + u);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_now() - c0;
    const double tokens = static_cast<double>(a.updates * a.k1 * a.batch);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const dnnl_version_t* v = dnnl_version();
#if defined(_OPENMP)
    const int threads = omp_get_max_threads();
#else
    const int threads = 1;
#endif
    std::printf(
        "{\"peer\": \"onednn\", \"cell\": \"%s\", \"layers\": 1, \"input\": %ld, \"hidden\": %ld, \"output\": %ld, "
        "\"batch\": %ld, \"k1\": %ld, \"k2\": %ld, \"optimizer\": \"sgd\", \"lr\": %g, \"updates\": %ld, "
        "\"warmup\": %ld, \"tokens_per_second\": %.6g, \"seconds\": %.6g, \"cpu_seconds\": %.6g, \"tokens\": %.0f, "
        "\"flops_per_token\": %.0f, \"gflops\": %.6g, \"final_loss\": %.6g, \"peak_rss_bytes\": %ld, "
        "\"onednn_version\": \"%d.%d.%d\", \"threads\": %d}\n",
        a.cell.c_str(), a.input, a.hidden, a.output, a.batch, a.k1, a.k2, a.lr, a.updates, a.warmup, tokens / seconds,
        seconds, cpu, tokens, flops_per_token(a), tokens * flops_per_token(a) / seconds * 1e-9, loss,
        static_cast<long>(ru.ru_maxrss) * 1024, v->major, v->minor, v->patch, threads);
    return 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "onednn_tbptt: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "onednn_tbptt: error: %s\n", e.what());
    return 1;
  }
}
