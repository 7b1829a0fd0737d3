// The task registry and the properties every task shares: sizes and ranges of what streams emit,
// determinism per seed, disjoint splits, chunking and lane-count invariance, aligned episode
// clocks, eval plans, and the exact messages for bad parameters.
#include <catch2/catch.hpp>

#include <set>

#include "task_test_util.hpp"

using namespace tbptt;
using tbptt::test::draw;
using tbptt::test::lane_of;
using tbptt::test::same_steps;

namespace {

const char* kSmallText =
    "In the beginning God created the heaven and the earth.\n"
    "And the earth was without form, and void; and darkness was upon the face of the deep.\n"
    "And God said, Let there be light: and there was light.\n";

// Every kind with small parameters (text on a scratch file).
std::vector<std::pair<std::string, ParamMap>> all_kinds(const std::string& text_path) {
  return {{"copy", {{"delay", int64_t{5}}, {"length", int64_t{3}}}},
          {"adding", {{"length", int64_t{12}}}},
          {"adding", {{"length", int64_t{40}}, {"variant", std::string("pascanu")}}},
          {"temporal_order", {{"length", int64_t{20}}}},
          {"delayed_recall", {{"length", int64_t{9}}, {"target_from", std::string("4")}}},
          {"add_stream", {}},
          {"anbn", {{"l", int64_t{5}}}},
          {"copy_stream", {{"lag", int64_t{4}}}},
          {"sine", {}},
          {"mackey_glass", {{"warmup", 50.0}}},
          {"text", {{"path", text_path}, {"valid_fraction", 0.2}, {"test_fraction", 0.2}}}};
}

std::string kind_label(const std::pair<std::string, ParamMap>& k) {
  const auto it = k.second.find("variant");
  return it == k.second.end() ? k.first : k.first + "/" + std::get<std::string>(it->second);
}

std::string message_of(const std::string& kind, const ParamMap& params) {
  try {
    make_task(kind, params);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("task_kinds lists every kind with documented parameters", "[tasks][registry]") {
  std::vector<std::string> names;
  for (const auto& k : task_kinds()) {
    names.push_back(k.kind);
    CHECK_FALSE(k.summary.empty());
    for (const auto& p : k.params) {
      INFO(k.kind << "." << p.name);
      CHECK_FALSE(p.doc.empty());
    }
  }
  CHECK(names == std::vector<std::string>{"copy", "adding", "temporal_order", "delayed_recall",
                                          "add_stream", "anbn", "copy_stream", "sine",
                                          "mackey_glass", "text", "influence"});
}

TEST_CASE("every generated kind builds from its declared defaults alone", "[tasks][registry]") {
  for (const auto& k : task_kinds()) {
    if (k.kind == "text") continue;  // its default file is data/kjv.txt, not in the test folder
    ParamMap defaults;
    for (const auto& p : k.params) defaults[p.name] = p.default_value;
    INFO(k.kind);
    CHECK(make_task(k.kind, defaults)->info().input_size >= 1);
    CHECK(make_task(k.kind, {})->info().output_size >= 1);  // missing keys filled
  }
  const auto copy = make_task("copy", {});
  CHECK(copy->info().max_episode_length == 20 + 2 * 10);
  CHECK(copy->info().input_size == 10);
  CHECK(copy->info().output_size == 9);
}

TEST_CASE("streams emit well-formed blocks of exactly the requested steps", "[tasks][registry]") {
  const test::TempDir dir("registry");
  for (const auto& k : all_kinds(dir.write("small.txt", kSmallText))) {
    INFO(kind_label(k));
    const auto task = make_task(k.first, k.second);
    const TaskInfo& info = task->info();
    const Index B = 3, T = 137;  // longer than every episode
    const StepBlock s = draw(*task, Split::train, B, 11, T);
    REQUIRE(s.steps == T);
    REQUIRE(s.lanes == B);
    const auto n = static_cast<size_t>(T * B);
    CHECK(s.mask.size() == n);
    CHECK(s.reset.size() == n);
    CHECK(s.score.size() == n);
    if (info.input_kind == InputKind::tokens) {
      REQUIRE(s.tokens.size() == n);
      CHECK(s.x.size() == 0);
      for (int32_t v : s.tokens) CHECK((v >= 0 && v < info.input_size));
    } else {
      CHECK(s.tokens.empty());
      CHECK(s.x.rows() == info.input_size);
      CHECK(s.x.cols() == T * B);
    }
    if (info.head == HeadKind::softmax_xent) {
      REQUIRE(s.classes.size() == n);
      CHECK(s.values.size() == 0);
      for (int32_t v : s.classes) CHECK((v >= 0 && v < info.output_size));
    } else {
      CHECK(s.classes.empty());
      CHECK(s.values.rows() == info.output_size);
      CHECK(s.values.cols() == T * B);
    }
    size_t masked = 0;
    for (size_t j = 0; j < n; ++j) {
      masked += s.mask[j];
      if (s.score[j]) CHECK(s.mask[j] == 1);  // scored entries carry a loss
    }
    CHECK(masked > 0);
    for (Index b = 0; b < B; ++b) CHECK(s.reset[static_cast<size_t>(b)] == 1);  // fresh start
    CHECK(info.chance_loss > 0);
    CHECK_FALSE(info.chance_note.empty());
    CHECK(info.aligned_episodes == (info.max_episode_length > 0));
  }
}

TEST_CASE("streams are pure functions of the seed, and splits differ", "[tasks][registry]") {
  const test::TempDir dir("seeds");
  for (const auto& k : all_kinds(dir.write("small.txt", kSmallText))) {
    INFO(kind_label(k));
    const auto task = make_task(k.first, k.second);
    const Index B = 4, T = 60;
    const StepBlock a = draw(*task, Split::train, B, 7, T);
    CHECK(same_steps(a, 0, draw(*task, Split::train, B, 7, T), 0, T));
    if (k.first == "text") continue;  // the file is the data: no seed, parts checked elsewhere
    CHECK_FALSE(same_steps(a, 0, draw(*task, Split::train, B, 8, T), 0, T));
    CHECK_FALSE(same_steps(a, 0, draw(*task, Split::valid, B, 7, T), 0, T));
    CHECK_FALSE(same_steps(a, 0, draw(*task, Split::test, B, 7, T), 0, T));
    CHECK_FALSE(same_steps(draw(*task, Split::valid, B, 7, T), 0,
                           draw(*task, Split::test, B, 7, T), 0, T));
    // Lanes are independent generators: lane 1 of lane 0 differ, and a lane does not depend on
    // how many lanes the stream has.
    CHECK_FALSE(same_steps(lane_of(a, 0), 0, lane_of(a, 1), 0, T));
    const StepBlock wide = draw(*task, Split::train, 6, 7, T);
    for (Index b = 0; b < B; ++b) CHECK(same_steps(lane_of(a, b), 0, lane_of(wide, b), 0, T));
  }
}

TEST_CASE("a stream read in chunks equals the stream read at once", "[tasks][registry]") {
  const test::TempDir dir("chunks");
  for (const auto& k : all_kinds(dir.write("small.txt", kSmallText))) {
    INFO(kind_label(k));
    const auto task = make_task(k.first, k.second);
    const Index B = 2;
    const StepBlock whole = draw(*task, Split::valid, B, 3, 300);
    const auto stream = task->stream(Split::valid, B, 3);
    StepBlock part;
    Index t0 = 0;
    for (Index n : {7, 1, 45, 13, 100, 134}) {
      stream->next(n, part);  // the same block reused, shrinking and growing
      REQUIRE(part.steps == n);
      CHECK(same_steps(part, 0, whole, t0, n));
      t0 += n;
    }
    CHECK(t0 == 300);
  }
}

TEST_CASE("aligned episodes: every lane resets together and episode_left counts down",
          "[tasks][registry]") {
  for (const auto& k : all_kinds("unused")) {
    if (k.first == "text") continue;
    const auto task = make_task(k.first, k.second);
    if (!task->info().aligned_episodes) {
      CHECK(task->stream(Split::train, 2, 1)->aligned_episode_left() == 0);
      continue;
    }
    INFO(kind_label(k));
    const Index B = 3;
    const auto stream = task->stream(Split::train, B, 5);
    StepBlock step;
    Index episodes = 0;
    for (Index t = 0; t < 400; ++episodes) {
      const Index left = stream->aligned_episode_left();
      REQUIRE(left >= 1);
      CHECK(left <= task->info().max_episode_length);
      // Read the whole episode as one chunk (as k1: full does): a reset at its first step in
      // every lane, none after.
      stream->next(left, step);
      for (Index j = 0; j < left * B; ++j)
        CHECK(step.reset[static_cast<size_t>(j)] == (j < B ? 1 : 0));
      t += left;
    }
    CHECK(episodes >= 2);
  }
}

TEST_CASE("eval plans cover whole sequences or the fixed held-out length", "[tasks][registry]") {
  const auto copy = make_task("copy", {{"delay", int64_t{5}}, {"length", int64_t{3}}});
  CHECK(copy->eval_plan(100).lanes == 100);
  CHECK(copy->eval_plan(100).steps == 11);
  CHECK(copy->eval_plan_for(Split::test, 100).steps == 11);
  const auto pascanu =
      make_task("adding", {{"length", int64_t{100}}, {"variant", std::string("pascanu")}});
  CHECK(pascanu->info().max_episode_length == 109);  // L + randint(L/10) <= L + 9
  CHECK(pascanu->eval_plan(64).steps == 109);
  const auto coin = make_task("add_stream", {{"eval_steps", int64_t{1000}},
                                             {"eval_lanes", int64_t{8}}});
  CHECK(coin->eval_plan(1).lanes == 8);
  CHECK(coin->eval_plan(1).steps == 125);
  const auto sine = make_task("sine", {});
  CHECK(sine->eval_plan(5).lanes == 16);
  CHECK(sine->eval_plan(5).steps == 625);  // ceil(10000 / 16)
}

TEST_CASE("bad task parameters get readable messages", "[tasks][registry]") {
  CHECK(message_of("copy", {{"delay", int64_t{0}}}) == "copy: delay must be an integer in [1, 10000000], got 0");
  CHECK(message_of("copy", {{"length", int64_t{-3}}}) == "copy: length must be an integer in [1, 1000000], got -3");
  CHECK(message_of("copy", {{"dealy", int64_t{3}}}) ==
        "copy: unknown parameter 'dealy' (valid: delay, length, symbols)");
  CHECK(message_of("copy", {{"delay", std::string("long")}}) ==
        "copy: delay must be an integer in [1, 10000000], got \"long\"");
  CHECK(message_of("copy", {{"delay", 2.5}}) == "copy: delay must be an integer in [1, 10000000], got 2.5");
  CHECK(message_of("adding", {{"variant", std::string("graves")}}) ==
        "adding: variant must be one of le, pascanu, got \"graves\"");
  CHECK(message_of("adding", {{"variant", std::string("pascanu")}, {"length", int64_t{9}}}) ==
        "adding: length must be >= 10 for variant pascanu (markers in [0, l/10)), got 9");
  CHECK(message_of("temporal_order", {{"length", int64_t{5}}}) ==
        "temporal_order: length must be an integer in [10, 10000000], got 5");
  CHECK(message_of("delayed_recall", {{"target_from", std::string("soon")}}) ==
        "delayed_recall: target_from must be \"start\" or a step number >= 0, got \"soon\"");
  CHECK(message_of("delayed_recall", {{"target_from", int64_t{50}}}) ==
        "delayed_recall: target_from must be < length (50), got 50");
  CHECK(message_of("anbn", {{"k", int64_t{5}}, {"l", int64_t{4}}}) ==
        "anbn: k must be <= l, got k = 5, l = 4");
  CHECK(message_of("copy_stream", {{"minlag", int64_t{5}}, {"lag", int64_t{4}}}) ==
        "copy_stream: minlag must be <= lag, got minlag = 5, lag = 4");
  CHECK(message_of("add_stream", {{"t1", int64_t{65}}}) == "add_stream: t1 must be an integer in [1, 64], got 65");
  CHECK(message_of("sine", {{"min_period", 1.5}}) == "sine: min_period must be a number in [2, 1e+09], got 1.5");
  CHECK(message_of("mackey_glass", {{"dt", 0.3}}) ==
        "mackey_glass: tau / dt must be a whole number of steps, got 56.666667");
  CHECK(message_of("text", {{"valid_fraction", 0.7}}) ==
        "text: valid_fraction must be a number in [0, 0.5], got 0.7");
  CHECK(message_of("cpoy", {}) ==
        "unknown task kind 'cpoy' (valid kinds: copy, adding, temporal_order, delayed_recall, "
        "add_stream, anbn, copy_stream, sine, mackey_glass, text, influence)");
  // Lossless conversions are accepted: an integral number for an integer, an integer for a
  // number, an integer for the string parameter target_from.
  CHECK(make_task("copy", {{"delay", 4.0}})->info().max_episode_length == 24);
  CHECK(make_task("sine", {{"min_period", int64_t{4}}})->info().input_size == 1);
  CHECK(make_task("delayed_recall", {{"target_from", int64_t{7}}})->info().output_size == 4);
}
