#pragma once
// Replays a recording's allocations and frees into the heap they describe: which blocks are
// live, and per stack how many bytes and blocks that is, plus totals, the peak and
// temporary allocations. Counts are doubles because sampled recordings scale each
// recorded allocation into an estimate (exact for unsampled ones up to 2^53).
#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/block_table.h"
#include "analyzer/recent_blocks.h"
#include "recording/recording_reader.h"  // HeapRecord

namespace leakrank {

struct alignas(64) StackUsage {  // one cache line: stacks are touched in random order
  double live_bytes = 0;
  double live_allocations = 0;
  double total_bytes = 0;            // allocated since the window began
  double total_allocations = 0;
  double temporary_allocations = 0;  // freed right after being allocated
  double bytes_at_peak = 0;          // live bytes when the whole heap last peaked
  // Bookkeeping: the epoch in which this stack last joined each change list.
  uint32_t changed_epoch = 0;
  uint32_t since_peak_epoch = 0;
};

struct HeapMoment {
  uint64_t time_ns = 0;
  double bytes = 0;
};

class LiveHeap {
 public:
  // sample_bytes > 0: each recorded allocation of size s stands for s / (1 - exp(-s / sample_bytes))
  // bytes and 1 / (1 - exp(-s / sample_bytes)) allocations.
  explicit LiveHeap(uint64_t sample_bytes = 0);

  void alloc(uint64_t time_ns, uint64_t address, uint64_t size, uint32_t stack_id);
  // Frees of addresses never seen are ignored: allocated before recording began, or unsampled.
  void free(uint64_t address);
  // Applies events in order, as alloc() and free() would, with their table lookups
  // prefetched some events ahead: with many live blocks nearly every lookup is a cache miss
  // otherwise. Returns the batch's highest heap.
  HeapMoment replay(std::span<const HeapRecord> events);

  // Allocations naming a stack id above this count as stack 0: per-stack tables are indexed
  // by id, and a damaged file must not size them.
  void limit_stack_ids(uint32_t highest) { highest_stack_id_ = highest; }

  // Totals, temporary counts and the peak restart here (--since); live blocks stay.
  void start_window(uint64_t time_ns);

  // Stacks whose usage changed since the last clear_changed(): lets callers update
  // per-site series at snapshot points without scanning every stack.
  std::span<const uint32_t> changed_stacks() const { return changed_; }
  void clear_changed();

  const std::vector<StackUsage>& stacks() const { return stacks_; }
  double live_bytes() const { return live_bytes_; }
  double live_allocations() const { return live_allocations_; }
  double peak_bytes() const { return peak_bytes_; }
  uint64_t peak_time_ns() const { return peak_time_ns_; }
  double total_bytes() const { return total_bytes_; }
  double total_allocations() const { return total_allocations_; }
  double total_frees() const { return total_frees_; }
  double temporary_allocations() const { return temporary_allocations_; }
  uint64_t unmatched_frees() const { return unmatched_frees_; }  // ignored, see free()
  uint64_t replaced_blocks() const { return replaced_blocks_; }  // freed outside our view

 private:
  static constexpr uint32_t kLargeSize = UINT32_MAX;  // the size is in large_sizes_
  using Block = BlockTable::Block;
  using Slot = BlockTable::Slot;
  struct Weight {
    double bytes;
    double count;
  };

  Weight weight(uint64_t size) const;
  void prefetch(const HeapRecord& event) const;
  StackUsage& usage(uint32_t stack_id);
  void note_change(uint32_t stack_id, StackUsage& usage);
  Block pack(uint64_t address, uint64_t size, uint32_t stack_id);
  uint64_t size_of(uint64_t address, const Block& block) const;
  Slot& table_slot(uint64_t address);
  void release(uint64_t address, const Block& block);
  void record_peak(uint64_t time_ns);

  double sample_bytes_;
  RecentBlocks recent_;
  BlockTable blocks_;
  absl::flat_hash_map<uint64_t, uint64_t> large_sizes_;
  std::vector<StackUsage> stacks_;
  std::vector<uint32_t> changed_;
  std::vector<uint32_t> since_peak_;  // stacks changed since the peak: refreshed at the next one
  uint32_t changed_epoch_ = 1;
  uint32_t since_peak_epoch_ = 1;
  double live_bytes_ = 0;
  double live_allocations_ = 0;
  double peak_bytes_ = 0;
  uint64_t peak_time_ns_ = 0;
  double total_bytes_ = 0;
  double total_allocations_ = 0;
  double total_frees_ = 0;
  double temporary_allocations_ = 0;
  uint64_t unmatched_frees_ = 0;
  uint64_t replaced_blocks_ = 0;
  uint32_t highest_stack_id_ = UINT32_MAX;
  uint64_t last_alloc_address_ = 0;
  bool last_event_was_alloc_ = false;
};

}  // namespace leakrank
