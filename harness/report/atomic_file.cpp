#include "harness/report/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
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

// A name unique within the process (counter) and across processes (pid, host).
fs::path temp_name_for(const fs::path& path) {
  static std::atomic<unsigned long long> counter{0};
  static const std::string host = host_name();
  const std::string name = std::string(kTempPrefix) + std::to_string(::getpid()) + "." +
                           std::to_string(counter++) + "." + host + "~" + path.filename().string();
  return path.parent_path() / name;
}

// Whether the temporary file `name` belongs to a process of this host that no longer runs.
bool written_by_dead_local_process(const std::string& name) {
  const std::string rest = name.substr(kTempPrefix.size());
  const size_t dot1 = rest.find('.');
  const size_t dot2 = dot1 == std::string::npos ? dot1 : rest.find('.', dot1 + 1);
  const size_t tilde = dot2 == std::string::npos ? dot2 : rest.find('~', dot2 + 1);
  if (tilde == std::string::npos || rest.substr(dot2 + 1, tilde - dot2 - 1) != host_name()) return false;
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(rest.substr(0, dot1)));
  } catch (const std::exception&) {
    return false;
  }
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  const fs::path tmp = temp_name_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("cannot create a file beside", path);
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto err = io_error("cannot write", path);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw err;
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const auto err = io_error("cannot write", path);
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

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "?";
  return host;
}

int remove_stale_temp_files(const fs::path& folder, bool every_writer) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return 0;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) == 0 && entry.is_regular_file(ec) &&
        (every_writer || written_by_dead_local_process(name))) {
      if (fs::remove(entry.path(), ec)) ++removed;
    }
  }
  return removed;
}

}  // namespace tbptt
