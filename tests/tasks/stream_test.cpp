// The endless-stream tasks against their definitions: add_stream (with its entropy plateaus
// measured from the generator), anbn, copy_stream, sine and mackey_glass.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <set>

#include "task_test_util.hpp"

using namespace tbptt;
using tbptt::test::draw;

namespace {

size_t at(Index t, Index B, Index b) { return static_cast<size_t>(t * B + b); }

double h2(double p) { return p <= 0 || p >= 1 ? 0 : -p * std::log(p) - (1 - p) * std::log(1 - p); }

}  // namespace

TEST_CASE("add_stream: encoding, warm-up mask, no resets", "[tasks][add_stream]") {
  const auto task = make_task("add_stream", {});
  const TaskInfo& info = task->info();
  CHECK(info.input_kind == InputKind::dense);
  CHECK(info.input_size == 2);
  CHECK(info.output_size == 2);
  CHECK(info.max_episode_length == 0);
  CHECK_FALSE(info.aligned_episodes);
  const Index B = 3;
  const auto stream = task->stream(Split::train, B, 1);
  StepBlock s;
  for (int chunk = 0; chunk < 3; ++chunk) {
    stream->next(5, s);  // the warm-up (8 steps) spans two chunks
    for (Index t = 0; t < 5; ++t)
      for (Index b = 0; b < B; ++b) {
        const Index j = t * B + b;
        const Index step = chunk * 5 + t;
        CHECK(((s.x(0, j) == 0.0f || s.x(0, j) == 1.0f) && s.x(0, j) + s.x(1, j) == 1.0f));
        CHECK(s.mask[static_cast<size_t>(j)] == (step >= 8 ? 1 : 0));
        CHECK(s.reset[static_cast<size_t>(j)] == (step == 0 ? 1 : 0));
      }
  }
}

TEST_CASE("add_stream: the plateaus measured from the generator match the closed form",
          "[tasks][add_stream]") {
  const auto task = make_task("add_stream", {});
  const auto& ref = task->info().reference_levels;
  // The values Pitis (2016) reports.
  CHECK(ref.at("no_memory") == Approx(0.6616).margin(5e-5));
  CHECK(ref.at("t1_only") == Approx(0.5192).margin(5e-5));
  CHECK(ref.at("both") == Approx(0.4545).margin(5e-5));
  CHECK(task->info().chance_loss == ref.at("no_memory"));
  // Label frequencies given the lagged inputs, counted over the stream.
  const Index B = 8, T = 40000;
  const StepBlock s = draw(*task, Split::train, B, 21, T);
  double n[2][2] = {{0, 0}, {0, 0}}, ones[2][2] = {{0, 0}, {0, 0}};
  for (Index b = 0; b < B; ++b)
    for (Index t = 8; t < T; ++t) {
      REQUIRE(s.mask[at(t, B, b)] == 1);
      const int x1 = static_cast<int>(s.x(0, (t - 3) * B + b));
      const int x2 = static_cast<int>(s.x(0, (t - 8) * B + b));
      n[x1][x2] += 1;
      ones[x1][x2] += s.classes[at(t, B, b)];
    }
  const double total = n[0][0] + n[0][1] + n[1][0] + n[1][1];
  double no_memory = 0, t1_only = 0, both = 0;
  no_memory = h2((ones[0][0] + ones[0][1] + ones[1][0] + ones[1][1]) / total);
  for (int x1 = 0; x1 < 2; ++x1) {
    const double nx = n[x1][0] + n[x1][1];
    t1_only += nx / total * h2((ones[x1][0] + ones[x1][1]) / nx);
    for (int x2 = 0; x2 < 2; ++x2) {
      both += n[x1][x2] / total * h2(ones[x1][x2] / n[x1][x2]);
      CHECK(ones[x1][x2] / n[x1][x2] == Approx(0.5 + 0.5 * x1 - 0.25 * x2).margin(0.01));
    }
  }
  CHECK(no_memory == Approx(ref.at("no_memory")).margin(0.005));
  CHECK(t1_only == Approx(ref.at("t1_only")).margin(0.005));
  CHECK(both == Approx(ref.at("both")).margin(0.005));
}

