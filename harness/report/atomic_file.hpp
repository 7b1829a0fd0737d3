// Atomic file writes: the content goes to a temporary name in the same folder, is flushed to
// disk, and is renamed over the target, so a reader (or a resumed sweep) sees either the old
// file or the whole new one, never a half-written one.
// N.B. temporary names are ".tbptt-tmp.<pid>.<counter>.<host>~<file name>": unique per process
// (and per host, for folders shared over the network), so that leftovers of a killed process
// can be recognised and removed (remove_stale_temp_files) without touching a live writer's file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tbptt {

inline constexpr std::string_view kTempPrefix = ".tbptt-tmp.";

// Writes `content` to `path` atomically; creates the parent folder. Throws std::runtime_error
// naming the path when a step fails.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; throws std::runtime_error naming the path if it cannot be opened.
std::string read_file(const std::filesystem::path& path);

// Removes leftover temporary files directly inside `folder` (not recursive); returns how many.
// every_writer: all kTempPrefix* files (the caller holds the folder exclusively, so no other
// process writes there); otherwise only those of this host whose process no longer exists.
int remove_stale_temp_files(const std::filesystem::path& folder, bool every_writer = true);

// This machine's host name ("?" if unknown).
std::string host_name();

}  // namespace tbptt
