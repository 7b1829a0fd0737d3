// MpiQueue: the runs of an MPI sweep handed out dynamically. Every rank holds the same run list
// (each loaded the same experiment); rank 0 keeps the longest-first order and hands out the next
// run id to whichever thread of whichever rank asks when it becomes free, so a slow run never
// holds up a fixed share. Rank 0 also runs runs itself: its own threads take from the order
// directly, and a coordinator thread answers the other ranks (point-to-point messages on a
// duplicate of MPI_COMM_WORLD; MPI_THREAD_SERIALIZED, every MPI call under one mutex).
// A stop request or halt() on any rank stops the hand-out for all: the next request of that
// rank carries it to rank 0. Without MPI (or with one rank) it is a LocalQueue.
//
// Protocol: a worker sends kRequest (payload: 1 to halt) and receives kReply (a run index, or
// -1: nothing more); after its scheduler has returned, it sends kDone. The coordinator ends when
// every other rank has sent kDone. A rank that dies mid-run loses only that run (mpirun then
// ends the job; a restart runs what has no metrics.json).
#pragma once

#include <memory>
#include <vector>

#include "harness/run/scheduler.hpp"

namespace tbptt {

class MpiQueue : public RunQueue {
 public:
  explicit MpiQueue(const std::vector<RunSpec>& runs);  // collective over all ranks
  ~MpiQueue() override;
  const std::vector<RunSpec>& runs() const override;
  long long next() override;
  void halt() override;
  // Call on every rank once its scheduler has returned (collective): rank > 0 says it is done,
  // rank 0 waits until every rank has, and its coordinator ends.
  void finish();
  // Rank 0: runs handed out over all ranks (elsewhere: by this rank).
  size_t handed_out() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tbptt
