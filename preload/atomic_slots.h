#pragma once
// A power-of-two array of atomic 64-bit slots in its own anonymous mapping: the storage of
// the preload library's lock-free hash tables, which must never allocate through malloc.
// Pages are reserved lazily; the mapping is unmapped by capture_gate.h once nobody reads it.
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
  bool ready() const { return slots_ != nullptr; }
  // The mapping, for whoever unmaps it once no thread can read it (capture_gate.h). The
  // pointer stays as it is until the next allocate(): a reader inside capture may hold it.
  void* mapping() const { return slots_; }
  size_t mapping_bytes() const { return bytes_; }
  uint64_t mask() const { return mask_; }
  std::atomic<uint64_t>& operator[](uint64_t index) const { return slots_[index & mask_]; }

 private:
  std::atomic<uint64_t>* slots_ = nullptr;
  uint64_t mask_ = 0;
  size_t bytes_ = 0;
};

}  // namespace leakrank::preload
