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

namespace tbptt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument("text: '" + path + "' " + what);
}

std::string read_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    const bool kjv = fs::path(path).filename() == "kjv.txt";
    fail(path, std::string("does not exist") +
                   (kjv ? " (run scripts/get_corpus.sh to write data/kjv.txt)" : ""));
  }
  if (fs::is_directory(status)) fail(path, "is a directory, not a text file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "could not be read");
  if (bytes.empty()) fail(path, "is empty");
  return bytes;
}

std::shared_ptr<const TextCorpus> build(const std::string& path, double valid_fraction,
                                        double test_fraction) {
  const std::vector<char32_t> text = decode_utf8(read_file(path), path);
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

}  // namespace

std::pair<Index, Index> TextCorpus::part(Split split) const {
  switch (split) {
    case Split::train: return {0, valid_begin};
    case Split::valid: return {valid_begin, test_begin};
    case Split::test: return {test_begin, static_cast<Index>(ids.size())};
  }
  return {0, 0};
}

std::vector<char32_t> decode_utf8(std::string_view bytes, const std::string& path) {
  std::vector<char32_t> out;
  out.reserve(bytes.size());
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0)
      fail(path, "is not a text file (NUL byte at offset " + std::to_string(i) + ")");
    size_t len;
    char32_t cp, min;
    if (c < 0x80) {
      len = 1, cp = c, min = 0;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      len = 0, cp = 0, min = 1;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(bytes[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok)
      fail(path, "is not valid UTF-8 text (bad byte sequence at offset " + std::to_string(i) + ")");
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
  if (!slot) slot = build(path, valid_fraction, test_fraction);
  return slot;
}

}  // namespace tbptt
