#include "recording/pipelined_reader.h"

#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace leakrank {
namespace {

// Big enough that handing a batch over costs nothing per record, small enough that the
// batches in flight stay in the shared cache.
constexpr size_t kBatchRecords = 4096;
constexpr size_t kBatchFrames = 64 * 1024;  // stacks are few but may be deep
constexpr size_t kBatchesInFlight = 3;

// One record as plain data; what does not fit in the fields lives in its batch. Allocations
// and frees are gathered in runs: tag alloc stands for the run heap[value, value + extra).
struct PlainRecord {
  RecordTag tag;
  uint32_t small;  // stack id, module map generation, child pid or wait status
  uint64_t time_ns;
  uint64_t value;  // unmatched address, RSS bytes, or where the record's data starts in its batch
  uint64_t extra;  // how long the record's data is (for a run: how many allocations and frees)
};

// Records in file order. Cleared, not freed, between uses: decoding allocs and frees,
// nearly all of the stream, allocates nothing once the batches have grown.
struct Batch {
  std::vector<PlainRecord> records;
  std::vector<HeapRecord> heap;  // allocations and frees
  std::vector<uint64_t> frames;  // of stack records
  std::string text;              // snapshot names and child paths
  std::vector<RecordingMeta> metas;
  std::vector<std::vector<ModuleInfo>> module_maps;
  std::vector<std::vector<std::string>> commands;

  bool full() const {
    return heap.size() >= kBatchRecords || records.size() >= kBatchRecords || frames.size() >= kBatchFrames;
  }
  void clear() {
    records.clear();
    heap.clear();
    frames.clear();
    text.clear();
    metas.clear();
    module_maps.clear();
    commands.clear();
  }
  std::string_view text_of(const PlainRecord& r) const { return std::string_view(text).substr(r.value, r.extra); }
  std::span<const uint64_t> frames_of(const PlainRecord& r) const {
    return std::span(frames).subspan(r.value, r.extra);
  }
  std::span<const HeapRecord> heap_run(const PlainRecord& r) const { return std::span(heap).subspan(r.value, r.extra); }
};

// Thrown on the decoding thread when the sink's thread has stopped listening.
struct Cancelled {};

// Hands batches between the two threads: filled ones to the sink's thread, used ones
// back. A fixed set of batches bounds memory and lets decoding run only so far ahead.
class BatchQueue {
 public:
  BatchQueue() {
    for (Batch& batch : batches_) empty_.push_back(&batch);
    filled_.reserve(kBatchesInFlight);
  }

  // --- decoding thread ---
  Batch* take_empty() {
    std::unique_lock lock(mutex_);
    emptied_.wait(lock, [&] { return cancelled_ || !empty_.empty(); });
    if (cancelled_) throw Cancelled{};
    Batch* batch = empty_.back();
    empty_.pop_back();
    return batch;
  }
  void publish(Batch* batch) {
    std::lock_guard lock(mutex_);
    filled_.push_back(batch);
    filled_or_closed_.notify_one();
  }
  // No more batches; the reading ended with this summary or this exception.
  void close(const ReadSummary& summary, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    summary_ = summary;
    error_ = error;
    closed_ = true;
    filled_or_closed_.notify_one();
  }

  // --- sink thread ---
  Batch* take_filled() {  // nullptr once every batch is taken and the reading ended
    std::unique_lock lock(mutex_);
    filled_or_closed_.wait(lock, [&] { return closed_ || !filled_.empty(); });
    if (filled_.empty()) return nullptr;
    Batch* batch = filled_.front();
    filled_.erase(filled_.begin());
    return batch;
  }
  void recycle(Batch* batch) {
    batch->clear();
    std::lock_guard lock(mutex_);
    empty_.push_back(batch);
    emptied_.notify_one();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    emptied_.notify_one();
  }
  ReadSummary outcome() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
    return summary_;
  }

 private:
  std::array<Batch, kBatchesInFlight> batches_;
  std::mutex mutex_;
  std::condition_variable emptied_;
  std::condition_variable filled_or_closed_;
  std::vector<Batch*> empty_;
  std::vector<Batch*> filled_;  // oldest first
  bool closed_ = false;
  bool cancelled_ = false;
  ReadSummary summary_;
  std::exception_ptr error_;
};

// The decoding thread's sink: copies each record into the current batch.
class BatchWriter final : public RecordSink {
 public:
  BatchWriter(BatchQueue& queue, RecordSink* ahead) : queue_(queue), ahead_(ahead) {}

