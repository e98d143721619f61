#pragma once
// Stack dedup: each distinct stack gets a small id the first time it is seen, so events
// carry 4 bytes instead of the frames. Lock-free open addressing over 64-bit stack hashes;
// the slot index is the id. Memory is mmap'ed (never malloc) and reserved lazily.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "preload/atomic_slots.h"

namespace leakrank::preload {

class StackTable {
 public:
  static constexpr uint32_t kNoId = 0;

  bool init(uint32_t capacity_log2 = 22);  // 4 M slots, 32 MiB of address space
  const AtomicSlots& memory() const { return slots_; }

  struct Lookup {
    uint32_t id = kNoId;
    bool inserted = false;  // this caller claimed the id and must send the stack
  };
  // Finds the stack's id, or claims a new one. When the table is full it answers kNoId
  // and the caller sends the stack under a fresh id every time.
  Lookup find_or_insert(uint64_t hash);
  uint32_t find(uint64_t hash) const;

 private:
  AtomicSlots slots_;
  std::atomic<uint64_t> used_{0};
};

uint64_t hash_stack(const uintptr_t* ips, int depth, uint64_t seed);

}  // namespace leakrank::preload
