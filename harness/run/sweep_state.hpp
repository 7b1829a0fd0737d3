// What the writers of a results folder are doing now, read without writing anything.
//
// A writer is either the whole sweep (one process, or MPI rank 0: its state is manifest.json's
// status, its lock kSweepLock) or a job-array shard (DIR/shards/I-of-N.json, its lock
// kSweepLock + "-shard-I-of-N"; folder_lock.hpp). A writer records "running" when it starts and
// its end status when it ends; one killed by SIGKILL, the OOM killer or a lost node never writes
// the end, so its file says "running" for ever. The kernel releases the lock of a dead process,
// though, so a "running" writer whose lock nobody holds has died: it is shown as "died", with the
// command that resumes it. The files stay as they are (only the writer itself changes them); the
// merged manifest of a sharded folder (results_reporter.hpp) records the state read here.
// N.B. the lock is probed before and after the file is read: a writer that ends, or one that
// starts, between the probe and the read is then never taken for a dead one.
#pragma once

#include <string>
#include <vector>

#include "harness/report/results_dir.hpp"

namespace tbptt {

struct WriterState {
  std::string name;      // "sweep", or the shard's "I-of-N"
  std::string recorded;  // the status its file holds ("running", "complete", "interrupted", ...)
  std::string state;     // `recorded`, or "died" when it says "running" and no process holds its lock
  std::string owner;     // the last holder of its lock, "pid P on HOST since TIME" ("" if unknown)
  std::string resume;    // for "died" and "interrupted": the command that resumes it, else ""
};

// The folder's writers: its shards when it has DIR/shards/ (in name order, then those of the
// manifest's "shards": N that have not started, as "not started"), else the whole sweep. Throws
// std::invalid_argument when DIR holds no manifest, std::runtime_error when a shard file is
// unreadable.
std::vector<WriterState> writer_states(const ResultsDir& dir);

// One line for each writer that died or was interrupted, e.g.
//   "out: shard 0-of-2 died (pid 41 on node3 since 2026-12-02T07:10:00Z): its process is gone;
//    resume it with: tbptt run exp.yaml --output out --shard 0/2"
// (one line); "" when there is none.
std::string resume_notes(const ResultsDir& dir, const std::vector<WriterState>& writers);

// `tbptt status DIR`: runs done of the total, then one line per writer with its state.
std::string status_text(const ResultsDir& dir);

}  // namespace tbptt
