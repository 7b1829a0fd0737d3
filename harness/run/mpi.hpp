// Optional MPI (built with TBPTT_WITH_MPI): rank and size, and the few collectives a sweep needs.
// Without MPI, or when MPI is not initialised, the world is one rank and every call is a no-op.
// MPI is initialised only when an MPI launcher started the process (mpirun, srun --mpi=pmix), with
// MPI_THREAD_SERIALIZED: the collectives here are called by the main thread alone, the run
// hand-out (mpi_queue.hpp) from several threads, one at a time.
#pragma once

namespace tbptt {

struct MpiWorld {
  int rank = 0;
  int size = 1;
};

// Initialises MPI (if built with it and not yet initialised) and finalises it on destruction.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

 private:
  bool owns_ = false;
};

MpiWorld mpi_world();
void mpi_barrier();
long long mpi_sum(long long value);   // over all ranks
long long mpi_max(long long value);
[[noreturn]] void mpi_abort(int code);  // ends every rank (size > 1); otherwise std::exit

}  // namespace tbptt
