// libFuzzer target: an experiment file's bytes through parsing, validation and sweep expansion.
// Bad input must end as a ConfigError (or std::invalid_argument); anything else escaping, a
// crash or a sanitizer report is a bug. Built with -DTBPTT_FUZZ=ON (clang), and replayed on the
// kept regression inputs by every build (replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "harness/config/error.hpp"
#include "harness/config/experiment.hpp"
#include "harness/config/load.hpp"
#include "harness/config/memory.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/experiment.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A small machine: sweeps are capped at 32 MiB / 8 KiB = 4096 runs, so that one input cannot
  // take long to expand. N.B. at 256 MiB (32768 runs) a sweep of a long seed list took over 10 s
  // under ASan (regressions/experiment/timeout_long_sweep.yaml): the eager run list costs about
  // 0.3 ms per run there, which the lazy run list of issue 14 removes; raise the cap with it.
  tbptt::set_memory_limit(32ull << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const tbptt::ConfigNode tree = tbptt::parse_config_document(text, "fuzz.yaml");
    tbptt::experiment_from_tree(tree, "fuzz.yaml");
  } catch (const tbptt::ConfigError& e) {
    (void)e.report();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
