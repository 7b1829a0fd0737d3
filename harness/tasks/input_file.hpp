// Reading an input file (an experiment, a text corpus) without trusting what the path names.
//
// Only a regular file of at most `max_bytes` is read: a directory, a FIFO (which would block the
// reader forever), a device such as /dev/zero (endless) or /dev/null, and a file larger than the
// bound are refused before anything is allocated for their contents. The size is checked twice:
// from stat() before reading, and by reading at most max_bytes + 1 bytes (a file may grow, and
// some files report a size of 0).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tbptt {

// what() is the reason, written to follow the path: "is a directory", "does not exist", ...
class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `kind` names what the file should be, for the directory message: "is a directory, not a text file".
std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& kind);

// "64 MiB" for the powers of two the limits use, else "N bytes".
std::string byte_limit_text(uint64_t bytes);

}  // namespace tbptt
