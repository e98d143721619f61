#pragma once
// Sampling mode (run --sample-bytes N), as tcmalloc and jemalloc do it: allocated bytes
// form a Poisson process with one sample point per N bytes on average; an allocation is
// recorded when a point falls inside it (probability 1 - exp(-size/N)), and the analyzer
// scales it back up. Unsampled allocations cost a subtraction; their frees a hash probe.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "preload/atomic_slots.h"

namespace leakrank::preload {

class AllocationSampler {
 public:
  bool init(uint64_t mean_bytes_per_sample);  // 0 disables sampling
  bool enabled() const { return mean_ > 0; }

  // True when this allocation is sampled; the caller then calls remember() and records
  // it if that succeeds (a full neighbourhood leaves it unsampled, so its free is skipped too).
  bool should_sample(size_t size);
  bool remember(void* address);
  // True when address was sampled (and forgets it): only then is its free recorded.
  bool forget(void* address);
  void reset();  // after fork into a new session

 private:
  uint64_t mean_ = 0;
  AtomicSlots slots_;  // open addressing; 0 empty, 1 tombstone
};

}  // namespace leakrank::preload
