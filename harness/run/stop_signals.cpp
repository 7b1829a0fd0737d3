#include "harness/run/stop_signals.hpp"

#include <pthread.h>
#include <string.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <string>

namespace tbptt {
namespace {

std::atomic<int> g_signal{0};
std::mutex g_action_mutex;
std::function<void(int)> g_action;

std::string signal_name(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal " + std::to_string(signal);
}

void on_signal(int signal) {
  const bool first = !stop_requested();
  request_stop(signal);
  if (signal == SIGINT && first) {
    std::cerr << "\ntbptt: SIGINT: starting no new runs; the running ones finish, then what is done is "
                 "written (SIGINT again abandons them)\n" << std::flush;
    return;
  }
  std::cerr << "\ntbptt: " << signal_name(signal) << ": abandoning the runs in progress\n" << std::flush;
  {
    std::lock_guard<std::mutex> lock(g_action_mutex);
    if (g_action) g_action(signal);
  }
  std::_Exit(128 + signal);
}

}  // namespace

bool stop_requested() { return g_signal.load() != 0; }
int stop_signal() { return g_signal.load(); }

void request_stop(int signal) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, signal);
}

void clear_stop_request() { g_signal.store(0); }

void set_abandon_action(std::function<void(int)> action) {
  std::lock_guard<std::mutex> lock(g_action_mutex);
  g_action = std::move(action);
}

StopSignals::StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  watcher_ = std::thread([this, set] {
    while (!quit_.load()) {
      const timespec wait{0, 100 * 1000 * 1000};  // 0.1 s: how soon the destructor is noticed
      const int signal = sigtimedwait(&set, nullptr, &wait);
      if (signal > 0) on_signal(signal);
    }
  });
}

StopSignals::~StopSignals() {
  quit_.store(true);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace tbptt
