#include "harness/run/shard.hpp"

#include <cstdlib>
#include <stdexcept>

#include "harness/run/scheduler.hpp"

namespace tbptt {

namespace {

bool parse_int(const std::string& text, long long& out) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  out = std::stoll(text);
  return true;
}

}  // namespace

std::string Shard::name() const { return std::to_string(index) + "-of-" + std::to_string(count); }

Shard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  long long i = -1, n = -1;
  if (slash == std::string::npos || !parse_int(text.substr(0, slash), i) ||
      !parse_int(text.substr(slash + 1), n) || n < 1 || i >= n) {
    throw std::invalid_argument("--shard: expected I/N with 0 <= I < N (e.g. 0/4), got \"" + text + "\"");
  }
  return Shard{static_cast<int>(i), static_cast<int>(n)};
}

std::optional<Shard> shard_from_environment() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  if (id == nullptr) return std::nullopt;
  auto number = [](const char* name, long long fallback) {
    const char* value = std::getenv(name);
    long long out = fallback;
    if (value != nullptr && !parse_int(value, out)) {
      throw std::invalid_argument(std::string(name) + ": expected a count, got \"" + value + "\"");
    }
    return out;
  };
  const long long task = number("SLURM_ARRAY_TASK_ID", 0);
  const long long count = number("SLURM_ARRAY_TASK_COUNT", -1);
  const long long min = number("SLURM_ARRAY_TASK_MIN", 0);
  const long long step = number("SLURM_ARRAY_TASK_STEP", 1);
  if (count < 1 || step < 1 || task < min || (task - min) % step != 0 || (task - min) / step >= count) {
    throw std::invalid_argument("SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " with SLURM_ARRAY_TASK_COUNT=" +
                                std::to_string(count) + ", _MIN=" + std::to_string(min) + ", _STEP=" +
                                std::to_string(step) +
                                ": not a shard; submit a contiguous array (e.g. --array=0-3), or pass --shard I/N");
  }
  return Shard{static_cast<int>((task - min) / step), static_cast<int>(count)};
}

std::vector<RunSpec> shard_runs(const std::vector<RunSpec>& runs, const Shard& shard) {
  const std::vector<size_t> order = longest_first(runs);
  std::vector<bool> mine(runs.size(), false);
  for (size_t p = static_cast<size_t>(shard.index); p < order.size(); p += static_cast<size_t>(shard.count)) {
    mine[order[p]] = true;
  }
  std::vector<RunSpec> out;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (mine[i]) out.push_back(runs[i]);
  }
  return out;
}

}  // namespace tbptt
