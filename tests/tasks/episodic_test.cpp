// The aligned episodic tasks against their definitions: copy, adding (le and pascanu),
// temporal_order and delayed_recall. Positions, encodings, lengths, masks and scores per entry;
// baselines measured from the generator.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "task_test_util.hpp"

using namespace tbptt;
using tbptt::test::draw;

namespace {

size_t at(Index t, Index B, Index b) { return static_cast<size_t>(t * B + b); }

}  // namespace

TEST_CASE("copy: inputs, targets, mask and score follow Arjovsky et al. (2016)", "[tasks][copy]") {
  const Index delay = 5, length = 3, B = 64;
  const auto task = make_task("copy", {{"delay", delay}, {"length", length}});
  const TaskInfo& info = task->info();
  CHECK(info.input_kind == InputKind::tokens);
  CHECK(info.input_size == 10);
  CHECK(info.output_size == 9);
  CHECK(info.head == HeadKind::softmax_xent);
  CHECK(info.aligned_episodes);
  const Index T = delay + 2 * length;
  REQUIRE(info.max_episode_length == T);
  CHECK(info.chance_loss == Approx(3 * std::log(8.0) / 11).epsilon(1e-12));
  // Two episodes in one block: the second starts with a reset and follows the same layout.
  const StepBlock s = draw(*task, Split::train, B, 1, 2 * T);
  std::set<int32_t> seen;
  for (Index e = 0; e < 2; ++e)
    for (Index b = 0; b < B; ++b) {
      const Index t0 = e * T;
      for (Index t = 0; t < T; ++t) {
        const size_t j = at(t0 + t, B, b);
        INFO("episode " << e << " lane " << b << " step " << t);
        CHECK(s.reset[j] == (t == 0 ? 1 : 0));
        CHECK(s.mask[j] == 1);
        if (t < length) {
          CHECK((s.tokens[j] >= 1 && s.tokens[j] <= 8));
          seen.insert(s.tokens[j]);
        } else if (t == length + delay - 1) {
          CHECK(s.tokens[j] == 9);  // delimiter
        } else {
          CHECK(s.tokens[j] == 0);  // blank
        }
        if (t < delay + length) {
          CHECK(s.classes[j] == 0);
          CHECK(s.score[j] == 0);
        } else {
          CHECK(s.classes[j] == s.tokens[at(t0 + t - delay - length, B, b)]);
          CHECK(s.score[j] == 1);
        }
      }
    }
  CHECK(seen.size() == 8);
}

TEST_CASE("copy: delay 1 puts the delimiter right after the symbols", "[tasks][copy]") {
  const auto task = make_task("copy", {{"delay", int64_t{1}}, {"length", int64_t{2}},
                                       {"symbols", int64_t{3}}});
  CHECK(task->info().input_size == 5);
  CHECK(task->info().output_size == 4);
  const StepBlock s = draw(*task, Split::train, 1, 9, 5);
  CHECK(s.tokens[2] == 4);
  CHECK(s.tokens[3] == 0);
  CHECK(s.tokens[4] == 0);
  CHECK(s.classes[3] == s.tokens[0]);
  CHECK(s.classes[4] == s.tokens[1]);
  CHECK(task->info().chance_loss == Approx(2 * std::log(3.0) / 5));
}

TEST_CASE("copy: aligned_episode_left counts the steps to the next episode", "[tasks][copy]") {
  const auto task = make_task("copy", {{"delay", int64_t{2}}, {"length", int64_t{2}}});
  const auto stream = task->stream(Split::train, 2, 4);
  StepBlock s;
  std::vector<Index> left;
  for (int i = 0; i < 8; ++i) {
    left.push_back(stream->aligned_episode_left());
    stream->next(1, s);
  }
  CHECK(left == std::vector<Index>{6, 5, 4, 3, 2, 1, 6, 5});
}

