#include "harness/report/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tbptt {
namespace fs = std::filesystem;

namespace {

std::runtime_error io_error(const std::string& what, const fs::path& path) {
  return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// A name unique within the process (counter) and across processes (pid).
fs::path temp_name_for(const fs::path& path) {
  static std::atomic<unsigned long long> counter{0};
  const std::string name = std::string(kTempPrefix) + path.filename().string() + "." +
                           std::to_string(::getpid()) + "." + std::to_string(counter++);
  return path.parent_path() / name;
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  const fs::path tmp = temp_name_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("cannot create", tmp);
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto err = io_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw err;
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const auto err = io_error("cannot flush", tmp);
    ::unlink(tmp.c_str());
    throw err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const auto err = io_error("cannot rename into", path);
    ::unlink(tmp.c_str());
    throw err;
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot open", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int remove_stale_temp_files(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return 0;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) == 0 && entry.is_regular_file(ec)) {
      if (fs::remove(entry.path(), ec)) ++removed;
    }
  }
  return removed;
}

}  // namespace tbptt
