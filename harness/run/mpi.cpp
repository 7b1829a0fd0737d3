#include "harness/run/mpi.hpp"

#include <cstdlib>
#include <initializer_list>

#ifdef TBPTT_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only (the deprecated C++ bindings warn)
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace tbptt {

#ifdef TBPTT_WITH_MPI
namespace {
bool active() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}
}  // namespace

// Started by an MPI launcher (mpirun, or srun --mpi=pmix)? A plain `tbptt run` then skips
// MPI_Init, which costs a fraction of a second and may start a helper daemon.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!active() && launched_by_mpi()) {
    int provided = 0;
    // SERIALIZED: the run hand-out (mpi_queue.hpp) calls MPI from several threads, one at a time.
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    owns_ = true;
  }
}

MpiSession::~MpiSession() {
  if (owns_ && active()) MPI_Finalize();
}

MpiWorld mpi_world() {
  MpiWorld w;
  if (!active()) return w;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void mpi_barrier() {
  if (active()) MPI_Barrier(MPI_COMM_WORLD);
}

long long mpi_sum(long long value) {
  if (!active()) return value;
  long long out = 0;
  MPI_Allreduce(&value, &out, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return out;
}

long long mpi_max(long long value) {
  if (!active()) return value;
  long long out = 0;
  MPI_Allreduce(&value, &out, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

void mpi_abort(int code) {
  if (active() && mpi_world().size > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

#else

MpiSession::MpiSession(int&, char**&) {}
MpiSession::~MpiSession() = default;
MpiWorld mpi_world() { return {}; }
void mpi_barrier() {}
long long mpi_sum(long long value) { return value; }
long long mpi_max(long long value) { return value; }
void mpi_abort(int code) { std::exit(code); }

#endif

}  // namespace tbptt
