#include "harness/report/machine.hpp"

#include <omp.h>
#include <sys/resource.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "models/gemm.hpp"

namespace tbptt {
namespace {

#ifdef TBPTT_SOURCE_DIR
// Runs a shell command and returns its first output line, or "" on failure.
std::string first_line_of(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {};
  std::array<char, 256> buffer{};
  std::string line;
  if (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe)) line = buffer.data();
  const int status = ::pclose(pipe);
  if (status != 0) return {};
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}
#endif

}  // namespace

nlohmann::json gemm_backends() {
  return {{"step", step_gemm_backend()}, {"window", window_gemm_backend()}, {"double", "eigen"}};
}

std::string git_commit() {
#ifdef TBPTT_SOURCE_DIR
  // Asked once per process: the manifest written when a signal stops the sweep must be quick
  // (under mpirun, SIGKILL follows SIGTERM within about a second), and two git processes take
  // a tenth of a second on a loaded machine.
  static const std::string commit = [] {
    const std::string dir = TBPTT_SOURCE_DIR;
    const std::string head = first_line_of("git -C '" + dir + "' rev-parse HEAD 2>/dev/null");
    if (head.empty()) return std::string("unknown");
    const std::string dirty =
        first_line_of("git -C '" + dir + "' status --porcelain --untracked-files=no 2>/dev/null");
    return dirty.empty() ? head : head + "-dirty";
  }();
  return commit;
#else
  return "unknown";
#endif
}

std::string compiler_id() {
#ifdef TBPTT_COMPILER
  return TBPTT_COMPILER;
#else
  return "unknown";
#endif
}

std::string compiler_flags() {
#ifdef TBPTT_CXX_FLAGS
  return TBPTT_CXX_FLAGS;
#else
  return "unknown";
#endif
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? "unknown" : line.substr(start);
      }
    }
  }
  return "unknown";
}

int cpu_cores() { return omp_get_num_procs(); }

long long peak_rss_bytes() {
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<long long>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string iso_utc_now() { return iso_utc(std::chrono::system_clock::now()); }

}  // namespace tbptt
