#pragma once
// The newest live blocks, in a small direct-mapped cache in front of the table of all live
// blocks. Most blocks die young (in the tokenizer 96% of frees come within 256 allocations
// of their allocation), so their free finds them here, in a cache that stays in L2, and
// the big table, where nearly every access misses, sees only the blocks that survive.
#include <array>
#include <cstdint>

#include "analyzer/block_table.h"

namespace leakrank {

class RecentBlocks {
 public:
  using Slot = BlockTable::Slot;  // address 0: empty

  // The one place address may sit in; it may hold another block, which must then move on.
  Slot& slot_for(uint64_t address) { return slots_[address_hash(address) >> (64 - kBits)]; }
  const Slot& slot_for(uint64_t address) const { return slots_[address_hash(address) >> (64 - kBits)]; }

 private:
  static constexpr unsigned kBits = 12;  // 4096 blocks, 64 KiB: a collision seldom evicts a young block
  std::array<Slot, size_t(1) << kBits> slots_{};
};

}  // namespace leakrank
