#include "recording/block_records.h"

#include <string>

namespace leakrank {

void BlockRecords::on_meta(const RecordingMeta& meta) {
  later([meta](RecordSink& sink) { sink.on_meta(meta); });
}

void BlockRecords::on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) {
  later([generation, modules](RecordSink& sink) { sink.on_module_map(generation, modules); });
}

void BlockRecords::on_stack(uint32_t id, std::span<const uint64_t> ips) {
  later([id, ips = std::vector<uint64_t>(ips.begin(), ips.end())](RecordSink& sink) { sink.on_stack(id, ips); });
}

void BlockRecords::on_alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  add({time_ns, size, stack_id, HeapEvent::alloc});
}

void BlockRecords::on_free(uint64_t time_ns, uint64_t size, uint32_t stack_id) {
  add({time_ns, size, stack_id, HeapEvent::free});
}

void BlockRecords::on_heap_records(std::span<const HeapRecord> records) {
  heap_.insert(heap_.end(), records.begin(), records.end());
}

void BlockRecords::on_unmatched_free(uint64_t time_ns, uint64_t address) {
  later([=](RecordSink& sink) { sink.on_unmatched_free(time_ns, address); });
}

void BlockRecords::on_rss(uint64_t time_ns, uint64_t bytes) {
  later([=](RecordSink& sink) { sink.on_rss(time_ns, bytes); });
}

void BlockRecords::on_snapshot(uint64_t time_ns, std::string_view name) {
  later([time_ns, name = std::string(name)](RecordSink& sink) { sink.on_snapshot(time_ns, name); });
}

void BlockRecords::on_child(uint64_t time_ns, int32_t pid, std::string_view recording_path) {
  later([time_ns, pid, path = std::string(recording_path)](RecordSink& sink) { sink.on_child(time_ns, pid, path); });
}

void BlockRecords::on_command(uint64_t time_ns, const std::vector<std::string>& command) {
  later([time_ns, command](RecordSink& sink) { sink.on_command(time_ns, command); });
}

void BlockRecords::on_end(uint64_t time_ns, int32_t wait_status) {
  has_end_ = true;
  later([=](RecordSink& sink) { sink.on_end(time_ns, wait_status); });
}

void BlockRecords::replay(RecordSink& sink) const {
  std::span<const HeapRecord> heap(heap_);
  size_t replayed = 0;
  auto replay_heap_until = [&](size_t end) {
    if (end > replayed) sink.on_heap_records(heap.subspan(replayed, end - replayed));
    replayed = end;
  };
  for (const auto& [heap_before, call] : others_) {
    replay_heap_until(heap_before);
    call(sink);
  }
  replay_heap_until(heap_.size());
}

void BlockRecords::clear() {
  heap_.clear();
  others_.clear();
  has_end_ = false;
}

}  // namespace leakrank
