// Counts heap allocations: this executable replaces malloc and its relatives (glibc lets a
// program interpose them) with versions that count while counting is on and forward to glibc's
// own __libc_* functions. Operator new, Eigen's aligned_malloc and the libraries' allocations
// all end in one of these. Not built under the sanitizers, which replace malloc themselves.
#include "count_allocations.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<long long> allocations{0};
inline void note() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" {
void* malloc(size_t n) {
  note();
  return __libc_malloc(n);
}
void* calloc(size_t count, size_t n) {
  note();
  return __libc_calloc(count, n);
}
void* realloc(void* p, size_t n) {
  note();
  return __libc_realloc(p, n);
}
void* memalign(size_t alignment, size_t n) {
  note();
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(size_t alignment, size_t n) {
  note();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, size_t alignment, size_t n) {
  note();
  void* p = __libc_memalign(alignment, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
}

namespace tbptt::test {

AllocationCount::AllocationCount() : start_(allocations.load()) { counting.store(true); }
AllocationCount::~AllocationCount() { counting.store(false); }
long long AllocationCount::count() const { return allocations.load() - start_; }

}  // namespace tbptt::test
