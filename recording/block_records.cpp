#include "recording/block_records.h"

namespace leakrank {

void BlockRecords::on_alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  add({time_ns, size, stack_id, HeapEvent::alloc});
}

void BlockRecords::on_free(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  add({time_ns, size, stack_id, HeapEvent::free});
}

void BlockRecords::on_heap_records(std::span<const HeapRecord> records) {
  heap_.insert(heap_.end(), records.begin(), records.end());
}

void BlockRecords::replay(RecordSink& sink) const {
  std::span<const HeapRecord> heap(heap_);
  size_t replayed = 0;
  auto replay_heap_until = [&](size_t end) {
    if (end > replayed) sink.on_heap_records(heap.subspan(replayed, end - replayed));
    replayed = end;
  };
  for (const auto& [heap_before, record] : others_) {
    replay_heap_until(heap_before);
    deliver(record, sink);
  }
  replay_heap_until(heap_.size());
}

void BlockRecords::clear() {
  heap_.clear();
  others_.clear();
  has_end_ = false;
}

}  // namespace leakrank
