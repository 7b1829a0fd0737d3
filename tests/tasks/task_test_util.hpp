// Helpers of the task tests: build a task, draw blocks, compare entries of two blocks, and make
// scratch files in a fresh temporary folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "harness/tasks/task.hpp"

namespace tbptt::test {

inline StepBlock draw(const Task& task, Split split, Index lanes, uint64_t seed, Index steps) {
  StepBlock block;
  task.stream(split, lanes, seed)->next(steps, block);
  return block;
}

// Entries of a's steps [a0, a0 + steps) equal b's steps [b0, b0 + steps) (same lane count).
inline bool same_steps(const StepBlock& a, Index a0, const StepBlock& b, Index b0, Index steps) {
  if (a.lanes != b.lanes) return false;
  const Index B = a.lanes;
  for (Index t = 0; t < steps; ++t)
    for (Index l = 0; l < B; ++l) {
      const Index i = (a0 + t) * B + l, j = (b0 + t) * B + l;
      const auto ui = static_cast<size_t>(i), uj = static_cast<size_t>(j);
      if (a.x.rows() != b.x.rows() || (a.x.rows() > 0 && a.x.col(i) != b.x.col(j))) return false;
      if (a.values.rows() != b.values.rows() ||
          (a.values.rows() > 0 && a.values.col(i) != b.values.col(j)))
        return false;
      if (!a.tokens.empty() && a.tokens[ui] != b.tokens[uj]) return false;
      if (!a.classes.empty() && a.classes[ui] != b.classes[uj]) return false;
      if (a.mask[ui] != b.mask[uj] || a.reset[ui] != b.reset[uj] || a.score[ui] != b.score[uj])
        return false;
    }
  return true;
}

// Lane b of a block as a block of one lane.
inline StepBlock lane_of(const StepBlock& a, Index b) {
  StepBlock out;
  out.steps = a.steps;
  out.lanes = 1;
  const Index B = a.lanes;
  if (a.x.rows() > 0) out.x.resize(a.x.rows(), a.steps);
  if (a.values.rows() > 0) out.values.resize(a.values.rows(), a.steps);
  for (Index t = 0; t < a.steps; ++t) {
    const Index j = t * B + b;
    const auto uj = static_cast<size_t>(j);
    if (a.x.rows() > 0) out.x.col(t) = a.x.col(j);
    if (a.values.rows() > 0) out.values.col(t) = a.values.col(j);
    if (!a.tokens.empty()) out.tokens.push_back(a.tokens[uj]);
    if (!a.classes.empty()) out.classes.push_back(a.classes[uj]);
    out.mask.push_back(a.mask[uj]);
    out.reset.push_back(a.reset[uj]);
    out.score.push_back(a.score[uj]);
  }
  return out;
}

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("tbptt_tasks_" + tag + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace tbptt::test
