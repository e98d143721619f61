#pragma once
// How messages from different threads are put back in order. Clocks are too dear on the
// fast path (a vDSO clock_gettime or rdtsc costs ~100 ns on virtual machines), and only
// causality matters: a free of an address on one thread must replay before the malloc on
// another thread that got the address back. So each message takes the next number of a
// counter chosen by its address (an "ordering stripe"): two messages about one address
// share a counter, and the recorder replays every stripe in counter order. Definitions
// (stacks, module maps) share stripe 0, so a stack that needs a newly loaded object
// follows the module map that describes it; so do mappings, whose partial unmaps may name
// any address of a range, and an exec, which follows everything its old image defined.
#include <atomic>
#include <cstdint>

#include "transport/wire_event.h"

namespace leakrank {

constexpr uint32_t kOrderStripes = 257;  // stripe 0: definitions; 1..256: addresses

struct alignas(64) OrderCounter {
  std::atomic<uint64_t> next{0};
};

// By 64 KiB region, not by block: two threads' arenas (glibc's are 64 MiB-aligned) never
// share a region, so a thread's counters mostly stay in its core's cache instead of bouncing
// between cores on every call. Regions still spread over all stripes, so a number lost by a
// thread that died holds back only the few regions of its stripe (see RingDrain).
inline uint32_t order_stripe(wire::EventKind kind, uint64_t address) {
  if (kind != wire::EventKind::alloc && kind != wire::EventKind::free) return 0;
  return 1 + uint32_t(((address >> 16) * 0x9e3779b97f4a7c15ULL) >> 56);
}

}  // namespace leakrank
