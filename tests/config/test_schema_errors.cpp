// Every failure mode of an experiment file, asserted word for word with its FILE:LINE:COLUMN.
#include <catch2/catch.hpp>

#include "config_test_util.hpp"
#include "harness/config/memory.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/suggest.hpp"
#include "harness/sweep/experiment.hpp"
#include "models/cell_registry.hpp"

using namespace tbptt;
using tbptt::test::data_file;
using tbptt::test::load_error;

TEST_CASE("k2 = 0 is reported at its line and column, as in STYLE.md", "[config][errors]") {
  const std::string f = data_file("bad_k2_zero.yaml");
  CHECK(load_error(f) == f + ":14:9: error: train.tbptt.k2: expected an integer >= 1 or \"full\", got 0");
  try {
    load_experiment(f, {});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.file() == f);
    CHECK(e.line() == 14);
    CHECK(e.column() == 9);
  }
}

TEST_CASE("unknown and misspelt keys suggest the nearest valid key", "[config][errors]") {
  const std::string misspelt = data_file("bad_misspelt_key.yaml");
  CHECK(load_error(misspelt) == misspelt + ":4:3: error: train.optimiser: unknown key (did you mean optimizer?)");
  const std::string unknown = data_file("bad_unknown_key.yaml");
  CHECK(load_error(unknown) == unknown +
                                   ":3:3: error: model.colour: unknown key, expected one of cell, hidden, layers, head, init");
  const std::string dotted = data_file("bad_dotted.yaml");
  CHECK(load_error(dotted) == dotted + ":1:1: error: train.tbptt.k1: unknown key (dotted keys belong under sweep: "
                                       "or baseline:; write nested maps here)");
}

TEST_CASE("wrong types are reported with what was written", "[config][errors]") {
  const std::string f = data_file("bad_wrong_type.yaml");
  try {
    load_experiment(f, {});
    FAIL("no error");
  } catch (const ConfigError& e) {
    // Both problems of the file are collected, in file order.
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].text() == f + ":2:11: error: model.hidden: expected an integer >= 1, got sixty-four");
    CHECK(e.diagnostics()[1].text() == f + ":4:36: error: train.tbptt.recompute: expected true or false, got yes");
    CHECK(std::string(e.what()) == e.diagnostics()[0].text());
  }
  const std::string text = data_file("bad_lr_text.yaml");
  CHECK(load_error(text) == text + ":2:19: error: train.optimizer.lr: expected a number > 0, got \"fast\"");
}

TEST_CASE("out-of-range values", "[config][errors]") {
  const std::string hidden = data_file("bad_hidden_zero.yaml");
  CHECK(load_error(hidden) == hidden + ":1:28: error: model.hidden: expected an integer >= 1, got 0");
  const std::string lr = data_file("bad_lr.yaml");
  CHECK(load_error(lr) == lr + ":4:9: error: train.optimizer.lr: expected a number > 0, got -0.1");
}

TEST_CASE("several problems are collected; what() is the first", "[config][errors]") {
  const std::string f = data_file("bad_several.yaml");
  try {
    load_experiment(f, {});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.report() == f + ":1:17: error: model.hidden: expected an integer >= 1, got 0\n" + f +
                            ":3:10: error: train.batch: expected an integer >= 1, got -1\n" + f +
                            ":4:19: error: train.optimizer.lr: expected a number > 0, got 0\n");
  }
}

TEST_CASE("unknown cell, task, task parameter and optimizer list the valid ones", "[config][errors]") {
  const std::string cell = data_file("bad_cell.yaml");
  CHECK_THAT(cell_names(), Catch::VectorContains(std::string("lstm")) && Catch::VectorContains(std::string("gru")));
  CHECK(load_error(cell) == cell + ":2:9: error: model.cell: expected one of " + join_names(cell_names()) +
                                ", got lstn (did you mean lstm?)");
  const std::string task = data_file("bad_task.yaml");
  CHECK(load_error(task) == task + ":2:9: error: task.kind: expected one of " + join_names(task_kind_names()) +
                                ", got cpy (did you mean copy?)");
  const std::string param = data_file("bad_task_param.yaml");
  CHECK(load_error(param) == param + ":1:20: error: task.dely: unknown parameter of task copy (did you mean delay?)");
  const std::string opt = data_file("bad_optimizer.yaml");
  CHECK(load_error(opt) == opt + ":2:21: error: train.optimizer.kind: expected one of sgd, adam, rmsprop, got adamw "
                                 "(did you mean adam?)");
}

TEST_CASE("sweep errors: unknown key, empty list, bad values where they were written", "[config][errors]") {
  const std::string key = data_file("bad_sweep_key.yaml");
  CHECK(load_error(key) == key + ":3:3: error: sweep.train.tbptt.k3: unknown key (did you mean train.tbptt.k1?)");
  const std::string empty = data_file("bad_sweep_empty.yaml");
  CHECK(load_error(empty) == empty + ":3:9: error: sweep.seed: expected a non-empty list of values, got an empty list");
  const std::string value = data_file("bad_sweep_value.yaml");
  CHECK(load_error(value) == value + ":4:23: error: train.tbptt.k1: expected an integer >= 1 or \"full\", got 0");
  const std::string threshold = data_file("bad_sweep_threshold.yaml");
  CHECK(load_error(threshold) == threshold +
                                     ":4:29: error: train.clip.threshold: expected a number > 0 or \"off\", got -1");
}

