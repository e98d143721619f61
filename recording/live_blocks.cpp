#include "recording/live_blocks.h"

namespace leakrank {

// A young block takes its place among the recent ones; whichever block held that place
// moves on to the table. Blocks at address 0 and of 4 GiB or more go straight to the table.
void LiveBlocks::add(uint64_t address, uint64_t size, uint32_t stack_id, uint64_t ordinal) {
  RecentSlot& recent = recent_slot(address);
  if (recent.address == address && address != 0) {
    ended_unseen_.push_back({recent.size, recent.stack_id, recent.ordinal});
    recent.address = 0;
  }
  if (address == 0 || size >= kLargeSize) [[unlikely]] {
    to_table(address, size, stack_id);
    return;
  }
  if (recent.address != 0) to_table(recent.address, recent.size, recent.stack_id);
  recent = {address, uint32_t(size), stack_id, ordinal};
}

std::optional<LiveBlocks::Block> LiveBlocks::remove(uint64_t address) {
  RecentSlot& recent = recent_slot(address);
  if (recent.address == address && address != 0) {
    recent.address = 0;
    return Block{recent.size, recent.stack_id, recent.ordinal};
  }
  BlockTable::Slot* slot = table_.find(address);
  if (!slot) return std::nullopt;
  Block block{size_in_table(address, slot->block), slot->block.stack_id, kOrdinalUnknown};
  if (slot->block.size == kLargeSize) large_sizes_.erase(address);
  table_.erase(slot);
  return block;
}

// An allocation moves the recent block it displaces into the table.
void LiveBlocks::prefetch_add(uint64_t address) const {
  const RecentSlot& recent = recent_slot(address);
  if (recent.address != 0) table_.prefetch(recent.address);
}

// The block is in the table unless it is still among the recent ones.
void LiveBlocks::prefetch_remove(uint64_t address) const {
  if (recent_slot(address).address != address) table_.prefetch(address);
}

// The table is only checked for a block at the same address when one moves in: a block
// that lingers there was freed unseen, and its end is found when the address is reused
// by a block that lives on, which keeps the big table out of every allocation's path.
void LiveBlocks::to_table(uint64_t address, uint64_t size, uint32_t stack_id) {
  auto [slot, inserted] = table_.try_emplace(address);
  if (!inserted) {
    ended_unseen_.push_back({size_in_table(address, slot->block), slot->block.stack_id, kOrdinalUnknown});
    if (slot->block.size == kLargeSize) large_sizes_.erase(address);
  }
  if (size >= kLargeSize) large_sizes_[address] = size;
  slot->block = {size >= kLargeSize ? kLargeSize : uint32_t(size), stack_id};
}

uint64_t LiveBlocks::size_in_table(uint64_t address, const BlockTable::Block& block) const {
  return block.size == kLargeSize ? large_sizes_.find(address)->second : block.size;
}

}  // namespace leakrank
