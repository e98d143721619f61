#pragma once
// Live blocks by address (the writer's, see live_blocks.h): open addressing with linear
// probing and the block stored inline next to its address, so a lookup usually costs one
// cache line (a map with separate control bytes costs two, and the recorder is bound by these misses).
#include <cstdint>
#include <utility>

#include "recording/mapped_region.h"

namespace leakrank {

// Multiplicative hashing, to be used by its top bits: addresses that differ by a stride land
// evenly spread. Folding the high half in first keeps strides in different regions (size
// classes, arenas) from landing on each other, which clustered probe runs 2.5x longer.
inline uint64_t address_hash(uint64_t address) {
  constexpr uint64_t kFibonacci = 0x9e3779b97f4a7c15;  // 2^64 / golden ratio, odd
  return (address ^ (address >> 29)) * kFibonacci;
}

class BlockTable {
 public:
  struct Block {
    uint32_t size;
    uint32_t stack_id;
  };
  struct Slot {
    uint64_t address;  // 0: empty (address 0 itself lives in the extra slot at the end)
    Block block;
  };

  BlockTable() { grow(); }

  size_t size() const { return size_; }

  // The slot holding address, or nullptr.
  Slot* find(uint64_t address) {
    if (address == 0) [[unlikely]] return zero_used_ ? zero_slot() : nullptr;
    for (size_t i = home(address);; i = (i + 1) & mask_) {
      Slot& slot = slots()[i];
      if (slot.address == address) return &slot;
      if (slot.address == 0) return nullptr;
    }
  }

  // The slot for address and whether it was empty; an existing block is left for the caller.
  std::pair<Slot*, bool> try_emplace(uint64_t address) {
    if (address == 0) [[unlikely]] return {zero_slot(), !std::exchange(zero_used_, true)};
    if (size_ >= grow_at_) [[unlikely]] grow();
    for (size_t i = home(address);; i = (i + 1) & mask_) {
      Slot& slot = slots()[i];
      if (slot.address == address) return {&slot, false};
      if (slot.address == 0) {
        slot.address = address;
        ++size_;
        return {&slot, true};
      }
    }
  }

  // Asks for the cache line where address is, or would go, ahead of find() or try_emplace().
  void prefetch(uint64_t address) const { __builtin_prefetch(&slots()[home(address)], 1); }

  // Empties a slot that find() or try_emplace() returned, with no insertion since.
  void erase(Slot* slot) {
    if (slot == zero_slot()) [[unlikely]] {
      zero_used_ = false;
      return;
    }
    close_gap(size_t(slot - slots()));
    --size_;
  }

 private:
  static constexpr size_t kInitialCapacity = 1024;

  // Blocks of one 4 KiB page keep their order in a run of 256 slots placed by the page's hash:
  // blocks allocated together usually lie together, so their lookups share cache lines.
  size_t home(uint64_t address) const {
    size_t page_home = size_t(address_hash(address & ~uint64_t(4095)) >> shift_);
    return (page_home + ((address >> 4) & 255)) & mask_;
  }
  Slot* zero_slot() { return &slots()[mask_ + 1]; }

  // Backward-shift deletion: no tombstones, so probe runs stay as short as the load allows.
  void close_gap(size_t hole) {
    for (size_t i = (hole + 1) & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots()[i];
      if (slot.address == 0) break;
      size_t wanted = home(slot.address);
      if (((i - wanted) & mask_) >= ((i - hole) & mask_)) {  // hole lies between its home and here
        slots()[hole] = slot;
        hole = i;
      }
    }
    slots()[hole].address = 0;
  }

  size_t capacity() const { return mask_ + 1; }
  void grow();
  void place(const Slot& block);

  // capacity + the slot of address 0
  Slot* slots() const { return reinterpret_cast<Slot*>(region_.data()); }

  MappedRegion region_;
  size_t mask_ = kInitialCapacity / 2 - 1;  // the first grow() makes it kInitialCapacity
  unsigned shift_ = 64;
  size_t size_ = 0;     // not counting address 0
  size_t grow_at_ = 0;  // at most 60% full: linear probe runs lengthen steeply beyond
  bool zero_used_ = false;
};

}  // namespace leakrank