TEST_CASE("where: syntax errors and unknown names point into the expression", "[config][errors]") {
  const std::string syntax = data_file("bad_where_syntax.yaml");
  // The value starts at column 10 (the quote); "and" ends at offset 12, the error is at 12.
  CHECK(load_error(syntax) == syntax + ":4:23: error: sweep.where: expected a value, got end of expression");
  const std::string name = data_file("bad_where_name.yaml");
  CHECK(load_error(name) == name + ":3:10: error: sweep.where: unknown name k3, expected a swept key (k1); quote text "
                                 "values: 'k3'");
}

TEST_CASE("YAML syntax errors, duplicate keys and unreadable files", "[config][errors]") {
  const std::string syntax = data_file("bad_syntax.yaml");
  CHECK(load_error(syntax) == syntax + ":3:6: error: invalid YAML: end of sequence flow not found");
  const std::string dup = data_file("bad_duplicate.yaml");
  CHECK(load_error(dup) == dup + ":3:3: error: hidden: duplicate key (first written at line 2)");
  const std::string missing = data_file("no_such_experiment.yaml");
  CHECK(load_error(missing) == missing + ":1:1: error: the file does not exist");
  const std::string base = data_file("bad_base_missing.yaml");
  CHECK(load_error(base) == base + ":2:7: error: base: " + data_file("no_such_file.yaml") + " does not exist");
}

TEST_CASE("full needs episodes: stream tasks refuse k1/k2 full and get no default baseline", "[config][errors]") {
  const std::string full = data_file("bad_stream_full.yaml");
  // k1 is left at its default, full: the error points at the key of its parent map, tbptt.
  const std::string expected = full + ":4:3: error: train.tbptt.k1: expected an integer >= 1, got full (the default) "
                                      "(task add_stream is one endless stream; full needs episodes)";
  CHECK(load_error(full) == expected);
  CHECK(load_error(full, {"baseline=none"}) == expected);
  // The implicit full-BPTT baseline cannot run on a stream, so such runs have none...
  const std::string baseline = data_file("bad_stream_baseline.yaml");
  CHECK(load_error(baseline) == "no error");
  CHECK(load_error(baseline, {"baseline=none"}) == "no error");
  CHECK(load_error(baseline, {"baseline={train.tbptt.k2: 100}"}) == "no error");
  // ...but a baseline the user asks for must be able to run.
  CHECK_THAT(load_error(baseline, {"baseline={train.tbptt.k2: full}"}),
             Catch::Contains("full needs episodes) (in the baseline run"));
}

TEST_CASE("settings that cannot fit in memory are refused before anything runs", "[config][errors]") {
  const std::string f = data_file("bad_memory.yaml");
  set_memory_limit(1024ull * 1024 * 1024);  // 1 GiB, whatever the machine
  const std::string err = load_error(f);
  set_memory_limit(0);
  // copy with delay 100, length 10: episodes of 120 steps. Training: 4 * 256 * 120 * (4 * 6 * 1024 + 2 * 1024 + 2 * 9)
  // bytes (3.05 GiB; the LSTM's state and cache rows are 6H); evaluation, one lane per sequence:
  // 4 * 256 * 120 * (4 * 6 * 1024 + 2 * 1024 + 3 * 9 + 3) (3.05 GiB,
  // the larger: the error points at eval.sequences, whose parent map is not written: the root); parameters:
  // 16 bytes x 29.4 M (0.44 GiB).
  CHECK(err == f + ":1:1: error: eval.sequences: needs about 6.5 GiB of memory (training 3.0 GiB: batch 256 x window "
                   "120 steps x 4 layers x hidden 1024; evaluation 3.1 GiB: 256 lanes x 120 steps; parameters 449 MiB), "
                   "more than the limit of 1.0 GiB (half of the physical memory); reduce eval.sequences, model.hidden or "
                   "model.layers (in the baseline run k1=full k2=full)");
  // The same file fits with a smaller batch and fewer evaluation sequences.
  set_memory_limit(1024ull * 1024 * 1024);
  const std::string ok = load_error(f, {"train.batch=16", "eval.sequences=16"});
  set_memory_limit(0);
  CHECK(ok == "no error");
}

TEST_CASE("edit distance and suggestions", "[config][suggest]") {
  CHECK(edit_distance("optimiser", "optimizer") == 1);
  CHECK(edit_distance("recompte", "recompute") == 1);
  CHECK(edit_distance("k2", "k1") == 1);
  CHECK(edit_distance("hidedn", "hidden") == 1);  // a transposition costs 1
  CHECK(closest_name("lsmt", {"rnn", "lstm", "gru"}) == "lstm");
  CHECK(closest_name("colour", {"cell", "hidden", "layers", "init"}).empty());
}
