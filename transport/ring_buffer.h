#pragma once
// A single-producer / single-consumer ring of wire::Event slots living in shared memory.
// The producer is one target thread (or, for a shared ring, whichever thread holds its lock),
// the consumer the recorder. No syscall, no lock between producer and consumer: head and
// tail are monotonically increasing slot counters on separate cache lines.
#include <atomic>
#include <cstdint>

#include "transport/wire_event.h"

namespace leakrank {

#if defined(__x86_64__)
inline const bool kCpuHasPrefetchW = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("prfchw") != 0;
}();
#endif

// A ring is owned by one thread at a time (free -> owned -> retired, and the recorder frees
// it again once drained), or is one of the session's shared rings, written under its lock.
enum class RingState : uint32_t { free = 0, owned = 1, retired = 2, shared = 3 };

struct Ring {
  // Producer's cache line. A shared ring's lock sits with what its holder writes next.
  alignas(64) std::atomic<uint64_t> head{0};
  uint64_t cached_tail = 0;          // producer-private copy, refreshed only when the ring looks full
  std::atomic<uint32_t> lock{0};     // shared rings only: 1 while a thread writes a message
  // 1 while a message is being written (from RingWriter::begin to its publish): its sequence
  // numbers, or a stack id another thread already uses, are on their way. The recorder gives
  // up on a missing number only while no writer is mid-message (one may be descheduled for
  // seconds).
  std::atomic<uint32_t> numbering{0};
  // Consumer's cache line.
  alignas(64) std::atomic<uint64_t> tail{0};
  // Ownership, changed once per thread lifetime.
  alignas(64) std::atomic<uint32_t> state{uint32_t(RingState::free)};
  int32_t owner_pid = 0;
  int32_t owner_tid = 0;
  uint32_t capacity = 0;             // slots, a power of two

  wire::Event* slots() { return reinterpret_cast<wire::Event*>(this + 1); }
  const wire::Event* slots() const { return reinterpret_cast<const wire::Event*>(this + 1); }
  wire::Event& slot(uint64_t index) { return slots()[index & (capacity - 1)]; }
  const wire::Event& slot(uint64_t index) const { return slots()[index & (capacity - 1)]; }

  // --- producer side ---
  bool has_room(uint64_t n) {
    uint64_t h = head.load(std::memory_order_relaxed);
    if (h + n - cached_tail <= capacity) return true;
    cached_tail = tail.load(std::memory_order_acquire);
    return h + n - cached_tail <= capacity;
  }
  // Also asks, a few cache lines ahead, for the lines the next messages will go to: the
  // recorder read them last, on another core, and a store that has to fetch its line back
  // first stalls the target's thread (most of an event's cost, measured).
  void publish(uint64_t n) {
    uint64_t next = head.load(std::memory_order_relaxed) + n;
    head.store(next, std::memory_order_release);
    numbering.store(0, std::memory_order_release);  // after head: a reader that sees 0 sees the message
    prefetch_for_writing(&slot(next + kWriteAheadSlots));
  }
  static constexpr uint64_t kWriteAheadSlots = 16;
  // prefetchw brings the line in already owned. Not every x86-64 CPU has it, and the
  // compiler only emits it when the whole build targets one that does: ask the CPU.
  static void prefetch_for_writing(const void* line) {
#if defined(__x86_64__)
    if (kCpuHasPrefetchW) {
      asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(line)));
      return;
    }
#endif
    __builtin_prefetch(line, 1);
  }

  // --- consumer side ---
  uint64_t published() const { return head.load(std::memory_order_acquire); }  // one past the last whole message
  uint64_t readable() const {
    return head.load(std::memory_order_acquire) - tail.load(std::memory_order_relaxed);
  }
  void consume(uint64_t n) {
    tail.store(tail.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
};
static_assert(sizeof(Ring) % alignof(wire::Event) == 0);

}  // namespace leakrank
