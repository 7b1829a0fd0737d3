// SIGINT and SIGTERM as a stop request, so that an interrupted sweep ends cleanly.
//
// StopSignals (one per process, created in main before any other thread starts) blocks both
// signals in the calling thread, so that every thread created later (OpenMP, MPI) inherits the
// mask, and a watcher thread takes them with sigtimedwait:
//   the first SIGINT   stop_requested() becomes true: no new run starts, running runs finish,
//                      and the sweep writes what is complete;
//   SIGTERM, or SIGINT again   the abandon action (set by the sweep) runs on the watcher thread:
//                      it writes what is complete; then the process exits with 128 + signal at
//                      once, abandoning the runs in progress (they have no metrics.json, so a
//                      restart runs them again). SIGTERM abandons at once because a batch
//                      system sends it shortly before SIGKILL.
// Without a StopSignals object the signals keep their default action (tests call request_stop).
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace tbptt {

bool stop_requested();
int stop_signal();                // the signal that asked to stop (0: none)
void request_stop(int signal);    // as if `signal` had arrived once (the first one wins)
void clear_stop_request();        // tests only

// The action run on the watcher thread before the process exits on SIGTERM or a second SIGINT;
// an empty function clears it. Set and cleared by the sweep around its runs.
void set_abandon_action(std::function<void(int signal)> action);

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  sigset_t old_mask_;
  std::atomic<bool> quit_{false};
  std::thread watcher_;
};

}  // namespace tbptt