TEST_CASE("adding/le: markers one per half, target the sum, baseline 1/6", "[tasks][adding]") {
  const Index L = 12, B = 4000;
  const auto task = make_task("adding", {{"length", L}});
  const TaskInfo& info = task->info();
  CHECK(info.input_kind == InputKind::dense);
  CHECK(info.input_size == 2);
  CHECK(info.output_size == 1);
  CHECK(info.head == HeadKind::mse);
  CHECK(info.max_episode_length == L);
  CHECK(info.score_metric == "error_rate");
  CHECK(info.chance_loss == Approx(1.0 / 6));
  const StepBlock s = draw(*task, Split::train, B, 2, L);
  double sum = 0, sum2 = 0;
  std::vector<int> first(static_cast<size_t>(L), 0), second(static_cast<size_t>(L), 0);
  for (Index b = 0; b < B; ++b) {
    std::vector<Index> marks;
    for (Index t = 0; t < L; ++t) {
      const Index j = t * B + b;
      CHECK((s.x(0, j) >= 0.0f && s.x(0, j) < 1.0f));
      if (s.x(1, j) != 0.0f) {
        CHECK(s.x(1, j) == 1.0f);
        marks.push_back(t);
      }
      const bool last = t == L - 1;
      CHECK(s.mask[static_cast<size_t>(j)] == (last ? 1 : 0));
      CHECK(s.score[static_cast<size_t>(j)] == (last ? 1 : 0));
      if (!last) CHECK(s.values(0, j) == 0.0f);
    }
    REQUIRE(marks.size() == 2);
    CHECK(marks[0] < L / 2);
    CHECK(marks[1] >= L / 2);
    ++first[static_cast<size_t>(marks[0])];
    ++second[static_cast<size_t>(marks[1])];
    const float target = s.values(0, (L - 1) * B + b);
    CHECK(target == s.x(0, marks[0] * B + b) + s.x(0, marks[1] * B + b));
    sum += target;
    sum2 += double{target} * target;
  }
  for (Index t = 0; t < L; ++t) CHECK(first[static_cast<size_t>(t)] + second[static_cast<size_t>(t)] > 0);
  const double mean = sum / B, var = sum2 / B - mean * mean;
  CHECK(mean == Approx(1.0).margin(0.02));
  CHECK(var == Approx(info.chance_loss).margin(0.01));  // predicting the mean scores 1/6
}

TEST_CASE("adding/pascanu: variable length shared by the lanes, mean target, baseline 1/24",
          "[tasks][adding]") {
  const Index L = 50, B = 40;
  const auto task = make_task("adding", {{"length", L}, {"variant", std::string("pascanu")}});
  const TaskInfo& info = task->info();
  CHECK(info.max_episode_length == 54);  // l = L + randint(L/10), randint(5) in {0..4}
  CHECK(info.score_metric == "error_rate");
  CHECK(info.score_threshold == 0.04);
  CHECK(info.chance_loss == Approx(1.0 / 24));
  const auto stream = task->stream(Split::train, B, 3);
  StepBlock s;
  std::set<Index> lengths;
  double sum = 0, sum2 = 0;
  Index n = 0;
  for (int e = 0; e < 150; ++e) {
    const Index l = stream->aligned_episode_left();
    lengths.insert(l);
    REQUIRE((l >= L && l <= 54));
    stream->next(l, s);
    for (Index b = 0; b < B; ++b) {
      std::vector<Index> marks;
      for (Index t = 0; t < l; ++t) {
        if (s.x(1, t * B + b) == 1.0f) marks.push_back(t);
        CHECK(s.reset[at(t, B, b)] == (t == 0 ? 1 : 0));
        CHECK(s.mask[at(t, B, b)] == (t == l - 1 ? 1 : 0));
      }
      REQUIRE(marks.size() == 2);
      CHECK(marks[0] < l / 10);
      CHECK((marks[1] >= l / 10 && marks[1] < l / 2));
      const float target = s.values(0, (l - 1) * B + b);
      CHECK(target == Approx((s.x(0, marks[0] * B + b) + s.x(0, marks[1] * B + b)) / 2.0));
      sum += target;
      sum2 += double{target} * target;
      ++n;
    }
  }
  CHECK(lengths == std::set<Index>{50, 51, 52, 53, 54});
  const double mean = sum / static_cast<double>(n), var = sum2 / static_cast<double>(n) - mean * mean;
  CHECK(mean == Approx(0.5).margin(0.01));
  CHECK(var == Approx(info.chance_loss).margin(0.003));
}

