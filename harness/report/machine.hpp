// Facts about the build and the machine recorded in manifest.json: git commit, compiler and
// flags, CPU model, cores, times, peak resident memory.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace tbptt {

// `git rev-parse HEAD` in TBPTT_SOURCE_DIR (with "-dirty" if the tree has changes), or "unknown".
std::string git_commit();
std::string compiler_id();      // TBPTT_COMPILER, or "unknown"
std::string compiler_flags();   // TBPTT_CXX_FLAGS, or "unknown"
std::string cpu_model();        // "model name" of /proc/cpuinfo, or "unknown"
int cpu_cores();                // omp_get_num_procs()
// The libraries behind the float matrix products (models/gemm.hpp), chosen at build time:
// {"step": per-step recurrent products, "window": input projection, weight gradients, head,
//  "double": always "eigen"}.
nlohmann::json gemm_backends();
long long peak_rss_bytes();     // getrusage(RUSAGE_SELF).ru_maxrss in bytes
// ISO 8601 UTC with seconds, e.g. "2024-05-01T12:34:56Z".
std::string iso_utc(std::chrono::system_clock::time_point t);
std::string iso_utc_now();

}  // namespace tbptt
