// Heap allocations made (by any thread) while an AllocationCount is alive; see
// count_allocations.cpp for how they are counted. One counter at a time.
#pragma once

namespace tbptt::test {

class AllocationCount {
 public:
  AllocationCount();
  ~AllocationCount();
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;
  long long count() const;

 private:
  long long start_;
};

}  // namespace tbptt::test