TEST_CASE("temporal_order: A/B in the two windows, 4-way order class at the end",
          "[tasks][temporal_order]") {
  const Index L = 30, B = 4000;
  const auto task = make_task("temporal_order", {{"length", L}});
  const TaskInfo& info = task->info();
  CHECK(info.input_kind == InputKind::tokens);
  CHECK(info.input_size == 6);
  CHECK(info.output_size == 4);
  CHECK(info.chance_loss == Approx(std::log(4.0)));
  const StepBlock s = draw(*task, Split::valid, B, 4, L);
  std::vector<int> per_class(4, 0);
  std::set<Index> p0s, p1s;
  for (Index b = 0; b < B; ++b) {
    std::vector<Index> pos;
    for (Index t = 0; t < L; ++t) {
      const size_t j = at(t, B, b);
      if (s.tokens[j] < 2) pos.push_back(t);
      CHECK(s.tokens[j] <= 5);
      CHECK(s.mask[j] == (t == L - 1 ? 1 : 0));
      CHECK(s.score[j] == s.mask[j]);
    }
    REQUIRE(pos.size() == 2);
    CHECK((pos[0] >= 3 && pos[0] < 6));
    CHECK((pos[1] >= 15 && pos[1] < 18));
    p0s.insert(pos[0]);
    p1s.insert(pos[1]);
    const int32_t cls = s.classes[at(L - 1, B, b)];
    CHECK(cls == 2 * s.tokens[at(pos[0], B, b)] + s.tokens[at(pos[1], B, b)]);
    ++per_class[static_cast<size_t>(cls)];
  }
  CHECK(p0s == std::set<Index>{3, 4, 5});
  CHECK(p1s == std::set<Index>{15, 16, 17});
  for (int c : per_class) CHECK(c == Approx(B / 4.0).margin(B * 0.03));
}

TEST_CASE("delayed_recall: symbol at step 0, noise after, targets from start or from G",
          "[tasks][delayed_recall]") {
  const Index L = 12, B = 200;
  SECTION("target_from start, noise alphabet") {
    const auto task = make_task("delayed_recall", {{"length", L}});
    const TaskInfo& info = task->info();
    CHECK(info.input_size == 8);  // 4 symbols + 4 noise tokens
    CHECK(info.output_size == 4);
    CHECK(info.max_episode_length == L);
    CHECK(info.chance_loss == Approx(std::log(4.0)));
    const StepBlock s = draw(*task, Split::train, B, 5, L);
    std::set<int32_t> noise;
    for (Index b = 0; b < B; ++b) {
      const int32_t sym = s.tokens[at(0, B, b)];
      CHECK((sym >= 0 && sym < 4));
      for (Index t = 0; t < L; ++t) {
        const size_t j = at(t, B, b);
        if (t > 0) {
          CHECK((s.tokens[j] >= 4 && s.tokens[j] < 8));
          noise.insert(s.tokens[j]);
        }
        CHECK(s.classes[j] == sym);
        CHECK(s.mask[j] == 1);
        CHECK(s.score[j] == 1);
      }
    }
    CHECK(noise.size() == 4);
  }
  SECTION("target_from G, blanks") {
    const auto task = make_task("delayed_recall", {{"length", L}, {"noise", int64_t{0}},
                                                   {"target_from", std::string("7")},
                                                   {"symbols", int64_t{3}}});
    CHECK(task->info().input_size == 4);  // 3 symbols + 1 blank
    CHECK(task->info().output_size == 3);
    const StepBlock s = draw(*task, Split::train, B, 5, L);
    for (Index b = 0; b < B; ++b)
      for (Index t = 0; t < L; ++t) {
        const size_t j = at(t, B, b);
        if (t > 0) CHECK(s.tokens[j] == 3);
        CHECK(s.mask[j] == (t >= 7 ? 1 : 0));
        CHECK(s.score[j] == s.mask[j]);
        if (t >= 7) CHECK(s.classes[j] == s.tokens[at(0, B, b)]);
      }
  }
  SECTION("target_from 0 is the same as start") {
    const auto a = make_task("delayed_recall", {{"target_from", std::string("0")}});
    const auto b = make_task("delayed_recall", {{"target_from", std::string("start")}});
    CHECK(tbptt::test::same_steps(draw(*a, Split::test, 3, 1, 100), 0,
                                  draw(*b, Split::test, 3, 1, 100), 0, 100));
  }
}
