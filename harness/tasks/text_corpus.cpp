#include "harness/tasks/text_corpus.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "harness/tasks/input_file.hpp"

namespace tbptt {
namespace {

// The decoded corpus takes about 8 bytes per character (code points, then ids): 256 MiB of text
// is already 2 GiB of memory, and far more than any corpus this harness trains on.
constexpr uint64_t kMaxCorpusBytes = 256ull * 1024 * 1024;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument("text: '" + path + "' " + what);
}

std::string read_file(const std::string& path) {
  try {
    return read_input_file(path, kMaxCorpusBytes, "a text file");
  } catch (const InputFileError& e) {
    const bool kjv = std::filesystem::path(path).filename() == "kjv.txt";
    const std::string why = e.what();
    fail(path, why + (why == "does not exist" && kjv ? " (run scripts/get_corpus.sh to write data/kjv.txt)" : ""));
  }
}

}  // namespace

std::shared_ptr<const TextCorpus> build_text_corpus(std::string_view bytes, const std::string& path,
                                                    double valid_fraction, double test_fraction) {
  if (bytes.empty()) fail(path, "is empty");
  const std::vector<char32_t> text = decode_utf8(bytes, path);
  const auto n = static_cast<Index>(text.size());
  const auto n_test = static_cast<Index>(std::floor(static_cast<double>(n) * test_fraction));
  const auto n_valid = static_cast<Index>(std::floor(static_cast<double>(n) * valid_fraction));
  auto corpus = std::make_shared<TextCorpus>();
  corpus->path = path;
  corpus->test_begin = n - n_test;
  corpus->valid_begin = corpus->test_begin - n_valid;
  const bool too_short = corpus->valid_begin < 2 || (valid_fraction > 0 && n_valid < 2) ||
                         (test_fraction > 0 && n_test < 2);
  if (too_short) {
    std::ostringstream os;
    os << "has " << n << " characters, too few for valid_fraction " << valid_fraction
       << " and test_fraction " << test_fraction << " (each part needs at least 2)";
    fail(path, os.str());
  }
  // Vocabulary of the training part, ascending code points; a dense table maps code points to ids.
  const char32_t top = *std::max_element(text.begin(), text.end());
  std::vector<int32_t> id_of(static_cast<size_t>(top) + 1, -1);
  for (Index i = 0; i < corpus->valid_begin; ++i) id_of[text[static_cast<size_t>(i)]] = 0;
  for (char32_t c = 0; c <= top; ++c)
    if (id_of[c] == 0) {
      id_of[c] = static_cast<int32_t>(corpus->vocab.size());
      corpus->vocab.push_back(c);
    }
  corpus->ids.resize(text.size());
  const int32_t unknown = corpus->unknown_id();
  std::transform(text.begin(), text.end(), corpus->ids.begin(),
                 [&](char32_t c) { return id_of[c] < 0 ? unknown : id_of[c]; });
  return corpus;
}

std::pair<Index, Index> TextCorpus::part(Split split) const {
  switch (split) {
    case Split::train: return {0, valid_begin};
    case Split::valid: return {valid_begin, test_begin};
    case Split::test: return {test_begin, static_cast<Index>(ids.size())};
  }
  return {0, 0};
}

namespace {

// Decodes the code point starting at bytes[i]: its length, or 0 when the bytes there are not a
// valid UTF-8 sequence (overlong, surrogate, above U+10FFFF, truncated) or are a NUL byte.
size_t decode_one(std::string_view bytes, size_t i, char32_t& cp) {
  const size_t n = bytes.size();
  const auto c = static_cast<unsigned char>(bytes[i]);
  if (c == 0) return 0;
  size_t len;
  char32_t min;
  if (c < 0x80) {
    len = 1, cp = c, min = 0;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1Fu, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0Fu, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(bytes[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

size_t invalid_utf8_offset(std::string_view bytes) {
  char32_t cp;
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = decode_one(bytes, i, cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::vector<char32_t> decode_utf8(std::string_view bytes, const std::string& path) {
  std::vector<char32_t> out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    char32_t cp = 0;
    const size_t len = decode_one(bytes, i, cp);
    if (len == 0) {
      if (bytes[i] == 0) fail(path, "is not a text file (NUL byte at offset " + std::to_string(i) + ")");
      fail(path, "is not valid UTF-8 text (bad byte sequence at offset " + std::to_string(i) + ")");
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::shared_ptr<const TextCorpus> load_text_corpus(const std::string& path, double valid_fraction,
                                                   double test_fraction) {
  // Keyed by the exact fractions too: they decide the vocabulary. Loading under the lock keeps
  // parallel runs from reading the same file twice.
  static std::mutex mutex;
  static std::map<std::tuple<std::string, double, double>, std::shared_ptr<const TextCorpus>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[{path, valid_fraction, test_fraction}];
  if (!slot) slot = build_text_corpus(read_file(path), path, valid_fraction, test_fraction);
  return slot;
}

}  // namespace tbptt
