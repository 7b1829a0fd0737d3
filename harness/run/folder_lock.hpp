// A lock on a results folder, so that two processes never write one folder at once.
//
// An open-file-description lock (fcntl F_OFD_SETLK) on DIR/<name>, taken without waiting (the
// report lock waits: F_OFD_SETLKW, it is held for a moment). The
// kernel releases it when the process ends, however it ends (SIGKILL included), so a killed
// sweep never leaves a stale lock; it conflicts within one process too, and NFS honours it. The
// lock file is never deleted (two processes could otherwise lock two files of one name).
// An exclusive holder writes "pid P on HOST since TIME" into the file, for the refusal message.
//
// Who takes what (sweep_runner.cpp): a whole sweep (one process, or MPI rank 0) holds
// kSweepLock exclusively; shard I of N holds kSweepLock shared plus its own shard lock
// exclusively, so shards run side by side but never beside a whole sweep, and one shard never
// twice; whoever rewrites the merged report holds kReportLock exclusively while it does.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tbptt {

inline constexpr const char* kSweepLock = ".tbptt-lock";
inline constexpr const char* kReportLock = ".tbptt-lock-report";

// Thrown when another process holds a conflicting lock.
class FolderBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FolderLock {
 public:
  enum class Mode { exclusive, shared };
  // Creates `folder` if needed. Throws FolderBusy naming the holder (or, with `wait`, waits until
  // the lock is free), or std::runtime_error when the folder or the lock file cannot be created.
  FolderLock(const std::filesystem::path& folder, const std::string& name, Mode mode, bool wait = false);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// "pid P on HOST since TIME": who this process is, as written into lock files.
std::string lock_owner_text();

// Whether some process (this one included) holds DIR/<name> locked, without taking the lock
// (F_OFD_GETLK), so that asking never makes a starting sweep refuse. False when the file does not
// exist. A writer that died, even by SIGKILL, holds nothing: the kernel released its lock.
// Throws std::runtime_error when the file exists but cannot be opened or probed.
bool lock_held(const std::filesystem::path& folder, const std::string& name);

// The text an exclusive holder wrote into DIR/<name> ("pid P on HOST since TIME"; it stays after
// the holder ends), or "" when there is none.
std::string lock_owner_of(const std::filesystem::path& folder, const std::string& name);

}  // namespace tbptt
