// A character-level corpus: a UTF-8 text file decoded to code points, split into a training part
// and validation and test parts taken from the end of the file (in that order), and encoded with
// the vocabulary of the training part (code points in ascending order) plus one unknown id for
// characters that occur only in the held-out parts. Each (path, fractions) is read once per
// process and shared read-only between the runs of a sweep (thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/tasks/task.hpp"

namespace tbptt {

struct TextCorpus {
  std::string path;
  std::vector<char32_t> vocab;  // code point of each id; id vocab.size() is the unknown character
  std::vector<int32_t> ids;     // the whole file, one id per code point
  Index valid_begin = 0;        // parts: train [0, valid_begin), valid [valid_begin, test_begin),
  Index test_begin = 0;         //        test [test_begin, ids.size())

  int32_t unknown_id() const { return static_cast<int32_t>(vocab.size()); }
  Index vocab_size() const { return static_cast<Index>(vocab.size()) + 1; }  // with unknown
  std::pair<Index, Index> part(Split split) const;                           // [begin, end)
};

// Decodes UTF-8 (rejecting overlong forms, surrogates, code points above U+10FFFF and NUL
// bytes). Throws std::invalid_argument naming `path` and the byte offset of the first bad byte.
std::vector<char32_t> decode_utf8(std::string_view bytes, const std::string& path);
// The byte offset of the first byte where decode_utf8 would fail (NUL included), or npos: the
// check that the configuration layer applies to every text an experiment holds.
size_t invalid_utf8_offset(std::string_view bytes);

// Loads (or returns the cached) corpus. Throws std::invalid_argument naming the path when the file
// is missing, unreadable, empty, not UTF-8 text, or too short for its parts (each part that is not
// empty by choice needs at least 2 characters: one input and one target).
// The corpus of a file's bytes (what load_text_corpus does after reading; no cache).
std::shared_ptr<const TextCorpus> build_text_corpus(std::string_view bytes, const std::string& path,
                                                    double valid_fraction, double test_fraction);
std::shared_ptr<const TextCorpus> load_text_corpus(const std::string& path, double valid_fraction,
                                                   double test_fraction);

}  // namespace tbptt
