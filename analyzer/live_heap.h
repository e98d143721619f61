#pragma once
// Replays a recording's allocations and frees into the heap they describe: per stack how
// many bytes and blocks are live, plus totals, the peak and temporary allocations. A free
// names the size and stack of what it ends, so no table of blocks is needed. Counts are
// doubles because sampled recordings scale each recorded allocation into an estimate
// (exact for unsampled ones up to 2^53).
#include <cstdint>
#include <span>
#include <vector>

#include "recording/record_sink.h"  // HeapRecord

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

  void alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id);
  // temporary: it frees the allocation made just before (HeapEvent::temporary_free).
  void free(uint64_t size, uint32_t stack_id, bool temporary = false);
  // Every block of stacks 0..highest ends, freed by no one: their image was replaced (exec).
  void end_stacks_through(uint32_t highest);
  // Applies events in order, as alloc() and free() would. Returns the batch's highest heap.
  HeapMoment replay(std::span<const HeapRecord> events);

  // Allocations and frees naming a stack id above this count as stack 0: per-stack tables are indexed
  // by id, and a damaged file must not size them.
  void limit_stack_ids(uint32_t highest) { highest_stack_id_ = highest; }

  // Totals, temporary counts and the peak restart here (--since); live blocks stay.
  void start_window(uint64_t time_ns);

  // Stacks whose usage changed since the last clear_changed(): lets callers update
  // per-site series at snapshot points without scanning every stack.
  std::span<const uint32_t> changed_stacks() const { return changed_; }
  void clear_changed();

  const std::vector<StackUsage>& stacks() const { return stacks_; }
  uint64_t events_replayed() const { return events_replayed_; }  // allocations and frees, as recorded (unscaled)
  double live_bytes() const { return live_bytes_; }
  double live_allocations() const { return live_allocations_; }
  double peak_bytes() const { return peak_bytes_; }
  uint64_t peak_time_ns() const { return peak_time_ns_; }
  double total_bytes() const { return total_bytes_; }
  double total_allocations() const { return total_allocations_; }
  double total_frees() const { return total_frees_; }
  double temporary_allocations() const { return temporary_allocations_; }

 private:
  struct Weight {
    double bytes;
    double count;
  };

  Weight weight(uint64_t size) const;
  void add(uint64_t time_ns, uint64_t size, uint32_t stack_id);  // alloc() and free(), inlined into replay()
  void remove(uint64_t size, uint32_t stack_id, bool temporary);
  StackUsage& usage(uint32_t stack_id);
  void note_change(uint32_t stack_id, StackUsage& usage);
  void record_peak(uint64_t time_ns);

  double sample_bytes_;
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
  uint32_t highest_stack_id_ = UINT32_MAX;
  uint64_t events_replayed_ = 0;
};

}  // namespace leakrank
