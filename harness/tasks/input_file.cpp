#include "harness/tasks/input_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace tbptt {

std::string byte_limit_text(uint64_t bytes) {
  constexpr uint64_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& kind) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw InputFileError("does not exist");
    throw InputFileError(std::string("cannot be read: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw InputFileError("is a directory, not " + kind);
  if (!S_ISREG(st.st_mode)) throw InputFileError("is not a regular file (a FIFO, device or socket)");
  const std::string too_big = "is larger than " + byte_limit_text(max_bytes);
  if (static_cast<uint64_t>(st.st_size) > max_bytes) throw InputFileError(too_big);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputFileError(std::string("cannot be opened for reading: ") + std::strerror(errno));
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  // Whatever the file grew by since stat(), up to one byte past the bound.
  char chunk[65536];
  while (in && bytes.size() <= max_bytes) {
    in.read(chunk, sizeof chunk);
    bytes.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw InputFileError("could not be read");
  if (bytes.size() > max_bytes) throw InputFileError(too_big);
  return bytes;
}

}  // namespace tbptt