TEST_CASE("add_stream: plateaus follow the lags (t1 == t2 merges the two bits)",
          "[tasks][add_stream]") {
  const auto same = make_task("add_stream", {{"t1", int64_t{4}}, {"t2", int64_t{4}}});
  const auto& ref = same->info().reference_levels;
  CHECK(ref.at("no_memory") == Approx(h2(0.625)));
  CHECK(ref.at("t1_only") == Approx((h2(0.5) + h2(0.75)) / 2));
  CHECK(ref.at("both") == Approx(ref.at("t1_only")));
}

TEST_CASE("anbn: a^n b^n runs between separators, scored where the history decides",
          "[tasks][anbn]") {
  const Index k = 2, l = 6, B = 5, T = 3000;
  const auto task = make_task("anbn", {{"k", k}, {"l", l}});
  const TaskInfo& info = task->info();
  CHECK(info.input_size == 3);
  CHECK(info.output_size == 3);
  CHECK(info.reference_levels.at("optimal") == Approx(std::log(5.0) / 9));
  const double pa = 4.0 / 9, ps = 1.0 / 9;
  CHECK(info.chance_loss == Approx(-2 * pa * std::log(pa) - ps * std::log(ps)));
  const StepBlock s = draw(*task, Split::train, B, 6, T);
  std::set<Index> ns;
  for (Index b = 0; b < B; ++b) {
    CHECK(s.tokens[at(0, B, b)] == 2);  // every lane opens with a separator
    Index a_run = 0, b_run = 0;         // a's and b's of the current run so far
    for (Index t = 0; t < T; ++t) {
      const size_t j = at(t, B, b);
      const int32_t in = s.tokens[j];
      if (t + 1 < T) CHECK(s.classes[j] == s.tokens[at(t + 1, B, b)]);  // next symbol
      CHECK(s.mask[j] == 1);
      CHECK(s.reset[j] == (t == 0 ? 1 : 0));
      if (in == 0) {
        CHECK(b_run == 0);
        ++a_run;
      } else if (in == 1) {
        ++b_run;
        CHECK(b_run <= a_run);
      } else {
        if (t > 0) {
          CHECK(b_run == a_run);
          CHECK((a_run >= k && a_run <= l));
          ns.insert(a_run);
        }
        a_run = b_run = 0;
      }
      // Determined next symbols: after a separator (a), after fewer than k a's (a), after l a's
      // (b), within the b's (b or the separator).
      const int32_t next = s.classes[j];
      const bool determined = in == 2 || in == 1 || (in == 0 && next == 0 && a_run < k) ||
                              (in == 0 && next == 1 && a_run == l);
      CHECK(s.score[j] == (determined ? 1 : 0));
    }
  }
  CHECK(ns == std::set<Index>{2, 3, 4, 5, 6});
}

TEST_CASE("copy_stream: marker, m symbols, m echo steps with m in {minlag..lag}",
          "[tasks][copy_stream]") {
  const Index S = 5, minlag = 2, lag = 6, B = 4, T = 2000;
  const auto task = make_task("copy_stream", {{"symbols", S}, {"minlag", minlag}, {"lag", lag}});
  const TaskInfo& info = task->info();
  CHECK(info.input_size == S + 2);
  CHECK(info.output_size == S);
  CHECK(info.chance_loss == Approx(std::log(5.0)));
  const StepBlock s = draw(*task, Split::train, B, 8, T);
  std::set<Index> lags;
  for (Index b = 0; b < B; ++b) {
    Index t = 0;
    while (true) {
      // A segment: marker at t, then m symbols, then m echo steps.
      REQUIRE(s.tokens[at(t, B, b)] == S + 1);
      CHECK(s.mask[at(t, B, b)] == 0);
      Index m = 0;
      while (t + 1 + m < T && s.tokens[at(t + 1 + m, B, b)] >= 1 &&
             s.tokens[at(t + 1 + m, B, b)] <= S) {
        CHECK(s.mask[at(t + 1 + m, B, b)] == 0);
        ++m;
      }
      if (t + 1 + 2 * m >= T) break;  // the last, incomplete segment
      CHECK((m >= minlag && m <= lag));
      lags.insert(m);
      for (Index i = 0; i < m; ++i) {
        const size_t j = at(t + 1 + m + i, B, b);
        CHECK(s.tokens[j] == 0);
        CHECK(s.classes[j] == s.tokens[at(t + 1 + i, B, b)] - 1);
        CHECK(s.mask[j] == 1);
        CHECK(s.score[j] == 1);
      }
      t += 1 + 2 * m;
    }
  }
  CHECK(lags == std::set<Index>{2, 3, 4, 5, 6});
}

