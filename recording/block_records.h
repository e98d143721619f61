#pragma once
// Records kept in order, to replay later as the same sink calls: the writer's copy of each
// block for an analysis that follows the recording in the same process (run's summary;
// replaying spares it decoding the block back, which cost as much as the heap replay), and
// the pipelined reader's batches.
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "recording/record_sink.h"

namespace leakrank {

class BlockRecords final : public RecordSink {
 public:
  void add(const HeapRecord& record) { heap_.push_back(record); }  // the writer's per-event path

#define LEAKRANK_KEEP_RECORD(Kind) \
  void on(const Kind& record) override { keep(record); }
  LEAKRANK_RECORD_KINDS(LEAKRANK_KEEP_RECORD)
#undef LEAKRANK_KEEP_RECORD
  void on_alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id) override;
  void on_free(uint64_t time_ns, uint64_t size, uint32_t stack_id) override;
  void on_heap_records(std::span<const HeapRecord> records) override;

  // The same calls, in the same order; consecutive heap records reach on_heap_records together.
  void replay(RecordSink& sink) const;
  uint64_t records() const { return heap_.size() + others_.size(); }
  size_t heap_records() const { return heap_.size(); }
  bool has_end() const { return has_end_; }
  void clear();  // keeps the capacity: the writer refills it block after block
  void swap(BlockRecords& other) noexcept {
    heap_.swap(other.heap_);
    others_.swap(other.others_);
    std::swap(has_end_, other.has_end_);
  }

 private:
  // Any other record: replayed once the heap records before it are.
  template <class Kind>
  void keep(const Kind& record) {
    if constexpr (std::is_same_v<Kind, EndRecord>) has_end_ = true;
    others_.emplace_back(heap_.size(), record);
  }

  std::vector<HeapRecord> heap_;
  std::vector<std::pair<size_t, AnyRecord>> others_;
  bool has_end_ = false;
};

}  // namespace leakrank
