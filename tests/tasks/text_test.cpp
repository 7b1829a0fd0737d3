// The text task: UTF-8 decoding, the train/valid/test parts, the vocabulary with its unknown id,
// contiguous lanes that wrap with a reset, eval plans, the per-process cache, and the messages
// for files that are missing, empty, binary or not UTF-8.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>

#include "harness/tasks/text_corpus.hpp"
#include "task_test_util.hpp"

using namespace tbptt;
using tbptt::test::TempDir;

namespace {

const std::string kData = std::string(TBPTT_TEST_DATA) + "/tasks/";

// 80 training characters (a..j, 8 times), then 10 validation and 10 test characters, with
// characters the training part never shows (the euro sign, o-slash).
std::string splitter_text() {
  std::string train;
  for (int i = 0; i < 8; ++i) train += "abcdefghij";
  return train + "abc\u20ac" "abc\u20ac" "ab" + "jihg\u20ac\u00f8\u20ac" "jih";
}

ParamMap text_params(const std::string& path, int64_t eval_lanes = 16) {
  return {{"path", path}, {"valid_fraction", 0.1}, {"test_fraction", 0.1},
          {"eval_lanes", eval_lanes}};
}

std::string message_of(const std::string& path) {
  try {
    make_task("text", text_params(path));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("text: UTF-8 decodes to code points", "[tasks][text]") {
  const auto corpus = load_text_corpus(kData + "small_utf8.txt", 0, 0);
  // "Grüße, λ-calculus € 😀!\n": 31 bytes, 23 code points of 1 to 4 bytes.
  REQUIRE(corpus->ids.size() == 23);
  CHECK(corpus->valid_begin == 23);
  CHECK(corpus->test_begin == 23);
  CHECK(corpus->vocab.front() == U'\n');
  CHECK(corpus->vocab.back() == U'\U0001F600');
  CHECK(corpus->vocab_size() == 18 + 1);  // 18 distinct code points and the unknown id
  CHECK(corpus->vocab[static_cast<size_t>(corpus->ids[2])] == U'\u00fc');
  CHECK(corpus->vocab[static_cast<size_t>(corpus->ids[7])] == U'\u03bb');
  const std::string path = "x.txt";
  CHECK(decode_utf8("a\xe2\x82\xac", path) == std::vector<char32_t>{U'a', U'\u20ac'});
  auto bad = [&](std::string_view bytes) {
    try {
      decode_utf8(bytes, path);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string at1 = "text: 'x.txt' is not valid UTF-8 text (bad byte sequence at offset 1)";
  CHECK(bad("a\xc0\xaf") == at1);          // overlong '/'
  CHECK(bad("a\xed\xa0\x80") == at1);      // a UTF-16 surrogate
  CHECK(bad("a\xf4\x90\x80\x80") == at1);  // above U+10FFFF
  CHECK(bad("a\xe2\x82") == at1);          // truncated at the end
  CHECK(bad("a\x80") == at1);              // a lone continuation byte
  CHECK(bad(std::string_view("ab\0", 3)) == "text: 'x.txt' is not a text file (NUL byte at offset 2)");
}

TEST_CASE("text: parts from the end, training vocabulary, unknown id", "[tasks][text]") {
  const TempDir dir("split");
  const std::string path = dir.write("corpus.txt", splitter_text());
  const auto corpus = load_text_corpus(path, 0.1, 0.1);
  REQUIRE(corpus->ids.size() == 100);
  CHECK(corpus->part(Split::train) == std::pair<Index, Index>{0, 80});
  CHECK(corpus->part(Split::valid) == std::pair<Index, Index>{80, 90});
  CHECK(corpus->part(Split::test) == std::pair<Index, Index>{90, 100});
  CHECK(corpus->vocab == std::vector<char32_t>{U'a', U'b', U'c', U'd', U'e', U'f', U'g', U'h',
                                               U'i', U'j'});
  CHECK(corpus->unknown_id() == 10);
  const std::vector<int32_t> valid(corpus->ids.begin() + 80, corpus->ids.begin() + 90);
  CHECK(valid == std::vector<int32_t>{0, 1, 2, 10, 0, 1, 2, 10, 0, 1});
  const std::vector<int32_t> test(corpus->ids.begin() + 90, corpus->ids.end());
  CHECK(test == std::vector<int32_t>{9, 8, 7, 6, 10, 10, 10, 9, 8, 7});

  const auto task = make_task("text", text_params(path));
  const TaskInfo& info = task->info();
  CHECK(info.input_kind == InputKind::tokens);
  CHECK(info.input_size == 11);
  CHECK(info.output_size == 11);
  CHECK(info.max_episode_length == 0);
  CHECK(info.chance_loss == Approx(std::log(10.0)));  // a..j equally often
  CHECK(info.reference_levels.at("uniform") == Approx(std::log(11.0)));
}

TEST_CASE("text: lanes are contiguous and wrap to their start with a reset", "[tasks][text]") {
  const TempDir dir("lanes");
  const std::string path = dir.write("corpus.txt", splitter_text());
  const auto corpus = load_text_corpus(path, 0.1, 0.1);
  const auto task = make_task("text", text_params(path));
  // 80 training characters = 79 (input, target) pairs; 3 lanes of 26 steps.
  const Index B = 3, S = 26;
  const auto stream = task->stream(Split::train, B, 1);
  StepBlock s;
  for (Index chunk = 0; chunk < 4; ++chunk) {
    stream->next(20, s);  // chunks of 20 cross the wrap at step 26 and 52
    for (Index t = 0; t < 20; ++t)
      for (Index b = 0; b < B; ++b) {
        const Index step = chunk * 20 + t, o = step % S;
        const auto j = static_cast<size_t>(t * B + b);
        const auto i = static_cast<size_t>(b * S + o);
        INFO("step " << step << " lane " << b);
        CHECK(s.tokens[j] == corpus->ids[i]);
        CHECK(s.classes[j] == corpus->ids[i + 1]);
        CHECK(s.reset[j] == (o == 0 ? 1 : 0));
        CHECK(s.mask[j] == 1);
        CHECK(s.score[j] == 1);
      }
  }
  // Held-out parts: the unknown id appears as input and as target.
  StepBlock v;
  task->stream(Split::valid, 2, 1)->next(4, v);  // 9 pairs: 2 lanes of 4, entries t*2 + b
  // Lane 0 reads "abc€" -> "bc€a", lane 1 the same characters 4 later ("abc€" -> "bc€a").
  CHECK(v.tokens == std::vector<int32_t>{0, 0, 1, 1, 2, 2, 10, 10});
  CHECK(v.classes == std::vector<int32_t>{1, 1, 2, 2, 10, 10, 0, 0});
  // The seed plays no role: the data is the file.
  StepBlock w;
  task->stream(Split::valid, 2, 99)->next(4, w);
  CHECK(tbptt::test::same_steps(v, 0, w, 0, 4));
}

TEST_CASE("text: eval plans split each held-out part into lanes", "[tasks][text]") {
  const TempDir dir("plan");
  const std::string path = dir.write("corpus.txt", splitter_text());
  const auto two = make_task("text", text_params(path, 2));
  CHECK(two->eval_plan(123).lanes == 2);
  CHECK(two->eval_plan(123).steps == 4);  // 9 pairs, 8 covered
  CHECK(two->eval_plan_for(Split::test, 1).steps == 4);
  const auto many = make_task("text", text_params(path, 16));
  CHECK(many->eval_plan(1).lanes == 9);  // no more lanes than pairs
  CHECK(many->eval_plan(1).steps == 1);
  // A plan's lanes fit the stream it describes.
  const EvalPlan plan = many->eval_plan(1);
  StepBlock s;
  many->stream(Split::valid, plan.lanes, 0)->next(plan.steps, s);
  CHECK(s.tokens.size() == 9);
}

TEST_CASE("text: the corpus is read once per process and shared between threads",
          "[tasks][text]") {
  const TempDir dir("cache");
  const std::string path = dir.write("corpus.txt", splitter_text());
  std::vector<std::shared_ptr<const TextCorpus>> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = load_text_corpus(path, 0.1, 0.1); });
  for (auto& t : threads) t.join();
  for (const auto& c : got) CHECK(c.get() == got[0].get());
  // Rewriting the file does not change what this process already read.
  dir.write("corpus.txt", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
  CHECK(load_text_corpus(path, 0.1, 0.1).get() == got[0].get());
  // Other fractions give another split, hence another corpus.
  CHECK(load_text_corpus(path, 0.2, 0.1).get() != got[0].get());
}

TEST_CASE("text: missing, empty, binary and non-UTF-8 files are named in the error",
          "[tasks][text]") {
  const TempDir dir("errors");
  const std::string missing = dir.file("nope.txt");
  CHECK(message_of(missing) == "text: '" + missing + "' does not exist");
  const std::string kjv = dir.file("data/kjv.txt");
  CHECK(message_of(kjv) ==
        "text: '" + kjv + "' does not exist (run scripts/get_corpus.sh to write data/kjv.txt)");
  CHECK(message_of(kData + "empty.txt") == "text: '" + kData + "empty.txt' is empty");
  CHECK(message_of(kData + "binary.bin") ==
        "text: '" + kData + "binary.bin' is not a text file (NUL byte at offset 3)");
  CHECK(message_of(kData + "bad_utf8.txt") ==
        "text: '" + kData + "bad_utf8.txt' is not valid UTF-8 text (bad byte sequence at offset 9)");
  CHECK(message_of(kData) == "text: '" + kData + "' is a directory, not a text file");
  const std::string tiny = dir.write("tiny.txt", "abcdefghij");
  CHECK(message_of(tiny) == "text: '" + tiny +
                                "' has 10 characters, too few for valid_fraction 0.1 and "
                                "test_fraction 0.1 (each part needs at least 2)");
  const std::string small = dir.write("small.txt", splitter_text());
  try {
    make_task("text", text_params(small))->stream(Split::train, 100, 0);
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "text: the training part of '" + small +
                                       "' (80 characters) is too short for 100 lanes");
  }
}
