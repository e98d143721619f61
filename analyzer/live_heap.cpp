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

// Ids above the limit count as stack 0. A damaged file may free what it never allocated:
// that only makes the stack's counts negative.
[[gnu::always_inline]] inline void LiveHeap::add(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  if (stack_id > highest_stack_id_) [[unlikely]] stack_id = 0;
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
  if (live_bytes_ > peak_bytes_) record_peak(time_ns);
}

[[gnu::always_inline]] inline void LiveHeap::remove(uint64_t size, uint32_t stack_id, bool temporary) {
  if (stack_id > highest_stack_id_) [[unlikely]] stack_id = 0;
  Weight w = weight(size);
  StackUsage& stack = usage(stack_id);
  stack.live_bytes -= w.bytes;
  stack.live_allocations -= w.count;
  note_change(stack_id, stack);
  live_bytes_ -= w.bytes;
  live_allocations_ -= w.count;
  total_frees_ += w.count;
  if (temporary) {
    stack.temporary_allocations += w.count;
    temporary_allocations_ += w.count;
  }
}

void LiveHeap::alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  ++events_replayed_;
  add(time_ns, size, stack_id);
}

void LiveHeap::end_stacks_through(uint32_t highest) {
  for (uint32_t stack_id = 0; stack_id <= highest && stack_id < stacks_.size(); ++stack_id) {
    StackUsage& stack = stacks_[stack_id];
    if (stack.live_bytes == 0 && stack.live_allocations == 0) continue;
    live_bytes_ -= stack.live_bytes;
    live_allocations_ -= stack.live_allocations;
    stack.live_bytes = 0;
    stack.live_allocations = 0;
    note_change(stack_id, stack);
  }
}

void LiveHeap::free(uint64_t size, uint32_t stack_id, bool temporary) {
  ++events_replayed_;
  remove(size, stack_id, temporary);
}

HeapMoment LiveHeap::replay(std::span<const HeapRecord> events) {
  events_replayed_ += events.size();
  HeapMoment highest{events.empty() ? 0 : events.front().time_ns, live_bytes_};
  for (const HeapRecord& event : events) {
    if (event.is_free()) {
      remove(event.size, event.stack_id, event.event == HeapEvent::temporary_free);
    } else {
      add(event.time_ns, event.size, event.stack_id);
      if (live_bytes_ > highest.bytes) highest = {event.time_ns, live_bytes_};
    }
  }
  return highest;
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
