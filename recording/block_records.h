#pragma once
// One block's records as the writer wrote them, kept as sink calls for an analysis that
// follows the recording in the same process (run's summary). Replaying them spares that
// analysis decoding the block back, which cost it as much as the heap replay (churn).
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "recording/record_sink.h"

namespace leakrank {

class BlockRecords final : public RecordSink {
 public:
  void add(const HeapRecord& record) { heap_.push_back(record); }  // the writer's per-event path

  void on_meta(const RecordingMeta& meta) override;
  void on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) override;
  void on_stack(uint32_t id, std::span<const uint64_t> ips) override;
  void on_alloc(uint64_t time_ns, uint64_t size, uint32_t stack_id) override;
  void on_free(uint64_t time_ns, uint64_t size, uint32_t stack_id) override;
  void on_heap_records(std::span<const HeapRecord> records) override;
  void on_unmatched_free(uint64_t time_ns, uint64_t address) override;
  void on_rss(uint64_t time_ns, uint64_t bytes) override;
  void on_snapshot(uint64_t time_ns, std::string_view name) override;
  void on_child(uint64_t time_ns, int32_t pid, std::string_view recording_path) override;
  void on_command(uint64_t time_ns, const std::vector<std::string>& command) override;
  void on_end(uint64_t time_ns, int32_t wait_status) override;

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
  // Any other record: a call to make once the heap records before it are replayed.
  void later(std::function<void(RecordSink&)> call) { others_.emplace_back(heap_.size(), std::move(call)); }

  std::vector<HeapRecord> heap_;
  std::vector<std::pair<size_t, std::function<void(RecordSink&)>>> others_;
  bool has_end_ = false;
};

}  // namespace leakrank
