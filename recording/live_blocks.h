#pragma once
// The blocks a recording has seen allocated and not yet freed, by address. It lets a free
// record name what it frees (the block's size and stack, or how many allocations ago it
// came) instead of its address: addresses are the one field that zstd cannot squeeze,
// and with the block named the reader needs no table of live blocks at all.
#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "recording/block_table.h"

namespace leakrank {

class LiveBlocks {
 public:
  static constexpr uint64_t kOrdinalUnknown = UINT64_MAX;

  struct Block {
    uint64_t size;
    uint32_t stack_id;
    uint64_t ordinal;  // the allocation's number, as given to add(); kOrdinalUnknown once the block left the recent ones
  };

  // Remembers a new block. A block found still live at an address taken again was freed
  // where the recording could not see it: it joins ended_unseen(), so its end is recorded too.
  void add(uint64_t address, uint64_t size, uint32_t stack_id, uint64_t ordinal);
  // Forgets the block at address, or returns nullopt when none is live there.
  std::optional<Block> remove(uint64_t address);

  // Asks for the cache lines that add() or remove() of address will touch: the table's
  // are misses nearly always, and the caller knows its next addresses a little ahead.
  void prefetch_add(uint64_t address) const;
  void prefetch_remove(uint64_t address) const;
  // Blocks that left the recent ones: while few, the table stays in the caches.
  size_t table_size() const { return table_.size(); }

  std::span<const Block> ended_unseen() const { return ended_unseen_; }
  void clear_ended_unseen() { ended_unseen_.clear(); }

 private:
  static constexpr uint32_t kLargeSize = UINT32_MAX;  // the size is in large_sizes_
  static constexpr unsigned kRecentBits = 12;           // 4096 blocks: most die young, here, in L2

  // The newest blocks sit in a small direct-mapped cache in front of the table: most blocks die
  // young (in the tokenizer 96% of frees come within 256 allocations), so their free never
  // touches the big table, where nearly every access misses the cache.
  struct RecentSlot {
    uint64_t address = 0;  // 0: empty
    uint32_t size = 0;
    uint32_t stack_id = 0;
    uint64_t ordinal = 0;
  };

  RecentSlot& recent_slot(uint64_t address) { return recent_[recent_index(address)]; }
  const RecentSlot& recent_slot(uint64_t address) const { return recent_[recent_index(address)]; }
  static size_t recent_index(uint64_t address) { return address_hash(address) >> (64 - kRecentBits); }
  void to_table(uint64_t address, uint64_t size, uint32_t stack_id);
  uint64_t size_in_table(uint64_t address, const BlockTable::Block& block) const;

  std::array<RecentSlot, size_t(1) << kRecentBits> recent_{};
  BlockTable table_;
  absl::flat_hash_map<uint64_t, uint64_t> large_sizes_;  // blocks of 4 GiB and more: rare
  std::vector<Block> ended_unseen_;
};

}  // namespace leakrank
