#include "harness/run/stop_signals.hpp"

#include <pthread.h>
#include <string.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <string>

namespace tbptt {
namespace {

std::atomic<int> g_signal{0};
std::atomic<bool> g_abandon{false};
std::mutex g_fallback_mutex;
std::function<bool(int)> g_fallback;

std::string signal_name(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal " + std::to_string(signal);
}

// Runs the fallback; exits if it says so (or if none is set: nothing would write the end).
void run_fallback(int signal) {
  std::lock_guard<std::mutex> lock(g_fallback_mutex);
  if (g_fallback && !g_fallback(signal)) return;
  std::_Exit(128 + signal);
}

// The watcher's state between signals.
struct Watch {
  bool abandoning = false;
  bool fallback_done = false;
  std::chrono::steady_clock::time_point since;
};

void on_signal(int signal, Watch& watch) {
  if (watch.abandoning) {  // a further signal: no more waiting
    std::cerr << "\ntbptt: " << signal_name(signal) << " again: writing what is complete and exiting\n" << std::flush;
    watch.fallback_done = true;
    run_fallback(stop_signal());
    return;
  }
  const bool first = !stop_requested();
  request_stop(signal);
  if (signal == SIGINT && first) {
    std::cerr << "\ntbptt: SIGINT: starting no new runs; the running ones finish, then what is done is "
                 "written (SIGINT again abandons them)\n" << std::flush;
    return;
  }
  std::cerr << "\ntbptt: " << signal_name(signal)
            << ": abandoning the runs in progress at their next update; writing what is complete\n" << std::flush;
  g_abandon.store(true);
  watch.abandoning = true;
  watch.since = std::chrono::steady_clock::now();
}

}  // namespace

bool stop_requested() { return g_signal.load() != 0; }
bool abandon_requested() { return g_abandon.load(); }
int stop_signal() { return g_signal.load(); }

void request_stop(int signal) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, signal);
}

void request_abandon(int signal) {
  request_stop(signal);
  g_abandon.store(true);
}

void clear_stop_request() {
  g_signal.store(0);
  g_abandon.store(false);
}

void set_abandon_fallback(std::function<bool(int)> fallback) {
  std::lock_guard<std::mutex> lock(g_fallback_mutex);
  g_fallback = std::move(fallback);
}

StopSignals::StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  watcher_ = std::thread([this, set] {
    Watch watch;
    while (!quit_.load()) {
      const timespec wait{0, 50 * 1000 * 1000};  // 0.05 s: how soon the grace end or the destructor is noticed
      const int signal = sigtimedwait(&set, nullptr, &wait);
      if (signal > 0) on_signal(signal, watch);
      const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - watch.since).count();
      if (watch.abandoning && !watch.fallback_done && waited >= kAbandonGraceSeconds) {
        watch.fallback_done = true;
        run_fallback(stop_signal());
      }
    }
  });
}

StopSignals::~StopSignals() {
  quit_.store(true);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace tbptt
