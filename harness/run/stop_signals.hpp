// SIGINT and SIGTERM as a stop request, so that an interrupted sweep ends cleanly.
//
// StopSignals (one per process, created in main before any other thread starts) blocks both
// signals in the calling thread, so that every thread created later (OpenMP, MPI) inherits the
// mask, and a watcher thread takes them with sigtimedwait:
//   the first SIGINT   stop_requested() becomes true: no new run starts, running runs finish,
//                      and the sweep writes what is complete;
//   SIGTERM, or SIGINT again   abandon_requested() becomes true as well: each running run stops
//                      at its next update (execute.cpp throws RunAbandoned; it has no
//                      metrics.json, so a restart runs it again) and the sweep ends as usual,
//                      writing what is complete. SIGTERM abandons because a batch system or
//                      mpirun sends it shortly before SIGKILL (mpirun: 1 s, README "MPI").
//   the fallback       if the process has not ended kAbandonGraceSeconds after the abandoning
//                      signal (a long evaluation between two updates, a rank waiting for
//                      another), or when a further signal arrives, the watcher runs the fallback
//                      set by the sweep (it writes what is complete) and, if that returns true,
//                      exits with 128 + signal.
// Without a StopSignals object the signals keep their default action (tests call request_stop).
#pragma once

#include <signal.h>

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

namespace tbptt {

// Under mpirun, SIGKILL follows SIGTERM after odls_base_sigkill_timeout (default 1 s): the
// normal end gets half of it, the fallback the other half.
constexpr double kAbandonGraceSeconds = 0.5;

bool stop_requested();
bool abandon_requested();
int stop_signal();                // the signal that asked to stop (0: none)
void request_stop(int signal);    // as if `signal` had arrived once (the first one wins)
void request_abandon(int signal); // as if SIGTERM had arrived (tests)
void clear_stop_request();        // tests only

// Thrown by a run that stops because abandon_requested() (not a failure: nothing is recorded).
struct RunAbandoned : std::exception {
  const char* what() const noexcept override { return "run abandoned on a stop signal"; }
};

// The fallback of an abandoning signal (above), run on the watcher thread; it returns whether
// the process may exit now (false: the sweep is already writing its end and will exit itself).
// An empty function clears it. Set and cleared by the sweep around its runs.
void set_abandon_fallback(std::function<bool(int signal)> fallback);

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
