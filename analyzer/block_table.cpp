#include "analyzer/block_table.h"

#include <bit>

namespace leakrank {

// Reinserts every block in slot order: their new homes then come in rising order too, so
// the new table is written front to back.
void BlockTable::resize(size_t capacity) {
  std::vector<Slot, HugePageAllocator<Slot>> old(capacity + 1, Slot{});
  old.swap(slots_);
  size_t old_capacity = old.empty() ? 0 : old.size() - 1;
  mask_ = capacity - 1;
  shift_ = 64 - unsigned(std::countr_zero(capacity));
  grow_at_ = capacity / 5 * 3;
  if (old_capacity > 0) slots_[capacity] = old[old_capacity];  // the slot of address 0
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i].address == 0) continue;
    size_t j = home(old[i].address);
    while (slots_[j].address != 0) j = (j + 1) & mask_;
    slots_[j] = old[i];
  }
}

}  // namespace leakrank
