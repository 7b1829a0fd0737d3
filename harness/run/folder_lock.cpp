#include "harness/run/folder_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "harness/report/atomic_file.hpp"
#include "harness/report/machine.hpp"

namespace tbptt {
namespace fs = std::filesystem;

std::string lock_owner_text() {
  return "pid " + std::to_string(::getpid()) + " on " + host_name() + " since " + iso_utc_now();
}

FolderLock::FolderLock(const fs::path& folder, const std::string& name, Mode mode, bool wait) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw std::runtime_error(folder.string() + ": cannot create the results folder: " + ec.message());
  const fs::path path = folder / name;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error(folder.string() + ": cannot write in the results folder (creating " + name +
                             "): " + std::strerror(errno));
  }
  struct flock lock{};
  lock.l_type = mode == Mode::exclusive ? F_WRLCK : F_RDLCK;
  lock.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  int done = -1;
  do {
    done = ::fcntl(fd_, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock);
  } while (done != 0 && wait && errno == EINTR);
  if (done != 0) {
    const int err = errno;
    const std::string holder = lock_owner_of(folder, name);
    ::close(fd_);
    fd_ = -1;
    if (err != EAGAIN && err != EACCES) {
      throw std::runtime_error(path.string() + ": cannot lock: " + std::strerror(err));
    }
    throw FolderBusy(folder.string() + ": in use by another tbptt process (" +
                     (holder.empty() ? std::string("--shard processes") : holder) + ", holding " + path.string() +
                     "); wait until it ends, or use another --output");
  }
  // Shared holders leave the text empty (there may be several): a refusal then names shards.
  if (::ftruncate(fd_, 0) == 0 && mode == Mode::exclusive) {
    const std::string owner = lock_owner_text() + "\n";
    if (::pwrite(fd_, owner.data(), owner.size(), 0) < 0) {
      // Only the refusal message of another process reads this: not worth failing the sweep.
    }
  }
}

bool lock_held(const fs::path& folder, const std::string& name) {
  const fs::path path = folder / name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    throw std::runtime_error(path.string() + ": cannot open the lock file: " + std::strerror(errno));
  }
  struct flock probe{};
  probe.l_type = F_WRLCK;  // conflicts with any lock, shared or exclusive
  probe.l_whence = SEEK_SET;
  const int done = ::fcntl(fd, F_OFD_GETLK, &probe);
  const int err = errno;
  ::close(fd);
  if (done != 0) throw std::runtime_error(path.string() + ": cannot probe the lock: " + std::strerror(err));
  return probe.l_type != F_UNLCK;
}

std::string lock_owner_of(const fs::path& folder, const std::string& name) {
  std::string text;
  try {
    text = read_file(folder / name);
  } catch (const std::exception&) {
    return {};
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace tbptt
