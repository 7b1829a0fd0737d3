// What each value of train.tbptt.kind means, in one table: its parameters, what it does, and for
// the other toolkits' flags, the source the mapping was read from. The schema page
// (schema_page.cpp) prints it; harness/train/truncation.cpp implements it.
#pragma once

#include <string>
#include <vector>

namespace tbptt {

struct TruncationKindDoc {
  std::string kind;        // the YAML value
  std::string keys;        // its parameters (train.tbptt.*)
  std::string semantics;   // what one update does
  std::string source;      // the paper or the toolkit's source it follows
};

const std::vector<TruncationKindDoc>& truncation_kind_docs();

// The "Truncation schemes" section of experiments/SCHEMA.md.
std::string truncation_kinds_markdown();

}  // namespace tbptt
