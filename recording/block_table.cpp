#include "recording/block_table.h"

#include <bit>
#include <cstring>
#include <vector>

namespace leakrank {

// Doubles the table: the blocks are taken out and placed again.
void BlockTable::grow() {
  bool first = slots() == nullptr;
  size_t old_capacity = first ? 0 : capacity();
  std::vector<Slot> blocks;
  blocks.reserve(size_);
  for (size_t i = 0; i < old_capacity; ++i)
    if (slots()[i].address != 0) blocks.push_back(slots()[i]);
  Slot zero_block = first ? Slot{} : *zero_slot();
  size_t new_capacity = 2 * capacity();
  if (!first) std::memset(static_cast<void*>(slots()), 0, (old_capacity + 1) * sizeof(Slot));
  region_.grow_to((new_capacity + 1) * sizeof(Slot));
  mask_ = new_capacity - 1;
  shift_ = 64 - unsigned(std::countr_zero(new_capacity));
  grow_at_ = new_capacity / 5 * 3;
  *zero_slot() = zero_block;
  for (const Slot& moved : blocks) {
    size_t i = home(moved.address);
    while (slots()[i].address != 0) i = (i + 1) & mask_;
    slots()[i] = moved;
  }
}

}  // namespace leakrank
