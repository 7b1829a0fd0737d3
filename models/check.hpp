// Precondition checks that throw (never abort): the harness turns them into messages.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tbptt {

// Thrown for a caller's mistake: mismatched shapes, an unknown name, an out-of-range option.
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

[[noreturn]] inline void fail_check(const char* file, int line, const std::string& what) {
  std::ostringstream s;
  s << what << " (" << file << ":" << line << ")";
  throw ShapeError(s.str());
}

}  // namespace tbptt

// TBPTT_CHECK(cond, "message " << value): throws tbptt::ShapeError naming the source line.
#define TBPTT_CHECK(cond, msg)                            \
  do {                                                    \
    if (!(cond)) {                                        \
      std::ostringstream tbptt_check_s_;                  \
      tbptt_check_s_ << msg;                              \
      ::tbptt::fail_check(__FILE__, __LINE__, tbptt_check_s_.str()); \
    }                                                     \
  } while (0)
