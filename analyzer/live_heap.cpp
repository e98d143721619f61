#include "analyzer/live_heap.h"

#include <algorithm>
#include <cmath>

namespace leakrank {

LiveHeap::LiveHeap(uint64_t sample_bytes) : sample_bytes_(double(sample_bytes)) {}

// The helpers of the replay loop are forced inline: they run for every event.
[[gnu::always_inline]] inline LiveHeap::Weight LiveHeap::weight(uint64_t size) const {
  if (sample_bytes_ == 0 || size == 0) return {double(size), 1};
  double sampled_fraction = -std::expm1(-double(size) / sample_bytes_);  // 1 - exp(-s / S)
  return {double(size) / sampled_fraction, 1 / sampled_fraction};
}

[[gnu::always_inline]] inline StackUsage& LiveHeap::usage(uint32_t stack_id) {
  if (stack_id >= stacks_.size()) stacks_.resize(size_t(stack_id) + 1);
  return stacks_[stack_id];
}

[[gnu::always_inline]] inline void LiveHeap::note_change(uint32_t stack_id, StackUsage& usage) {
  if (usage.changed_epoch != changed_epoch_) {
    usage.changed_epoch = changed_epoch_;
    changed_.push_back(stack_id);
  }
  if (usage.since_peak_epoch != since_peak_epoch_) {
    usage.since_peak_epoch = since_peak_epoch_;
    since_peak_.push_back(stack_id);
  }
}

// A young block goes into its place among the recent ones; whichever block held that place
// moves on to the table. Blocks of address 0 and of 4 GiB or more go straight to the table.
void LiveHeap::alloc(uint64_t time_ns, uint64_t address, uint64_t size, uint32_t stack_id) {
  if (stack_id > highest_stack_id_) [[unlikely]] stack_id = 0;
  Slot& recent = recent_.slot_for(address);
  if (recent.address == address && address != 0) {  // the block here was freed where we could not see it
    release(address, recent.block);
    ++replaced_blocks_;
    recent.address = 0;
  }
  if (address == 0 || size >= kLargeSize) [[unlikely]] {
    Slot& slot = table_slot(address);  // before pack(): a large block there must go first
    slot.block = pack(address, size, stack_id);
  } else {
    if (recent.address != 0) table_slot(recent.address).block = recent.block;
    recent = {address, pack(address, size, stack_id)};
  }
  Weight w = weight(size);
  StackUsage& stack = usage(stack_id);
  stack.live_bytes += w.bytes;
  stack.live_allocations += w.count;
  stack.total_bytes += w.bytes;
  stack.total_allocations += w.count;
  note_change(stack_id, stack);
  live_bytes_ += w.bytes;
  live_allocations_ += w.count;
  total_bytes_ += w.bytes;
  total_allocations_ += w.count;
  last_alloc_address_ = address;
  last_event_was_alloc_ = true;
  if (live_bytes_ > peak_bytes_) record_peak(time_ns);
}

// The table's slot for a block that outlived its place among the recent ones. A block
// already there was freed where we could not see it: it goes now, when the address is
// reused for a block that lives on (one freed while still recent leaves it to the next).
LiveHeap::Slot& LiveHeap::table_slot(uint64_t address) {
  auto [slot, inserted] = blocks_.try_emplace(address);
  if (!inserted) {
    release(address, slot->block);
    ++replaced_blocks_;
  }
  return *slot;
}

void LiveHeap::free(uint64_t address) {
  Slot& recent = recent_.slot_for(address);
  Block block;
  if (recent.address == address && address != 0) {
    block = recent.block;
    recent.address = 0;
  } else if (Slot* slot = blocks_.find(address)) {
    block = slot->block;
    blocks_.erase(slot);
  } else {
    ++unmatched_frees_;
    last_event_was_alloc_ = false;
    return;
  }
  if (last_event_was_alloc_ && last_alloc_address_ == address) {
    double count = weight(size_of(address, block)).count;
    stacks_[block.stack_id].temporary_allocations += count;
    temporary_allocations_ += count;
  }
  last_event_was_alloc_ = false;
  release(address, block);
}

// Guesses, some events ahead, which table slot the event will touch: the free of a block
// no longer recent, or the block an allocation moves out of the recent ones.
void LiveHeap::prefetch(const HeapRecord& event) const {
  const Slot& recent = recent_.slot_for(event.address);
  if (event.is_free) {
    if (recent.address != event.address) blocks_.prefetch(event.address);
    return;
  }
  if (recent.address != 0 && recent.address != event.address) blocks_.prefetch(recent.address);
  if (event.stack_id < stacks_.size()) __builtin_prefetch(&stacks_[event.stack_id], 1);  // unchecked id: a hint only
}

HeapMoment LiveHeap::replay(std::span<const HeapRecord> events) {
  constexpr size_t kPrefetchDistance = 16;  // enough lookups in flight to hide memory latency
  for (size_t i = 0; i < std::min(kPrefetchDistance, events.size()); ++i) prefetch(events[i]);
  HeapMoment highest{events.empty() ? 0 : events.front().time_ns, live_bytes_};
  for (size_t i = 0; i < events.size(); ++i) {
    if (i + kPrefetchDistance < events.size()) prefetch(events[i + kPrefetchDistance]);
    const HeapRecord& event = events[i];
    if (event.is_free) {
      free(event.address);
    } else {
      alloc(event.time_ns, event.address, event.size, event.stack_id);
      if (live_bytes_ > highest.bytes) highest = {event.time_ns, live_bytes_};
    }
  }
  return highest;
}

// Sizes of 4 GiB and more are rare: they live in a side table so every other block
// takes 8 bytes and the map's slots 16.
LiveHeap::Block LiveHeap::pack(uint64_t address, uint64_t size, uint32_t stack_id) {
  if (size < kLargeSize) return {uint32_t(size), stack_id};
  large_sizes_[address] = size;
  return {kLargeSize, stack_id};
}

uint64_t LiveHeap::size_of(uint64_t address, const Block& block) const {
  return block.size == kLargeSize ? large_sizes_.find(address)->second : block.size;
}

[[gnu::always_inline]] inline void LiveHeap::release(uint64_t address, const Block& block) {
  Weight w = weight(size_of(address, block));
  if (block.size == kLargeSize) large_sizes_.erase(address);
  StackUsage& stack = stacks_[block.stack_id];
  stack.live_bytes -= w.bytes;
  stack.live_allocations -= w.count;
  note_change(block.stack_id, stack);
  live_bytes_ -= w.bytes;
  live_allocations_ -= w.count;
  total_frees_ += w.count;
}

// Copies live bytes into bytes_at_peak only for stacks changed since the previous peak:
// amortized O(1) per event however often the heap peaks.
void LiveHeap::record_peak(uint64_t time_ns) {
  peak_bytes_ = live_bytes_;
  peak_time_ns_ = time_ns;
  for (uint32_t id : since_peak_) stacks_[id].bytes_at_peak = stacks_[id].live_bytes;
  since_peak_.clear();
  ++since_peak_epoch_;
}

void LiveHeap::start_window(uint64_t time_ns) {
  for (StackUsage& stack : stacks_) {
    stack.total_bytes = stack.total_allocations = stack.temporary_allocations = 0;
  }
  total_bytes_ = total_allocations_ = total_frees_ = temporary_allocations_ = 0;
  record_peak(time_ns);
}

void LiveHeap::clear_changed() {
  changed_.clear();
  ++changed_epoch_;
}

}  // namespace leakrank
