#pragma once
// A power-of-two array of atomic 64-bit slots in its own anonymous mapping: the storage of
// the preload library's lock-free hash tables, which must never allocate through malloc.
// Pages are reserved lazily, and clear() hands them back (they read as zero again).
#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "preload/own_memory.h"

namespace leakrank::preload {

class AtomicSlots {
 public:
  bool allocate(uint64_t capacity) {  // capacity: a power of two
    bytes_ = capacity * sizeof(uint64_t);
    void* memory = map_own_memory(bytes_, OwnedBy::process, true);
    if (!memory) return false;
    slots_ = static_cast<std::atomic<uint64_t>*>(memory);
    mask_ = capacity - 1;
    return true;
  }
  void clear() {
    if (slots_) madvise(slots_, bytes_, MADV_DONTNEED);
  }
  bool ready() const { return slots_ != nullptr; }
  uint64_t mask() const { return mask_; }
  std::atomic<uint64_t>& operator[](uint64_t index) const { return slots_[index & mask_]; }

 private:
  std::atomic<uint64_t>* slots_ = nullptr;
  uint64_t mask_ = 0;
  size_t bytes_ = 0;
};

}  // namespace leakrank::preload