TEST_CASE("sine: next-value targets of a fixed-frequency sine per lane", "[tasks][sine]") {
  const double min_period = 8, max_period = 40;
  const auto task = make_task("sine", {{"min_period", min_period}, {"max_period", max_period}});
  const TaskInfo& info = task->info();
  CHECK(info.head == HeadKind::mse);
  CHECK(info.input_size == 1);
  CHECK(info.output_size == 1);
  CHECK(info.chance_loss == 0.5);
  const Index B = 16, T = 3000;
  const StepBlock s = draw(*task, Split::train, B, 9, T);
  std::set<long> periods;
  double sum2 = 0;
  for (Index b = 0; b < B; ++b) {
    // x_{t+1} + x_{t-1} = 2 cos(w) x_t, with the same w all along the lane.
    double c = 0;
    for (Index t = 1; t < T; ++t) {
      const double prev = s.x(0, (t - 1) * B + b), x = s.x(0, t * B + b);
      const double next = s.values(0, t * B + b);
      CHECK(s.values(0, (t - 1) * B + b) == s.x(0, t * B + b));  // target = next input
      CHECK(std::fabs(x) <= 1.0);
      sum2 += x * x;
      if (std::fabs(x) < 0.5) continue;
      const double ct = (next + prev) / x;
      if (c == 0) c = ct;
      CHECK(ct == Approx(c).margin(1e-4));
    }
    const double period = 2 * std::numbers::pi / std::acos(c / 2);
    CHECK((period >= min_period - 0.01 && period <= max_period + 0.01));
    periods.insert(std::lround(period));
  }
  CHECK(periods.size() >= 8);  // lanes draw their own periods
  CHECK(sum2 / static_cast<double>(B * (T - 1)) == Approx(0.5).margin(0.02));
  // Predicting x_{t+1} = x_t: 1 - cos w on average.
  double persistence = 0;
  for (int i = 0; i < 200000; ++i) {
    const double p = min_period + (max_period - min_period) * (i + 0.5) / 200000;
    persistence += (1 - std::cos(2 * std::numbers::pi / p)) / 200000;
  }
  CHECK(info.reference_levels.at("persistence") == Approx(persistence).epsilon(1e-4));
}

TEST_CASE("mackey_glass: normalised, next-value targets, lanes decorrelate",
          "[tasks][mackey_glass]") {
  const auto task = make_task("mackey_glass", {});
  const TaskInfo& info = task->info();
  CHECK(info.head == HeadKind::mse);
  CHECK(info.input_size == 1);
  const Index B = 8, T = 4000;
  const StepBlock s = draw(*task, Split::train, B, 10, T);
  double sum = 0, sum2 = 0, cross = 0;
  for (Index t = 0; t < T; ++t)
    for (Index b = 0; b < B; ++b) {
      const Index j = t * B + b;
      if (t + 1 < T) CHECK(s.values(0, j) == s.x(0, j + B));
      CHECK(std::fabs(s.x(0, j)) < 5);
      sum += s.x(0, j);
      sum2 += double{s.x(0, j)} * s.x(0, j);
      if (b > 0) cross += double{s.x(0, j)} * s.x(0, j - 1);
    }
  const double n = static_cast<double>(B * T);
  CHECK(sum / n == Approx(0.0).margin(0.1));
  CHECK(sum2 / n == Approx(1.0).margin(0.15));
  // Different initial histories: neighbouring lanes are nearly uncorrelated after the warm-up.
  CHECK(std::fabs(cross / (n - static_cast<double>(T))) < 0.3);
  // A sampled chaotic series with tau = 17 is smooth at step 1: consecutive values are close.
  double step2 = 0;
  for (Index j = 0; j < (T - 1) * B; ++j) step2 += std::pow(s.values(0, j) - s.x(0, j), 2);
  CHECK(step2 / n < 0.05);
}
