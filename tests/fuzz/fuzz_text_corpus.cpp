// libFuzzer target: bytes as a text corpus. The first byte picks the held-out fractions; the
// rest is the file. decode_utf8 and invalid_utf8_offset must agree, and a corpus that builds
// must be consistent (ids within the vocabulary, parts in order).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "harness/tasks/text_corpus.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const double valid = (data[0] & 15) / 32.0, test = (data[0] >> 4) / 32.0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool valid_utf8 = tbptt::invalid_utf8_offset(bytes) == std::string_view::npos;
  try {
    const auto corpus = tbptt::build_text_corpus(bytes, "fuzz.txt", valid, test);
    if (!valid_utf8) std::abort();  // decoded what the check calls invalid
    if (!(corpus->valid_begin <= corpus->test_begin && corpus->test_begin <= static_cast<tbptt::Index>(corpus->ids.size())))
      std::abort();
    for (const int32_t id : corpus->ids)
      if (id < 0 || id > corpus->unknown_id()) std::abort();
  } catch (const std::invalid_argument&) {
    // Refused: too short, not UTF-8 (then the check must agree unless it was the length).
  }
  return 0;
}
