#include "recording/block_table.h"

#include <bit>
#include <utility>

namespace leakrank {

// Doubles the table. Homes depend on the capacity, so every block is placed again, from
// the old region into a new one.
void BlockTable::grow() {
  size_t old_capacity = slots() ? capacity() : 0;
  MappedRegion old_region = std::move(region_);
  const Slot* old_slots = reinterpret_cast<const Slot*>(old_region.data());
  size_t new_capacity = 2 * capacity();
  region_ = MappedRegion((new_capacity + 1) * sizeof(Slot));
  mask_ = new_capacity - 1;
  shift_ = 64 - unsigned(std::countr_zero(new_capacity));
  grow_at_ = new_capacity / 5 * 3;
  if (!old_slots) return;
  *zero_slot() = old_slots[old_capacity];
  for (size_t i = 0; i < old_capacity; ++i)
    if (old_slots[i].address != 0) place(old_slots[i]);
}

void BlockTable::place(const Slot& block) {
  size_t i = home(block.address);
  while (slots()[i].address != 0) i = (i + 1) & mask_;
  slots()[i] = block;
}

}  // namespace leakrank
