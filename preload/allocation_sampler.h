#pragma once
// Sampling mode (run --sample-bytes N), as tcmalloc and jemalloc do it: allocated bytes
// form a Poisson process with one sample point per N bytes on average; an allocation is
// recorded when a point falls inside it (probability 1 - exp(-size/N)), and the analyzer
// scales it back up. The hooks ask inline: an unsampled allocation costs a subtraction,
// and the free of a block never sampled a load from a small counting filter.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "preload/atomic_slots.h"

namespace leakrank::preload {

// Addresses mixed for the sampler's table and its filter, which use different bits of it.
inline uint64_t mixed_address(uint64_t address) { return (address >> 4) * 0x9e3779b97f4a7c15ULL; }

// Bytes the calling thread may still allocate before its next sample point.
inline __attribute__((tls_model("initial-exec"))) thread_local int64_t t_bytes_until_sample;

class AllocationSampler {
 public:
  bool init(uint64_t mean_bytes_per_sample);  // 0 disables sampling; again for each new session
  bool enabled() const { return mean_ > 0; }

  // True when this allocation is sampled; the caller then calls remember() and records
  // it if that succeeds (a full neighbourhood leaves it unsampled, so its free is skipped too).
  bool should_sample(size_t size) {
    t_bytes_until_sample = int64_t(uint64_t(t_bytes_until_sample) - size);  // wraps, where -= could overflow
    return t_bytes_until_sample <= 0 && reached_sample_point();
  }
  bool remember(void* address);
  // False when address was certainly never sampled: most frees end here.
  bool may_hold(const void* address) const {
    return filter_[filter_bucket(address)].load(std::memory_order_relaxed) != 0;
  }
  // True when address was sampled (and forgets it): only then is its free recorded.
  bool forget(void* address);
  const AtomicSlots& memory() const { return slots_; }

 private:
  static constexpr unsigned kFilterBits = 12;  // 16 KiB of counters: stays in L1
  static size_t filter_bucket(const void* address) {
    return size_t(mixed_address(reinterpret_cast<uint64_t>(address)) >> (64 - kFilterBits));
  }
  bool reached_sample_point();

  uint64_t mean_ = 0;
  AtomicSlots slots_;  // open addressing; 0 empty, 1 tombstone
  // Per bucket, how many remembered addresses fall into it.
  std::array<std::atomic<uint32_t>, size_t(1) << kFilterBits> filter_{};
};

}  // namespace leakrank::preload
