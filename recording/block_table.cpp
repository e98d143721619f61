#include "recording/block_table.h"

#include <bit>
#include <vector>

namespace leakrank {

// Doubles the table where it lies. With the home taken from the top bits of the hash, a
// block whose home was h now belongs at 2h or 2h+1. Moving blocks from the last slot down
// therefore only writes where blocks were already moved, so no copy of the table is
// needed and the memory touched is the new half alone; the few blocks that could land
// on one not yet moved (wrapped around, or far from a home near the start) go last.
void BlockTable::grow() {
  bool first = slots() == nullptr;
  size_t old_capacity = first ? 0 : capacity();
  size_t new_capacity = 2 * capacity();
  Slot zero_block = first ? Slot{} : *zero_slot();
  if (!first) *zero_slot() = Slot{};  // it becomes an ordinary slot of the larger table
  region_.grow_to((new_capacity + 1) * sizeof(Slot));
  mask_ = new_capacity - 1;
  shift_ = 64 - unsigned(std::countr_zero(new_capacity));
  grow_at_ = new_capacity / 5 * 3;
  *zero_slot() = zero_block;

  std::vector<Slot> deferred;
  for (size_t i = old_capacity; i-- > 0;) {
    Slot moved = slots()[i];
    if (moved.address == 0) continue;
    slots()[i].address = 0;
    size_t old_home = home(moved.address) / 2;
    bool lands_on_unmoved = i < old_home || 2 * old_home < i;
    if (lands_on_unmoved || !place_without_wrapping(moved)) deferred.push_back(moved);
  }
  for (const Slot& moved : deferred) {
    size_t i = home(moved.address);
    while (slots()[i].address != 0) i = (i + 1) & mask_;
    slots()[i] = moved;
  }
}

// Probes from the block's home towards the end of the table, never past it.
bool BlockTable::place_without_wrapping(const Slot& moved) {
  for (size_t i = home(moved.address); i <= mask_; ++i) {
    if (slots()[i].address == 0) {
      slots()[i] = moved;
      return true;
    }
  }
  return false;
}

}  // namespace leakrank