  void on_meta(const RecordingMeta& meta) override {
    batch().metas.push_back(meta);
    add({RecordTag::meta, 0, 0, batch().metas.size() - 1, 0});
  }
  void on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) override {
    if (ahead_) ahead_->on_module_map(generation, modules);
    batch().module_maps.push_back(modules);
    add({RecordTag::module_map, generation, 0, batch().module_maps.size() - 1, 0});
  }
  void on_stack(uint32_t id, std::span<const uint64_t> ips) override {
    if (ahead_) ahead_->on_stack(id, ips);
    std::vector<uint64_t>& frames = batch().frames;
    size_t start = frames.size();
    frames.insert(frames.end(), ips.begin(), ips.end());
    add({RecordTag::stack, id, 0, start, ips.size()});
  }
  void on_heap_records(std::span<const HeapRecord> records) override {
    Batch& into = batch();
    bool extends_run = !into.records.empty() && into.records.back().tag == RecordTag::alloc;
    if (extends_run) into.records.back().extra += records.size();
    else into.records.push_back({RecordTag::alloc, 0, 0, into.heap.size(), records.size()});
    into.heap.insert(into.heap.end(), records.begin(), records.end());
    if (into.full()) flush();
  }
  void on_unmatched_free(uint64_t time_ns, uint64_t address) override {
    add({RecordTag::free_unmatched, 0, time_ns, address, 0});
  }
  void on_rss(uint64_t time_ns, uint64_t bytes) override { add({RecordTag::rss, 0, time_ns, bytes, 0}); }
  void on_snapshot(uint64_t time_ns, std::string_view name) override {
    add({RecordTag::snapshot, 0, time_ns, append_text(name), name.size()});
  }
  void on_child(uint64_t time_ns, int32_t pid, std::string_view path) override {
    add({RecordTag::child, uint32_t(pid), time_ns, append_text(path), path.size()});
  }
  void on_command(uint64_t time_ns, const std::vector<std::string>& command) override {
    batch().commands.push_back(command);
    add({RecordTag::command, 0, time_ns, batch().commands.size() - 1, 0});
  }
  void on_end(uint64_t time_ns, int32_t wait_status) override {
    add({RecordTag::end, uint32_t(wait_status), time_ns, 0, 0});
  }

  void flush() {
    if (batch_) queue_.publish(batch_);
    batch_ = nullptr;
  }

 private:
  // Taken only when a record needs it, so a cancelled reading is noticed on the next record.
  Batch& batch() {
    if (!batch_) batch_ = queue_.take_empty();
    return *batch_;
  }
  void add(const PlainRecord& record) {
    batch().records.push_back(record);
    if (batch_->full()) flush();
  }
  size_t append_text(std::string_view s) {
    size_t start = batch().text.size();
    batch_->text += s;
    return start;
  }

  BatchQueue& queue_;
  RecordSink* ahead_;  // may be null
  Batch* batch_ = nullptr;
};

void decode_into(const std::string& path, BatchQueue& queue, RecordSink* ahead) {
  BatchWriter writer(queue, ahead);
  ReadSummary summary;
  std::exception_ptr error;
  try {
    summary = read_recording(path, writer);
  } catch (...) {  // Cancelled too: then nobody looks
    error = std::current_exception();
  }
  writer.flush();  // the records read before an error come before it
  queue.close(summary, error);
}

void deliver(const Batch& batch, RecordSink& sink) {
  for (const PlainRecord& r : batch.records) {
    switch (r.tag) {
      case RecordTag::alloc:
      case RecordTag::free:
      case RecordTag::free_recent:
      case RecordTag::free_young: sink.on_heap_records(batch.heap_run(r)); break;
      case RecordTag::free_unmatched: sink.on_unmatched_free(r.time_ns, r.value); break;
      case RecordTag::stack: sink.on_stack(r.small, batch.frames_of(r)); break;
      case RecordTag::module_map: sink.on_module_map(r.small, batch.module_maps[r.value]); break;
      case RecordTag::meta: sink.on_meta(batch.metas[r.value]); break;
      case RecordTag::rss: sink.on_rss(r.time_ns, r.value); break;
      case RecordTag::snapshot: sink.on_snapshot(r.time_ns, batch.text_of(r)); break;
      case RecordTag::child: sink.on_child(r.time_ns, int32_t(r.small), batch.text_of(r)); break;
      case RecordTag::command: sink.on_command(r.time_ns, batch.commands[r.value]); break;
      case RecordTag::end: sink.on_end(r.time_ns, int32_t(r.small)); break;
    }
  }
}

ReadSummary read_pipelined(const std::string& path, RecordSink& sink, RecordSink* ahead) {
  BatchQueue queue;
  std::jthread decoder(decode_into, std::cref(path), std::ref(queue), ahead);
  try {
    while (Batch* batch = queue.take_filled()) {
      deliver(*batch, sink);
      queue.recycle(batch);
    }
  } catch (...) {  // the sink failed: stop decoding, then let the thread end before the queue goes
    queue.cancel();
    throw;
  }
  decoder.join();
  return queue.outcome();
}

}  // namespace

ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink) {
  return read_pipelined(path, sink, nullptr);
}

ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink, RecordSink& ahead) {
  return read_pipelined(path, sink, &ahead);
}

}  // namespace leakrank
