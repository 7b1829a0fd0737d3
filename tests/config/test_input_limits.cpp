// Bad input that is not a wrong value: what the path names, bytes that are not text, documents
// that explode, sizes no machine holds. Each is refused before anything is allocated for it,
// with its message asserted word for word.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "config_test_util.hpp"
#include "harness/config/error.hpp"
#include "harness/config/memory.hpp"
#include "harness/tasks/text_corpus.hpp"
#include "harness/sweep/experiment.hpp"

using namespace tbptt;
using tbptt::test::data_file;
using tbptt::test::load_error;

namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp folder, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/tbptt-input-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

std::string corpus_error(const std::string& path) {
  try {
    load_text_corpus(path, 0.1, 0.1);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("an empty experiment, or one of comments only, is refused", "[config][input]") {
  for (const char* name : {"empty.yaml", "comments_only.yaml"}) {
    const std::string f = data_file(name);
    CHECK(load_error(f) == f + ":1:1: error: the experiment is empty");
  }
}

TEST_CASE("only a regular file of bounded size is read as an experiment", "[config][input]") {
  CHECK(load_error("/dev/null") == "/dev/null:1:1: error: the file is not a regular file (a FIFO, device or socket)");
  CHECK(load_error("/dev/zero") == "/dev/zero:1:1: error: the file is not a regular file (a FIFO, device or socket)");
  const std::string dir = std::string(TBPTT_TEST_DATA) + "/config";
  CHECK(load_error(dir) == dir + ":1:1: error: the file is a directory, not an experiment file");
  TempDir tmp;
  // A FIFO would block the reader forever: it is refused without being opened.
  const std::string fifo = (tmp.path / "fifo.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(load_error(fifo) == fifo + ":1:1: error: the file is not a regular file (a FIFO, device or socket)");
  const std::string big = tmp.file("big.yaml", "# " + std::string(16 * 1024 * 1024, 'x') + "\n");
  CHECK(load_error(big) == big + ":1:1: error: the file is larger than 16 MiB");
  // The same rules for a base file, reported at the base: key.
  const std::string derived = tmp.file("derived.yaml", "base: /dev/zero\n");
  CHECK(load_error(derived) == derived + ":1:7: error: base: /dev/zero is not a regular file (a FIFO, device or socket)");
}

TEST_CASE("text that is not UTF-8, or holds NUL bytes, is refused where it was written", "[config][input]") {
  const std::string escaped = data_file("bad_name_nul.yaml");
  CHECK(load_error(escaped) == escaped + ":1:7: error: name: expected UTF-8 text without NUL bytes, got a NUL byte at "
                                         "byte 5 of the value");
  const std::string raw = data_file("bad_raw_nul.yaml");
  CHECK(load_error(raw) == raw + ":1:11: error: a NUL byte: the file is not text");
  const std::string utf8 = data_file("bad_name_utf8.yaml");
  CHECK(load_error(utf8) == utf8 + ":2:11: error: the byte 0xFF is not UTF-8 text");
  // Escapes YAML turns into bytes are checked after decoding, in keys as in values.
  CHECK(load_error(data_file("good_copy.yaml"), {"name=\"\\x00\""}) ==
        "<command line>:1:6: error: name: expected UTF-8 text without NUL bytes, got a NUL byte at byte 1 of the value");
  CHECK(load_error(data_file("good_copy.yaml"), {"task={\"de\\0lay\": 1}"}) ==
        "<command line>:1:7: error: task: expected UTF-8 text without NUL bytes, got a NUL byte at byte 3 of the key");
}

TEST_CASE("names and paths: not empty, no control characters, escaped when echoed", "[config][input]") {
  const std::string cr = data_file("bad_name_cr.yaml");
  // The carriage return is shown as \r, not written raw to the terminal.
  CHECK(load_error(cr) == cr + ":1:7: error: name: expected a name without '/' or control characters, got \"a\\rb\"");
  const std::string f = data_file("good_copy.yaml");
  CHECK(load_error(f, {"name=a/b"}) == "<command line>:1:6: error: name: expected a name without '/' or control "
                                       "characters, got a/b");
  CHECK(load_error(f, {"name=''"}) == "<command line>:1:6: error: name: expected a name without '/' or control "
                                      "characters, got \"\" (empty)");
  CHECK(load_error(f, {"run.output=''"}) == "<command line>:1:12: error: run.output: expected a path without control "
                                            "characters, got \"\" (empty)");
  CHECK(escape_controls("a\rb\tc\x01") == "a\\rb\\tc\\x01");
}

TEST_CASE("YAML that explodes or nests without end is bounded", "[config][input]") {
  const std::string bomb = data_file("bad_alias_bomb.yaml");
  CHECK(load_error(bomb) == bomb + ":2:37: error: a5: the document holds more than 1000000 values once its YAML "
                                   "aliases are expanded");
  const std::string deep = data_file("bad_deep_flow.yaml");
  CHECK(load_error(deep) == deep + ":1:108: error: model: nested deeper than 100 levels");
  // Past yaml-cpp's own limit (500) it stops with "bad file" at the end: the position is ours.
  const std::string deeper = data_file("bad_deeper_than_yaml_cpp.yaml");
  CHECK(load_error(deeper) == deeper + ":1:108: error: invalid YAML: nested deeper than 100 levels");
}

TEST_CASE("a map of 100,000 keys loads in linear time, with the first 20 errors shown", "[config][input]") {
  TempDir tmp;
  std::string text = "task:\n";
  for (int i = 0; i < 100000; ++i) text += "  k" + std::to_string(i) + ": 1\n";
  const std::string f = tmp.file("many.yaml", text);
  try {
    load_experiment(f, {});
    FAIL("no error");
  } catch (const ConfigError& e) {
    REQUIRE(e.diagnostics().size() == 21);
    CHECK(e.diagnostics()[0].text() ==
          f + ":2:3: error: task.k0: unknown parameter of task copy, expected one of kind, delay, length, symbols");
    CHECK(e.diagnostics()[20].text() == f + ":21:3: error: and 99980 more errors, not shown");
  }
}

TEST_CASE("absurd sizes and numbers are refused before anything is allocated", "[config][input]") {
  const std::string huge = data_file("bad_updates_huge.yaml");
  CHECK(load_error(huge) == huge + ":1:18: error: train.updates: expected an integer >= 1, got 1e18 (more than "
                                   "9000000000000000)");
  const std::string f = data_file("good_copy.yaml");
  set_memory_limit(8ull << 30);  // 8 GiB, whatever the machine
  const std::string hidden = load_error(f, {"model.hidden=1e9"});
  const std::string batch = load_error(f, {"train.batch=1e9"});
  const std::string k2 = load_error(f, {"train.tbptt.k2=1e12", "sweep=~", "baseline=none"});
  const std::string sequences = load_error(f, {"eval.sequences=3000000"});
  set_memory_limit(0);
  // The error points at the override that made the run too big, not into the file. Copy with
  // delay 5, length 3: episodes of 11 steps; the baseline (full, full) is checked first.
  CHECK(hidden ==
        "<command line>:1:14: error: model.hidden: needs about 55.5 EiB of memory (training 1.3 TiB: batch 4 x window "
        "11 steps x 1 layers x hidden 1000000000; evaluation 2.6 TiB: 8 lanes x 11 steps; parameters 55.5 EiB), more "
        "than the limit of 8.0 GiB (half of the physical memory); reduce model.hidden or model.layers (in the baseline "
        "run k1=full k2=full threshold=1 seed=1)");
  CHECK(batch ==
        "<command line>:1:13: error: train.tbptt: needs about 3.0 TiB of memory (training 3.0 TiB: batch 1000000000 x "
        "window 11 steps x 1 layers x hidden 8; evaluation 28 KiB: 8 lanes x 11 steps; parameters 8 KiB), more than "
        "the limit of 8.0 GiB (half of the physical memory); reduce train.batch, model.hidden, model.layers or max(k1, "
        "k2) (in the baseline run k1=full k2=full threshold=1 seed=1)");
  CHECK(k2 ==
        "<command line>:1:16: error: train.tbptt: needs about 1.1 PiB of memory (training 1.1 PiB: batch 4 x window "
        "1000000000000 steps x 1 layers x hidden 8; evaluation 28 KiB: 8 lanes x 11 steps; parameters 8 KiB), more "
        "than the limit of 8.0 GiB (half of the physical memory); reduce train.batch, model.hidden, model.layers or "
        "max(k1, k2)");
  // eval.sequences is part of the estimate: one evaluation lane per sequence.
  CHECK(sequences ==
        "<command line>:1:16: error: eval.sequences: needs about 10.1 GiB of memory (training 13 KiB: batch 4 x window "
        "11 steps x 1 layers x hidden 8; evaluation 10.1 GiB: 3000000 lanes x 11 steps; parameters 8 KiB), more than "
        "the limit of 8.0 GiB (half of the physical memory); reduce eval.sequences, model.hidden or model.layers (in "
        "the baseline run k1=full k2=full threshold=1 seed=1)");
}

TEST_CASE("a sweep of millions of runs is refused before it is expanded", "[config][input]") {
  const std::string f = data_file("bad_sweep_millions.yaml");
  CHECK(load_error(f) == f + ":6:3: error: sweep: 3000000 combinations, more than the 1000000 runs a sweep may have; "
                             "split the sweep into several experiments or narrow it");
  // On a machine with less memory the cap is what it can hold, and the message says so.
  set_memory_limit(1ull << 30);
  const std::string small = load_error(f);
  set_memory_limit(0);
  CHECK(max_sweep_runs() == 1000000);
  CHECK(small == f + ":6:3: error: sweep: 3000000 combinations, more than the 131072 runs this machine can hold "
                     "(about 8 KiB per run within 1.0 GiB, half of the physical memory); split the sweep into several "
                     "experiments or narrow it");
}

TEST_CASE("the text corpus path: a regular file of bounded size only", "[config][input][text]") {
  CHECK(corpus_error("/dev/zero") == "text: '/dev/zero' is not a regular file (a FIFO, device or socket)");
  CHECK(corpus_error("/dev/null") == "text: '/dev/null' is not a regular file (a FIFO, device or socket)");
  TempDir tmp;
  const std::string fifo = (tmp.path / "corpus.txt").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(corpus_error(fifo) == "text: '" + fifo + "' is not a regular file (a FIFO, device or socket)");
  CHECK(invalid_utf8_offset("ab\xff") == 2);
  CHECK(invalid_utf8_offset(std::string("a\0b", 3)) == 1);
  CHECK(invalid_utf8_offset("h\xc3\xa9") == std::string::npos);
}
