#include "harness/run/mpi_queue.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "harness/run/stop_signals.hpp"

#ifdef TBPTT_WITH_MPI
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace tbptt {

namespace {
constexpr int kRequest = 1, kReply = 2, kDone = 3;
}  // namespace

struct MpiQueue::State {
  explicit State(const std::vector<RunSpec>& r) : runs(r), order(longest_first(r)) {}

  const std::vector<RunSpec>& runs;
  std::vector<size_t> order;     // rank 0: the hand-out order
  std::mutex mutex;              // guards position and, under MPI, every MPI call
  size_t position = 0;           // rank 0: next entry of `order`; elsewhere: runs received
  std::atomic<bool> halted{false};
  int rank = 0, size = 1;
  bool finished = false;
#ifdef TBPTT_WITH_MPI
  MPI_Comm comm = MPI_COMM_NULL;
#endif
  std::thread coordinator;

  // Rank 0, with `mutex` held: the next run index, or -1.
  long long take_locked() {
    if (halted.load() || stop_requested() || position >= order.size()) return -1;
    return static_cast<long long>(order[position++]);
  }

#ifdef TBPTT_WITH_MPI
  void serve() {
    int done_ranks = 0;
    while (done_ranks < size - 1) {
      int flag = 0;
      {
        std::lock_guard<std::mutex> lock(mutex);
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &status);
        if (flag) {
          int payload = 0;
          MPI_Recv(&payload, 1, MPI_INT, status.MPI_SOURCE, status.MPI_TAG, comm, MPI_STATUS_IGNORE);
          if (status.MPI_TAG == kDone) {
            ++done_ranks;
          } else {
            if (payload != 0) halted.store(true);
            long long index = take_locked();
            MPI_Send(&index, 1, MPI_LONG_LONG, status.MPI_SOURCE, kReply, comm);
          }
        }
      }
      // Polling keeps MPI_THREAD_SERIALIZED simple; 1 ms is far below the length of any run.
      if (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
#endif
};

MpiQueue::MpiQueue(const std::vector<RunSpec>& runs) : state_(std::make_unique<State>(runs)) {
#ifdef TBPTT_WITH_MPI
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) return;
  int provided = 0;
  MPI_Query_thread(&provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &state_->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &state_->size);
  if (state_->size > 1 && provided < MPI_THREAD_SERIALIZED) {
    throw std::runtime_error("MPI: the library gives no MPI_THREAD_SERIALIZED support, which the run hand-out needs");
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &state_->comm);
  if (state_->rank == 0 && state_->size > 1) state_->coordinator = std::thread([s = state_.get()] { s->serve(); });
#endif
}

MpiQueue::~MpiQueue() {
  if (state_->coordinator.joinable()) state_->coordinator.join();
#ifdef TBPTT_WITH_MPI
  if (state_->comm != MPI_COMM_NULL) MPI_Comm_free(&state_->comm);
#endif
}

const std::vector<RunSpec>& MpiQueue::runs() const { return state_->runs; }

long long MpiQueue::next() {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.rank == 0) return s.take_locked();
#ifdef TBPTT_WITH_MPI
  int halt = s.halted.load() || stop_requested() ? 1 : 0;
  long long index = -1;
  MPI_Send(&halt, 1, MPI_INT, 0, kRequest, s.comm);
  MPI_Recv(&index, 1, MPI_LONG_LONG, 0, kReply, s.comm, MPI_STATUS_IGNORE);
  if (halt) return -1;
  if (index >= 0) ++s.position;
  return index;
#else
  return -1;
#endif
}

void MpiQueue::halt() { state_->halted.store(true); }

void MpiQueue::finish() {
  State& s = *state_;
  if (s.finished) return;
  s.finished = true;
#ifdef TBPTT_WITH_MPI
  if (s.rank > 0) {
    int zero = 0;
    std::lock_guard<std::mutex> lock(s.mutex);
    MPI_Send(&zero, 1, MPI_INT, 0, kDone, s.comm);
  }
#endif
  if (s.coordinator.joinable()) s.coordinator.join();
}

size_t MpiQueue::handed_out() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->position;
}

}  // namespace tbptt
