// Wall and thread-CPU clocks. Runs share the machine during a sweep, so tables compare thread CPU
// time (CLOCK_THREAD_CPUTIME_ID), which does not count time spent waiting for a core.
#pragma once

#include <chrono>
#include <ctime>

namespace tbptt {

inline double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Adds the wall time of its scope to a counter.
class ScopedWall {
 public:
  explicit ScopedWall(double& sink) : sink_(sink), start_(wall_now()) {}
  ~ScopedWall() { sink_ += wall_now() - start_; }
  ScopedWall(const ScopedWall&) = delete;
  ScopedWall& operator=(const ScopedWall&) = delete;

 private:
  double& sink_;
  double start_;
};

}  // namespace tbptt
